// default (workloads/default.yaml): busy but healthy, from boot through the backup job's start: no
// swapping, no OOM, no memory pressure, everyone making progress.
import {describe, expect, it} from 'vitest';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('default: busy but healthy — no swapping, no OOM, no memory pressure', () => {
		const r = runScenario(loadWorkload('default'), 60);
		const s = at(r, 60);
		expect(s.oomKills).toBe(0);
		expect(s.psi.some.avg60).toBeLessThan(1);
		expect(s.swap.usedPages).toBe(0);
		for (const p of s.processes) expect(p.progress).toBeGreaterThan(0.8);
	});
});
