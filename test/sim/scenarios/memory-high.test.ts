// memory-high (workloads/memory-high.yaml): api leaks past its cgroup's memory.high; reclaim_high
// takes its cache, then mem_cgroup_handle_over_high throttles it (a memory stall its cgroup's PSI
// shows) instead of any OOM kill; raising memory.high at 40 s lets it grow again.
import {describe, expect, it} from 'vitest';
import type {Snapshot} from '../../../source/sim/snapshot-types.js';
import {MIB} from '../../../source/sim/units.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

const API = '/system.slice/api.service';
const api = (s: Snapshot) => s.cgroups!.find((c) => c.path === API)!;
const pages = (mib: number) => (mib * MIB) / 4096;

describe('shipped scenarios', () => {
	it('memory-high: the service over memory.high is throttled, its cgroup PSI shows it, nobody is killed', {
		timeout: 300_000,
	}, () => {
		const r = runScenario(loadWorkload('memory-high'), 60);
		expect(r.events.filter((e) => e.kind === 'oom-kill')).toEqual([]);
		const s35 = at(r, 35);
		// Over 256M but not by much: 35 s of a 16 MiB/s leak would be 560 MiB.
		expect(api(s35).current).toBeGreaterThan(pages(256));
		expect(api(s35).current).toBeLessThan(pages(300));
		expect(api(s35).events.high).toBeGreaterThan(0);
		expect(api(s35).events.oom + api(s35).events.max).toBe(0);
		// Its cache went first: nothing of the 64 MiB assets file is left charged to it.
		expect(api(s35).stat.file).toBeLessThan(pages(4));
		// The throttle is a memory stall: the cgroup's some avg10 well above the host's.
		expect(api(s35).pressure.some.avg10).toBeGreaterThan(60);
		expect(api(s35).pressure.some.avg10).toBeGreaterThan(1.5 * s35.psi.some.avg10);
		expect(s35.processes.find((p) => p.name === 'api')!.state).toBe('throttled');
		// The host has over 1.5 GiB free.
		expect(s35.frames.free).toBeGreaterThan(pages(1536));
		// memory.high raised to 512M at 40 s: api grows again, and is throttled again near it.
		const s60 = at(r, 60);
		expect(api(s60).current).toBeGreaterThan(pages(512));
		expect(api(s60).current).toBeLessThan(pages(560));
		expect(s60.processes.map((p) => p.name).sort()).toEqual(['api', 'worker']);
	});
});
