// Behaviour of the shipped scenarios, run headless: what each workload file promises a user.
import {describe, expect, it} from 'vitest';
import type {SimEvent} from '../../source/sim/events.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {Snapshot} from '../../source/sim/snapshot-types.js';
import type {Workload} from '../../source/sim/spec.js';
import {GIB} from '../../source/sim/units.js';
import {loadWorkload} from '../../source/workload/load.js';

interface Run {
	snapshots: Snapshot[];
	events: SimEvent[];
	machine: Machine;
}

/** Run `seconds` of simulated time, one snapshot per second. */
function run(workload: Workload, seconds: number, seed = 1): Run {
	const machine = new Machine(workload, {seed});
	const snapshots: Snapshot[] = [];
	const events: SimEvent[] = [];
	for (let s = 0; s < seconds; s++) {
		for (let t = 0; t < 100; t++) machine.step();
		const snap = takeSnapshot(machine, {regions: false});
		events.push(...snap.events);
		snapshots.push(snap);
	}
	return {snapshots, events, machine};
}

const at = (r: Run, second: number): Snapshot => r.snapshots[second - 1]!;
const totalRefs = (m: Machine): number => m.totalRefs;

describe('shipped scenarios', () => {
	it('thrash: major faults, refaults and PSI rise, and work done falls far below a big enough machine', () => {
		const w = loadWorkload('thrash');
		const r = run(w, 120);
		const calm = at(r, 30);
		const late = at(r, 120);
		const majPerSec = (late.vmstat.pgmajfault - at(r, 100).vmstat.pgmajfault) / 20;
		expect(calm.psi.some.avg10).toBe(0);
		expect(majPerSec).toBeGreaterThan(50);
		expect(late.vmstat.workingset_refault_anon).toBeGreaterThan(1000);
		expect(late.psi.some.avg60).toBeGreaterThan(30);
		expect(late.psi.full.avg60).toBeGreaterThan(10);
		// The same processes with RAM to spare.
		const roomy = run({...w, machine: {...w.machine, ram: 8 * GIB}}, 120);
		expect(at(roomy, 120).psi.some.avg60).toBe(0);
		const workThrash = totalRefs(r.machine);
		const workRoomy = totalRefs(roomy.machine);
		expect(workThrash).toBeLessThan(workRoomy * 0.75);
	});

	it('leak: the OOM killer takes the leaker and logs it in the kernel format', () => {
		const r = run(loadWorkload('leak'), 150);
		const kills = r.events.filter((e) => e.kind === 'oom-kill');
		expect(kills.length).toBeGreaterThanOrEqual(1);
		const first = kills[0]!;
		if (first.kind !== 'oom-kill') throw new Error('unreachable');
		expect(first.name).toBe('leaky');
		expect(first.candidates[0]!.name).toBe('leaky');
		expect(first.lines[2]).toMatch(
			/^Out of memory: Killed process \d+ \(leaky\) total-vm:\d+kB, anon-rss:\d+kB, file-rss:\d+kB, shmem-rss:\d+kB, UID:\d+ pgtables:\d+kB oom_score_adj:0$/,
		);
		const reaped = r.events.find((e) => e.kind === 'oom-reaped');
		expect(reaped && reaped.kind === 'oom-reaped' ? reaped.line : '').toMatch(
			/^oom_reaper: reaped process \d+ \(leaky\), now anon-rss:0kB/,
		);
		// The others survive.
		expect(at(r, 150).processes.map((p) => p.name)).not.toContain('leaky');
		expect(at(r, 150).processes.length).toBeGreaterThan(0);
	});

	it('protected: the oom_score_adj -1000 process is never a victim nor a candidate', () => {
		const r = run(loadWorkload('protected'), 180);
		const kills = r.events.filter((e) => e.kind === 'oom-kill');
		expect(kills.length).toBeGreaterThanOrEqual(1);
		const protectedPids = at(r, 1)
			.processes.filter((p) => p.oomScoreAdj === -1000)
			.map((p) => p.pid);
		expect(protectedPids.length).toBe(1);
		for (const k of kills) {
			if (k.kind !== 'oom-kill') continue;
			expect(protectedPids).not.toContain(k.pid);
			expect(k.candidates.map((c) => c.pid)).not.toContain(protectedPids[0]);
		}
		expect(at(r, 180).processes.map((p) => p.pid)).toContain(protectedPids[0]);
		expect(at(r, 180).processes.find((p) => p.pid === protectedPids[0])!.oomScore).toBe(0);
	});

	it('zswap: compresses in the expected range, and swapping costs far fewer disk faults than without it', () => {
		const w = loadWorkload('zswap');
		const noEvents = {...w, events: []};
		const on = run(noEvents, 180);
		const s = at(on, 180);
		const ratio = (s.meminfo.Zswapped * 1024) / s.zswap.poolBytes;
		expect(s.vmstat.zswpout).toBeGreaterThan(10_000);
		expect(ratio).toBeGreaterThan(1.8);
		expect(ratio).toBeLessThan(4.5);
		const off = run({...noEvents, machine: {...w.machine, zswap: {...w.machine.zswap, enabled: false}}}, 180);
		const o = at(off, 180);
		// Major faults that had to read the disk: pswpin (zswap hits are zswpin, a decompression).
		expect(s.vmstat.pswpin).toBeLessThan(o.vmstat.pswpin / 2);
		expect(s.psi.some.avg60).toBeLessThan(o.psi.some.avg60);
		expect(totalRefs(on.machine)).toBeGreaterThan(totalRefs(off.machine));
	});

	it('cache-flood: file pages are cycled through while the hot anonymous working set survives', () => {
		const r = run(loadWorkload('cache-flood'), 140);
		const s = at(r, 140);
		expect(s.vmstat.pgsteal_file).toBeGreaterThan(100_000);
		expect(s.vmstat.pgsteal_anon).toBeLessThan(s.vmstat.pgsteal_file / 20);
		const api = s.processes.find((p) => p.name === 'api')!;
		expect(api.swap).toBeLessThan(api.anon * 0.05);
		expect(api.progress).toBeGreaterThan(0.9);
	});

	it('default: busy but healthy — no swapping, no OOM, no memory pressure', () => {
		const r = run(loadWorkload('default'), 120);
		const s = at(r, 120);
		expect(s.oomKills).toBe(0);
		expect(s.psi.some.avg60).toBeLessThan(1);
		expect(s.swap.usedPages).toBe(0);
		for (const p of s.processes) expect(p.progress).toBeGreaterThan(0.8);
	});
});
