// A block device (block/blk-mq.c, as far as a page-granular model needs it): each kind has a random
// 4 KiB latency, a sequential bandwidth and a queue depth. Transfers share the bandwidth one after
// another (busyUntilUs); a request that does not continue where the previous one ended (a seek) also
// occupies the device for its latency divided by the queue depth: an HDD (depth 1) does one seek at a
// time, NVMe overlaps hundreds. Consecutive pages in one request, or a request continuing the last
// one (merged by the block layer), pay no seek. A burst of swap writes therefore delays the next
// fault's read, which is what turns swapping on a slow disk into thrashing.
import type {DeviceProfile} from './costs.js';

/** Reclaim backs off (reclaim_throttle on writeback) once this much IO is queued. */
export const CONGESTION_US = 100_000;

export class BlockDevice {
	busyUntilUs = 0;
	readonly profile: DeviceProfile;

	constructor(profile: DeviceProfile) {
		this.profile = profile;
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
		const start = Math.max(nowUs, this.busyUntilUs);
		this.busyUntilUs = start + this.occupy(pages, seek);
		return start - nowUs + pages * p.transferUs + (seek || !p.rotational ? p.randomUs : 0);
	}

	/**
	 * Queue a write of `pages` contiguous pages (asynchronous writeback or swap-out: the writer does not
	 * wait). `seek` false when it continues the previous write (merged). Returns when it completes (µs).
	 */
	write(nowUs: number, pages: number, seek = true): number {
		const p = this.profile;
		const start = Math.max(nowUs, this.busyUntilUs);
		this.busyUntilUs = start + this.occupy(pages, seek);
		return this.busyUntilUs + (p.rotational ? 0 : p.randomUs);
	}

	/** How long until the queue drops below the congestion mark (0 if it is not congested). */
	congestionWait(nowUs: number): number {
		return Math.max(0, this.busyUntilUs - nowUs - CONGESTION_US);
	}

	congested(nowUs: number): boolean {
		return this.busyUntilUs - nowUs > CONGESTION_US;
	}
}
