// A memory balloon (drivers/virtio/virtio_balloon.c): the host asks the guest for RAM back, and the
// balloon driver inflates by allocating pages (never OOM-killing for them) at a bounded rate; the
// pages it holds leave MemTotal. Deflating gives them back at once.
import {type Core, CoreModule} from './core.js';
import {FRAME_KERNEL} from './frames.js';
import {ALLOC_NONE, type PageAlloc} from './page-alloc.js';
import {PAGE_SIZE} from './units.js';
import {OWNER_BALLOON} from './zone.js';

/** The balloon driver inflates at most this many pages per tick (≈256 MiB/s). */
const BALLOON_PAGES_PER_TICK = 640;

export class Balloon extends CoreModule {
	/** Pages the host asked for. */
	target = 0;

	constructor(
		core: Core,
		private readonly pageAlloc: PageAlloc,
	) {
		super(core);
	}

	/** The host changes the target by `bytes` (negative: gives memory back). The balloon never takes past the high watermark. */
	resize(bytes: number): void {
		const zone = this.zone;
		const pages = Math.trunc(bytes / PAGE_SIZE);
		this.target = Math.max(
			0,
			Math.min(zone.totalPages - zone.kernelStatic - zone.watermark.high, this.target + pages),
		);
		if (this.target < zone.balloonPages) this.deflate(zone.balloonPages - this.target);
	}

	/** One tick of inflating toward the target (__GFP_NORETRY allocations: one reclaim attempt each, no OOM). */
	run(): void {
		const zone = this.zone;
		let n = Math.min(BALLOON_PAGES_PER_TICK, this.target - zone.balloonPages);
		while (n-- > 0) {
			const frame = this.pageAlloc.allocNoRetry();
			if (frame === ALLOC_NONE) return;
			zone.balloonTake(frame);
		}
	}

	private deflate(pages: number): void {
		const zone = this.zone;
		const frames = zone.frames;
		for (let f = 0; f < zone.totalPages && pages > 0; f++) {
			if (frames.kind[f] === FRAME_KERNEL && frames.owner[f] === OWNER_BALLOON) {
				zone.balloonReturn(f);
				pages--;
			}
		}
	}

	save() {
		return {balloonTarget: this.target};
	}

	load(s: {balloonTarget: number}): void {
		this.target = s.balloonTarget;
	}
}
