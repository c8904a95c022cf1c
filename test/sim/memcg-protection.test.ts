// memory.min / memory.low (mm/page_counter.c effective_protection, page_counter_calculate_protection;
// mm/vmscan.c shrink_node_memcgs): effective protection in a three-level tree with numbers worked
// by hand, then reclaim: a memcg under its memory.min is never reclaimed from, one under its
// memory.low only when nothing else is reclaimable (counting `low` events), and kswapd never breaks low.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {calculateProtection, effectiveProtection} from '../../source/sim/memcg-protection.js';
import {MEMCG_LOW, ROOT_MEMCG} from '../../source/sim/memcontrol.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {Workload} from '../../source/sim/spec.js';
import {PAGE_SIZE} from '../../source/sim/units.js';
import {runChecked} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

const pages = (n: number) => n * PAGE_SIZE;

function treeMachine(cgroups: Workload['cgroups']): Machine {
	const w = workload(
		[group('idle', {rate: 0, regions: [{name: 'heap', kind: 'anon', size: MIB}], streams: []})],
		{
			ram: 48 * MIB,
			kernel: 8 * MIB,
		},
	);
	w.cgroups = cgroups;
	return new Machine(w, {seed: 1});
}

describe('effective_protection', () => {
	it('gives a child its own claim, min(usage, setting), while the siblings fit in the parent', () => {
		// usage 60, setting 80: claims 60; siblings claim 90 of the parent's 100.
		expect(effectiveProtection(60, 200, 80, 100, 90, false)).toBe(60);
	});

	it('shares the parent out in proportion to the claims when the siblings claim more', () => {
		// Claims 60 and 80 of a parent's 100: 60 × 100 / 140 = 42.86 → 42; 80 × 100 / 140 = 57.1 → 57.
		expect(effectiveProtection(60, 200, 80, 100, 140, false)).toBe(42);
		expect(effectiveProtection(120, 200, 80, 100, 140, false)).toBe(57);
	});

	it('spreads the unclaimed rest over unprotected usage only with memory_recursiveprot', () => {
		// Parent 100, siblings claim 30 of it; this child uses 100 and claims 0.
		expect(effectiveProtection(100, 130, 0, 100, 30, false)).toBe(0);
		// Recursive: (100 − 30) × (100 − 0) / (130 − 30) = 70.
		expect(effectiveProtection(100, 130, 0, 100, 30, true)).toBe(70);
	});
});

describe('mem_cgroup_calculate_protection in a three-level tree', () => {
	// /a (min 40, low 100) holds /a/x (min 30, low 80) and /a/y (min 30, low 80), which holds
	// /a/y/z (min 10, low 200); /b (low 60) is a sibling of /a. Usages (pages, hierarchical):
	// /a/x 60, /a/y/z 100, /a/y 120 (20 of its own), /a 200 (20 of its own), /b 50.
	const m = treeMachine({
		'/a': {'memory.min': pages(40), 'memory.low': pages(100)},
		'/a/x': {'memory.min': pages(30), 'memory.low': pages(80)},
		'/a/y': {'memory.min': pages(30), 'memory.low': pages(80)},
		'/a/y/z': {'memory.min': pages(10), 'memory.low': pages(200)},
		'/b': {'memory.low': pages(60)},
	});
	const mc = m.memcg;
	const id = (path: string) => mc.idOf(path);
	const set = (path: string, usage: number) => {
		mc.usage[id(path)] = usage;
	};
	set('/a', 200);
	set('/a/x', 60);
	set('/a/y', 120);
	set('/a/y/z', 100);
	set('/b', 50);
	mc.usage[ROOT_MEMCG] = 250;
	const emin = new Float64Array(mc.count);
	const elow = new Float64Array(mc.count);

	it('from the root (global reclaim)', () => {
		calculateProtection(mc, ROOT_MEMCG, emin, elow);
		const at = (path: string) => [emin[id(path)], elow[id(path)]];
		// The root's children get what they declare.
		expect(at('/a')).toEqual([40, 100]);
		expect(at('/b')).toEqual([0, 60]);
		// /a's children claim min(60, 30) + min(120, 30) = 60 > 40 of min: 30 × 40 / 60 = 20 each;
		// and min(60, 80) + min(120, 80) = 140 > 100 of low: 60 × 100 / 140 = 42, 80 × 100 / 140 = 57.
		expect(at('/a/x')).toEqual([20, 42]);
		expect(at('/a/y')).toEqual([20, 57]);
		// /a/y/z alone below /a/y: min claims min(100, 10) = 10 ≤ 20: 10 (no recursive share);
		// low claims min(100, 200) = 100 > 57: 100 × 57 / 100 = 57.
		expect(at('/a/y/z')).toEqual([10, 57]);
		// Below? /b: elow 60 ≥ usage 50. /a/x: 42 < 60. (mem_cgroup_below_low is elow >= usage.)
	});

	it('with memory_recursiveprot, /a/y/z also gets a share of the unclaimed min', () => {
		calculateProtection(mc, ROOT_MEMCG, emin, elow, true);
		// (20 − 10) × (100 − 10) / (120 − 10) = 900 / 110 = 8.18 → 8; 10 + 8 = 18.
		expect(emin[id('/a/y/z')]).toBe(18);
	});

	it('from a memcg reclaim target: its children get what they declare, it gets none', () => {
		calculateProtection(mc, id('/a'), emin, elow);
		expect([emin[id('/a')], elow[id('/a')]]).toEqual([0, 0]);
		expect([emin[id('/a/x')], elow[id('/a/x')]]).toEqual([30, 80]);
		expect([emin[id('/a/y')], elow[id('/a/y')]]).toEqual([30, 80]);
		// /a/y/z: min 10 ≤ 30 → 10; low 100 > 80 → 100 × 80 / 100 = 80.
		expect([emin[id('/a/y/z')], elow[id('/a/y/z')]]).toEqual([10, 80]);
	});
});

describe('reclaim under protection (shrink_node_memcgs)', () => {
	// Two cgroups each fill 4 MiB (1024 pages) of page cache; then reclaim is asked for pages.
	function cached(svc: Record<string, number>): Machine {
		const reader = (name: string, cgroup: string) =>
			group(name, {
				cgroup,
				rate: 20_000,
				regions: [{name: 'f', kind: 'file', size: 4 * MIB, object: `${name}.dat`, access: 'read'}],
				streams: [{region: 'f', pattern: 'sequential', weight: 1}],
				lifetime: 0.3,
			});
		const w = workload([reader('svc', '/svc'), reader('batch', '/batch')], {ram: 64 * MIB, kernel: 8 * MIB});
		w.cgroups = {'/svc': svc, '/batch': {}};
		const m = new Machine(w, {seed: 1});
		runChecked(m, 40);
		return m;
	}

	it('takes nothing from a memcg under its memory.low while another has pages', () => {
		const m = cached({'memory.low': 8 * MIB});
		const mc = m.memcg;
		const [svc, batch] = [mc.idOf('/svc'), mc.idOf('/batch')];
		expect([mc.usage[svc], mc.usage[batch]]).toEqual([1024, 1024]);
		expect(m.vmscan.shrinkNode(512, false)).toBeGreaterThanOrEqual(512);
		expect(mc.usage[svc]).toBe(1024);
		expect(mc.usage[batch]).toBeLessThanOrEqual(512);
		expect(mc.eventCount(svc, MEMCG_LOW)).toBe(0);
		// The snapshot (and headless JSON) shows the effective low: a child of the root gets what it
		// declares, 8 MiB = 2048 pages (page_counter_calculate_protection's parent == root case).
		const snap = takeSnapshot(m).cgroups!.find((c) => c.path === '/svc')!;
		expect([snap.effectiveLow, snap.effectiveMin]).toEqual([2048, 0]);
	});

	it('below low when nothing else is left: direct reclaim retries and counts low; kswapd does not', () => {
		const m = cached({'memory.low': 8 * MIB});
		const mc = m.memcg;
		const svc = mc.idOf('/svc');
		// Take all of /batch first (and the rest of the unprotected pages).
		while (m.vmscan.shrinkNode(1024, true) > 0);
		expect(mc.usage[mc.idOf('/batch')]).toBe(0);
		expect(mc.usage[svc]).toBe(1024);
		// kswapd (balance_pgdat) respects memory.low even now.
		expect(m.vmscan.shrinkNode(32, true)).toBe(0);
		expect(mc.eventCount(svc, MEMCG_LOW)).toBe(0);
		// Direct reclaim found nothing and skipped /svc: it retries with memcg_low_reclaim.
		expect(m.vmscan.shrinkNode(32, false)).toBeGreaterThanOrEqual(32);
		expect(mc.usage[svc]).toBeLessThan(1024);
		expect(mc.eventCount(svc, MEMCG_LOW)).toBeGreaterThan(0);
	});

	it('never takes a page of a memcg under its memory.min', () => {
		const m = cached({'memory.min': 8 * MIB});
		const mc = m.memcg;
		const svc = mc.idOf('/svc');
		while (m.vmscan.shrinkNode(1024, false) > 0);
		expect(mc.usage[mc.idOf('/batch')]).toBe(0);
		expect(mc.usage[svc]).toBe(1024);
		expect(mc.statCount(svc, 0)).toBe(0);
	});

	it('scans a memcg above its protection less, in proportion (apply_proportional_protection)', () => {
		// /svc's low of 2 MiB = 512 of its 1024 pages: a pass meets its frames and passes over
		// 512 / 1025 of them, so it gives up fewer pages than the unprotected /batch.
		const m = cached({'memory.low': 2 * MIB});
		const mc = m.memcg;
		const [svc, batch] = [mc.idOf('/svc'), mc.idOf('/batch')];
		m.vmscan.shrinkNode(1024, false);
		const fromSvc = 1024 - mc.usage[svc]!;
		const fromBatch = 1024 - mc.usage[batch]!;
		expect(fromSvc).toBeGreaterThan(0);
		expect(fromSvc).toBeLessThan(fromBatch);
	});
});
