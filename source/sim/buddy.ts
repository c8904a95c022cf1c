// The buddy allocator (mm/page_alloc.c): free blocks of 2^order frames on lists per order and per
// migratetype, split on allocation (expand) and merged with their buddies on free (__free_one_page),
// pageblocks of 2^9 frames with a migratetype each, and fallback to another type's lists with
// pageblock stealing (__rmqueue_fallback). No per-page objects: a byte per frame (PageBuddy, the
// list's migratetype, the order: page_private) and intrusive doubly linked lists through two Int32
// arrays the zone lends (struct page's buddy_list shares its words with fields a free page has not).

/** MAX_PAGE_ORDER (6.x): the largest block is 2^10 frames (4 MiB). */
export const MAX_ORDER = 10;
export const NR_PAGE_ORDERS = MAX_ORDER + 1;
/** pageblock_order: 9 (a 2 MiB huge page) on x86-64. */
export const PAGEBLOCK_ORDER = 9;
export const PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;
export const MIGRATE_UNMOVABLE = 0;
export const MIGRATE_MOVABLE = 1;
export const MIGRATE_RECLAIMABLE = 2;
export const MIGRATE_TYPES = 3;
export const MIGRATETYPE_NAMES = ['Unmovable', 'Movable', 'Reclaimable'] as const;

/** fallbacks[]: the other types' lists an allocation of each type may take from, in order. */
const FALLBACKS = [
	[MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE],
	[MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE],
	[MIGRATE_UNMOVABLE, MIGRATE_MOVABLE],
] as const;

/** The buddy byte of a free block's first frame: PageBuddy | migratetype << 4 | order. */
const PAGE_BUDDY = 0x80;
const NO_LINK = -1;

export class BuddyAllocator {
	readonly count: number;
	/** Per frame: PAGE_BUDDY | mt << 4 | order on the first frame of a free block, 0 on every other frame. */
	readonly buddy: Uint8Array;
	/** Per pageblock: its migratetype (get_pageblock_migratetype). */
	readonly blockMt: Uint8Array;
	/** free_area[order].free_list[mt]: first and last block, index order * MIGRATE_TYPES + mt (-1: empty). */
	readonly head: Int32Array;
	readonly tail: Int32Array;
	/** Blocks on each list (free_area[order].nr_free, split by type as pagetypeinfo shows it). */
	readonly nrFree: Int32Array;
	/** Allocations that took another type's block (trace mm_page_alloc_extfrag), and pageblocks claimed. */
	fallbacks = 0;
	claims = 0;
	/**
	 * Called when a fallback takes a block smaller than a pageblock from another type's pageblock
	 * (steal_suitable_fallback → boost_watermark; the zone sets it).
	 */
	onSubBlockSteal: () => void = () => {};
	private free = 0;
	private canSteal = false;
	private movablePages = 0;

	/**
	 * `next` and `prev` link free blocks (the zone lends frames.index and the _mapcount word; -1 is
	 * "no link", which is _mapcount's value of an unmapped page). `isMovable(frame)`: an allocated frame
	 * is on an LRU or movable (PageLRU || __PageMovable), for move_freepages_block().
	 */
	constructor(
		count: number,
		private readonly next: Int32Array,
		private readonly prev: Int32Array,
		private readonly isMovable: (frame: number) => boolean,
	) {
		this.count = count;
		this.buddy = new Uint8Array(count);
		this.blockMt = new Uint8Array(Math.ceil(count / PAGEBLOCK_NR_PAGES)).fill(MIGRATE_MOVABLE);
		const lists = NR_PAGE_ORDERS * MIGRATE_TYPES;
		this.head = new Int32Array(lists).fill(NO_LINK);
		this.tail = new Int32Array(lists).fill(NO_LINK);
		this.nrFree = new Int32Array(lists);
	}

	/** nr_free_pages. */
	get freePages(): number {
		return this.free;
	}

	/** Free blocks of `order`, all types (/proc/buddyinfo's column). */
	freeBlocks(order: number): number {
		const i = order * MIGRATE_TYPES;
		return this.nrFree[i]! + this.nrFree[i + 1]! + this.nrFree[i + 2]!;
	}

	/** The order of the free block starting at `frame`, or -1 (PageBuddy + buddy_order). */
	orderOf(frame: number): number {
		const b = this.buddy[frame]!;
		return b & PAGE_BUDDY ? b & 15 : -1;
	}

	/** The list a free block starting at `frame` is on. */
	listTypeOf(frame: number): number {
		return (this.buddy[frame]! >> 4) & 7;
	}

	/** __free_pages_memory() at boot: [start, end) freed in the largest aligned blocks, each to the list tail. */
	freeRange(start: number, end: number): void {
		let f = start;
		while (f < end) {
			let order = MAX_ORDER;
			while (order > 0 && (f & ((1 << order) - 1)) !== 0) order--;
			while (f + (1 << order) > end) order--;
			this.freeOne(f, order, true);
			f += 1 << order;
		}
	}

	/** __rmqueue(): a block of `order` for an allocation of type `mt`, falling back to others; -1 if none. */
	rmqueue(order: number, mt: number): number {
		const frame = this.rmqueueSmallest(order, mt);
		if (frame >= 0) return frame;
		if (!this.rmqueueFallback(order, mt)) return -1;
		return this.rmqueueSmallest(order, mt);
	}

	/** __rmqueue_smallest(): the smallest free block of at least `order` on `mt`'s lists, split down (expand). */
	rmqueueSmallest(order: number, mt: number): number {
		for (let o = order; o < NR_PAGE_ORDERS; o++) {
			const frame = this.head[o * MIGRATE_TYPES + mt]!;
			if (frame === NO_LINK) continue;
			this.unlink(frame);
			this.expand(frame, order, o, mt);
			return frame;
		}
		return -1;
	}

	/** expand(): the upper halves of a block split from `high` to `low` go back on the lists of `mt`. */
	private expand(frame: number, low: number, high: number, mt: number): void {
		while (high > low) {
			high--;
			this.link(frame + (1 << high), high, mt, false);
		}
	}

	/**
	 * __rmqueue_fallback(): the largest block on a fallback list (stealing it approximates taking the
	 * pageblock with most free pages); a movable allocation that may not claim the block takes the
	 * smallest instead, so it does not break up a large one for nothing. Then steal_suitable_fallback().
	 */
	private rmqueueFallback(order: number, mt: number): boolean {
		let o = MAX_ORDER;
		let fallbackMt = -1;
		for (; o >= order; o--) {
			fallbackMt = this.findSuitableFallback(o, mt);
			if (fallbackMt < 0) continue;
			if (!this.canSteal && mt === MIGRATE_MOVABLE && o > order) {
				for (o = order; o <= MAX_ORDER; o++) {
					fallbackMt = this.findSuitableFallback(o, mt);
					if (fallbackMt >= 0) break;
				}
			}
			break;
		}
		if (fallbackMt < 0) return false;
		this.fallbacks++;
		this.stealSuitableFallback(this.head[o * MIGRATE_TYPES + fallbackMt]!, mt, this.canSteal);
		return true;
	}

	/** find_suitable_fallback(): the first fallback type with a block of `order`; sets canSteal. */
	private findSuitableFallback(order: number, mt: number): number {
		this.canSteal = false;
		for (const f of FALLBACKS[mt]!) {
			if (this.head[order * MIGRATE_TYPES + f] === NO_LINK) continue;
			this.canSteal = canStealFallback(order, mt);
			return f;
		}
		return -1;
	}

	/**
	 * steal_suitable_fallback(): a block of pageblock order or more changes type whole; a smaller one,
	 * when stealing is allowed, moves every free page of its pageblock to `start`'s lists and claims the
	 * pageblock if at least half of it is free or alike; otherwise only the block moves (single_page).
	 * Any steal below pageblock order first boosts the watermarks (boost_watermark: this fallback
	 * mixes types in a pageblock, so reclaim and compaction should make room before the next one).
	 */
	private stealSuitableFallback(frame: number, start: number, wholeBlock: boolean): void {
		const order = this.orderOf(frame);
		const blk = frame >> PAGEBLOCK_ORDER;
		const oldType = this.blockMt[blk]!;
		if (order >= PAGEBLOCK_ORDER) {
			// change_pageblock_range()
			for (let b = 0; b < 1 << (order - PAGEBLOCK_ORDER); b++) this.blockMt[blk + b] = start;
			this.claims++;
			this.unlink(frame);
			this.link(frame, order, start, true);
			return;
		}
		this.onSubBlockSteal();
		if (wholeBlock) {
			const freePages = this.moveFreepagesBlock(frame, start);
			if (freePages > 0) {
				const alike =
					start === MIGRATE_MOVABLE
						? this.movablePages
						: oldType === MIGRATE_MOVABLE
							? PAGEBLOCK_NR_PAGES - (freePages + this.movablePages)
							: 0;
				if (freePages + alike >= 1 << (PAGEBLOCK_ORDER - 1)) {
					this.blockMt[blk] = start;
					this.claims++;
				}
				return;
			}
		}
		// move_to_free_list(): the block alone, to the tail of `start`'s list.
		this.unlink(frame);
		this.link(frame, order, start, true);
	}

	/** move_freepages_block(): every free block in `frame`'s pageblock to `mt`'s lists; returns the free pages. */
	private moveFreepagesBlock(frame: number, mt: number): number {
		const startPfn = frame & ~(PAGEBLOCK_NR_PAGES - 1);
		const end = startPfn + PAGEBLOCK_NR_PAGES;
		this.movablePages = 0;
		// The zone's last pageblock may be cut short: the kernel then moves nothing.
		if (end > this.count) return 0;
		let moved = 0;
		for (let f = startPfn; f < end; ) {
			const order = this.orderOf(f);
			if (order < 0) {
				if (this.isMovable(f)) this.movablePages++;
				f++;
				continue;
			}
			this.unlink(f);
			this.link(f, order, mt, true);
			moved += 1 << order;
			f += 1 << order;
		}
		return moved;
	}

	/**
	 * __free_one_page(): the block goes back to its pageblock's type and merges with its buddy
	 * (pfn ^ 1 << order) while the buddy is a free block of the same order; placed at the tail when its
	 * parent's buddy is free too (buddy_merge_likely: it may merge soon, so allocate others first).
	 */
	freeOne(frame: number, order: number, toTail = false): void {
		const mt = this.blockMt[frame >> PAGEBLOCK_ORDER]!;
		let pfn = frame;
		while (order < MAX_ORDER) {
			const buddyPfn = pfn ^ (1 << order);
			if (!this.isBuddy(buddyPfn, order)) break;
			this.unlink(buddyPfn);
			pfn &= buddyPfn;
			order++;
		}
		let tail = toTail;
		if (!tail && order < MAX_ORDER - 1) {
			const higher = pfn & (pfn ^ (1 << order));
			tail = this.isBuddy(higher ^ (1 << (order + 1)), order + 1);
		}
		this.link(pfn, order, mt, tail);
	}

	/**
	 * __isolate_free_page(): the free block starting at `frame` leaves its list (compaction's free
	 * scanner takes it whole, then split_page() makes order-0 pages of it). Returns its order.
	 */
	isolateFree(frame: number): number {
		const order = this.orderOf(frame);
		if (order >= 0) this.unlink(frame);
		return order;
	}

	/** page_is_buddy(): `frame` is in the zone and starts a free block of `order`. */
	private isBuddy(frame: number, order: number): boolean {
		if (frame >= this.count) return false;
		const b = this.buddy[frame]!;
		return (b & PAGE_BUDDY) !== 0 && (b & 15) === order;
	}

	/** add_to_free_list() / add_to_free_list_tail(). */
	private link(frame: number, order: number, mt: number, atTail: boolean): void {
		const list = order * MIGRATE_TYPES + mt;
		const next = this.next;
		const prev = this.prev;
		this.buddy[frame] = PAGE_BUDDY | (mt << 4) | order;
		if (this.head[list] === NO_LINK) {
			next[frame] = NO_LINK;
			prev[frame] = NO_LINK;
			this.head[list] = frame;
			this.tail[list] = frame;
		} else if (atTail) {
			const t = this.tail[list]!;
			next[t] = frame;
			prev[frame] = t;
			next[frame] = NO_LINK;
			this.tail[list] = frame;
		} else {
			const h = this.head[list]!;
			prev[h] = frame;
			next[frame] = h;
			prev[frame] = NO_LINK;
			this.head[list] = frame;
		}
		this.nrFree[list]!++;
		this.free += 1 << order;
	}

	/** del_page_from_free_list(): both links are left -1. */
	private unlink(frame: number): void {
		const b = this.buddy[frame]!;
		const order = b & 15;
		const list = order * MIGRATE_TYPES + ((b >> 4) & 7);
		const n = this.next[frame]!;
		const p = this.prev[frame]!;
		if (p === NO_LINK) this.head[list] = n;
		else this.next[p] = n;
		if (n === NO_LINK) this.tail[list] = p;
		else this.prev[n] = p;
		this.next[frame] = NO_LINK;
		this.prev[frame] = NO_LINK;
		this.buddy[frame] = 0;
		this.nrFree[list]!--;
		this.free -= 1 << order;
	}

	save() {
		return {
			buddy: this.buddy,
			blockMt: this.blockMt,
			head: this.head,
			tail: this.tail,
			nrFree: this.nrFree,
			free: this.free,
			fallbacks: this.fallbacks,
			claims: this.claims,
		};
	}

	load(s: ReturnType<BuddyAllocator['save']>): void {
		this.buddy.set(s.buddy);
		this.blockMt.set(s.blockMt);
		this.head.set(s.head);
		this.tail.set(s.tail);
		this.nrFree.set(s.nrFree);
		this.free = s.free;
		this.fallbacks = s.fallbacks;
		this.claims = s.claims;
	}
}

/**
 * can_steal_fallback(): a whole pageblock may be claimed by a block of at least half a pageblock, or
 * by any unmovable or reclaimable allocation (they are what must not scatter).
 */
export function canStealFallback(order: number, startMt: number): boolean {
	if (order >= PAGEBLOCK_ORDER) return true;
	// pageblock_order / 2 in C's integer division: 4.
	return order >= PAGEBLOCK_ORDER >> 1 || startMt === MIGRATE_RECLAIMABLE || startMt === MIGRATE_UNMOVABLE;
}
