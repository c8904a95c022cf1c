// The buddy allocator (source/sim/buddy.ts) on small zones, worked by hand.
import {describe, expect, it} from 'vitest';
import {
	BuddyAllocator,
	canStealFallback,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_TYPES,
	MIGRATE_UNMOVABLE,
} from '../../source/sim/buddy.js';

function zone(n: number, movable: (f: number) => boolean = () => false) {
	const b = new BuddyAllocator(n, new Int32Array(n), new Int32Array(n), movable);
	b.freeRange(0, n);
	return b;
}
const blocksByOrder = (b: BuddyAllocator) => Array.from({length: 11}, (_, o) => b.freeBlocks(o));

describe('split and merge (expand, __free_one_page)', () => {
	it('a 16-page zone: order 0 splits 4→3→2→1→0, freeing merges back', () => {
		const b = zone(16);
		// Boot: one order-4 block at 0.
		expect(blocksByOrder(b)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
		const f = b.rmqueue(0, MIGRATE_MOVABLE);
		// Page 0 taken; the upper halves 8..15 (order 3), 4..7 (2), 2..3 (1), 1 (0) are free.
		expect(f).toBe(0);
		expect(blocksByOrder(b).slice(0, 5)).toEqual([1, 1, 1, 1, 0]);
		expect([b.orderOf(8), b.orderOf(4), b.orderOf(2), b.orderOf(1)]).toEqual([3, 2, 1, 0]);
		expect(b.freePages).toBe(15);
		// Freeing 0: buddy 1 (order 0) → 0..1, buddy 2 (1) → 0..3, buddy 4 (2) → 0..7, buddy 8 (3) → 0..15.
		b.freeOne(0, 0);
		expect(blocksByOrder(b).slice(0, 5)).toEqual([0, 0, 0, 0, 1]);
		expect(b.orderOf(0)).toBe(4);
		expect(b.freePages).toBe(16);
	});

	it('a freed page whose buddy is allocated stays order 0', () => {
		const b = zone(16);
		const a = b.rmqueue(0, MIGRATE_MOVABLE); // 0
		const c = b.rmqueue(0, MIGRATE_MOVABLE); // 1 (the order-0 block left by the split)
		expect([a, c]).toEqual([0, 1]);
		b.freeOne(0, 0);
		// 0's buddy 1 is allocated: no merge.
		expect(b.orderOf(0)).toBe(0);
		expect(blocksByOrder(b).slice(0, 5)).toEqual([1, 1, 1, 1, 0]);
	});

	it('boot frees the largest aligned blocks: [3, 16) is 3 (0), 4..7 (2), 8..15 (3)', () => {
		const b = new BuddyAllocator(16, new Int32Array(16), new Int32Array(16), () => false);
		b.freeRange(3, 16);
		expect([b.orderOf(3), b.orderOf(4), b.orderOf(8)]).toEqual([0, 2, 3]);
		expect(b.freePages).toBe(13);
	});
});

describe('fallback (__rmqueue_fallback, steal_suitable_fallback)', () => {
	it('can_steal_fallback: order ≥ 4 (pageblock_order / 2) or an unmovable/reclaimable request', () => {
		expect(canStealFallback(3, MIGRATE_MOVABLE)).toBe(false);
		expect(canStealFallback(4, MIGRATE_MOVABLE)).toBe(true);
		expect(canStealFallback(0, MIGRATE_UNMOVABLE)).toBe(true);
		expect(canStealFallback(0, MIGRATE_RECLAIMABLE)).toBe(true);
	});

	it('an unmovable page from an all-free movable zone claims the pageblock it splits', () => {
		// 2048 pages: two order-10 blocks, four movable pageblocks.
		const b = zone(2048);
		const f = b.rmqueue(0, MIGRATE_UNMOVABLE);
		// The largest fallback block (order 10 at 0) is ≥ pageblock_order: its two pageblocks change type.
		expect(f).toBe(0);
		expect(Array.from(b.blockMt)).toEqual([
			MIGRATE_UNMOVABLE,
			MIGRATE_UNMOVABLE,
			MIGRATE_MOVABLE,
			MIGRATE_MOVABLE,
		]);
		expect(b.fallbacks).toBe(1);
		// The split halves went to the unmovable lists: orders 0..9 one block each, order 10 movable one.
		for (let o = 0; o < 10; o++) expect(b.nrFree[o * MIGRATE_TYPES + MIGRATE_UNMOVABLE]).toBe(1);
		expect(b.nrFree[10 * MIGRATE_TYPES + MIGRATE_MOVABLE]).toBe(1);
	});

	it('a movable page that may not claim takes the smallest unmovable block, moving only it', () => {
		const b = zone(1024);
		b.blockMt.fill(MIGRATE_UNMOVABLE);
		// Make the zone unmovable-listed: take everything unmovable, give back page 0..1 and 4..7.
		const taken: number[] = [];
		while (b.freePages > 0) taken.push(b.rmqueue(0, MIGRATE_UNMOVABLE));
		b.freeOne(0, 0);
		b.freeOne(1, 0); // merges: 0..1 (order 1)
		for (const f of [4, 5, 6, 7]) b.freeOne(f, 0); // 4..7 (order 2)
		expect([b.orderOf(0), b.orderOf(4)]).toEqual([1, 2]);
		// (The boot lists were movable: the first unmovable page claimed the order-10 block.)
		const claims = b.claims;
		// Free: 6 pages of 512 in the pageblock, none movable: not ≥ 256, so no claim; order 0 < 4 and
		// movable: cannot steal, so the smallest block (order 1 at 0) is taken and split.
		const f = b.rmqueue(0, MIGRATE_MOVABLE);
		expect(f).toBe(0);
		expect(b.blockMt[0]).toBe(MIGRATE_UNMOVABLE);
		expect(b.listTypeOf(1)).toBe(MIGRATE_MOVABLE);
		expect(b.listTypeOf(4)).toBe(MIGRATE_UNMOVABLE);
		expect(b.claims).toBe(claims);
	});
});
