// noisy-neighbour (workloads/noisy-neighbour.yaml): the etl batch job's pressure cannot take db's
// pages while db.service is under its memory.low; the same run without memory.low takes them like
// anyone's (the comparison the workload's comments give, run here by overriding the cgroup tree).
import {describe, expect, it} from 'vitest';
import type {Snapshot} from '../../../source/sim/snapshot-types.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

const DB = '/system.slice/db.service';
const ETL = '/batch.slice/etl.service';
const cg = (s: Snapshot, path: string) => s.cgroups!.find((c) => c.path === path)!;
const majflt = (s: Snapshot) => s.processes.find((p) => p.name === 'db')!.majflt;

describe('shipped scenarios', () => {
	it('noisy-neighbour: memory.low keeps db.service’s pages from the batch job’s pressure; without it they go', {
		timeout: 300_000,
	}, () => {
		const w = loadWorkload('noisy-neighbour');
		const withLow = runScenario(w, 60);
		const noLow = runScenario({...w, cgroups: {'/system.slice': {}, [DB]: {}, [ETL]: {}}}, 60);
		for (const r of [withLow, noLow]) {
			// Real pressure: kswapd ran, nobody was OOM-killed.
			expect(at(r, 60).vmstat.pgscan_kswapd).toBeGreaterThan(100_000);
			expect(r.events.filter((e) => e.kind === 'oom-kill')).toEqual([]);
		}
		const [a, b] = [at(withLow, 60), at(noLow, 60)];
		// With memory.low: not one of db.service's pages reclaimed, none in swap; the etl job's own went.
		expect(cg(a, DB).stat.pgsteal).toBe(0);
		expect(cg(a, DB).swapCurrent).toBe(0);
		expect(cg(a, ETL).stat.pgsteal).toBeGreaterThan(100_000);
		expect(cg(a, ETL).swapCurrent).toBeGreaterThan(0);
		// Nothing had to dip below low: no low events.
		expect(cg(a, DB).events.low).toBe(0);
		// db.service is still at or below its 640M (163840 pages).
		expect(cg(a, DB).current).toBeLessThanOrEqual(163_840);
		// Without it: reclaim takes db's pages (over 300 000 of them by 60 s), some 100 MiB of its heap
		// (25600 pages) is in swap, and db major-faults many times more in the last 15 s.
		expect(cg(b, DB).stat.pgsteal).toBeGreaterThan(300_000);
		expect(cg(b, DB).swapCurrent).toBeGreaterThan(20_000);
		const faults = (r: typeof withLow) => majflt(at(r, 60)) - majflt(at(r, 45));
		expect(faults(noLow)).toBeGreaterThan(50 * Math.max(1, faults(withLow)));
	});
});
