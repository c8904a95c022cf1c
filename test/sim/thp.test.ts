// Transparent huge pages (huge-memory.ts, thp-fault.ts, khugepaged.ts), worked by hand on a 256 MiB
// machine whose processes touch pages through the fault path directly.
import {describe, expect, it} from 'vitest';
import {
	DEFRAG_ALWAYS,
	DEFRAG_DEFER,
	DEFRAG_DEFER_MADVISE,
	DEFRAG_MADVISE,
	DEFRAG_NEVER,
	hugeRangeStart,
	THP_ALWAYS,
	THP_MADVISE,
	THP_NEVER,
	thpGfp,
	vmaThpEligible,
} from '../../source/sim/huge-memory.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {
	collapseVerdict,
	SCAN_EXCEED_NONE_PTE,
	SCAN_EXCEED_SHARED_PTE,
	SCAN_EXCEED_SWAP_PTE,
	SCAN_LACK_REFERENCED_PAGE,
	SCAN_PMD_NULL,
	SCAN_SUCCEED,
} from '../../source/sim/khugepaged.js';
import {Machine} from '../../source/sim/machine.js';
import type {Proc} from '../../source/sim/process.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {Sysctls} from '../../source/sim/spec.js';
import {DEFAULT_SYSCTLS, sysctlLine} from '../../source/sim/sysctl.js';
import type {Region} from '../../source/sim/vma.js';
import {workloadSchema} from '../../source/workload/schema.js';
import {group, MIB, workload} from '../helpers/workload.js';

const region = (startVpn: number, pages: number, extra: Partial<Region> = {}): Region => ({
	name: 'r',
	kind: 0,
	startVpn,
	pages,
	objectId: -1,
	mmap: true,
	locked: false,
	grows: false,
	grown: 0,
	raAddr: 0,
	raWin: 0,
	raHits: 0,
	...extra,
});

/** A machine with one idle process over `mib` MiB of anon memory, booted one tick. */
function machine(mib: number, sysctl: Partial<Sysctls> = {}): {m: Machine; p: Proc} {
	const w = workload(
		[group('app', {rate: 0, streams: [], regions: [{name: 'heap', kind: 'anon', size: mib * MIB}]})],
		{sysctl: {...DEFAULT_SYSCTLS, ...sysctl}},
	);
	const m = new Machine(w, {seed: 1});
	m.step();
	return {m, p: m.liveProcs()[0]!};
}

describe('which faults may take a huge page', () => {
	it('an aligned 2 MiB range wholly inside the VMA: a 3 MiB VMA at vpn 256 has one, 512..1023', () => {
		// 3 MiB = 768 pages: vpns 256..1023. The range of vpn 600 is 512..1023 (inside); that of vpn 300
		// is 0..511, which starts before the VMA.
		const r = region(256, 768);
		expect(hugeRangeStart(r, 600)).toBe(512);
		expect(hugeRangeStart(r, 1023)).toBe(512);
		expect(hugeRangeStart(r, 300)).toBe(-1);
		// One page short at the end: 512..1023 needs vpn 1023 in the VMA.
		expect(hugeRangeStart(region(256, 767), 600)).toBe(-1);
		// A heap mapped only as far as it grew: 512 grown pages from vpn 0 hold range 0..511, not 512..
		expect(hugeRangeStart(region(0, 4096, {grows: true, grown: 512}), 100)).toBe(0);
		expect(hugeRangeStart(region(0, 4096, {grows: true, grown: 512}), 512)).toBe(-1);
	});

	it('enabled: always takes any anon VMA but MADV_NOHUGEPAGE; madvise only MADV_HUGEPAGE; never none', () => {
		const plain = region(0, 512);
		const hinted = region(0, 512, {madvise: 'hugepage'});
		const refused = region(0, 512, {madvise: 'nohugepage'});
		const file = region(0, 512, {kind: 1});
		const table = [plain, hinted, refused, file].map((r) =>
			[THP_ALWAYS, THP_MADVISE, THP_NEVER].map((e) => vmaThpEligible(r, e)),
		);
		expect(table).toEqual([
			[true, false, false],
			[true, true, false],
			[false, false, false],
			[false, false, false],
		]);
	});

	it("defrag's gfp: direct compaction for always and for madvised VMAs under madvise and defer+madvise", () => {
		const modes = [DEFRAG_ALWAYS, DEFRAG_DEFER, DEFRAG_DEFER_MADVISE, DEFRAG_MADVISE, DEFRAG_NEVER];
		expect(modes.map((d) => [thpGfp(d, false), thpGfp(d, true)])).toEqual([
			[
				{direct: true, kswapd: false},
				{direct: true, kswapd: false},
			],
			[
				{direct: false, kswapd: true},
				{direct: false, kswapd: true},
			],
			[
				{direct: false, kswapd: true},
				{direct: true, kswapd: false},
			],
			[
				{direct: false, kswapd: false},
				{direct: true, kswapd: false},
			],
			[
				{direct: false, kswapd: false},
				{direct: false, kswapd: false},
			],
		]);
	});
});

describe('the huge page fault', () => {
	it('three faults in a 6 MiB heap: 3 THPs, 1 536 pages, AnonHugePages 6 144 kB, bloat 3 × 511', () => {
		const {m, p} = machine(6, {transparent_hugepage_enabled: THP_ALWAYS});
		const free = m.zone.freePages;
		for (const vpn of [5, 700, 1500]) expect(m.memory.anonFault(p, vpn, true)).toBeGreaterThan(250);
		for (const vpn of [5, 700, 1500]) p.touchWss(vpn, 1);
		expect(m.vm.thp_fault_alloc).toBe(3);
		expect(p.minflt).toBe(3);
		expect(p.rssAnon).toBe(1536);
		expect(p.pt.pmdMapped).toBe(3);
		// 1 536 anon pages, and the PGD, PUD, PMD and 3 deposited PTE pages.
		expect(free - m.zone.freePages).toBe(1536 + 6);
		const s = takeSnapshot(m);
		expect(s.meminfo.AnonHugePages).toBe(6144);
		expect(s.vmstat.nr_anon_transparent_hugepages).toBe(3);
		expect(s.processes[0]!.thp).toEqual({huge: 3, bloat: 3 * 511});
		expect(checkInvariants(m)).toEqual([]);
		// exit: every frame back, the THPs gone.
		m.lifecycle.exit(p, 'killed');
		expect(m.zone.freePages).toBe(free);
		expect(m.hugeMemory.nrAnonThps).toBe(0);
		expect(checkInvariants(m)).toEqual([]);
	});

	it('madvise without MADV_HUGEPAGE, and a 1 MiB heap under always: 4 KiB faults, no THP counters', () => {
		const a = machine(6);
		a.m.memory.anonFault(a.p, 5, true);
		const b = machine(1, {transparent_hugepage_enabled: THP_ALWAYS});
		b.m.memory.anonFault(b.p, 5, true);
		for (const {m, p} of [a, b]) {
			expect([p.rssAnon, p.pt.pmdMapped, m.vm.thp_fault_alloc, m.vm.thp_fault_fallback]).toEqual([
				1, 0, 0, 0,
			]);
		}
	});
});

describe('splits', () => {
	it('COW after fork: the writer splits its PMD and copies 4 KiB; the second writer splits the THP', () => {
		const {m, p} = machine(4, {transparent_hugepage_enabled: THP_ALWAYS});
		m.memory.anonFault(p, 0, true);
		m.memory.anonFault(p, 512, true);
		m.apply({kind: 'fork', pid: p.pid, streams: []});
		const c = m.liveProcs().find((q) => q.ppid === p.pid)!;
		// copy_huge_pmd: both THPs PMD-mapped in the child too, still 2 THPs.
		expect(c.pt.pmdMapped).toBe(2);
		expect(m.hugeMemory.nrAnonThps).toBe(2);
		const frame0 = c.pt.get(0) - 1;
		// The child writes vpn 3: do_huge_pmd_wp_page → split its PMD (thp_split_pmd 1) + wp_page_copy.
		m.memory.wpFault(c, 3, frame0 + 3);
		expect([m.vm.thp_split_pmd, m.vm.thp_split_page, c.cowFaults]).toEqual([1, 0, 1]);
		expect(c.pt.pmdMapped).toBe(1);
		// The parent still maps it huge: AnonHugePages still 2 × 2048 kB.
		expect(takeSnapshot(m).meminfo.AnonHugePages).toBe(4096);
		// The parent writes vpn 7: its PMD splits too; no huge PMD maps the THP now, so it is split.
		m.memory.wpFault(p, 7, frame0 + 7);
		expect([m.vm.thp_split_pmd, m.vm.thp_split_page, p.cowFaults]).toEqual([2, 1, 1]);
		expect(takeSnapshot(m).meminfo.AnonHugePages).toBe(2048);
		expect(checkInvariants(m)).toEqual([]);
	});

	it('swap-out: reclaim splits every PMD mapping the THP and the THP, then swaps 4 KiB', () => {
		const {m, p} = machine(2, {transparent_hugepage_enabled: THP_ALWAYS});
		m.memory.anonFault(p, 0, true);
		const frame = p.pt.get(10) - 1;
		m.vmscan.pageout(frame);
		expect([m.vm.thp_split_page, m.vm.thp_split_pmd, p.pt.pmdMapped, m.hugeMemory.nrAnonThps]).toEqual([
			1, 1, 0, 0,
		]);
		expect(p.pt.get(10)).toBeLessThan(0);
		expect(p.swapEnts).toBe(1);
		expect(checkInvariants(m)).toEqual([]);
	});
});

describe('khugepaged', () => {
	it('max_ptes_none: 511 none of 512 with one referenced page collapses; with max_ptes_none 0, 1 none does not', () => {
		const defaults = {maxPtesNone: 511, maxPtesSwap: 64, maxPtesShared: 256};
		expect(collapseVerdict({none: 511, swap: 0, shared: 0, referenced: 1}, defaults)).toBe(SCAN_SUCCEED);
		expect(
			collapseVerdict({none: 1, swap: 0, shared: 0, referenced: 511}, {...defaults, maxPtesNone: 0}),
		).toBe(SCAN_EXCEED_NONE_PTE);
		expect(
			collapseVerdict({none: 0, swap: 0, shared: 0, referenced: 512}, {...defaults, maxPtesNone: 0}),
		).toBe(SCAN_SUCCEED);
		expect(collapseVerdict({none: 0, swap: 65, shared: 0, referenced: 447}, defaults)).toBe(
			SCAN_EXCEED_SWAP_PTE,
		);
		expect(collapseVerdict({none: 0, swap: 0, shared: 257, referenced: 512}, defaults)).toBe(
			SCAN_EXCEED_SHARED_PTE,
		);
		// Nothing referenced; or swap entries with fewer than 256 referenced pages.
		expect(collapseVerdict({none: 511, swap: 0, shared: 0, referenced: 0}, defaults)).toBe(
			SCAN_LACK_REFERENCED_PAGE,
		);
		expect(collapseVerdict({none: 0, swap: 1, shared: 0, referenced: 255}, defaults)).toBe(
			SCAN_LACK_REFERENCED_PAGE,
		);
	});

	it('collapses a range with one 4 KiB page: 511 new zeroed pages, thp_collapse_alloc 1, kernel time not the process', () => {
		const {m, p} = machine(4, {transparent_hugepage_enabled: THP_NEVER});
		m.memory.anonFault(p, 3, true);
		expect(p.rssAnon).toBe(1);
		m.apply({kind: 'set-sysctl', name: 'transparent_hugepage_enabled', value: THP_ALWAYS});
		// Range 512..1023 has no PTE table: SCAN_PMD_NULL.
		expect(m.khugepaged.scanPmd(p, 512)).toBe(SCAN_PMD_NULL);
		expect(m.khugepaged.scanPmd(p, 0)).toBe(SCAN_SUCCEED);
		const stall = p.tickMemUs;
		expect(m.khugepaged.collapse(p, 0)).toBe(SCAN_SUCCEED);
		expect([p.rssAnon, p.pt.pmdMapped, m.vm.thp_collapse_alloc, m.khugepaged.pagesCollapsed]).toEqual([
			512, 1, 1, 1,
		]);
		// 1 page copied (1 µs) and 511 cleared (0.5 µs each): 256.5 µs of khugepaged's.
		expect(m.khugepaged.totalUs).toBe(256.5);
		expect(p.tickMemUs).toBe(stall);
		expect(checkInvariants(m)).toEqual([]);
		// With max_ptes_none 0 the same range of a second process is left alone.
		const q = machine(4, {transparent_hugepage_enabled: THP_NEVER, khugepaged_max_ptes_none: 0});
		q.m.memory.anonFault(q.p, 3, true);
		q.m.apply({kind: 'set-sysctl', name: 'transparent_hugepage_enabled', value: THP_ALWAYS});
		expect(q.m.khugepaged.scanPmd(q.p, 0)).toBe(SCAN_EXCEED_NONE_PTE);
	});

	it('runs every scan_sleep_millisecs: at 10 s the one range is collapsed by its own scan', () => {
		const {m, p} = machine(2, {transparent_hugepage_enabled: THP_NEVER});
		m.memory.anonFault(p, 3, true);
		m.apply({kind: 'set-sysctl', name: 'transparent_hugepage_enabled', value: THP_ALWAYS});
		// Ticks 0..999 run: tick 1000 (10 s) is the first scan.
		while (m.tick < 1000) m.step();
		expect(m.vm.thp_collapse_alloc).toBe(0);
		m.step();
		expect(m.vm.thp_collapse_alloc).toBe(1);
		expect(p.pt.pmdMapped).toBe(1);
	});
});

describe('the THP sysctls', () => {
	it('are written as words: transparent_hugepage/enabled = never', () => {
		expect(sysctlLine('transparent_hugepage_enabled', 2)).toBe('transparent_hugepage/enabled = never');
		expect(sysctlLine('transparent_hugepage_defrag', 2)).toBe('transparent_hugepage/defrag = defer+madvise');
		expect(sysctlLine('khugepaged_max_ptes_none', 511)).toBe(
			'transparent_hugepage/khugepaged/max_ptes_none = 511',
		);
		expect(sysctlLine('swappiness', 60)).toBe('vm.swappiness = 60');
	});

	const file = (sysctl: Record<string, unknown>, regions: unknown[] = [{name: 'heap', size: '16M'}]) => ({
		machine: {ram: '1G', sysctl},
		processes: [{name: 'app', rate: 1000, regions, streams: [{region: 'heap', pattern: 'random'}]}],
	});
	const parse = (v: unknown) => workloadSchema({name: 'test'}).safeParse(v);

	it('a workload names the mode; an unknown one, or madvise on a file region, is refused in one line', () => {
		const ok = parse(file({transparent_hugepage_enabled: 'never', transparent_hugepage_defrag: 'defer'}));
		expect(
			ok.success && [
				ok.data.machine.sysctl.transparent_hugepage_enabled,
				ok.data.machine.sysctl.transparent_hugepage_defrag,
			],
		).toEqual([2, 1]);
		const bad = parse(file({transparent_hugepage_enabled: 'sometimes'}));
		expect(bad.success).toBe(false);
		expect(bad.error?.issues[0]?.message).toMatch(/expected always, madvise, never/);
		const onFile = parse(
			file({}, [
				{name: 'heap', size: '16M'},
				{name: 'lib', kind: 'file', size: '16M', madvise: 'hugepage'},
			]),
		);
		expect(onFile.success).toBe(false);
		expect(onFile.error?.issues[0]?.message).toBe(
			'expected no madvise on a file region (only anon regions take madvise), got "hugepage"',
		);
	});
});
