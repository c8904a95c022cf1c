// A block device (block/blk-mq.c, as far as a page-granular model needs it): each kind has a random
// 4 KiB latency, a sequential bandwidth and a queue depth. Transfers share the bandwidth one after
// another (busyUntilUs); a request that does not continue where the previous one ended (a seek) also
// occupies the device for its latency divided by the queue depth: an HDD (depth 1) does one seek at a
// time, NVMe overlaps hundreds. Consecutive pages in one request, or a request continuing the last
// one (merged by the block layer), pay no seek. A burst of swap writes therefore delays the next
// fault's read, which is what turns swapping on a slow disk into thrashing.
//
// Processes run one after another within a tick, each on its own timeline from the tick's start, so
// requests reach the device in pid order, not in time order. A strict FIFO would put a request behind
// same-tick requests that were issued later in simulated time (the last process of a tick then waited
// milliseconds on an idle SSD). So the device keeps the tick's work by when it was issued, in bins of
// BIN_US, and a request waits for the queue as it stands at its own issue time: the backlog the tick
// began with, plus what was issued before it, less what the device has done since (Lindley's
// recursion over the bins). Work issued out of order still occupies the device, so the queue and the
// throughput are what the profile allows; only who waits behind whom within one tick is approximate.
import type {DeviceProfile} from './costs.js';
import {TICK_US} from './units.js';

/** Reclaim backs off (reclaim_throttle on writeback) once this much IO is queued. */
export const CONGESTION_US = 100_000;

/** The tick's work is kept in bins of this many µs of issue time (50 bins per 10 ms tick). */
export const BIN_US = 200;
const BINS = TICK_US / BIN_US;

export class BlockDevice {
	readonly profile: DeviceProfile;
	/** Start of the current tick (µs) and the work (µs of device time) queued at that moment. */
	private tickStartUs = 0;
	private backlogUs = 0;
	/** Device time issued in this tick, by issue time. */
	private readonly issued = new Float64Array(BINS);

	constructor(profile: DeviceProfile) {
		this.profile = profile;
	}

	/** A new tick at `tickStartUs`: what is still queued then is the backlog its requests find. */
	beginTick(tickStartUs: number): void {
		this.backlogUs = this.queuedAt(tickStartUs);
		this.tickStartUs = tickStartUs;
		this.issued.fill(0);
	}

	/** Device time still queued at `nowUs` (µs): the tick's backlog plus what was issued since, less what was done. */
	queuedAt(nowUs: number): number {
		const rel = Math.max(0, nowUs - this.tickStartUs);
		const last = Math.min(BINS - 1, Math.floor(rel / BIN_US));
		const issued = this.issued;
		let w = this.backlogUs;
		for (let i = 0; i < last; i++) w = Math.max(0, w + issued[i]! - BIN_US);
		return Math.max(0, w + issued[last]! - (rel - last * BIN_US));
	}

	/** Queue `us` of device time issued at `nowUs`. */
	private issue(nowUs: number, us: number): void {
		const rel = Math.max(0, nowUs - this.tickStartUs);
		this.issued[Math.min(BINS - 1, Math.floor(rel / BIN_US))]! += us;
	}

	/** The device time one request of `pages` takes from its bandwidth and queue. */
	private occupy(pages: number, seek: boolean): number {
		const p = this.profile;
		return pages * p.transferUs + (seek ? p.randomUs / p.queueDepth : 0);
	}

	/**
	 * Read `pages` contiguous pages at `nowUs`; `seek` false when the request continues the previous one
	 * (a streaming reader's next window). Returns how long the reader waits: queueing, the transfer and
	 * the latency (an SSD's is always paid; a disk's only when its head must move).
	 */
	read(nowUs: number, pages: number, seek = true): number {
		const p = this.profile;
		const queued = this.queuedAt(nowUs);
		this.issue(nowUs, this.occupy(pages, seek));
		return queued + pages * p.transferUs + (seek || !p.rotational ? p.randomUs : 0);
	}

	/**
	 * Queue a write of `pages` contiguous pages (asynchronous writeback or swap-out: the writer does not
	 * wait). `seek` false when it continues the previous write (merged). Returns when it completes (µs).
	 */
	write(nowUs: number, pages: number, seek = true): number {
		const p = this.profile;
		const occupy = this.occupy(pages, seek);
		const done = nowUs + this.queuedAt(nowUs) + occupy;
		this.issue(nowUs, occupy);
		return done + (p.rotational ? 0 : p.randomUs);
	}

	/** How long until the queue drops below the congestion mark (0 if it is not congested). */
	congestionWait(nowUs: number): number {
		return Math.max(0, this.queuedAt(nowUs) - CONGESTION_US);
	}

	congested(nowUs: number): boolean {
		return this.queuedAt(nowUs) > CONGESTION_US;
	}

	/** The queue at the start of the next tick (`nextTickUs`), which is all a state between ticks needs. */
	save(nextTickUs: number): number {
		return this.queuedAt(nextTickUs);
	}

	load(backlogUs: number, nextTickUs: number): void {
		this.backlogUs = backlogUs;
		this.tickStartUs = nextTickUs;
		this.issued.fill(0);
	}
}
