// get_scan_count() and inactive_is_low() (reference doc §2), checked against hand-worked numbers.
import {describe, expect, it} from 'vitest';
import {getScanCount, inactiveIsLow, type ScanCountInput} from '../../source/sim/scan-balance.js';

const base: ScanCountInput = {
	swappiness: 60,
	canSwap: true,
	priority: 12,
	fileIsTiny: false,
	cacheTrimMode: false,
	anonCost: 100,
	fileCost: 300,
};
const scan = (over: Partial<ScanCountInput>) => getScanCount({...base, ...over});

describe('getScanCount: the fractional split', () => {
	// With anon cost 100 and file cost 300:
	// t = 100 + 300 = 400; A = t + ac = 500; F = t + fc = 700; T = A + F = 1200; T + 1 = 1201.

	it('swappiness 0: ap = 0, file gets everything', () => {
		// ap = 0·1201/501 = 0; fp = 200·1201/701 = 240200/701 = 342.65 → 342. anon 0/342, file 342/342.
		expect(scan({swappiness: 0})).toEqual({balance: 'fractional', anonFraction: 0, fileFraction: 1});
	});

	it('swappiness 60 (default)', () => {
		// ap = 60·1201/501 = 72060/501 = 143.83 → 143; fp = 140·1201/701 = 168140/701 = 239.86 → 239.
		// anon = 143/382, file = 239/382.
		expect(scan({swappiness: 60})).toEqual({
			balance: 'fractional',
			anonFraction: 143 / 382,
			fileFraction: 239 / 382,
		});
	});

	it('swappiness 100: equal IO cost, the split follows the costs alone', () => {
		// ap = 100·1201/501 = 239.72 → 239; fp = 100·1201/701 = 171.33 → 171. anon 239/410, file 171/410.
		expect(scan({swappiness: 100})).toEqual({
			balance: 'fractional',
			anonFraction: 239 / 410,
			fileFraction: 171 / 410,
		});
	});

	it('swappiness 200: fp = 0, anon gets everything', () => {
		// ap = 200·1201/501 = 240200/501 = 479.44 → 479; fp = 0·1201/701 = 0.
		expect(scan({swappiness: 200})).toEqual({balance: 'fractional', anonFraction: 1, fileFraction: 0});
	});

	it('zero costs: the split is swappiness : 200 − swappiness', () => {
		// t = A = F = T = 0: ap = sw·1/1, fp = (200 − sw)·1/1.
		expect(scan({swappiness: 60, anonCost: 0, fileCost: 0})).toEqual({
			balance: 'fractional',
			anonFraction: 60 / 200,
			fileFraction: 140 / 200,
		});
		expect(scan({swappiness: 100, anonCost: 0, fileCost: 0}).anonFraction).toBe(0.5);
	});

	it('an expensive anon side (many refaults after swap-out) shifts scanning to file', () => {
		// ac = 3000, fc = 10: t = 3010; A = 6010; F = 3020; T = 9030; T + 1 = 9031.
		// ap = 60·9031/6011 = 541860/6011 = 90.14 → 90; fp = 140·9031/3021 = 1264340/3021 = 418.52 → 418.
		expect(scan({anonCost: 3000, fileCost: 10})).toEqual({
			balance: 'fractional',
			anonFraction: 90 / 508,
			fileFraction: 418 / 508,
		});
	});

	it('costs are whole numbers: fractional costs (after halving) are truncated first', () => {
		// 100.9 → 100 and 300.5 → 300: the same as the default case.
		expect(scan({anonCost: 100.9, fileCost: 300.5})).toEqual(scan({}));
	});
});

describe('getScanCount: the special cases, first match wins', () => {
	it('no swap → file only, whatever else holds', () => {
		const fileOnly = {balance: 'file-only', anonFraction: 0, fileFraction: 1};
		expect(scan({canSwap: false})).toEqual(fileOnly);
		expect(scan({canSwap: false, swappiness: 200})).toEqual(fileOnly);
		// Even when the page cache is nearly gone (case 1 comes before case 4).
		expect(scan({canSwap: false, fileIsTiny: true, priority: 0})).toEqual(fileOnly);
	});

	it('priority 0 with swappiness > 0 → equal (both lists by size)', () => {
		expect(scan({priority: 0})).toEqual({balance: 'equal', anonFraction: 1, fileFraction: 1});
		// Before file_is_tiny and cache_trim_mode.
		expect(scan({priority: 0, fileIsTiny: true, cacheTrimMode: true}).balance).toBe('equal');
	});

	it('priority 0 with swappiness 0 is not "equal": it falls through to the fraction (file only)', () => {
		expect(scan({priority: 0, swappiness: 0})).toEqual({
			balance: 'fractional',
			anonFraction: 0,
			fileFraction: 1,
		});
	});

	it('file_is_tiny → anon only, even with swappiness 0', () => {
		const anonOnly = {balance: 'anon-only', anonFraction: 1, fileFraction: 0};
		expect(scan({fileIsTiny: true})).toEqual(anonOnly);
		expect(scan({fileIsTiny: true, swappiness: 0})).toEqual(anonOnly);
		// Before cache_trim_mode.
		expect(scan({fileIsTiny: true, cacheTrimMode: true})).toEqual(anonOnly);
	});

	it('cache_trim_mode → file only', () => {
		expect(scan({cacheTrimMode: true, swappiness: 200})).toEqual({
			balance: 'file-only',
			anonFraction: 0,
			fileFraction: 1,
		});
	});
});

describe('inactiveIsLow: ratio = int_sqrt(10·GiB), 1 below 1 GiB; low iff inactive·ratio < active', () => {
	const GIB_PAGES = 262_144;

	it('under 1 GiB the ratio is 1:1', () => {
		expect(inactiveIsLow(100, 101)).toBe(true);
		expect(inactiveIsLow(100, 100)).toBe(false);
		// 260000 pages (< 1 GiB): gb = 0 → ratio 1, so 100000·1 < 160000 is low (it would not be at 3:1).
		expect(inactiveIsLow(100_000, 160_000)).toBe(true);
		expect(inactiveIsLow(0, 0)).toBe(false);
		expect(inactiveIsLow(0, 1)).toBe(true);
	});

	it('1 GiB: ratio int_sqrt(10) = 3', () => {
		// 65536 + 196608 = 262144 pages = 1 GiB; 65536·3 = 196608, not < 196608 → not low.
		expect(inactiveIsLow(65_536, 196_608)).toBe(false);
		// One page moved to active: 65535·3 = 196605 < 196609 → low.
		expect(inactiveIsLow(65_535, 196_609)).toBe(true);
		// At 1:1 the old rule would call 100000 vs 162144 low; at 3:1 it is not.
		expect(inactiveIsLow(100_000, GIB_PAGES - 100_000)).toBe(false);
	});

	it('10 GiB: ratio int_sqrt(100) = 10', () => {
		// 2621440 pages. 238313·10 = 2383130 vs active 2383127 → not low.
		expect(inactiveIsLow(238_313, 10 * GIB_PAGES - 238_313)).toBe(false);
		// 238312·10 = 2383120 < 2383128 → low.
		expect(inactiveIsLow(238_312, 10 * GIB_PAGES - 238_312)).toBe(true);
	});

	it('100 GiB: ratio int_sqrt(1000) = 31', () => {
		// 26214400 pages; 819200·31 = 25395200 vs active 25395200 → not low.
		expect(inactiveIsLow(819_200, 100 * GIB_PAGES - 819_200)).toBe(false);
		// 819199·31 = 25395169 < 25395201 → low.
		expect(inactiveIsLow(819_199, 100 * GIB_PAGES - 819_199)).toBe(true);
	});

	it('GiB are whole: 1.99 GiB still uses ratio int_sqrt(10) = 3, 2 GiB uses int_sqrt(20) = 4', () => {
		const almost2 = 2 * GIB_PAGES - 1;
		// gb = 1 → ratio 3: inactive 104857·3 = 314571 < 419430 → low.
		expect(inactiveIsLow(104_857, almost2 - 104_857)).toBe(true);
		// 2 GiB, gb = 2 → ratio 4: 104858·4 = 419432 vs 419430 → not low.
		expect(inactiveIsLow(104_858, 2 * GIB_PAGES - 104_858)).toBe(false);
		// Same pages at ratio 3 would be low: 104858·3 = 314574 < 419430.
	});
});
