// earlyoom's rules (source/sim/earlyoom.ts), numbers worked by hand in the comments.
import {describe, expect, it} from 'vitest';
import {
	EARLYOOM_DEFAULTS,
	EarlyoomLoop,
	type EarlyoomProc,
	findLargestProcess,
	killLines,
	lowmemSignal,
	sleepTimeMs,
} from '../../source/sim/earlyoom.js';

// 2 GiB RAM = 2097152 kB, 4 GiB swap = 4194304 kB.
const mi = (availKib: number, swapFreeKib: number) => ({
	memTotalKib: 2_097_152,
	memAvailableKib: availKib,
	swapTotalKib: 4_194_304,
	swapFreeKib: swapFreeKib,
});

describe('earlyoom thresholds (-m 10,5 -s 10,5)', () => {
	it('SIGTERM at or below 10 % of both, SIGKILL at or below 5 % of both', () => {
		// 10 % of 2097152 = 209715.2 kB; 10 % of 4194304 = 419430.4 kB.
		expect(lowmemSignal(mi(209_715, 419_430))).toBe('SIGTERM'); // 9.99995 %, 9.99999 %
		expect(lowmemSignal(mi(209_716, 419_430))).toBeNull(); // 10.00005 % > 10
		// Memory low but swap half free: nothing (both must hold).
		expect(lowmemSignal(mi(1000, 2_097_152))).toBeNull();
		// 5 % = 104857.6 kB and 209715.2 kB.
		expect(lowmemSignal(mi(104_857, 209_715))).toBe('SIGKILL');
		// Memory at 4 % but swap at 7 %: SIGTERM only.
		expect(lowmemSignal(mi(83_886, 293_601))).toBe('SIGTERM');
	});

	it('without swap, swap free counts as 0 % and memory alone decides', () => {
		expect(
			lowmemSignal({memTotalKib: 1_000_000, memAvailableKib: 90_000, swapTotalKib: 0, swapFreeKib: 0}),
		).toBe('SIGTERM');
	});

	it('adaptive sleep: headroom over 6000 MiB/s (memory) and 800 MiB/s (swap), 100 .. 1000 ms', () => {
		// mem 50 % of 2048 MiB: (50 − 10) × 10 × 2048 = 819200 kiB / 6000 = 136 ms; swap 10 %: 0 → 136 ms.
		expect(sleepTimeMs(mi(1_048_576, 419_430.4))).toBe(136);
		// swap 100 % free: (100 − 10) × 10 × 4096 = 3686400 / 800 = 4608 → clamped to 1000.
		expect(sleepTimeMs(mi(1_048_576, 4_194_304))).toBe(1000);
		// At the limits: 0 → 100 ms.
		expect(sleepTimeMs(mi(100_000, 100_000))).toBe(100);
	});
});

describe('victim by oom_score', () => {
	const p = (pid: number, oomScore: number, vmRssKib: number, name = `p${pid}`): EarlyoomProc => ({
		pid,
		name,
		uid: 1000,
		oomScore,
		oomScoreAdj: 0,
		vmRssKib,
	});
	it('highest oom_score, then larger VmRSS; skips init, no-RSS and oom_score 0', () => {
		expect(findLargestProcess([p(100, 700, 1000), p(101, 900, 10), p(102, 800, 5000)])?.pid).toBe(101);
		expect(findLargestProcess([p(100, 700, 1000), p(101, 700, 2000)])?.pid).toBe(101);
		expect(findLargestProcess([p(1, 2000, 9999), p(100, 0, 9999), p(101, 900, 0)])).toBeNull();
	});

	it('logs the stats, the limit and the signal', () => {
		const lines = killLines(
			'SIGTERM',
			mi(167_772, 209_715),
			EARLYOOM_DEFAULTS,
			p(104, 1181, 4_677_632, 'cc1plus'),
		);
		// 167772 / 2097152 = 8.00 %; 209715 / 4194304 = 5.00 %.
		expect(lines).toEqual([
			'earlyoom: mem avail:   163 of  2048 MiB ( 8.00%), swap free:  204 of 4096 MiB ( 5.00%)',
			'earlyoom: low memory! at or below SIGTERM limits: mem 10.00%, swap 10.00%',
			'earlyoom: sending SIGTERM to process 104 uid 1000 "cc1plus": oom_score 1181, oom_score_adj 0, VmRSS 4568 MiB, cmdline "cc1plus"',
		]);
	});
});

describe('EarlyoomLoop: SIGTERM, then SIGKILL if memory keeps falling', () => {
	const proc = (pid: number, oomScore: number): EarlyoomProc => ({
		pid,
		name: `p${pid}`,
		uid: 1000,
		oomScore,
		oomScoreAdj: 0,
		vmRssKib: 100_000,
	});
	it('TERMs the highest oom_score at 8 %/8 %, waits, escalates at 4 %/4 % after 0.3 s', () => {
		const loop = new EarlyoomLoop();
		const procs = [proc(100, 700), proc(101, 900)];
		// 8 % of 2097152 kB = 167772; 8 % of 4194304 = 335544: SIGTERM limits, not SIGKILL.
		const first = loop.poll(0, mi(167_772, 335_544), procs);
		expect(first.action).toMatchObject({signal: 'SIGTERM', pid: 101});
		// 100 ms later, still 8 %: it waits for 101, picks nobody else.
		expect(loop.poll(100, mi(167_772, 335_544), procs).action).toBeNull();
		// 300 ms: 4 % and 4 % (83886, 167772) are at the SIGKILL limits: the same victim, SIGKILL.
		const kill = loop.poll(300, mi(83_886, 167_772), procs);
		expect(kill.action).toMatchObject({signal: 'SIGKILL', pid: 101});
		// kill.c kill_wait(): warn("escalating to SIGKILL after %.3f seconds").
		expect(kill.lines).toEqual(['earlyoom: escalating to SIGKILL after 0.300 seconds']);
		// Right after the SIGKILL (the same check's is_alive()), 101 is still there: nothing more.
		expect(loop.afterSignal(300, true)).toEqual([]);
		// 400 ms: 101 is gone: warn("process %d exited after %.3f seconds").
		expect(loop.poll(400, mi(1_000_000, 335_544), [proc(100, 700)]).lines).toEqual([
			'earlyoom: process 101 exited after 0.400 seconds',
		]);
		expect(loop.pending).toBeNull();
	});

	it('a SIGKILLed victim gone at once: "exited after 0.000 seconds" from kill_wait()\'s first check', () => {
		const loop = new EarlyoomLoop();
		// 4 % / 4 %: at the SIGKILL limits at once.
		const first = loop.poll(1_000, mi(83_886, 167_772), [proc(100, 700)]);
		expect(first.action).toMatchObject({signal: 'SIGKILL', pid: 100});
		expect(loop.afterSignal(1_000, false)).toEqual(['earlyoom: process 100 exited after 0.000 seconds']);
		expect(loop.pending).toBeNull();
		// Said once: a later check has nobody to wait for.
		expect(loop.afterSignal(1_100, false)).toEqual([]);
	});

	it('a victim gone by the next check is reported gone, not escalated, even at the SIGKILL limits', () => {
		const loop = new EarlyoomLoop();
		loop.poll(0, mi(167_772, 335_544), [proc(100, 700)]);
		// 200 ms: 4 % / 4 % (SIGKILL limits), but 100 has exited: no SIGKILL to a pid that is gone.
		expect(loop.poll(200, mi(83_886, 167_772), [])).toEqual({
			action: null,
			lines: ['earlyoom: process 100 exited after 0.200 seconds'],
		});
	});

	it('after 10 s of waiting it gives up ("did not exit", ETIME), then checks afresh and signals again', () => {
		const loop = new EarlyoomLoop();
		const procs = [proc(100, 700)];
		loop.poll(0, mi(167_772, 335_544), procs);
		// Checks i = 0..99 at i × 100 ms: the last at 9.9 s, still waiting.
		expect(loop.poll(9_900, mi(167_772, 335_544), procs)).toEqual({action: null, lines: []});
		// After the 100th sleep, 10.0 s: kill_wait() returns −1 with ETIME; kill_process() says so.
		expect(loop.poll(10_000, mi(167_772, 335_544), procs)).toEqual({
			action: null,
			lines: ['earlyoom: process 100 did not exit', 'earlyoom: kill failed: Timer expired'],
		});
		expect(loop.pending).toBeNull();
		// Its next wake-up is a normal check: still at 8 %, SIGTERM again.
		expect(loop.poll(10_100, mi(167_772, 335_544), procs).action).toMatchObject({
			signal: 'SIGTERM',
			pid: 100,
		});
	});

	it("nobody to kill: kill_process()'s line, and a second more of sleep", () => {
		const loop = new EarlyoomLoop();
		expect(loop.poll(0, mi(83_886, 167_772), [])).toEqual({
			action: null,
			lines: ['earlyoom: Could not find a process to kill. Sleeping 1 second.'],
			extraSleepMs: 1000,
		});
	});
});
