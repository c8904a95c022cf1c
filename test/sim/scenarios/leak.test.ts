// leak (workloads/leak.yaml): a leaker grows until the OOM killer takes it (86 s in at seed 1), logging
// the kernel's lines; the others survive.
import {describe, expect, it} from 'vitest';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('leak: the OOM killer takes the leaker and logs it in the kernel format', () => {
		const r = runScenario(loadWorkload('leak'), 100);
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
		// While the leaker is swapped out, the others barely notice: their hot pages stay resident and the
		// few swap-ins of their cold tail take an SSD read each (~130 µs), not a wait behind the swap-outs.
		const killedAt = Math.floor(first.tick / 100);
		expect(killedAt).toBeGreaterThan(60);
		for (let s = 55; s <= killedAt; s++) {
			const snap = at(r, s);
			expect(snap.vmstat.pswpout).toBeGreaterThan(0);
			for (const p of snap.processes) if (p.name !== 'leaky') expect(p.progress).toBeGreaterThan(0.8);
			expect(snap.psi.some.avg10).toBeLessThan(5);
		}
		// The others survive.
		expect(at(r, 100).processes.map((p) => p.name)).not.toContain('leaky');
		expect(at(r, 100).processes.length).toBeGreaterThan(0);
	});
});
