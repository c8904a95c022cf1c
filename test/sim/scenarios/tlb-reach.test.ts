// tlb-reach (workloads/tlb-reach.yaml): one 1 GiB random working set, mapped with 4 KiB pages
// (gups-4k) and with 2 MiB hugetlb pages (gups-2m), and a 4 MiB one inside the reach (small-4k).
// The numbers its comments promise: walks 1 − 1536/262144 = 99.41% of loads against 0%; 47.1 µs of
// TLB time on each 50 µs reference: 51% progress against 97%.
import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../../source/sim/invariants.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('tlb-reach: 4 KiB pages walk on 99.4% of loads and make half the progress of 2 MiB pages', {
		timeout: 300_000,
	}, () => {
		const r = runScenario(loadWorkload('tlb-reach'), 8);
		const s = at(r, 6);
		const by = (name: string) => s.processes.find((p) => p.name === name)!;
		const small = by('gups-4k');
		const huge = by('gups-2m');
		const inside = by('small-4k');
		// dTLB%: 1 − 1536/262144 against none; the L1 misses 1 − 32/512 of gups-2m's loads.
		expect(small.tlb.missRatio).toBeCloseTo(1 - 1536 / 262_144, 9);
		expect(huge.tlb.missRatio).toBe(0);
		expect(huge.tlb.l1MissRatio).toBeCloseTo(0.9375, 9);
		expect(inside.tlb.missRatio).toBe(0);
		// The counters agree with the ratio: 500 loads a reference.
		expect(small.tlb.loads).toBe(small.refs * 500);
		expect(small.tlb.misses / small.tlb.loads).toBeCloseTo(0.99414, 4);
		expect(huge.tlb.misses).toBe(0);
		// 47.1 µs a reference on top of 50: 50 / 97.1 = 51%; gups-2m's 1.4 µs: 50 / 51.4 = 97%.
		expect(small.tlb.costPerRefUs).toBeCloseTo(47.11, 2);
		expect(small.progress).toBeCloseTo(0.51, 2);
		expect(huge.progress).toBeCloseTo(0.97, 2);
		expect(inside.progress).toBeCloseTo(0.97, 2);
		expect(huge.progress / small.progress).toBeGreaterThan(1.85);
		// The walks are work, not a wait: no stall.
		expect(small.stall).toBe(0);
		// The TLB's reach: 6 MiB with 4 KiB pages, 3 GiB with 2 MiB pages.
		expect(small.tlb.stlbReachBytes).toBe(6 * 1024 * 1024);
		expect(huge.tlb.stlbReachBytes).toBe(3 * 1024 * 1024 * 1024);
		// The pool: 512 huge pages, all mapped by gups-2m by now; hugetlb pages are not its RSS.
		expect(s.meminfo.HugePages_Total).toBe(512);
		expect(s.meminfo.HugePages_Free).toBe(0);
		expect(huge.rss).toBe(0);
		expect(huge.minflt).toBe(512);
		expect(checkInvariants(r.machine)).toEqual([]);
	});
});
