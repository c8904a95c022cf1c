// The zone (one node, one zone): the memmap (a frame table: struct page as arrays), the free list,
// the per-kind frame counts and the watermarks (include/linux/mmzone.h). The bottom of the core:
// it imports no other module with state. Allocation policy (who may take a page, and when the
// allocator must reclaim) lives in page-alloc.ts; this file only keeps the books.
import {BuddyAllocator, MIGRATE_MOVABLE, MIGRATE_UNMOVABLE, PAGEBLOCK_NR_PAGES} from './buddy.js';
import {
	FRAME_ANON,
	FRAME_FILE,
	FRAME_FREE,
	FRAME_KERNEL,
	FRAME_SHMEM,
	FRAME_ZPOOL,
	FrameTable,
	frameTableBytes,
} from './frames.js';
import type {Watermarks} from './snapshot-types.js';
import type {Sysctls} from './spec.js';
import {boostWatermark, computeWatermarks, defaultMinFreeKbytes} from './watermarks.js';

/** frames.owner of a frame that belongs to nobody (free). */
export const OWNER_NONE = -1;
/** frames.owner of a kernel frame holding a process's page table. */
export const OWNER_PAGE_TABLE = -2;
/** frames.owner of a kernel frame the balloon driver took. */
export const OWNER_BALLOON = -3;
/** frames.owner of a frame of a hugetlb pool page (hugetlb.ts). */
export const OWNER_HUGETLB = -4;
/** _mapcount of a frame no PTE maps (struct page's is −1 then: page_mapcount() = _mapcount + 1). */
export const NO_MAPPER = -1;
/** frameSlot of a frame that is not in the swap cache. */
export const NO_SLOT = -1;

export class Zone {
	readonly totalPages: number;
	/** Kernel memory that is never freed: the image, memmap, slab (the first frames). */
	readonly kernelStatic: number;
	readonly frames: FrameTable;
	/**
	 * One more word per frame, as struct page's union: a file/shmem frame's _mapcount (PTEs mapping it
	 * less one, rmap.ts), or a swap-cache anon frame's swap slot (page->private, swapfile.ts). A frame
	 * never needs both, so both names are views of one array.
	 */
	readonly mapcount: Int32Array;
	readonly frameSlot: Int32Array;
	/** Frames per FRAME_* kind. */
	readonly kindCount = new Int32Array(6);
	/** Pages the balloon driver holds: gone from MemTotal (adjust_managed_page_count). */
	balloonPages = 0;
	/** Pages of the hugetlb pool (HugePages_Total × 512, meminfo Hugetlb): kernel frames here. */
	hugetlbPages = 0;
	/** _watermark[]: min, low and high as __setup_per_zone_wmarks() set them. */
	watermark: Watermarks;
	/** watermark_boost: pages added to every watermark after fallbacks (boost_watermark), until kswapd clears it. */
	watermarkBoost = 0;
	/** ZONE_BOOSTED_WATERMARK: a boost happened; the allocation that took the page wakes kswapd (rmqueue). */
	boostedFlag = false;
	/** The watermarks as allocation sees them: wmark_pages() = _watermark + watermark_boost. */
	wm: Watermarks;
	/** mem_cgroup_uncharge(), set by the memory controller when there is a cgroup tree (null: none). */
	uncharge: ((frame: number) => void) | null = null;
	/**
	 * The free frames: the buddy allocator, its lists linked through frames.index (free frames have no
	 * index) and the _mapcount word (free frames have no mapping), as struct page's buddy_list does.
	 */
	readonly buddy: BuddyAllocator;

	constructor(
		totalPages: number,
		kernelPages: number,
		private readonly sysctl: Sysctls,
	) {
		const n = totalPages;
		this.totalPages = n;
		this.frames = new FrameTable(n);
		this.mapcount = new Int32Array(n).fill(NO_MAPPER);
		this.frameSlot = this.mapcount;
		const kind = this.frames.kind;
		this.buddy = new BuddyAllocator(n, this.frames.index, this.mapcount, (f) => {
			const k = kind[f];
			return k === FRAME_ANON || k === FRAME_FILE || k === FRAME_SHMEM || k === FRAME_ZPOOL;
		});
		// Kernel memory comes first: its pageblocks are unmovable (the boot's unmovable allocations
		// claimed them); the rest is freed to the buddy lists in the largest aligned blocks.
		this.kernelStatic = Math.min(n - 1, kernelPages);
		for (let f = 0; f < this.kernelStatic; f++) kind[f] = FRAME_KERNEL;
		const kernelBlocks = Math.ceil(this.kernelStatic / PAGEBLOCK_NR_PAGES);
		this.buddy.blockMt.fill(MIGRATE_UNMOVABLE, 0, kernelBlocks);
		this.buddy.freeRange(this.kernelStatic, n);
		this.kindCount[FRAME_KERNEL] = this.kernelStatic;
		this.kindCount[FRAME_FREE] = n - this.kernelStatic;
		this.watermark = this.watermarksFor(sysctl);
		this.wm = this.watermark;
		this.buddy.onSubBlockSteal = () => this.boostWatermark();
	}

	get freePages(): number {
		return this.buddy.freePages;
	}

	/**
	 * The marks si_mem_available() reads: totalreserve_pages from the high watermark as setup set it,
	 * and low_wmark_pages() (with the boost) for the page cache it keeps back.
	 */
	get reserveMarks(): {low: number; high: number} {
		return {low: this.wm.low, high: this.watermark.high};
	}

	/** MemTotal: RAM less what the balloon took. */
	get totalramPages(): number {
		return this.totalPages - this.balloonPages;
	}

	/** min_free_kbytes or watermark_scale_factor changed (setup_per_zone_wmarks, which also zeroes the boost). */
	updateWatermarks(sysctl: Sysctls): void {
		this.watermark = this.watermarksFor(sysctl);
		this.setBoost(0);
	}

	/**
	 * boost_watermark() with vm.watermark_boost_factor, from steal_suitable_fallback(); a boost sets
	 * ZONE_BOOSTED_WATERMARK (the allocation may wake kswapd: every allocation here may).
	 */
	boostWatermark(): void {
		const managed = this.totalPages - this.kernelStatic;
		const boost = boostWatermark(
			this.watermarkBoost,
			this.watermark.high,
			managed,
			this.sysctl.watermark_boost_factor,
		);
		if (boost < 0) return;
		this.setBoost(boost);
		this.boostedFlag = true;
	}

	/** zone->watermark_boost = `boost`; the marks allocation sees follow. */
	setBoost(boost: number): void {
		this.watermarkBoost = boost;
		const w = this.watermark;
		this.wm = boost === 0 ? w : {min: w.min + boost, low: w.low + boost, high: w.high + boost};
	}

	/** __setup_per_zone_wmarks() for the managed pages (RAM less the kernel's own). */
	watermarksFor(sysctl: Sysctls): Watermarks {
		const managed = this.totalPages - this.kernelStatic;
		const minFree = sysctl.min_free_kbytes ?? defaultMinFreeKbytes(managed);
		return computeWatermarks(managed, minFree, sysctl.watermark_scale_factor);
	}

	/**
	 * An order-0 page of migratetype `mt` from the buddy allocator (the caller has checked the
	 * watermark; free > 0, so some list holds a block and a fallback always finds it).
	 */
	rmqueue(mt: number = MIGRATE_MOVABLE): number {
		const frame = this.buddy.rmqueue(0, mt);
		this.kindCount[FRAME_FREE]!--;
		return frame;
	}

	/** A block of 2^order frames from the buddy allocator (the caller checked the watermark and that one exists). */
	rmqueueOrder(order: number, mt: number): number {
		const frame = this.buddy.rmqueue(order, mt);
		if (frame >= 0) this.kindCount[FRAME_FREE]! -= 1 << order;
		return frame;
	}

	/** __free_pages(): a whole block back to the buddy lists; its frames held kernel data (no mapping, no charge). */
	freeBlock(frame: number, order: number): void {
		const frames = this.frames;
		for (let f = frame; f < frame + (1 << order); f++) {
			this.kindCount[frames.kind[f]!]!--;
			frames.kind[f] = FRAME_FREE;
			frames.flags[f] = 0;
			frames.owner[f] = OWNER_NONE;
			frames.index[f] = 0;
			this.mapcount[f] = NO_MAPPER;
		}
		this.kindCount[FRAME_FREE]! += 1 << order;
		this.buddy.freeOne(frame, order);
	}

	/** A frame taken by rmqueue() becomes `kind`. */
	setKind(frame: number, kind: number): void {
		this.frames.kind[frame] = kind;
		this.kindCount[kind]!++;
	}

	/** free_unref_page(): the frame goes back on the free list with nothing left of what it held. */
	freePage(frame: number): void {
		const frames = this.frames;
		if (this.uncharge !== null) this.uncharge(frame);
		this.kindCount[frames.kind[frame]!]!--;
		frames.kind[frame] = FRAME_FREE;
		frames.flags[frame] = 0;
		frames.owner[frame] = OWNER_NONE;
		this.mapcount[frame] = NO_MAPPER;
		this.buddy.freeOne(frame, 0);
		this.kindCount[FRAME_FREE]!++;
	}

	/** The balloon driver took this frame (from rmqueue): it leaves MemTotal (adjust_managed_page_count). */
	balloonTake(frame: number): void {
		this.setKind(frame, FRAME_KERNEL);
		this.frames.owner[frame] = OWNER_BALLOON;
		this.balloonPages++;
	}

	/** The balloon gives a frame back. */
	balloonReturn(frame: number): void {
		this.freePage(frame);
		this.balloonPages--;
	}

	save() {
		const f = this.frames;
		return {
			balloonPages: this.balloonPages,
			hugetlbPages: this.hugetlbPages,
			wm: this.watermark,
			watermarkBoost: this.watermarkBoost,
			zoneBoosted: this.boostedFlag,
			frames: {kind: f.kind, flags: f.flags, owner: f.owner, index: f.index},
			mapper: this.mapcount,
			kindCount: this.kindCount,
			kernelStatic: this.kernelStatic,
			buddy: this.buddy.save(),
		};
	}

	load(
		s: Omit<ReturnType<Zone['save']>, 'hugetlbPages' | 'watermarkBoost' | 'zoneBoosted'> & {
			hugetlbPages?: number | undefined;
			watermarkBoost?: number | undefined;
			zoneBoosted?: boolean | undefined;
		},
	): void {
		this.balloonPages = s.balloonPages;
		this.hugetlbPages = s.hugetlbPages ?? 0;
		this.watermark = s.wm;
		this.setBoost(s.watermarkBoost ?? 0);
		this.boostedFlag = s.zoneBoosted ?? false;
		this.frames.kind.set(s.frames.kind);
		this.frames.flags.set(s.frames.flags);
		this.frames.owner.set(s.frames.owner);
		this.frames.index.set(s.frames.index);
		this.mapcount.set(s.mapper);
		this.kindCount.set(s.kindCount);
		this.buddy.load(s.buddy);
	}
}

/** Host bytes of a Zone of `frames` frames (sim/host-cost.ts): its frame table, the mapper word, the buddy byte. */
export function zoneBytes(frames: number): number {
	return frameTableBytes(frames) + frames * 5 + Math.ceil(frames / PAGEBLOCK_NR_PAGES);
}
