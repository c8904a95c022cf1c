// The data TLB model (tlb.ts), worked by hand: L1 dTLB 64 × 4 KiB + 32 × 2 MiB, a 1536-entry STLB,
// Che's approximation for LRU. A uniform working set of W items in E entries hits E/W; a scan wider
// than the entries misses once per new page; zipf's top pages are what the entries hold.
import {describe, expect, it} from 'vitest';
import {THP_ALWAYS} from '../../source/sim/huge-memory.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {PAT_RANDOM, PAT_SEQUENTIAL, PAT_ZIPF} from '../../source/sim/process.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {restoreMachine, saveMachine, stateHash} from '../../source/sim/state-codec.js';
import {DEFAULT_SYSCTLS} from '../../source/sim/sysctl.js';
import {type TlbStream, tlbRates, zipfMass} from '../../source/sim/tlb.js';
import {GIB, group, MIB, workload} from '../helpers/workload.js';

/** 1 GiB in 4 KiB pages. */
const G = 262_144;
const stream = (pattern: number, pages: number, huge = 0, share = 1, skew = 1): TlbStream => ({
	pattern,
	pages,
	share,
	skew,
	huge,
});

describe('a sequential scan', () => {
	it('4 KiB pages: a 1 GiB scan misses both levels once per page', () => {
		const r = tlbRates([stream(PAT_SEQUENTIAL, G)], 1);
		expect(r.l1Miss).toBe(1);
		expect(r.walk).toBe(1);
		// One walk in 512 enters a new 2 MiB span: the PDE cache misses then, else it has the PDE.
		expect(r.pdeMiss).toBeCloseTo(1 / 512, 12);
	});

	it('2 MiB pages: the L1 misses once per 512 pages; 512 huge entries fit the STLB, so no walk', () => {
		const r = tlbRates([stream(PAT_SEQUENTIAL, G, 1)], 1);
		expect(r.l1Miss).toBeCloseTo(1 / 512, 12);
		expect(r.walk).toBe(0);
	});

	it('2 MiB pages over 8 GiB: 4096 huge pages outgrow the 1536 STLB entries: a walk per 512 pages', () => {
		const r = tlbRates([stream(PAT_SEQUENTIAL, 8 * G, 1)], 1);
		expect(r.walk).toBeCloseTo(1 / 512, 12);
	});

	it('a scan inside the reach: 1000 pages stay in the STLB, only the 64-entry L1 misses', () => {
		const r = tlbRates([stream(PAT_SEQUENTIAL, 1000)], 1);
		expect(r.walk).toBe(0);
		expect(r.l1Miss).toBe(1);
	});
});

describe('a uniform random working set', () => {
	it('inside the reach (1000 pages ≤ 1536): no walks; the L1 hits 64/1000', () => {
		const r = tlbRates([stream(PAT_RANDOM, 1000)], 1);
		expect(r.walk).toBe(0);
		expect(r.l1Miss).toBeCloseTo(1 - 64 / 1000, 9);
	});

	it('outside it (4096 pages): walks 1 − 1536/4096 = 0.625', () => {
		const r = tlbRates([stream(PAT_RANDOM, 4096)], 1);
		expect(r.walk).toBeCloseTo(0.625, 9);
		// 4096 pages are 8 spans: the 32-entry PDE cache holds them all, each walk reads the PTE alone.
		expect(r.pdeMiss).toBe(0);
	});

	it('1 GiB with 4 KiB pages: walks 1 − 1536/262144 = 99.41%, the PDE cache holds 32 of 512 spans', () => {
		const r = tlbRates([stream(PAT_RANDOM, G)], 500);
		expect(r.walk).toBeCloseTo(1 - 1536 / G, 9);
		expect(r.l1Miss).toBeCloseTo(1 - 64 / G, 9);
		// Span misses 1 − 32/512 = 0.9375 per load, over 0.99414 walks per load: 0.94303.
		expect(r.pdeMiss).toBeCloseTo(0.9375 / (1 - 1536 / G), 9);
		// Per reference (500 loads): walks 0.99414 × (0.05697 × 0.008 + 0.94303 × 0.1) µs, plus the L1
		// misses that hit the STLB, (0.999756 − 0.994141) × 0.003 µs: 500 × 0.094222 = 47.11 µs.
		expect(r.costPerRefUs).toBeCloseTo(47.11, 2);
		expect(r.stlbReachBytes).toBe(6 * MIB);
	});

	it('1 GiB with 2 MiB pages: 512 entries fit the STLB (no walk); the L1 holds 32 of them', () => {
		const r = tlbRates([stream(PAT_RANDOM, G, 1)], 500);
		expect(r.walk).toBe(0);
		expect(r.l1Miss).toBeCloseTo(1 - 32 / 512, 12);
		// 500 × 0.9375 × 0.003 µs: the STLB lookups alone.
		expect(r.costPerRefUs).toBeCloseTo(1.40625, 9);
		expect(r.stlbReachBytes).toBe(3 * GIB);
	});
});

describe('skewed references', () => {
	it("zipf's mass: skew 1 over n pages gives offsets [0, k) ln(k + 1) / ln(n)", () => {
		expect(zipfMass(0, 1535, G, 1)).toBeCloseTo(Math.log(1536) / Math.log(G), 12);
		expect(zipfMass(0, 1535, G, 1)).toBeCloseTo(0.588, 3);
		expect(zipfMass(0, G, G, 0.9)).toBeCloseTo(1, 12);
	});

	it('zipf over 1 GiB: LRU keeps less than the top-1536 mass (0.588), far more than uniform (0.006)', () => {
		const r = tlbRates([stream(PAT_ZIPF, G)], 1);
		expect(1 - r.walk).toBeLessThan(0.588);
		expect(1 - r.walk).toBeGreaterThan(0.4);
	});

	it('Che by hand: 90% of loads on 1024 hot pages, 10% on 261 120 cold ones: T ≈ 5228 loads, walks ≈ 0.109', () => {
		// 1024(1 − e^(−0.9T/1024)) + 261120(1 − e^(−0.1T/261120)) = 1536 at T ≈ 5228; misses
		// 0.9 e^(−4.595) + 0.1 e^(−0.002) = 0.0091 + 0.0998.
		const r = tlbRates([stream(PAT_RANDOM, 1024, 0, 0.9), stream(PAT_RANDOM, 261_120, 0, 0.1)], 1);
		expect(r.walk).toBeCloseTo(0.109, 3);
	});
});

describe('the TLB in the machine', () => {
	const machine = (hugetlb: boolean) =>
		new Machine(
			workload(
				[
					group('gups', {
						rate: 10_000,
						loads: 100,
						regions: [{name: 'table', kind: 'anon', size: 64 * MIB, ...(hugetlb ? {hugetlb: true} : {})}],
						streams: [{region: 'table', pattern: 'random', weight: 1, write_ratio: 0}],
					}),
				],
				{ram: 512 * MIB, kernel: 16 * MIB},
			),
			{seed: 3},
		);

	it('counts dTLB-loads and misses per process and charges the walks to its progress', () => {
		const m = machine(false);
		for (let i = 0; i < 300; i++) m.step();
		const t = takeSnapshot(m).processes[0]!.tlb;
		// 64 MiB = 16 384 pages: walks 1 − 1536/16384 = 0.90625 per load; 100 loads a reference.
		expect(t.missRatio).toBeCloseTo(0.90625, 5);
		expect(t.loads).toBe(m.procs[0]!.refs * 100);
		expect(t.misses / t.loads).toBeCloseTo(0.90625, 5);
		expect(checkInvariants(m)).toEqual([]);
	});

	it('MAP_HUGETLB: the region maps 2 MiB pool pages; 32 of them fit the STLB: no walks', () => {
		const m = machine(true);
		m.apply({kind: 'set-sysctl', name: 'nr_hugepages', value: 40});
		for (let i = 0; i < 300; i++) m.step();
		const s = takeSnapshot(m);
		const p = s.processes[0]!;
		expect(p.tlb.missRatio).toBe(0);
		expect(p.tlb.hugePages).toBe(16_384);
		// All 32 of the region's huge pages are mapped: 8 of the 40 are still free.
		expect(s.meminfo.HugePages_Free).toBe(8);
		expect(p.regions[0]!.resident).toBe(16_384);
		// Hugetlb pages are not RSS (VmRSS leaves them out; /proc/PID/status has HugetlbPages).
		expect(p.anon).toBe(0);
		expect(checkInvariants(m)).toEqual([]);
		// Exit gives them back to the pool, free.
		m.apply({kind: 'kill', pid: p.pid});
		for (let i = 0; i < 5; i++) m.step();
		expect(takeSnapshot(m).meminfo.HugePages_Free).toBe(40);
	});

	it("transparent huge pages: the process's PMD-mapped pages are 2 MiB entries, walks fall to 0", () => {
		const m = new Machine(
			workload(
				[
					group('gups', {
						rate: 10_000,
						loads: 100,
						regions: [{name: 'table', kind: 'anon', size: 64 * MIB}],
						streams: [{region: 'table', pattern: 'random', weight: 1, write_ratio: 0}],
					}),
				],
				{
					ram: 512 * MIB,
					kernel: 16 * MIB,
					sysctl: {...DEFAULT_SYSCTLS, transparent_hugepage_enabled: THP_ALWAYS},
				},
			),
			{seed: 3},
		);
		for (let i = 0; i < 300; i++) m.step();
		const p = m.liveProcs()[0]!;
		const t = takeSnapshot(m).processes[0]!.tlb;
		// Every 2 MiB range faulted as a THP: 32 PMDs, the whole 16 384 pages huge, 32 entries fit the STLB.
		expect(p.pt.pmdMapped).toBe(32);
		expect(t.hugePages).toBe(16_384);
		expect(t.missRatio).toBe(0);
		expect(t.l1MissRatio).toBe(0);
	});

	it('no free huge page: the fault is VM_FAULT_SIGBUS and the task exits', () => {
		const m = machine(true);
		m.apply({kind: 'set-sysctl', name: 'nr_hugepages', value: 4});
		for (let i = 0; i < 50; i++) m.step();
		const events = m.drainEvents();
		expect(events.some((e) => e.kind === 'alloc-fail' && e.reason.includes('VM_FAULT_SIGBUS'))).toBe(true);
		expect(m.liveProcs()).toEqual([]);
		expect(takeSnapshot(m).meminfo.HugePages_Free).toBe(4);
	});

	it('save and load keep the counters and the pool mappings: the two runs go on identically', () => {
		const a = machine(true);
		a.apply({kind: 'set-sysctl', name: 'nr_hugepages', value: 40});
		for (let i = 0; i < 150; i++) a.step();
		const b = restoreMachine(a.workload, saveMachine(a));
		for (let i = 0; i < 150; i++) {
			a.step();
			b.step();
		}
		expect(stateHash(b)).toBe(stateHash(a));
		expect(takeSnapshot(b).processes[0]!.tlb.loads).toBe(takeSnapshot(a).processes[0]!.tlb.loads);
	});
});
