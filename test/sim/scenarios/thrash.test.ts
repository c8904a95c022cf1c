// thrash (workloads/thrash.yaml): two batch jobs and memcached outgrow 2 GiB; once the second batch
// starts at 50 s major faults, anon refaults and PSI climb, and the machine gets far less done than the
// same processes with RAM to spare. By 90 s all of that has happened (thrashing from ~55 s).
import {describe, expect, it} from 'vitest';
import {GIB} from '../../../source/sim/units.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('thrash: major faults, refaults and PSI rise, and work done falls far below a big enough machine', () => {
		const w = loadWorkload('thrash');
		const r = runScenario(w, 90);
		const calm = at(r, 30);
		const late = at(r, 90);
		const majPerSec = (late.vmstat.pgmajfault - at(r, 70).vmstat.pgmajfault) / 20;
		expect(calm.psi.some.avg10).toBe(0);
		expect(majPerSec).toBeGreaterThan(50);
		expect(late.vmstat.workingset_refault_anon).toBeGreaterThan(1000);
		expect(late.psi.some.avg60).toBeGreaterThan(30);
		expect(late.psi.full.avg60).toBeGreaterThan(10);
		// The same processes with RAM to spare.
		const roomy = runScenario({...w, machine: {...w.machine, ram: 8 * GIB}}, 90);
		expect(at(roomy, 90).psi.some.avg60).toBe(0);
		const workThrash = r.machine.totalRefs;
		const workRoomy = roomy.machine.totalRefs;
		expect(workThrash).toBeLessThan(workRoomy * 0.75);
	});
});
