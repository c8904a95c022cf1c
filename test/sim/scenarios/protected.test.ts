// protected (workloads/protected.yaml): under an OOM storm (kills at 86 s and 99.5 s) the process with
// oom_score_adj -1000 is never a victim nor even a candidate, and its oom_score is 0.
import {describe, expect, it} from 'vitest';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('protected: the oom_score_adj -1000 process is never a victim nor a candidate', () => {
		const r = runScenario(loadWorkload('protected'), 110);
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
			// ...but the report lists it, as dump_tasks() does, marked unkillable (issue 17 item 8).
			const listed = k.unkillable?.find((u) => u.pid === protectedPids[0]);
			expect(listed?.oomScoreAdj).toBe(-1000);
			expect(listed?.reason).toContain('OOM_SCORE_ADJ_MIN');
			expect(listed?.rss).toBeGreaterThan(0);
		}
		expect(at(r, 110).processes.map((p) => p.pid)).toContain(protectedPids[0]);
		expect(at(r, 110).processes.find((p) => p.pid === protectedPids[0])!.oomScore).toBe(0);
	});
});
