// The extfrag indices (source/sim/fragmentation.ts) for free lists given by hand.
import {describe, expect, it} from 'vitest';
import {fragmentationIndex, unusableFreeIndex} from '../../source/sim/fragmentation.js';

// 1000 free order-0 pages and nothing larger: 1000 pages in 1000 blocks.
const scattered = [1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
// 8 order-0 blocks and 2 order-9 blocks: 8 + 1024 = 1032 pages in 10 blocks.
const mixed = [8, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0];

describe('fragmentation index (__fragmentation_index)', () => {
	it('is -1000 when a block of the order exists', () => {
		expect(fragmentationIndex(mixed, 9)).toBe(-1000);
		expect(fragmentationIndex(scattered, 0)).toBe(-1000);
	});

	it('is near 1000 when plenty is free but in small blocks', () => {
		// order 9: requested 512; 1000 − (1000 + 1000·1000/512) / 1000 = 1000 − (1000 + 1953) / 1000 = 1000 − 2 = 998.
		expect(fragmentationIndex(scattered, 9)).toBe(998);
	});

	it('is low when the request fails for lack of memory', () => {
		// order 10 from mixed: 1000 − (1000 + 1032·1000/1024) / 10 = 1000 − (1000 + 1007) / 10 = 1000 − 200 = 800.
		expect(fragmentationIndex(mixed, 10)).toBe(800);
		// One free page, order 9: 1000 − (1000 + 1000/512) / 1 = 1000 − 1001 = −1.
		expect(fragmentationIndex([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 9)).toBe(-1);
		expect(fragmentationIndex(new Array(11).fill(0), 3)).toBe(0);
	});
});

describe('unusable free space index (unusable_free_index)', () => {
	it('is the share of free pages in blocks smaller than the order', () => {
		// order 9 from mixed: suitable 2 blocks × 512 = 1024 of 1032; (1032 − 1024) · 1000 / 1032 = 7.75 → 7.
		expect(unusableFreeIndex(mixed, 9)).toBe(7);
		expect(unusableFreeIndex(mixed, 0)).toBe(0);
		expect(unusableFreeIndex(scattered, 1)).toBe(1000);
		expect(unusableFreeIndex(new Array(11).fill(0), 0)).toBe(1000);
	});
});
