// Dirty page cache and its writeback (mm/page-writeback.c, fs/fs-writeback.c): the dirty limits over
// dirtyable memory (domain_dirty_limits), balance_dirty_pages() pacing writers by the position
// ratio around the setpoint, and the flusher (wb_do_writeback): reclaim's wake-ups, kupdate every
// 5 s for inodes dirty 30 s, background writeback past dirty_background_ratio. Writeback is a state:
// a page written is PG_writeback until the device completes it (the time BlockDevice.write returns).
// Each inode (file object) keeps its dirty pages in dirtying order in an intrusive list (one Int32
// per frame) and its dirtied_when; pages in flight are a FIFO of frame and completion time.
import type {BlockDevice} from './block-device.js';
import {type Core, CoreModule} from './core.js';
import {type DirtyLimits, dirtyPauseUs, domainDirtyLimits, posRatio} from './dirty-throttle.js';
import {PG_DIRTY, PG_RECLAIM, PG_WRITEBACK} from './frames.js';
import type {Proc} from './process.js';
import {pagesToKb, TICK_US, TICKS_PER_SECOND} from './units.js';

/** dirty_writeback_centisecs = 500: kupdate's periodic wake-up (wb_check_old_data_flush). */
const WRITEBACK_INTERVAL_TICKS = 5 * TICKS_PER_SECOND;
/** dirty_expire_centisecs = 3000: an inode dirty this long is written at the next periodic wake-up. */
const DIRTY_EXPIRE_TICKS = 30 * TICKS_PER_SECOND;
/** BANDWIDTH_INTERVAL = HZ/5: the write bandwidth and dirty ratelimit are re-estimated every 200 ms. */
const BANDWIDTH_INTERVAL_TICKS = TICKS_PER_SECOND / 5;
/** wb_update_write_bandwidth's period: roundup_pow_of_two(3 s) = 4096 ms at HZ 1000. */
const BANDWIDTH_PERIOD_US = 4_096_000;
/** INIT_BW: 100 MB/s in pages per second, the estimate before any writeback was measured. */
export const INIT_BW_PAGES = (100 << 20) / 4096;
/** Flusher's IO submission stops while the device has this much work queued (the request queue is full). */
const FLUSHER_QUEUE_US = 100_000;

export class Writeback extends CoreModule {
	/** Dirty file pages (Dirty, nr_dirty) and pages under writeback (Writeback, nr_writeback). */
	nrDirty = 0;
	nrWriteback = 0;
	/** Per inode (file object id): dirty pages, dirtied_when (tick, −1 clean), its list's head and tail. */
	private inoDirty = new Int32Array(0);
	private inoDirtiedWhen = new Int32Array(0);
	private inoHead = new Int32Array(0);
	private inoTail = new Int32Array(0);
	/** The next dirty frame of the same inode (−1: the last). */
	private nextDirty: Int32Array;
	/** Pages under writeback, in submission order, and when each completes (µs). */
	private wbFrame = new Int32Array(1024);
	private wbDone = new Float64Array(1024);
	private wbHead = 0;
	private wbLen = 0;
	/** Pages the queued works still want written: reclaim's wake-up (WB_REASON_VMSCAN) and kupdate. */
	private reclaimWork = 0;
	private kupdateWork = 0;
	/** Where the last write ended (object, offset): the next page there continues the request. */
	private lastObj = -1;
	private lastOff = -2;
	/** The inode being written and what is left of its chunk (pages). */
	private curIno = -1;
	private chunkLeft = 0;
	/** wb->write_bandwidth and wb->dirty_ratelimit (pages/s), and the current interval's counts. */
	writeBw = INIT_BW_PAGES;
	dirtyRatelimit = INIT_BW_PAGES;
	private bwDirtied = 0;
	private bwWritten = 0;
	private bwBusy = 0;
	/** A writer was over freerun (in balance_dirty_pages' throttled path) in this interval. */
	private bwThrottled = 0;

	constructor(
		core: Core,
		private readonly disk: BlockDevice,
	) {
		super(core);
		this.nextDirty = new Int32Array(core.zone.totalPages).fill(-1);
	}

	/** The global domain's limits over dirtyable memory (global_dirtyable_memory + domain_dirty_limits). */
	dirtyLimits(): DirtyLimits {
		const lru = this.lruvec.lru;
		const free = this.zone.freePages;
		// totalreserve_pages: the high watermark as setup set it (the zone has no lowmem_reserve).
		const avail = free - Math.min(free, this.zone.watermark.high) + lru.activeFile + lru.inactiveFile + 1;
		return domainDirtyLimits(avail, this.sysctl.dirty_ratio, this.sysctl.dirty_background_ratio);
	}

	/** An inode's dirty pages and its dirtied_when (tick; −1 when clean). */
	inode(id: number): {dirty: number; dirtiedWhen: number} {
		return {dirty: this.inoDirty[id] ?? 0, dirtiedWhen: this.inoDirtiedWhen[id] ?? -1};
	}

	dirtyThresholds(): {bg: number; thresh: number} {
		const {bg, thresh} = this.dirtyLimits();
		return {bg, thresh};
	}

	private ensureInodes(): void {
		const n = this.files.files.length;
		if (this.inoDirty.length >= n) return;
		const grow = (a: Int32Array, fill: number) => {
			const b = new Int32Array(Math.max(n, a.length * 2)).fill(fill);
			b.set(a);
			return b;
		};
		this.inoDirty = grow(this.inoDirty, 0);
		this.inoDirtiedWhen = grow(this.inoDirtiedWhen, -1);
		this.inoHead = grow(this.inoHead, -1);
		this.inoTail = grow(this.inoTail, -1);
	}

	/** Add the frame at its inode's tail (__mark_inode_dirty sets dirtied_when when the inode was clean). */
	private pushDirty(ino: number, frame: number): void {
		this.nextDirty[frame] = -1;
		if (this.inoTail[ino]! >= 0) this.nextDirty[this.inoTail[ino]!] = frame;
		else this.inoHead[ino] = frame;
		this.inoTail[ino] = frame;
	}

	private popDirty(ino: number): number {
		const f = this.inoHead[ino]!;
		this.inoHead[ino] = this.nextDirty[f]!;
		if (this.inoHead[ino]! < 0) this.inoTail[ino] = -1;
		this.nextDirty[f] = -1;
		return f;
	}

	/** Writing a file page dirties it (folio_mark_dirty); balance_dirty_pages() paces the writer. Returns the pause (µs). */
	dirtyFilePage(p: Proc, frame: number): number {
		const flags = this.zone.frames.flags;
		if (flags[frame]! & PG_DIRTY) return 0;
		this.ensureInodes();
		const ino = this.zone.frames.owner[frame]!;
		flags[frame]! |= PG_DIRTY;
		this.nrDirty++;
		this.bwDirtied++;
		if (this.inoDirty[ino]!++ === 0) this.inoDirtiedWhen[ino] = this.clock.tick;
		this.pushDirty(ino, frame);
		// balance_dirty_pages() counts NR_FILE_DIRTY + NR_WRITEBACK (domain_dirty_avail with writeback).
		const dirty = this.nrDirty + this.nrWriteback;
		const limits = this.dirtyLimits();
		if (dirty > limits.freerun) this.bwThrottled = 1;
		const pause = dirtyPauseUs(limits, dirty, this.dirtyRatelimit, p.usPerRef);
		if (pause > 0) {
			// io_schedule_timeout(): the pause is an IO wait, not a memory stall.
			p.tickIoUs += pause;
			p.tickThrottleUs += pause;
			p.lastWait = 'throttled';
		}
		return pause;
	}

	/**
	 * reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK): how long until SWAP_CLUSTER_MAX (32) more pages
	 * complete writeback (the wake-up in __acct_reclaim_writeback), from `nowUs`; 0 if none are in flight.
	 */
	writebackWaitUs(nowUs: number): number {
		if (this.wbLen === 0) return 0;
		const i = (this.wbHead + Math.min(this.wbLen, 32) - 1) % this.wbFrame.length;
		return Math.max(0, this.wbDone[i]! - nowUs);
	}

	/** Reclaim met dirty file pages it cannot write itself: wakeup_flusher_threads(WB_REASON_VMSCAN). */
	wakeForReclaim(): void {
		if (this.reclaimWork === 0) this.reclaimWork = this.nrDirty;
	}

	/** The flusher thread, once a tick: completions, the bandwidth estimate, then the works in wb_do_writeback's order. */
	runFlusher(): void {
		const tick = this.clock.tick;
		const nowUs = tick * TICK_US;
		this.completeWriteback(nowUs);
		if (tick % BANDWIDTH_INTERVAL_TICKS === 0) this.updateBandwidth();
		// wb_check_old_data_flush(): every 5 s, write what has been dirty for 30 s.
		if (tick % WRITEBACK_INTERVAL_TICKS === 0 && this.nrDirty > 0) this.kupdateWork = this.nrDirty;
		if (this.nrDirty === 0) {
			this.reclaimWork = this.kupdateWork = 0;
			return;
		}
		this.ensureInodes();
		let steps = this.nrDirty + 64;
		while (steps-- > 0 && this.nrDirty > 0 && this.disk.queuedAt(nowUs) < FLUSHER_QUEUE_US) {
			let ino: number;
			if (this.reclaimWork > 0) {
				ino = this.nextInode(Number.POSITIVE_INFINITY);
				this.reclaimWork--;
			} else if (this.kupdateWork > 0) {
				ino = this.nextInode(tick - DIRTY_EXPIRE_TICKS);
				if (ino < 0) {
					this.kupdateWork = 0;
					continue;
				}
				this.kupdateWork--;
			} else if (this.nrDirty > this.dirtyLimits().bg) {
				// wb_check_background_flush(): NR_FILE_DIRTY over the background threshold.
				ino = this.nextInode(Number.POSITIVE_INFINITY);
			} else break;
			if (ino < 0) break;
			this.writeOne(ino, nowUs);
		}
	}

	/**
	 * writeback_sb_inodes(): the current inode while its chunk lasts (writeback_chunk_size(): half a
	 * second of write bandwidth, at most dirty_limit / 8, rounded to 1024 pages), then requeue_io()
	 * puts it behind the others: the oldest other inode dirtied at or before `cutoff` goes next.
	 */
	private nextInode(cutoff: number): number {
		const cur = this.curIno;
		if (cur >= 0 && this.chunkLeft > 0 && this.inoDirty[cur]! > 0 && this.inoDirtiedWhen[cur]! <= cutoff) {
			this.chunkLeft--;
			return cur;
		}
		let ino = this.oldestInode(cutoff, cur);
		if (ino < 0) ino = this.oldestInode(cutoff, -1);
		if (ino < 0) return -1;
		const pages = Math.min(this.writeBw / 2, this.dirtyLimits().limit / 8);
		this.curIno = ino;
		this.chunkLeft = Math.floor((pages + 1024) / 1024) * 1024 - 1;
		return ino;
	}

	/** b_dirty's order: the inode dirtied first (dirtied_when, then id) among those dirtied at or before `cutoff`. */
	private oldestInode(cutoff: number, exclude: number): number {
		let best = -1;
		for (let i = 0; i < this.files.files.length; i++) {
			if (this.inoDirty[i] === 0 || i === exclude) continue;
			const w = this.inoDirtiedWhen[i]!;
			if (w <= cutoff && (best < 0 || w < this.inoDirtiedWhen[best]!)) best = i;
		}
		return best;
	}

	/** Write the inode's oldest dirty page: PG_dirty becomes PG_writeback until the device completes it. */
	private writeOne(ino: number, nowUs: number): void {
		const frames = this.zone.frames;
		const flags = frames.flags;
		const f = this.popDirty(ino);
		if (flags[f]! & PG_WRITEBACK) {
			// Redirtied while still under writeback: WB_SYNC_NONE skips it (redirty, to the list's tail).
			this.pushDirty(ino, f);
			return;
		}
		flags[f] = (flags[f]! & ~PG_DIRTY) | PG_WRITEBACK;
		this.nrDirty--;
		this.nrWriteback++;
		if (--this.inoDirty[ino]! === 0) this.inoDirtiedWhen[ino] = -1;
		const off = frames.index[f]!;
		// The next page of the same file continues the request (merged): no seek.
		const done = this.disk.write(nowUs, 1, ino !== this.lastObj || off !== this.lastOff + 1);
		this.lastObj = ino;
		this.lastOff = off;
		this.vm.pgpgout += pagesToKb(1);
		if (this.wbLen === this.wbFrame.length) this.growInFlight();
		const at = (this.wbHead + this.wbLen) % this.wbFrame.length;
		this.wbFrame[at] = f;
		this.wbDone[at] = done;
		this.wbLen++;
	}

	/** folio_end_writeback() for every page the device has finished by `nowUs`. */
	private completeWriteback(nowUs: number): void {
		const flags = this.zone.frames.flags;
		while (this.wbLen > 0 && this.wbDone[this.wbHead]! <= nowUs) {
			const f = this.wbFrame[this.wbHead]!;
			this.wbHead = (this.wbHead + 1) % this.wbFrame.length;
			this.wbLen--;
			// PG_reclaim is cleared (folio_rotate_reclaimable; the page stays where reclaim left it).
			flags[f] = flags[f]! & ~(PG_WRITEBACK | PG_RECLAIM);
			this.nrWriteback--;
			this.bwWritten++;
		}
	}

	/**
	 * __wb_update_bandwidth() every 200 ms: wb_update_write_bandwidth() averages the pages completed over
	 * a 4096 ms period (only over intervals the device was writing throughout), and
	 * wb_update_dirty_ratelimit() moves dirty_ratelimit toward balanced = ratelimit · pos_ratio ·
	 * write_bw / dirty_rate (a quarter of the way) when writers were throttled (dirty over freerun).
	 */
	private updateBandwidth(): void {
		const elapsed = BANDWIDTH_INTERVAL_TICKS * TICK_US;
		if (this.bwBusy && this.nrWriteback > 0) {
			const bw = (this.bwWritten * 1_000_000) / elapsed;
			this.writeBw = (bw * elapsed + this.writeBw * (BANDWIDTH_PERIOD_US - elapsed)) / BANDWIDTH_PERIOD_US;
		}
		const l = this.dirtyLimits();
		const dirty = this.nrDirty + this.nrWriteback;
		if (this.bwThrottled && this.bwDirtied > 0) {
			const dirtyRate = (this.bwDirtied * 1_000_000) / elapsed;
			const balanced =
				(this.dirtyRatelimit * posRatio(l.setpoint, dirty, l.limit) * this.writeBw) / dirtyRate;
			this.dirtyRatelimit = Math.max(1, this.dirtyRatelimit + (balanced - this.dirtyRatelimit) / 4);
		}
		this.bwDirtied = this.bwWritten = this.bwThrottled = 0;
		this.bwBusy = this.nrWriteback > 0 ? 1 : 0;
	}

	private growInFlight(): void {
		const len = this.wbFrame.length;
		const frames = new Int32Array(len * 2);
		const done = new Float64Array(len * 2);
		for (let i = 0; i < this.wbLen; i++) {
			frames[i] = this.wbFrame[(this.wbHead + i) % len]!;
			done[i] = this.wbDone[(this.wbHead + i) % len]!;
		}
		this.wbFrame = frames;
		this.wbDone = done;
		this.wbHead = 0;
	}

	save() {
		return {
			scalars: {
				nrDirty: this.nrDirty,
				nrWriteback: this.nrWriteback,
				wbHead: this.wbHead,
				wbLen: this.wbLen,
				reclaimWork: this.reclaimWork,
				kupdateWork: this.kupdateWork,
				wbLastObj: this.lastObj,
				wbLastOff: this.lastOff,
				wbCurIno: this.curIno,
				wbChunkLeft: this.chunkLeft,
				writeBw: this.writeBw,
				dirtyRatelimit: this.dirtyRatelimit,
				bwDirtied: this.bwDirtied,
				bwWritten: this.bwWritten,
				bwBusy: this.bwBusy,
				bwThrottled: this.bwThrottled,
			},
			arrays: {
				inoDirty: this.inoDirty,
				inoDirtiedWhen: this.inoDirtiedWhen,
				inoHead: this.inoHead,
				inoTail: this.inoTail,
				nextDirty: this.nextDirty,
				wbFrame: this.wbFrame,
				wbDone: this.wbDone,
			},
		};
	}

	load(s: ReturnType<Writeback['save']>): void {
		const c = s.scalars;
		const a = s.arrays;
		this.nrDirty = c.nrDirty;
		this.nrWriteback = c.nrWriteback;
		this.wbHead = c.wbHead;
		this.wbLen = c.wbLen;
		this.reclaimWork = c.reclaimWork;
		this.kupdateWork = c.kupdateWork;
		this.lastObj = c.wbLastObj;
		this.lastOff = c.wbLastOff;
		this.curIno = c.wbCurIno;
		this.chunkLeft = c.wbChunkLeft;
		this.writeBw = c.writeBw;
		this.dirtyRatelimit = c.dirtyRatelimit;
		this.bwDirtied = c.bwDirtied;
		this.bwWritten = c.bwWritten;
		this.bwBusy = c.bwBusy;
		this.bwThrottled = c.bwThrottled;
		this.inoDirty = a.inoDirty;
		this.inoDirtiedWhen = a.inoDirtiedWhen;
		this.inoHead = a.inoHead;
		this.inoTail = a.inoTail;
		this.nextDirty = a.nextDirty;
		this.wbFrame = a.wbFrame;
		this.wbDone = a.wbDone;
	}
}

/**
 * Host bytes of the writeback state on a machine of `frames` frames, at its bound (sim/host-cost.ts):
 * the per-frame dirty list link (Int32), and the in-flight FIFO (Int32 frame, Float64 completion),
 * which can come to hold every frame and doubles as it grows, so up to twice that.
 */
export function writebackBytes(frames: number): number {
	return frames * 4 + frames * (4 + 8) * 2;
}
