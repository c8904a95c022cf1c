// systemd-oomd's rules (source/sim/oomd-util.ts), numbers worked by hand in the comments.
import {describe, expect, it} from 'vitest';
import {
	formatTimespanSec,
	memAvailableBelow,
	type OomdCandidate,
	type PressureContext,
	pgscanRate,
	pressureAbove,
	pressureKillLine,
	selectByPgscanRate,
	selectBySwapUsage,
	swapLimitHit,
} from '../../source/sim/oomd-util.js';

const S = 1_000_000;
const ctx = (): PressureContext => ({
	path: '/user.slice',
	fullAvg10: 0,
	limitPercent: 60,
	durationUs: 30 * S,
	hitStartUs: 0,
});
const cand = (
	path: string,
	current: number,
	pgscan: number,
	lastPgscan: number,
	swapUsage = 0,
): OomdCandidate => ({
	path,
	current,
	pgscan,
	lastPgscan,
	swapUsage,
});

describe('oomd_pressure_above', () => {
	it('needs avg10 above the limit for the whole duration: hit at 10 s, target from 40 s', () => {
		const c = ctx();
		c.fullAvg10 = 72.31;
		// First poll above: the start is 10 s; 10 − 10 = 0 < 30 s.
		expect(pressureAbove(c, 10 * S)).toBe(false);
		expect(c.hitStartUs).toBe(10 * S);
		// 39 s: 29 s above, not yet.
		expect(pressureAbove(c, 39 * S)).toBe(false);
		// 40 s: 30 s ≥ 30 s: a target.
		expect(pressureAbove(c, 40 * S)).toBe(true);
	});

	it('a poll at the limit (60.00 is not > 60) resets the start', () => {
		const c = ctx();
		c.fullAvg10 = 61;
		pressureAbove(c, 5 * S);
		c.fullAvg10 = 60;
		expect(pressureAbove(c, 20 * S)).toBe(false);
		expect(c.hitStartUs).toBe(0);
		c.fullAvg10 = 80;
		// Starts again at 21 s: at 50 s only 29 s above.
		expect(pressureAbove(c, 21 * S)).toBe(false);
		expect(pressureAbove(c, 50 * S)).toBe(false);
		expect(pressureAbove(c, 51 * S)).toBe(true);
	});
});

describe('oomd_select_by_pgscan_rate', () => {
	it('highest pgscan rate since the last poll wins, not the highest total', () => {
		// a: 9000 − 8500 = 500 pages scanned in the interval; b: 1200 − 0 = 1200; c: 100 − 100 = 0.
		const a = cand('/user.slice/user-1000.slice/app.slice/a.scope', 900e6, 9000, 8500);
		const b = cand('/user.slice/user-1000.slice/session-2.scope', 200e6, 1200, 0);
		const c = cand('/user.slice/user-1000.slice/app.slice/c.scope', 50e6, 100, 100);
		expect(pgscanRate(a)).toBe(500);
		const r = selectByPgscanRate([a, b, c], '/user.slice');
		expect(r.sorted.map((x) => x.path)).toEqual([b.path, a.path, c.path]);
		expect(r.selected?.path).toBe(b.path);
	});

	it('ties go to the larger memory.current; other subtrees and empty cgroups are no candidates', () => {
		const small = cand('/user.slice/x', 100, 50, 0);
		const big = cand('/user.slice/y', 300, 50, 0);
		const other = cand('/system.slice/z', 10_000, 10_000, 0);
		const empty = cand('/user.slice/w', 0, 0, 0);
		const r = selectByPgscanRate([small, big, other, empty], '/user.slice');
		expect(r.sorted.map((x) => x.path)).toEqual(['/user.slice/y', '/user.slice/x', '/user.slice/w']);
		expect(r.selected?.path).toBe(big.path);
		expect(selectByPgscanRate([empty], '/user.slice').selected).toBeNull();
		// A prefix matches whole path components: /user.slicex is not below /user.slice.
		expect(selectByPgscanRate([cand('/user.slicex', 1, 1, 0)], '/user.slice').selected).toBeNull();
	});

	it('last pgscan above pgscan (a recreated cgroup) counts the whole pgscan', () => {
		expect(pgscanRate(cand('/a', 1, 40, 100))).toBe(40);
	});
});

describe('swap: SwapUsedLimit=90% and oomd_select_by_swap_usage', () => {
	// 2 GiB RAM, 4 GiB swap. The limit leaves 10 % = 1000 permyriad: MemAvailable < 214748364 bytes
	// (2147483648 × 1000 / 10000, floored) and SwapFree < 429496729 bytes.
	const G = 2 ** 30;
	it('acts only when both available memory and free swap are below 10 %', () => {
		const sys = {memTotal: 2 * G, memUsed: 2 * G - 200e6, swapTotal: 4 * G, swapUsed: 4 * G - 400e6};
		expect(swapLimitHit(sys, 90)).toBe(true);
		// 220 MB available is above 214.7 MB: no action even with swap full.
		expect(swapLimitHit({...sys, memUsed: 2 * G - 220e6}, 90)).toBe(false);
		// Swap 450 MB free (above 429.5 MB): no action.
		expect(swapLimitHit({...sys, swapUsed: 4 * G - 450e6}, 90)).toBe(false);
		// Exactly at the threshold is not below (strict <).
		expect(memAvailableBelow({memTotal: 10000, memUsed: 9000, swapTotal: 0, swapUsed: 0}, 1000)).toBe(false);
	});

	it('the cgroup with the most swap, if it uses more than 5 % of swap total', () => {
		// 5 % of 4 GiB = 214748364.8 → threshold 214748364 bytes.
		const threshold = Math.floor((4 * G * 5) / 100);
		const a = cand('/user.slice/a', 1, 0, 0, 100e6);
		const b = cand('/user.slice/b', 1, 0, 0, 900e6);
		const c = cand('/system.slice/c', 1, 0, 0, 300e6);
		const r = selectBySwapUsage([a, b, c], threshold);
		expect(r.sorted.map((x) => x.path)).toEqual(['/user.slice/b', '/system.slice/c', '/user.slice/a']);
		expect(r.selected?.path).toBe(b.path);
		// Nobody above 5 %: nothing is killed.
		expect(selectBySwapUsage([a], threshold).selected).toBeNull();
	});
});

it('logs as systemd-oomd does', () => {
	const c = {...ctx(), fullAvg10: 72.31};
	expect(pressureKillLine(812, '/user.slice/user-1000.slice/session-2.scope', c)).toBe(
		'systemd-oomd[812]: Killed /user.slice/user-1000.slice/session-2.scope due to memory pressure for /user.slice being 72.31% > 60.00% for > 30s with reclaim activity',
	);
});

it('formats durations as FORMAT_TIMESPAN(usec, USEC_PER_SEC) does', () => {
	// 30 s: "30s". 90 s = 1 min + 30 s. 3600 s = 1 h exactly. 1.5 s: below a second is dropped → "1s".
	// 93784 s = 1 d (86400) + 2 h (7200) + 3 min (180) + 4 s.
	expect(formatTimespanSec(30 * 1_000_000)).toBe('30s');
	expect(formatTimespanSec(90 * 1_000_000)).toBe('1min 30s');
	expect(formatTimespanSec(3600 * 1_000_000)).toBe('1h');
	expect(formatTimespanSec(1_500_000)).toBe('1s');
	expect(formatTimespanSec(93_784 * 1_000_000)).toBe('1d 2h 3min 4s');
	// A unit's own 90 s duration in the kill notice.
	const c = {...ctx(), fullAvg10: 72.31, durationUs: 90 * 1_000_000};
	expect(pressureKillLine(812, '/user.slice/a', c)).toContain('72.31% > 60.00% for > 1min 30s with reclaim');
});
