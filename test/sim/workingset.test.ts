// Refault detection (reference doc §3) and readahead window sizes (§4).
import {describe, expect, it} from 'vitest';
import {initialRaSize, nextRaSize, RA_MAX_PAGES} from '../../source/sim/page-cache.js';
import {
	EVICTION_BITS,
	EVICTION_MASK,
	packShadow,
	refaultDistance,
	shadowAge,
	shadowWorkingset,
	workingsetSize,
} from '../../source/sim/workingset.js';

describe('shadow entries', () => {
	it('pack the eviction age and PG_workingset, never 0', () => {
		expect(EVICTION_BITS).toBe(29);
		expect(EVICTION_MASK).toBe(2 ** 29 - 1);
		expect(packShadow(0, false)).toBe(1);
		expect(shadowAge(packShadow(0, false))).toBe(0);
		expect(shadowWorkingset(packShadow(0, false))).toBe(false);
		const s = packShadow(12_345, true);
		expect(shadowAge(s)).toBe(12_345);
		expect(shadowWorkingset(s)).toBe(true);
		// The largest shadow still fits an Int32Array slot (and its negation a page-cache slot).
		const top = packShadow(EVICTION_MASK, true);
		expect(top).toBe(2 ** 30);
		expect(Int32Array.of(-top)[0]).toBe(-top);
	});

	it('keep only the low 29 bits of the age', () => {
		// 2^29 + 7 → 7; 3·2^29 + 1 → 1.
		expect(shadowAge(packShadow(2 ** 29 + 7, false))).toBe(7);
		expect(shadowAge(packShadow(3 * 2 ** 29 + 1, true))).toBe(1);
		expect(shadowWorkingset(packShadow(2 ** 29 + 7, false))).toBe(false);
	});
});

describe('refaultDistance = (age_now − age_evicted) mod 2^29', () => {
	it('plain difference', () => {
		expect(refaultDistance(1000, packShadow(400, false))).toBe(600);
		expect(refaultDistance(400, packShadow(400, true))).toBe(0);
	});

	it('wraps around like the kernel’s unsigned arithmetic', () => {
		// Evicted at 2^29 − 3, now 2^29 + 5 (stored as 5): (5 − (2^29 − 3)) mod 2^29 = 8.
		expect(refaultDistance(2 ** 29 + 5, packShadow(2 ** 29 - 3, false))).toBe(8);
		// Now 3 (after a wrap), evicted at 2^29 − 1: 4.
		expect(refaultDistance(3, packShadow(2 ** 29 - 1, true))).toBe(4);
		// A whole lap later looks like distance 0: the kernel cannot tell either.
		expect(refaultDistance(2 ** 29 + 100, packShadow(100, false))).toBe(0);
		// Evicted "after" now (age went round almost a lap): 2^29 − 10.
		expect(refaultDistance(90, packShadow(100, false))).toBe(2 ** 29 - 10);
	});
});

describe('workingsetSize (workingset_test_recent)', () => {
	const lists = {activeFile: 100, inactiveFile: 200, activeAnon: 300, inactiveAnon: 400};

	it('file refault with swap: active file + active anon + inactive anon', () => {
		// 100 + 300 + 400 = 800.
		expect(workingsetSize(lists, false, true)).toBe(800);
	});

	it('file refault without swap: active file only (anon cannot be reclaimed to make room)', () => {
		expect(workingsetSize(lists, false, false)).toBe(100);
	});

	it('anon refault with swap: active file + inactive file + active anon', () => {
		// 100 + 200 + 300 = 600.
		expect(workingsetSize(lists, true, true)).toBe(600);
	});

	it('anon refault without swap: active file + inactive file', () => {
		// 100 + 200 = 300.
		expect(workingsetSize(lists, true, false)).toBe(300);
	});
});

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
