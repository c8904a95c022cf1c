// The OOM killer's arithmetic (reference doc §7): oom_badness(), /proc/PID/oom_score since 5.9,
// victim selection and the kernel's log lines.

import {describe, expect, it} from 'vitest';
import type {SimEvent} from '../../source/sim/events.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {
	type OomInputs,
	oomBadness,
	oomKillLines,
	oomReapedLine,
	oomScore,
	oomUnkillable,
	rankOomCandidates,
} from '../../source/sim/oom.js';
import type {Proc} from '../../source/sim/process.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {group, MIB, workload} from '../helpers/workload.js';

const proc = (over: Partial<OomInputs>): OomInputs => ({
	pid: 100,
	name: 'p',
	rss: 0,
	swapents: 0,
	pgtablesBytes: 0,
	oomScoreAdj: 0,
	...over,
});

describe('oomBadness = rss + swapents + pgtables_bytes/4096 + adj·floor(totalpages/1000)', () => {
	it('sums the parts, page tables in whole pages', () => {
		// totalpages 1000000 → 1000 per adj point; adj 500 → 500000 pages.
		// pgtables 3·4096 + 100 bytes → 3 pages. badness = 1000 + 200 + 3 + 500000 = 501203.
		const c = oomBadness(
			proc({rss: 1000, swapents: 200, pgtablesBytes: 3 * 4096 + 100, oomScoreAdj: 500}),
			1e6,
		);
		expect(c).toEqual({
			pid: 100,
			name: 'p',
			rss: 1000,
			swapents: 200,
			pgtables: 3,
			oomScoreAdj: 500,
			adjPages: 500_000,
			badness: 501_203,
		});
	});

	it('divides totalpages by 1000 before multiplying (integer maths)', () => {
		// floor(123456/1000) = 123; adj −300 → −36900 (not −300·123.456 = −37036.8).
		// badness = 50000 − 36900 = 13100.
		const c = oomBadness(proc({rss: 50_000, oomScoreAdj: -300}), 123_456)!;
		expect(c.adjPages).toBe(-36_900);
		expect(c.badness).toBe(13_100);
		// Below 1000 total pages the adjustment vanishes: floor(999/1000) = 0.
		expect(oomBadness(proc({rss: 7, oomScoreAdj: 1000}), 999)!.badness).toBe(7);
	});

	it('a negative adjustment can push badness below zero', () => {
		// rss 10, adj −1 at totalpages 1000000: 10 − 1000 = −990.
		expect(oomBadness(proc({rss: 10, oomScoreAdj: -1}), 1e6)!.badness).toBe(-990);
	});

	it('oom_score_adj −1000 is never a candidate', () => {
		expect(oomBadness(proc({rss: 10 ** 6, oomScoreAdj: -1000}), 1e6)).toBeNull();
		// −999 is still a candidate.
		expect(oomBadness(proc({rss: 5, oomScoreAdj: -999}), 1e6)!.badness).toBe(5 - 999_000);
	});
});

describe('oomScore: (1000 + badness·1000/totalpages)·2/3 in C integer maths (since 5.9)', () => {
	const T = 1_000_000;

	it('a tiny adj-0 task scores 666', () => {
		// badness 10: 10·1000/1e6 = 0.01 → 0; (1000 + 0)·2/3 = 666.67 → 666.
		expect(oomScore(proc({rss: 10}), T)).toBe(666);
		expect(oomScore(proc({}), T)).toBe(666);
	});

	it('a task holding half of RAM + swap scores 1000', () => {
		// badness 500000: ·1000/1e6 = 500; 1500·2/3 = 1000.
		expect(oomScore(proc({rss: 400_000, swapents: 100_000}), T)).toBe(1000);
	});

	it('oom_score_adj 1000 adds 1000·2/3', () => {
		// badness 10 + 1000·1000 = 1000010 → 1000; 2000·2/3 = 1333.33 → 1333.
		expect(oomScore(proc({rss: 10, oomScoreAdj: 1000}), T)).toBe(1333);
		// Everything (rss = totalpages) plus adj 1000: 2000000 → 2000; 3000·2/3 = 2000, the maximum.
		expect(oomScore(proc({rss: T, oomScoreAdj: 1000}), T)).toBe(2000);
	});

	it('negative adjustments', () => {
		// rss 300000, adj −500: 300000 − 500000 = −200000 → −200; 800·2/3 = 533.33 → 533.
		expect(oomScore(proc({rss: 300_000, oomScoreAdj: -500}), T)).toBe(533);
		// rss 0, adj −999: −999000 → −999; 1·2/3 = 0.67 → 0.
		expect(oomScore(proc({oomScoreAdj: -999}), T)).toBe(0);
	});

	it('truncates toward zero, not down', () => {
		// rss 500, adj −2: badness 500 − 2000 = −1500; −1500·1000/1e6 = −1.5 → −1 (C truncation; floor
		// would give −2). (1000 − 1)·2/3 = 666. With floor it would be 998·2/3 → 665.
		expect(oomScore(proc({rss: 500, oomScoreAdj: -2}), T)).toBe(666);
		// And the final ·2/3 truncates too: badness 1000 → 1; 1001·2/3 = 667.33 → 667.
		expect(oomScore(proc({rss: 1000}), T)).toBe(667);
	});

	it('is 0 for an unkillable task (adj −1000), however big', () => {
		expect(oomScore(proc({rss: T, oomScoreAdj: -1000}), T)).toBe(0);
	});

	it('page tables count: 409600 bytes = 100 pages', () => {
		// totalpages 100000: badness 900 + 100 = 1000 → 1000·1000/100000 = 10; 1010·2/3 = 673.33 → 673.
		expect(oomScore(proc({rss: 900, pgtablesBytes: 409_600}), 100_000)).toBe(673);
	});
});

describe('rankOomCandidates', () => {
	// totalpages 10000 → 10 pages per adj point.
	const procs = [
		proc({pid: 100, name: 'a', rss: 1000}),
		proc({pid: 101, name: 'b', rss: 3000}),
		proc({pid: 102, name: 'c', rss: 2000, swapents: 1000}),
		proc({pid: 103, name: 'sshd', rss: 9999, oomScoreAdj: -1000}),
		proc({pid: 104, name: 'e', rss: 100, oomScoreAdj: 1000}),
	];

	it('ranks by badness, skips −1000, and the later pid wins a tie', () => {
		// a 1000; b 3000; c 2000 + 1000 = 3000 (tie with b); sshd skipped; e 100 + 1000·10 = 10100.
		const ranked = rankOomCandidates(procs, 10_000);
		expect(ranked.map((c) => [c.pid, c.badness])).toEqual([
			[104, 10_100],
			[102, 3000],
			[101, 3000],
			[100, 1000],
		]);
	});

	it('a tie is broken by pid whatever the input order', () => {
		const tied = [proc({pid: 205, rss: 50}), proc({pid: 201, rss: 50}), proc({pid: 209, rss: 50})];
		expect(rankOomCandidates(tied, 10_000).map((c) => c.pid)).toEqual([209, 205, 201]);
	});

	it('negative badness still ranks (the kernel starts from LONG_MIN)', () => {
		const ranked = rankOomCandidates(
			[proc({pid: 100, rss: 10, oomScoreAdj: -500}), proc({pid: 101, rss: 10, oomScoreAdj: -900})],
			10_000,
		);
		// 10 − 5000 = −4990; 10 − 9000 = −8990.
		expect(ranked.map((c) => [c.pid, c.badness])).toEqual([
			[100, -4990],
			[101, -8990],
		]);
	});

	it('nobody killable: empty', () => {
		expect(rankOomCandidates([proc({oomScoreAdj: -1000})], 10_000)).toEqual([]);
	});
});

describe('kernel log lines', () => {
	it('oomKillLines: invoked, oom-kill:constraint, Out of memory: Killed process (the doc example)', () => {
		// total-vm 2030864 pages·4 = 8123456 kB; anon 1975000·4 = 7900000 kB; file 300·4 = 1200 kB;
		// pgtables 15974400 bytes / 1024 = 15600 kB.
		const lines = oomKillLines(
			{name: 'hog', oomScoreAdj: 0},
			{
				pid: 1234,
				name: 'foo',
				uid: 1000,
				rss: 1_975_300,
				swapents: 0,
				pgtablesBytes: 15_974_400,
				oomScoreAdj: 0,
				vsizePages: 2_030_864,
				anon: 1_975_000,
				file: 300,
				shmem: 0,
			},
		);
		expect(lines).toEqual([
			'hog invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
			'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=foo,pid=1234,uid=1000',
			'Out of memory: Killed process 1234 (foo) total-vm:8123456kB, anon-rss:7900000kB, file-rss:1200kB, shmem-rss:0kB, UID:1000 pgtables:15600kB oom_score_adj:0',
		]);
	});

	it('oomKillLines: the invoker’s adj, a victim’s negative adj, shmem, and pgtables rounded down to kB', () => {
		// pgtables 5000 bytes >> 10 = 4 kB; shmem 25 pages = 100 kB.
		const lines = oomKillLines(
			{name: 'kworker', oomScoreAdj: -17},
			{
				pid: 7,
				name: 'db',
				uid: 0,
				rss: 35,
				swapents: 3,
				pgtablesBytes: 5000,
				oomScoreAdj: -250,
				vsizePages: 100,
				anon: 10,
				file: 0,
				shmem: 25,
			},
		);
		expect(lines[0]).toBe(
			'kworker invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=-17',
		);
		expect(lines[1]).toBe(
			'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=db,pid=7,uid=0',
		);
		expect(lines[2]).toBe(
			'Out of memory: Killed process 7 (db) total-vm:400kB, anon-rss:40kB, file-rss:0kB, shmem-rss:100kB, UID:0 pgtables:4kB oom_score_adj:-250',
		);
	});

	it('oomReapedLine', () => {
		expect(oomReapedLine(1234, 'foo', {anon: 0, file: 0, shmem: 0})).toBe(
			'oom_reaper: reaped process 1234 (foo), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
		);
		// 3, 5, 1 pages → 12, 20, 4 kB.
		expect(oomReapedLine(42, 'java', {anon: 3, file: 5, shmem: 1})).toBe(
			'oom_reaper: reaped process 42 (java), now anon-rss:12kB, file-rss:20kB, shmem-rss:4kB',
		);
	});
});

describe('the machine’s OOM killer', () => {
	// No swap, 32 MiB of RAM (8 MiB kernel): a leak growing 16 MiB/s runs out within two seconds.
	const w = workload(
		[
			group('small', {
				rate: 5000,
				regions: [{name: 'heap', kind: 'anon', size: 2 * MIB}],
				streams: [{region: 'heap', pattern: 'random', weight: 1}],
			}),
			group('sshd', {
				rate: 5000,
				oom_score_adj: -1000,
				regions: [{name: 'heap', kind: 'anon', size: MIB}],
				streams: [{region: 'heap', pattern: 'random', weight: 1}],
			}),
			group('hog', {
				rate: 1000,
				regions: [
					{name: 'work', kind: 'anon', size: MIB},
					{name: 'leak', kind: 'anon', size: 64 * MIB},
				],
				streams: [
					{region: 'work', pattern: 'random', weight: 1},
					{region: 'leak', pattern: 'grow', weight: 1, grow: 16 * MIB},
				],
			}),
		],
		{ram: 32 * MIB, kernel: 8 * MIB, swap: {size: 0, device: 'ssd'}},
	);

	it('kills the top-ranked candidate, logs the kernel lines, and reaps it on the next tick', () => {
		const m = new Machine(w, {seed: 1});
		const events: SimEvent[] = [];
		for (let t = 0; t < 300 && !events.some((e) => e.kind === 'oom-reaped'); t++) {
			m.step();
			expect(checkInvariants(m)).toEqual([]);
			events.push(...m.drainEvents());
		}
		const kill = events.find((e) => e.kind === 'oom-kill');
		const reaped = events.find((e) => e.kind === 'oom-reaped');
		if (kill?.kind !== 'oom-kill' || reaped?.kind !== 'oom-reaped') throw new Error('no OOM kill');
		// Candidates: hog (pid 102) and small (100); sshd (adj −1000) is never one.
		expect(kill.candidates.map((c) => c.pid)).toEqual([102, 100]);
		expect(kill.pid).toBe(102);
		// totalpages = RAM + swap = 8192 pages; no adj, so badness = rss + swapents + pgtables.
		for (const c of kill.candidates) expect(c.badness).toBe(c.rss + c.swapents + c.pgtables);
		const c = kill.candidates[0]!;
		// hog maps its 1 MiB work region plus the leak as far as it grew (brk), not the 64 MiB declared.
		// With no swap every grown page is resident: total-vm is at least anon-rss, far below 65 MiB.
		const totalVmKb = Number(/total-vm:(\d+)kB/.exec(kill.lines[2] ?? '')?.[1]);
		expect(totalVmKb).toBeGreaterThanOrEqual(c.rss * 4);
		expect(totalVmKb).toBeLessThan(66_560);
		expect(kill.lines).toEqual([
			'hog invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
			'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=hog,pid=102,uid=1000',
			`Out of memory: Killed process 102 (hog) total-vm:${totalVmKb}kB, anon-rss:${c.rss * 4}kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:${c.pgtables * 4}kB oom_score_adj:0`,
		]);
		expect(reaped.tick).toBe(kill.tick + 1);
		expect(reaped.line).toBe(
			'oom_reaper: reaped process 102 (hog), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
		);
		const s = takeSnapshot(m);
		expect(s.vmstat.oom_kill).toBe(1);
		expect(s.oomKills).toBe(1);
		expect(s.processes.map((p) => p.name)).toEqual(['small', 'sshd']);
		// /proc/PID/oom_score: sshd is unkillable; small (512 resident pages of 8192) scores
		// (1000 + (512 + pgtables)·1000/8192)·2/3 — with 3 page-table pages: 515·1000/8192 = 62 → 708.
		const small = s.processes.find((p) => p.name === 'small')!;
		expect(small.rss).toBe(512);
		expect(small.pgtablesBytes).toBe(3 * 4096);
		expect(small.oomScore).toBe(708);
		expect(s.processes.find((p) => p.name === 'sshd')!.oomScore).toBe(0);
	});
});

describe('VmSize / total-vm of a leak: what it has mapped so far (mm/mmap.c brk)', () => {
	it('after 10 s at 24 MiB/s beside a 256 MiB heap: 256M + 240M = 496 MiB = 126976 pages', () => {
		const w = workload(
			[
				group('leaky', {
					rate: 1000,
					regions: [
						{name: 'heap', kind: 'anon', size: 256 * MIB},
						{name: 'leak', kind: 'anon', size: 64 * 1024 * MIB},
					],
					streams: [
						{region: 'heap', pattern: 'random', weight: 1},
						{region: 'leak', pattern: 'grow', weight: 1, grow: 24 * MIB},
					],
				}),
			],
			{ram: 2048 * MIB, swap: {size: 0, device: 'ssd'}},
		);
		const m = new Machine(w, {seed: 1});
		for (let t = 0; t < 1000; t++) m.step();
		const p = takeSnapshot(m).processes.find((x) => x.name === 'leaky')!;
		// 24 MiB/s = 6144 pages/s, 10 s = 61440 pages; the heap 65536 pages.
		// 61.44 pages a tick summed in floating point leaves the last page a hair short of whole.
		expect(p.vsize).toBeGreaterThanOrEqual(65_536 + 61_440 - 1);
		expect(p.vsize).toBeLessThanOrEqual(65_536 + 61_440);
	});
});

describe('oomUnkillable: the tasks dump_tasks() lists that oom_badness() passes over', () => {
	const proc = (pid: number, adj: number, dying = false) =>
		({
			pid,
			name: `p${pid}`,
			rss: 100 * pid,
			swapEnts: 3,
			pgtablesBytes: 8192,
			oomScoreAdj: adj,
			dying,
		}) as unknown as Proc;

	it('keeps -1000 tasks and exiting victims, in task order, with their figures and why', () => {
		const out = oomUnkillable([proc(1, 0), proc(2, -1000), proc(3, -999), proc(4, 200, true)]);
		expect(out.map((u) => u.pid)).toEqual([2, 4]);
		// pgtables in pages: 8192 B / 4096 = 2.
		expect(out[0]).toEqual({
			pid: 2,
			name: 'p2',
			rss: 200,
			swapents: 3,
			pgtables: 2,
			oomScoreAdj: -1000,
			reason: 'oom_score_adj -1000 (OOM_SCORE_ADJ_MIN): never killed',
		});
		expect(out[1]!.reason).toContain('already exiting');
	});
});
