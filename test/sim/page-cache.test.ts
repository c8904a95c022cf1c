// Readahead window sizes (mm/readahead.c get_init_ra_size, get_next_ra_size; reference doc §4).
import {describe, expect, it} from 'vitest';
import {initialRaSize, nextRaSize, RA_MAX_PAGES} from '../../source/sim/page-cache.js';

describe('readahead windows (get_init_ra_size, get_next_ra_size)', () => {
	it('the default maximum is 128 KiB = 32 pages', () => {
		expect(RA_MAX_PAGES).toBe(32);
	});

	it('1-page sequential reads with a 32-page max: 4, 8, 16, 32, 32', () => {
		// init: roundup_pow2(1) = 1 ≤ 32/32 = 1 → ·4 = 4.
		// next: 4 < 32/16 = 2? no; 4 ≤ 16 → 8; 8 ≤ 16 → 16; 16 ≤ 16 → 32; 32 > 16 → max 32.
		const sizes = [initialRaSize(1)];
		while (sizes.length < 5) sizes.push(nextRaSize(sizes[sizes.length - 1]!));
		expect(sizes).toEqual([4, 8, 16, 32, 32]);
	});

	it('initial window for bigger requests', () => {
		// 2 → 2 > 1; 2 ≤ 8 → ·2 = 4.  3 → roundup 4 ≤ 8 → 8.  8 → 16.  9 → roundup 16 > 8 → max 32.
		expect(initialRaSize(2)).toBe(4);
		expect(initialRaSize(3)).toBe(8);
		expect(initialRaSize(8)).toBe(16);
		expect(initialRaSize(9)).toBe(32);
		expect(initialRaSize(64)).toBe(32);
	});

	it('with read_ahead_kb = 512 (max 128 pages): 4, 16, 32, 64, 128, 128', () => {
		// init 1 ≤ 4 → 4; next: 4 < 8 → ·4 = 16; 16 ≤ 64 → 32; 32 → 64; 64 ≤ 64 → 128; 128 → 128.
		const sizes = [initialRaSize(1, 128)];
		while (sizes.length < 6) sizes.push(nextRaSize(sizes[sizes.length - 1]!, 128));
		expect(sizes).toEqual([4, 16, 32, 64, 128, 128]);
		// 4 pages ≤ 128/32 = 4 → 16; 5 → roundup 8 ≤ 32 → 16; 33 → 64 > 32 → 128.
		expect(initialRaSize(4, 128)).toBe(16);
		expect(initialRaSize(5, 128)).toBe(16);
		expect(initialRaSize(33, 128)).toBe(128);
	});

	it('next window: ×4 below max/16, ×2 up to max/2, then max', () => {
		// max 32: 1 < 2 → 4.
		expect(nextRaSize(1)).toBe(4);
		expect(nextRaSize(2)).toBe(4);
		expect(nextRaSize(17)).toBe(32);
	});
});
