// The dirty throttling formulas (mm/page-writeback.c domain_dirty_limits, pos_ratio_polynom,
// balance_dirty_pages; issue 10 rule 3), with numbers worked by hand.
import {describe, expect, it} from 'vitest';
import {dirtyPauseUs, domainDirtyLimits, posRatio} from '../../source/sim/dirty-throttle.js';

describe('domain_dirty_limits', () => {
	it('dirtyable 10000 pages, ratios 20/10: thresh 1999, bg 998, freerun 1498, setpoint 1748', () => {
		// ratio = 20·4096/100 = 819, bg_ratio = 10·4096/100 = 409 (per PAGE_SIZE, integer);
		// thresh = 819·10000/4096 = 1999.5 → 1999; bg = 409·10000/4096 = 998.5 → 998.
		expect(domainDirtyLimits(10_000, 20, 10)).toEqual({
			avail: 10_000,
			thresh: 1999,
			bg: 998,
			freerun: 1498,
			limit: 1999,
			setpoint: 1748,
		});
	});

	it('ratios 10/20 (background above dirty): bg becomes thresh / 2', () => {
		// thresh = 409·10000/4096 = 998; bg would be 1999 >= 998, so bg = 998 / 2 = 499;
		// freerun = (998 + 499) / 2 = 748; setpoint = (748 + 998) / 2 = 873.
		expect(domainDirtyLimits(10_000, 10, 20)).toMatchObject({
			thresh: 998,
			bg: 499,
			freerun: 748,
			setpoint: 873,
		});
		// Equal ratios too: 10/10 → bg 998 >= thresh 998 → 499.
		expect(domainDirtyLimits(10_000, 10, 10)).toMatchObject({thresh: 998, bg: 499});
	});
});

describe('balance_dirty_pages', () => {
	it('pos_ratio = 1 + ((setpoint − dirty) / (limit − setpoint))³, 0 at the limit', () => {
		// setpoint 1748, limit 1999: limit − setpoint = 251.
		expect(posRatio(1748, 1748, 1999)).toBe(1);
		// dirty 1873: x = −125/251 = −0.498; 1 − 0.1235 = 0.8765.
		expect(posRatio(1748, 1873, 1999)).toBeCloseTo(1 + (-125 / 251) ** 3, 12);
		// at freerun 1498: x = 250/251; 1 + 0.988 = 1.988.
		expect(posRatio(1748, 1498, 1999)).toBeCloseTo(1 + (250 / 251) ** 3, 12);
		expect(posRatio(1748, 1999, 1999)).toBe(0);
		expect(posRatio(1748, 0, 1999)).toBe(2);
	});

	it('pause: none to freerun, one page at dirty_ratelimit · pos_ratio less think time, 200 ms at the limit', () => {
		const l = domainDirtyLimits(10_000, 20, 10);
		expect(dirtyPauseUs(l, 1498, 25_600)).toBe(0);
		// At the setpoint pos_ratio is 1: 1e6 / 25600 pages/s = 39.0625 µs a page; 10 µs of think time.
		expect(dirtyPauseUs(l, 1748, 25_600)).toBe(39.0625);
		expect(dirtyPauseUs(l, 1748, 25_600, 10)).toBe(29.0625);
		expect(dirtyPauseUs(l, 1999, 25_600)).toBe(200_000);
	});
});
