// thrash (workloads/thrash.yaml): two batch jobs and memcached outgrow 2 GiB; once the second batch
// starts at 50 s major faults, anon refaults and PSI climb, and the machine gets far less done than the
// same processes with RAM to spare. By 90 s all of that has happened (thrashing from ~55 s). The pages
// reclaimed were never activated (folio_check_references needs two references between scans), so their
// refaults are not workingset restores: the processes wait on swap-in IO (nearly all of their time),
// and PSI memory counts only the reclaim stalls (mm/workingset.c: memstall only for PG_workingset).
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
		// Refaults of pages that were never active restore nothing.
		expect(late.vmstat.workingset_restore_anon).toBeLessThan(late.vmstat.workingset_refault_anon / 10);
		const batch = late.processes.filter((p) => p.name === 'batch');
		expect(batch.length).toBe(3);
		for (const b of batch) expect(b.stall).toBeGreaterThan(0.8);
		expect(late.psi.some.avg60).toBeGreaterThan(1);
		expect(late.psi.full.avg60).toBeGreaterThan(1);
		// The same processes with RAM to spare.
		const roomy = runScenario({...w, machine: {...w.machine, ram: 8 * GIB}}, 90);
		expect(at(roomy, 90).psi.some.avg60).toBe(0);
		const workThrash = r.machine.totalRefs;
		const workRoomy = roomy.machine.totalRefs;
		expect(workThrash).toBeLessThan(workRoomy * 0.75);
	});
});
