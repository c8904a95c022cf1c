// zswap (mm/zswap.c): a compressed cache in front of the swap device. A page on its way to swap is
// compressed into the zsmalloc pool instead of written, up to max_pool_percent of RAM; once full,
// every store is refused until the pool drains to accept_threshold_percent of its limit, while the
// shrink worker writes the oldest entries back to the device.
import type {BlockDevice} from './block-device.js';
import {compressedSize} from './compression.js';
import {type Core, CoreModule} from './core.js';
import {COMPRESSORS} from './costs.js';
import type {Rmap} from './rmap.js';
import type {ZswapSpec} from './spec.js';
import {SLOT_DISK, type SwapArea} from './swap.js';
import {PAGE_SIZE} from './units.js';
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
	/** Past max_pool_percent and not yet drained to accept_threshold_percent. */
	full = false;

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
		if (this.full) return ZSWAP_REJECTED;
		const size = compressedSize(this.rng, this.spec.compressor, compressibility);
		time.costUs += COMPRESSORS[this.spec.compressor].compressUs;
		// mm/zswap.c zswap_compress(): `if (comp_ret || !dlen || dlen >= PAGE_SIZE)` the store fails
		// (6.18 and later store such a page uncompressed when writeback is enabled; not modelled).
		if (size >= PAGE_SIZE) {
			this.vm.zswap_reject_compress_poor++;
			return ZSWAP_REJECTED;
		}
		if (!this.zs.reserve(ZS_ZSWAP, size)) return ZSWAP_REJECTED;
		this.zs.add(ZS_ZSWAP, size);
		this.stored++;
		return size;
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

	/** shrink_worker(): while the pool is full, write the oldest entries back to the swap device. */
	writeback(): void {
		if (!this.full || !this.swap || !this.swapDev) return;
		const swap = this.swap;
		const dev = this.swapDev;
		const target = this.acceptPages();
		const nowUs = this.clock.nowUs;
		let written = 0;
		while (this.poolPages() > target && !dev.congested(nowUs)) {
			const slot = swap.zswapLru!.head(0);
			if (slot < 0) break;
			swap.zswapLru!.remove(slot);
			this.zs.remove(ZS_ZSWAP, swap.size[slot]!);
			this.stored--;
			swap.state[slot] = SLOT_DISK;
			swap.size[slot] = 0;
			dev.write(nowUs, 1);
			this.vm.zswpwb++;
			this.vm.pswpout++;
			written++;
			// The zswap count of each process holding the entry follows it (rmap.ts).
			this.rmap.zswapWrittenBack(slot);
		}
		const tick = this.clock.tick;
		if (written) {
			this.zs.shrink();
			this.events.emit({kind: 'zswap-writeback', tick, pages: written});
		}
		if (this.poolPages() <= target) {
			this.full = false;
			this.events.emit({kind: 'zswap-accepting', tick, poolPages: this.poolPages()});
		}
	}

	save() {
		return {zswapEnabled: this.enabled, zswapStored: this.stored, zswapFull: this.full};
	}

	load(s: {zswapEnabled: boolean; zswapStored: number; zswapFull: boolean}): void {
		this.enabled = s.zswapEnabled;
		this.stored = s.zswapStored;
		this.full = s.zswapFull;
	}
}
