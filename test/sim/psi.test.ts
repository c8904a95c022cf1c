// Pressure stall information (reference doc §9): the fixed-point averages of kernel/sched/psi.c and
// the SOME/FULL shares of one tick.
import {describe, expect, it} from 'vitest';
import {
	avgToPercent,
	calcLoad,
	EXP_10S,
	EXP_60S,
	EXP_300S,
	FIXED_1,
	PSI_PERIOD_US,
	PsiLineState,
	stallShares,
} from '../../source/sim/psi.js';

const PCT100 = 100 * FIXED_1; // 204800

describe('constants', () => {
	it('FIXED_1 = 2048 and the decay factors exp(-2/W)·2048', () => {
		expect(FIXED_1).toBe(2048);
		// exp(−2/10)·2048 = 1676.8 → 1677; exp(−2/60)·2048 = 1980.9 → 1981; exp(−2/300)·2048 = 2034.4 → 2034.
		expect([EXP_10S, EXP_60S, EXP_300S]).toEqual([1677, 1981, 2034]);
		expect(PSI_PERIOD_US).toBe(2_000_000);
	});
});

describe('calcLoad: newload = (load·e + active·(2048 − e) [+ 2047 when rising]) / 2048', () => {
	it('rising from 0 toward 100%', () => {
		// 204800·(2048 − 1677) = 204800·371 = 75980800; + 2047 = 75982847; / 2048 = 37100.99 → 37100.
		expect(calcLoad(0, EXP_10S, PCT100)).toBe(37_100);
		// 204800·67 = 13721600; + 2047; / 2048 = 6700.99 → 6700.
		expect(calcLoad(0, EXP_60S, PCT100)).toBe(6700);
		// 204800·14 = 2867200; + 2047; / 2048 = 1400.99 → 1400.
		expect(calcLoad(0, EXP_300S, PCT100)).toBe(1400);
	});

	it('rounds up when active ≥ load (so a steady input is reached), down when falling', () => {
		// Steady: 1000·1677 + 1000·371 = 2048000; + 2047 → 4050047 / 2048 = 1000.99 → 1000 (a fixed point).
		expect(calcLoad(1000, EXP_10S, 1000)).toBe(1000);
		// Falling to 0: 1000·1677 / 2048 = 818.85 → 818.
		expect(calcLoad(1000, EXP_10S, 0)).toBe(818);
		// Rising by one: 1000·1677 + 1001·371 = 2048371; + 2047 = 2050418 / 2048 = 1001.18 → 1001.
		expect(calcLoad(1000, EXP_10S, 1001)).toBe(1001);
	});

	it('reaches 100% and stays there under constant full stall', () => {
		let avg = 0;
		for (let i = 0; i < 200; i++) avg = calcLoad(avg, EXP_10S, PCT100);
		expect(avg).toBe(PCT100);
	});
});

describe('avgToPercent: LOAD_INT.LOAD_FRAC', () => {
	it('two decimals, truncated', () => {
		// 37100 = 18·2048 + 236; 236·100/2048 = 11.52 → 11 → 18.11.
		expect(avgToPercent(37_100)).toBe(18.11);
		// 12·2048 + 700 = 25276; 700·100/2048 = 34.18 → 34 → 12.34.
		expect(avgToPercent(12 * 2048 + 700)).toBe(12.34);
		expect(avgToPercent(0)).toBe(0);
		expect(avgToPercent(PCT100)).toBe(100);
		// 2047/2048 of a percent → 0.99, never rounded up to 1.00.
		expect(avgToPercent(2047)).toBe(0.99);
		// 20: 20·100/2048 = 0.98 → 0 → 0.00 (a fraction of a hundredth shows as nothing).
		expect(avgToPercent(20)).toBe(0);
		// 2048 + 21: 21·100/2048 = 1.03 → 1 → 1.01.
		expect(avgToPercent(2048 + 21)).toBe(1.01);
	});

	it('is the double nearest the printed decimal (1.36, not 1.3599999999999999)', () => {
		// 2791 = 1·2048 + 743; 743·100/2048 = 36.28 → 36 → "1.36".
		expect(avgToPercent(2791)).toBe(1.36);
		// 6718 = 3·2048 + 574; 574·100/2048 = 28.03 → 28 → "3.28".
		expect(avgToPercent(6718)).toBe(3.28);
		expect(String(avgToPercent(2791))).toBe('1.36');
	});
});

describe('PsiLineState: 100% stall for 10 s, then none for 10 s', () => {
	// Each 2 s period: pct = stall·100/period (whole percent) · 2048, then avg = calc_load(avg, e, pct).
	// Period 1 (pct 100): avg10 = 37100, avg60 = 6700, avg300 = 1400 (worked above).
	// Period 2: avg10 = (37100·1677 + 75980800 + 2047)/2048 = (62216700 + 75982847)/2048 = 67480.25 → 67480;
	//   avg60 = (6700·1981 + 13721600 + 2047)/2048 = (13272700 + 13723647)/2048 = 13181.81 → 13181;
	//   avg300 = (1400·2034 + 2867200 + 2047)/2048 = (2847600 + 2869247)/2048 = 2791.43 → 2791.
	// Periods 3–5 the same way; periods 6–10 (pct 0) just decay: avg·e/2048, truncated.
	// Period 6: avg10 = 129406·1677/2048 = 105963.8 → 105963.
	const expected: [number, number, number][] = [
		[37_100, 6700, 1400],
		[67_480, 13_181, 2791],
		[92_356, 19_450, 4172],
		[112_726, 25_514, 5544],
		[129_406, 31_380, 6907],
		[105_963, 30_353, 6859],
		[86_767, 29_360, 6812],
		[71_048, 28_399, 6765],
		[58_177, 27_469, 6718],
		[47_638, 26_570, 6672],
	];

	it('follows the fixed-point recurrence exactly, period by period', () => {
		const line = new PsiLineState();
		for (let i = 0; i < 10; i++) {
			// 200 ticks of 10 ms per period, stalled or not.
			for (let t = 0; t < 200; t++) line.add(i < 5 ? 10_000 : 0);
			line.closePeriod(PSI_PERIOD_US);
			expect([...line.avgs], `period ${i + 1}`).toEqual(expected[i]);
			expect(line.periodUs).toBe(0);
		}
		// total counts every stalled µs: 5 periods · 2 s.
		expect(line.totalUs).toBe(10_000_000);
	});

	it('prints as /proc/pressure/memory would', () => {
		const line = new PsiLineState();
		const printed: number[][] = [];
		for (let i = 0; i < 10; i++) {
			line.add(i < 5 ? PSI_PERIOD_US : 0);
			line.closePeriod(PSI_PERIOD_US);
			printed.push(line.avgs.map(avgToPercent));
		}
		// After 10 s of full stall: 129406 → 63.18; 31380 → 15.32; 6907 → 3.37.
		expect(printed[4]).toEqual([63.18, 15.32, 3.37]);
		// Ten seconds later: 47638 → 23.26; 26570 → 12.97; 6672 → 3.25.
		expect(printed[9]).toEqual([23.26, 12.97, 3.25]);
	});

	it('pct is whole percent, clamped to 100', () => {
		const a = new PsiLineState();
		// 25% stall: pct 25·2048 = 51200; avg10 = (51200·371 + 2047)/2048 = 9275.99 → 9275.
		a.add(500_000);
		a.closePeriod(PSI_PERIOD_US);
		expect(a.avgs[0]).toBe(9275);
		const b = new PsiLineState();
		// 1999999 µs of 2000000: 99.99995 → 99%; avg10 = (99·2048·371 + 2047)/2048 = 36729.99 → 36729.
		b.add(1_999_999);
		b.closePeriod(PSI_PERIOD_US);
		expect(b.avgs[0]).toBe(36_729);
		const c = new PsiLineState();
		// More stall than time (shares overlap): counted as 100%.
		c.add(3_000_000);
		c.closePeriod(PSI_PERIOD_US);
		expect(c.avgs[0]).toBe(37_100);
		expect(c.totalUs).toBe(3_000_000);
	});
});

describe('stallShares: threads = min(nonidle, cpus); SOME = min(delayed/threads, 1); FULL = (threads − min(productive, threads))/threads', () => {
	it('one of four tasks stalled on four CPUs: some = full = 25%', () => {
		// threads = 4; some = 1/4; full = (4 − 3)/4 = 1/4 — one CPU wholly stalled, three working.
		expect(stallShares(1, 3, 4, 4)).toEqual({some: 0.25, full: 0.25});
	});

	it('more tasks than CPUs: the others keep the CPUs busy, some > full', () => {
		// 8 tasks on 2 CPUs, 2 stalled, 6 productive: threads = 2; some = 2/2 = 1; full = (2 − 2)/2 = 0.
		expect(stallShares(2, 6, 8, 2)).toEqual({some: 1, full: 0});
		// 4 tasks on 2 CPUs, 3 stalled, 1 productive: some = min(3/2, 1) = 1; full = (2 − 1)/2 = 0.5.
		expect(stallShares(3, 1, 4, 2)).toEqual({some: 1, full: 0.5});
		// 6 tasks on 4 CPUs, 1 stalled, 5 productive: threads 4; some = 0.25; full = (4 − 4)/4 = 0.
		expect(stallShares(1, 5, 6, 4)).toEqual({some: 0.25, full: 0});
	});

	it('everyone stalled: some = full = 100%', () => {
		expect(stallShares(3, 0, 3, 2)).toEqual({some: 1, full: 1});
		expect(stallShares(1, 0, 1, 8)).toEqual({some: 1, full: 1});
	});

	it('a lone task stalled half the tick: some = full = 50%', () => {
		// threads = min(1, 4) = 1; some = 0.5; full = (1 − 0.5)/1 = 0.5.
		expect(stallShares(0.5, 0.5, 1, 4)).toEqual({some: 0.5, full: 0.5});
	});

	it('FULL needs a memory stall, and never exceeds SOME', () => {
		// Nobody memstalled (one task in IO wait, not productive): no memory pressure at all.
		expect(stallShares(0, 0, 1, 4)).toEqual({some: 0, full: 0});
		// One memstalled + one in IO wait on 4 CPUs: threads 2, some = 0.5; the formula's full (2 − 0)/2 = 1
		// is capped at some.
		expect(stallShares(1, 0, 2, 4)).toEqual({some: 0.5, full: 0.5});
		expect(stallShares(0, 0, 0, 4)).toEqual({some: 0, full: 0});
	});
});
