// Dirty page cache and its writeback (mm/page-writeback.c, fs/fs-writeback.c): the dirty limits over
// dirtyable memory, balance_dirty_pages() throttling writers past the setpoint, and the flusher
// threads writing back past dirty_background_ratio, pages reclaim asked for, and every 5 s what has
// been dirty for 30 s. Dirty frames are kept in the order they were dirtied (with the tick).
import type {BlockDevice} from './block-device.js';
import {type Core, CoreModule} from './core.js';
import {MAX_DIRTY_PAUSE_US} from './costs.js';
import {FRAME_FILE, PG_DIRTY, PG_RECLAIM, PG_WRITEBACK} from './frames.js';
import type {Proc} from './process.js';
import {pagesToKb, TICK_US, TICKS_PER_SECOND} from './units.js';

/** dirty_writeback_centisecs = 500: the flusher's periodic wake-up. */
const WRITEBACK_INTERVAL_TICKS = 5 * TICKS_PER_SECOND;
/** dirty_expire_centisecs = 3000: data dirty this long is written at the next periodic wake-up. */
const DIRTY_EXPIRE_TICKS = 30 * TICKS_PER_SECOND;
/** balance_dirty_pages_ratelimited(): a writer is checked (and paused) once per 32 pages dirtied. */
const RATELIMIT_PAGES = 32;

export class Writeback extends CoreModule {
	/** Dirty file pages (Dirty) and pages under writeback (Writeback). */
	nrDirty = 0;
	nrWriteback = 0;
	/** A FIFO of frames in the order they were dirtied, and the tick each was. */
	private ring: Int32Array = new Int32Array(1024);
	private ringTick: Int32Array = new Int32Array(1024);
	private head = 0;
	private len = 0;

	constructor(
		core: Core,
		private readonly disk: BlockDevice,
	) {
		super(core);
	}

	/** Dirty thresholds over dirtyable memory: free + file LRU − reserve (global_dirty_limits). */
	dirtyThresholds(): {bg: number; thresh: number} {
		const lru = this.lruvec.lru;
		const dirtyable = Math.max(
			0,
			this.zone.freePages + lru.activeFile + lru.inactiveFile - this.zone.wm.high,
		);
		return {
			bg: Math.floor((dirtyable * this.sysctl.dirty_background_ratio) / 100),
			thresh: Math.floor((dirtyable * this.sysctl.dirty_ratio) / 100),
		};
	}

	/** Writing a file page dirties it; balance_dirty_pages() throttles writers past the dirty setpoint. Returns the pause (µs). */
	dirtyFilePage(p: Proc, frame: number): number {
		const flags = this.zone.frames.flags;
		if (flags[frame]! & PG_DIRTY) return 0;
		flags[frame]! |= PG_DIRTY;
		this.nrDirty++;
		if (this.len === this.ring.length) this.growRing();
		const at = (this.head + this.len) % this.ring.length;
		this.ring[at] = frame;
		this.ringTick[at] = this.clock.tick;
		this.len++;
		const {bg, thresh} = this.dirtyThresholds();
		const setpoint = (bg + thresh) / 2;
		if (this.nrDirty + this.nrWriteback <= setpoint) return 0;
		// Pauses grow quadratically toward dirty_ratio, ≤200 ms per ratelimit batch.
		const over = Math.min(1, (this.nrDirty + this.nrWriteback - setpoint) / Math.max(1, thresh - setpoint));
		const pause = (MAX_DIRTY_PAUSE_US * over * over) / RATELIMIT_PAGES;
		p.tickIoUs += pause;
		p.tickThrottleUs += pause;
		return pause;
	}

	private growRing(): void {
		const len = this.ring.length;
		const ring = new Int32Array(len * 2);
		const ticks = new Int32Array(len * 2);
		for (let i = 0; i < this.len; i++) {
			ring[i] = this.ring[(this.head + i) % len]!;
			ticks[i] = this.ringTick[(this.head + i) % len]!;
		}
		this.ring = ring;
		this.ringTick = ticks;
		this.head = 0;
	}

	/** The flusher threads: background writeback past dirty_background_ratio, and expired pages every 5 s. */
	runFlusher(): void {
		if (this.len === 0) return;
		const {bg} = this.dirtyThresholds();
		const tick = this.clock.tick;
		const nowUs = this.clock.nowUs;
		const periodic = tick % WRITEBACK_INTERVAL_TICKS === 0;
		const frames = this.zone.frames;
		const flags = frames.flags;
		const disk = this.disk;
		let budget = Math.floor(TICK_US / disk.profile.transferUs);
		let prevObj = -1;
		let prevOff = -2;
		while (this.len > 0 && budget > 0) {
			const frame = this.ring[this.head]!;
			const dirtiedAt = this.ringTick[this.head]!;
			const over = this.nrDirty > bg;
			const expired = periodic || tick - dirtiedAt >= DIRTY_EXPIRE_TICKS;
			const wanted = (flags[frame]! & PG_RECLAIM) !== 0;
			if (!over && !expired && !wanted) break;
			this.head = (this.head + 1) % this.ring.length;
			this.len--;
			if (frames.kind[frame] !== FRAME_FILE || !(flags[frame]! & PG_DIRTY)) continue;
			if (disk.congested(nowUs)) {
				// Put it back at the head and try next tick.
				this.head = (this.head - 1 + this.ring.length) % this.ring.length;
				this.len++;
				break;
			}
			// The next page of the same file continues the request (merged): no seek.
			const obj = frames.owner[frame]!;
			const off = frames.index[frame]!;
			disk.write(nowUs, 1, obj !== prevObj || off !== prevOff + 1);
			prevObj = obj;
			prevOff = off;
			// Writeback completes within the tick here; PG_reclaim pages become reclaimable at once.
			flags[frame] = flags[frame]! & ~(PG_DIRTY | PG_RECLAIM | PG_WRITEBACK);
			this.nrDirty--;
			this.vm.pgpgout += pagesToKb(1);
			budget--;
		}
	}

	save() {
		return {
			dirtyHead: this.head,
			dirtyLen: this.len,
			nrDirty: this.nrDirty,
			nrWriteback: this.nrWriteback,
			dirtyRing: this.ring,
			dirtyRingTick: this.ringTick,
		};
	}

	load(s: {
		dirtyHead: number;
		dirtyLen: number;
		nrDirty: number;
		nrWriteback: number;
		dirtyRing: Int32Array;
		dirtyRingTick: Int32Array;
	}): void {
		this.head = s.dirtyHead;
		this.len = s.dirtyLen;
		this.nrDirty = s.nrDirty;
		this.nrWriteback = s.nrWriteback;
		this.ring = s.dirtyRing;
		this.ringTick = s.dirtyRingTick;
	}
}

/**
 * Host bytes of the writeback state on a machine of `frames` frames, at its bound (sim/host-cost.ts):
 * the dirty ring (frame and tick, Int32 each) can come to hold every frame (dirty_ratio may be set to
 * 100 at any time), and it doubles as it grows, so up to twice that.
 */
export function writebackBytes(frames: number): number {
	return frames * 2 * 4 * 2;
}
