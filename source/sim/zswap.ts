// zswap (mm/zswap.c): a compressed cache in front of the swap device. A page on its way to swap is
// compressed into the zsmalloc pool instead of written, up to max_pool_percent of RAM; once full,
// every store is refused until the pool drains to accept_threshold_percent of its limit, while the
// shrink worker writes entries back to the device from the head of the pool's LRU, one at a time,
// giving each entry stored since its last look a second chance.
import type {BlockDevice} from './block-device.js';
import {compressedSize} from './compression.js';
import {type Core, CoreModule} from './core.js';
import {COMPRESSORS, ZSWAP_ROTATE_US, ZSWAP_WRITEBACK_SUBMIT_US} from './costs.js';
import type {Rmap} from './rmap.js';
import type {ZswapSpec} from './spec.js';
import {SLOT_DISK, type SwapArea} from './swap.js';
import {MAX_RECLAIM_RETRIES, PAGE_SIZE, TICK_US} from './units.js';
import {ZS_ZSWAP, type Zsmalloc} from './zsmalloc.js';

/** zswap_store() refused the page: it goes to the swap device. */
export const ZSWAP_REJECTED = -1;

/** What reclaim time is charged to (vmscan.ts's scan control): compressing is the reclaimer's work. */
export interface ReclaimTime {
	costUs: number;
}

export class Zswap extends CoreModule {
	enabled: boolean;
	/** Entries in the pool (Zswapped, in pages). */
	stored = 0;
	/** Past max_pool_percent and not yet drained to accept_threshold_percent (zswap_pool_reached_full). */
	full = false;
	/** The shrink worker: queue_work() calls not yet run, a run in progress, and that run's failures. */
	private shrinkQueued = 0;
	private shrinkRunning = false;
	private shrinkFailures = 0;

	private readonly totalPages: number;

	constructor(
		core: Core,
		private readonly spec: ZswapSpec,
		private readonly zs: Zsmalloc,
		private readonly swap: SwapArea | null,
		private readonly swapDev: BlockDevice | null,
		private readonly rmap: Rmap,
	) {
		super(core);
		this.totalPages = core.zone.totalPages;
		this.enabled = spec.enabled;
		if (this.enabled) swap?.enableZswap();
	}

	/** echo Y|N > /sys/module/zswap/parameters/enabled. */
	setEnabled(on: boolean): void {
		this.enabled = on;
		if (on) this.swap?.enableZswap();
	}

	/** Compressed bytes in the pool. */
	get bytes(): number {
		return this.zs.bytes(ZS_ZSWAP);
	}

	/** The pool's limit: max_pool_percent of RAM, in pages. */
	limitPages(): number {
		return Math.floor((this.totalPages * this.spec.max_pool_percent) / 100);
	}

	poolPages(): number {
		return Math.ceil(this.bytes / PAGE_SIZE);
	}

	private acceptPages(): number {
		return Math.floor((this.limitPages() * this.spec.accept_threshold_percent) / 100);
	}

	/**
	 * zswap_store(): compress the page into the pool. zswap_check_limits(): once the pool reaches
	 * max_pool_percent every store is rejected until it drains to accept_threshold_percent of it.
	 * Returns the compressed size, or ZSWAP_REJECTED when the page goes to the swap device instead.
	 */
	tryStore(time: ReclaimTime, compressibility: number): number {
		const limit = this.limitPages();
		const cur = this.poolPages();
		const tick = this.clock.tick;
		if (cur >= limit) {
			this.vm.zswap_pool_limit_hit++;
			if (!this.full) this.events.emit({kind: 'zswap-pool-full', tick, poolPages: cur, limitPages: limit});
			this.full = true;
		} else if (this.full && cur <= this.acceptPages()) {
			this.full = false;
			this.events.emit({kind: 'zswap-accepting', tick, poolPages: cur});
		}
		if (this.full) return this.reject();
		const size = compressedSize(this.rng, this.spec.compressor, compressibility);
		time.costUs += COMPRESSORS[this.spec.compressor].compressUs;
		// mm/zswap.c zswap_compress(): `if (comp_ret || !dlen || dlen >= PAGE_SIZE)` the store fails
		// (6.18 and later store such a page uncompressed when writeback is enabled; not modelled).
		if (size >= PAGE_SIZE) {
			this.vm.zswap_reject_compress_poor++;
			return this.reject();
		}
		if (!this.zs.reserve(ZS_ZSWAP, size)) return this.reject();
		this.zs.add(ZS_ZSWAP, size);
		this.stored++;
		return size;
	}

	/** zswap_store() failed: `if (!ret && zswap_pool_reached_full) queue_work(shrink_wq, &zswap_shrink_work)`. */
	private reject(): number {
		if (this.full) this.shrinkQueued++;
		return ZSWAP_REJECTED;
	}

	/** A stored page that found no swap slot after all: take it back out. */
	unstore(size: number): void {
		this.zs.remove(ZS_ZSWAP, size);
		this.stored--;
		this.zs.shrink();
	}

	/** The slot's entry is gone (zswap_invalidate, or loaded back in). */
	free(slot: number): void {
		const swap = this.swap!;
		this.zs.remove(ZS_ZSWAP, swap.size[slot]!);
		this.stored--;
		swap.zswapLru!.remove(slot);
		this.zs.shrink();
	}

	/**
	 * mm/zswap.c shrink_worker() on its kworker, once a tick. Each queue_work() since the last tick is a
	 * run. A run is shrink_worker's loop: shrink_memcg() walks one entry from the head of the pool's LRU
	 * (nr_to_walk = 1; memtop's zswap LRU is one list, not one per memcg). shrink_memcg_cb(): an entry
	 * still referenced gets its second chance (the bit cleared, rotated to the tail) and the call fails
	 * (-EAGAIN); else it is written back. `while (zswap_total_pages() > thr)`, thr =
	 * accept_threshold_percent of the limit, and MAX_RECLAIM_RETRIES failures end the run. A run that
	 * drained the pool took long enough that the calls made meanwhile are one more run (queue_work on
	 * a pending work does nothing); one that gave up after 16 rotations took under 2 µs, so each later
	 * call is its own run. The worker does at most a tick of work a tick (ZSWAP_WRITEBACK_SUBMIT_US,
	 * ZSWAP_ROTATE_US, the decompression) and stops for the tick while the device queue is congested
	 * (submit_bio waits for a tag); a run cut short goes on next tick.
	 */
	shrinkWorker(): void {
		if (!this.swap || !this.swapDev) {
			this.shrinkQueued = 0;
			return;
		}
		if (!this.shrinkRunning && !this.startRun()) return;
		const swap = this.swap;
		const dev = this.swapDev;
		const lru = swap.zswapLru!;
		const ref = swap.zswapRef!;
		const thr = this.acceptPages();
		const nowUs = this.clock.nowUs;
		const writeUs = COMPRESSORS[this.spec.compressor].decompressUs + ZSWAP_WRITEBACK_SUBMIT_US;
		let budgetUs = TICK_US;
		let written = 0;
		while (this.shrinkRunning) {
			if (budgetUs <= 0 || dev.congested(nowUs)) {
				// Cut short: it runs on next tick, and the calls made while it ran are one more run.
				this.shrinkQueued = Math.min(this.shrinkQueued, 1);
				break;
			}
			const slot = lru.head(0);
			let failed = false;
			if (slot < 0) {
				this.shrinkRunning = false;
			} else if (ref[slot]) {
				ref[slot] = 0;
				lru.moveTail(0, slot);
				budgetUs -= ZSWAP_ROTATE_US;
				failed = true;
			} else {
				this.writebackEntry(slot, nowUs);
				budgetUs -= writeUs;
				written++;
			}
			if (failed && ++this.shrinkFailures === MAX_RECLAIM_RETRIES) {
				this.shrinkRunning = false;
			} else if (this.shrinkRunning && this.poolPages() <= thr) {
				this.shrinkRunning = false;
				this.shrinkQueued = Math.min(this.shrinkQueued, 1);
			}
			if (!this.shrinkRunning && budgetUs > 0) this.startRun();
		}
		if (written) {
			this.zs.shrink();
			this.events.emit({kind: 'zswap-writeback', tick: this.clock.tick, pages: written});
		}
	}

	/** The work item starts running (its pending bit is cleared): one queued call consumed. */
	private startRun(): boolean {
		if (this.shrinkQueued === 0) return false;
		this.shrinkQueued--;
		this.shrinkRunning = true;
		this.shrinkFailures = 0;
		return true;
	}

	/** zswap_writeback_entry(): decompress the entry and write it to its slot on the swap device. */
	private writebackEntry(slot: number, nowUs: number): void {
		const swap = this.swap!;
		swap.zswapLru!.remove(slot);
		this.zs.remove(ZS_ZSWAP, swap.size[slot]!);
		this.stored--;
		swap.state[slot] = SLOT_DISK;
		swap.size[slot] = 0;
		this.swapDev!.write(nowUs, 1);
		this.vm.zswpwb++;
		this.vm.pswpout++;
		// The zswap count of each process holding the entry follows it (rmap.ts).
		this.rmap.zswapWrittenBack(slot);
	}

	save() {
		return {zswapEnabled: this.enabled, zswapStored: this.stored, zswapFull: this.full};
	}

	/** The shrink worker's state, absent while it is idle (so states without it keep their bytes). */
	saveShrink(): {zswapShrink?: [queued: number, running: number, failures: number]} {
		if (this.shrinkQueued === 0 && !this.shrinkRunning) return {};
		return {zswapShrink: [this.shrinkQueued, this.shrinkRunning ? 1 : 0, this.shrinkFailures]};
	}

	load(s: {
		zswapEnabled: boolean;
		zswapStored: number;
		zswapFull: boolean;
		zswapShrink?: [number, number, number];
	}): void {
		this.enabled = s.zswapEnabled;
		this.stored = s.zswapStored;
		this.full = s.zswapFull;
		const [queued, running, failures] = s.zswapShrink ?? [0, 0, 0];
		this.shrinkQueued = queued;
		this.shrinkRunning = running === 1;
		this.shrinkFailures = failures;
	}
}
