// A block device as a single queue: requests occupy it for their transfer time (and, on a disk,
// their seek), so a burst of swap writes delays the next fault's read. That is what turns
// swapping on a slow disk into thrashing.
import type {DeviceProfile} from './costs.js';

/** Reclaim backs off (reclaim_throttle on writeback) once this much IO is queued. */
export const CONGESTION_US = 100_000;
/** Pages per write cluster (SWAPFILE_CLUSTER is 256-512 slots; writeback batches are similar). */
const WRITE_CLUSTER = 32;

export class BlockDevice {
	busyUntilUs = 0;
	readonly profile: DeviceProfile;

	constructor(profile: DeviceProfile) {
		this.profile = profile;
	}

	/** Read `pages` contiguous pages at time `nowUs`; returns how long the reader waits. */
	read(nowUs: number, pages: number): number {
		const p = this.profile;
		const start = Math.max(nowUs, this.busyUntilUs);
		const occupy = pages * p.transferUs + (p.seekOccupies ? p.readUs : 0);
		this.busyUntilUs = start + occupy;
		return start - nowUs + p.readUs + pages * p.transferUs;
	}

	/**
	 * Queue a write; the writer does not wait for it (asynchronous writeback / swap-out). Swap slots
	 * and dirty pages are written in clusters, so a disk pays one seek per 32 pages, not per page.
	 */
	write(nowUs: number, pages: number): void {
		const p = this.profile;
		const start = Math.max(nowUs, this.busyUntilUs);
		this.busyUntilUs = start + pages * (p.transferUs + (p.seekOccupies ? p.readUs / WRITE_CLUSTER : 0));
	}

	/** How long until the queue drops below the congestion mark (0 if it is not congested). */
	congestionWait(nowUs: number): number {
		return Math.max(0, this.busyUntilUs - nowUs - CONGESTION_US);
	}

	congested(nowUs: number): boolean {
		return this.busyUntilUs - nowUs > CONGESTION_US;
	}
}
