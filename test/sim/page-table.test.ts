// A process's page table (page-table.ts): the entry encoding shared with the page cache, the
// page-table pages counted as VmPTE, and growing with a grow region.
import {describe, expect, it} from 'vitest';
import {FRAME_KERNEL} from '../../source/sim/frames.js';
import {pageTableBytes} from '../../source/sim/host-cost.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {
	mkPresent,
	mkSwapEntry,
	PageTable,
	PTE_NONE,
	PTES_PER_TABLE,
	presentFrame,
	swapEntrySlot,
} from '../../source/sim/page-table.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {DEFAULT_SYSCTLS} from '../../source/sim/sysctl.js';
import {GIB, group, MIB, workload} from '../helpers/workload.js';

describe('entries', () => {
	it('present entries are frame + 1, swap entries −(slot + 1); 0 is none', () => {
		expect(mkPresent(0)).toBe(1);
		expect(presentFrame(mkPresent(41))).toBe(41);
		expect(mkSwapEntry(0)).toBe(-1);
		expect(swapEntrySlot(mkSwapEntry(99))).toBe(99);
		expect(PTE_NONE).toBe(0);
	});
});

describe('PageTable (sparse host storage)', () => {
	it('indexes 512 vpns per PTE page, 512 PTE pages per PMD page, 512 PMD pages per PUD page', () => {
		const pt = new PageTable(2 ** 28);
		expect(PTES_PER_TABLE).toBe(512);
		expect(pt.tableOf(511)).toBe(0);
		expect(pt.tableOf(512)).toBe(1);
		// vpn 2^18 (1 GiB in) is in PTE page 512, the second PMD page; vpn 2^27 (512 GiB in) in PUD 1.
		expect(pt.pmdOf(pt.tableOf(2 ** 18))).toBe(1);
		expect(pt.pudOf(pt.tableOf(2 ** 27))).toBe(1);
		// 2^28 vpns: 2^19 spans, 2^10 PMD slots, 2 PUD slots.
		expect([pt.tables.length, pt.pmds.length, pt.puds.length]).toEqual([2 ** 19, 1024, 2]);
	});

	it('holds entries only of spans touched, and walks skip the rest', () => {
		const pt = new PageTable(2 ** 28);
		expect(pt.get(12345)).toBe(PTE_NONE);
		pt.set(5, PTE_NONE); // setting none makes no block
		expect(pt.hostBlocks).toBe(0);
		pt.set(3, mkPresent(7));
		pt.set(2 ** 27 + 5, mkSwapEntry(2));
		expect(pt.hostBlocks).toBe(2);
		expect(pt.get(3)).toBe(mkPresent(7));
		expect(pt.get(4)).toBe(PTE_NONE);
		expect(pt.get(2 ** 27 + 5)).toBe(mkSwapEntry(2));
		// A walk over the whole space visits the two entries the spans' small blocks hold, nothing else.
		let visited = 0;
		const seen: number[] = [];
		for (let v = pt.skip(0, pt.covered); v < pt.covered; v = pt.next(v, pt.covered)) {
			visited++;
			if (pt.get(v) !== PTE_NONE) seen.push(v);
		}
		expect(visited).toBe(2);
		expect(seen).toEqual([3, 2 ** 27 + 5]);
	});

	it('keeps working-set stamps beside the entries', () => {
		const pt = new PageTable(4096);
		expect(pt.stampOf(1000)).toBe(0);
		expect(pt.swapStamp(1000, 7)).toBe(0);
		expect(pt.swapStamp(1000, 9)).toBe(7);
		expect(pt.stampOf(1000)).toBe(9);
	});

	it('grows keeping its entries, and saves and loads them', () => {
		const pt = new PageTable(4);
		pt.set(3, mkPresent(7));
		pt.tables[0] = mkPresent(9);
		pt.grow(1500);
		expect(pt.covered).toBe(1500);
		expect(pt.get(3)).toBe(mkPresent(7));
		expect(pt.tables[0]).toBe(mkPresent(9));
		expect(pt.tables.length).toBe(3);
		pt.set(1400, mkPresent(1));
		const copy = new PageTable(1);
		copy.load(structuredClone(pt.save()));
		expect([copy.get(3), copy.get(1400), copy.hostBlocks, copy.covered]).toEqual([
			mkPresent(7),
			mkPresent(1),
			2,
			1500,
		]);
		copy.set(700, mkPresent(2)); // a third block after load grows the pool
		expect(copy.get(700)).toBe(mkPresent(2));
	});

	it('keeps a sparse span in a small block and moves a span to a full block at its 17th entry', () => {
		const pt = new PageTable(64 * PTES_PER_TABLE);
		// One page in each of 5 spans: 5 small blocks, no full one.
		for (let s = 0; s < 5; s++) pt.set(s * PTES_PER_TABLE + 100 + s, mkPresent(s));
		expect([pt.hostBlocks, pt.fullBlocks, pt.poolBlocks]).toEqual([5, 0, 0]);
		// Span 0 gets 16 more entries (17 in all): its entries move to a block of 512, values and stamps kept.
		pt.swapStamp(100, 9);
		for (let i = 0; i < 16; i++) pt.set(200 + i, mkPresent(50 + i));
		expect([pt.hostBlocks, pt.fullBlocks]).toEqual([5, 1]);
		expect(pt.get(100)).toBe(mkPresent(0));
		expect(pt.stampOf(100)).toBe(9);
		expect(pt.get(215)).toBe(mkPresent(65));
		// The small block span 0 gave back serves the next span touched.
		pt.set(40 * PTES_PER_TABLE + 1, mkSwapEntry(3));
		expect([pt.hostBlocks, pt.fullBlocks]).toEqual([6, 1]);
		expect(pt.get(40 * PTES_PER_TABLE + 1)).toBe(mkSwapEntry(3));
		expect(pt.get(3 * PTES_PER_TABLE + 103)).toBe(mkPresent(3));
		// Clearing an entry a small block does not hold makes no slot; clearing one it holds empties it.
		pt.set(3 * PTES_PER_TABLE + 7, PTE_NONE);
		pt.set(3 * PTES_PER_TABLE + 103, PTE_NONE);
		expect(pt.get(3 * PTES_PER_TABLE + 103)).toBe(PTE_NONE);
		// A walk visits, in order, the full span's 512 vpns and each small block's indices.
		const visited: number[] = [];
		for (let v = pt.skip(0, pt.covered); v < pt.covered; v = pt.next(v, pt.covered)) visited.push(v);
		expect(visited.length).toBe(512 + 4 + 1);
		expect(visited.slice(510)).toEqual([
			510,
			511,
			PTES_PER_TABLE + 101,
			2 * PTES_PER_TABLE + 102,
			3 * PTES_PER_TABLE + 103,
			4 * PTES_PER_TABLE + 104,
			40 * PTES_PER_TABLE + 1,
		]);
		// Saved and loaded, the copy answers the same.
		const copy = new PageTable(64 * PTES_PER_TABLE);
		copy.load(structuredClone(pt.save()));
		for (const v of visited) expect(copy.get(v)).toBe(pt.get(v));
		expect(copy.stampOf(100)).toBe(9);
		expect([copy.hostBlocks, copy.fullBlocks]).toEqual([6, 1]);
	});

	it('holds no more host bytes than pageTableBytes allows', () => {
		// Worked by hand over 64 spans: directory and PTE-page slots 64 × 8 B, PMD and PUD slots 2 × 4 B.
		// A small block is 16 × 8 B + 1 = 129 B, a full block 512 × 6 B = 3072 B. One page touched: one
		// small block, with the pool's first step of 16 as slack: at most 17 → 17 × 129 = 2193 B.
		const vpns = 64 * PTES_PER_TABLE;
		expect(pageTableBytes(vpns, 1)).toBe(64 * 8 + 2 * 4 + 17 * 129);
		// 17 pages: 17 small blocks at most (33 with slack), 1 full block (2 with slack).
		expect(pageTableBytes(vpns, 17)).toBe(64 * 8 + 2 * 4 + 33 * 129 + 2 * 3072);
		// Every page touched: a small and a full block per span, never more than the 64 spans.
		expect(pageTableBytes(vpns, vpns)).toBe(64 * 8 + 2 * 4 + 64 * 129 + 64 * 3072);
		const hostBytes = (pt: PageTable) => {
			const s = pt.save();
			const small = s.small ? s.small.key.length * 8 + s.small.len.length : 0;
			return 64 * 8 + 2 * 4 + small + pt.poolBlocks * 3072;
		};
		for (let k = 1; k <= 64; k++) {
			// k pages, one a span; then k pages crowded into the first spans, 17 to a span.
			const sparse = new PageTable(vpns);
			for (let s = 0; s < k; s++) sparse.set(s * PTES_PER_TABLE + (s % 7), mkPresent(s));
			expect(sparse.hostBlocks).toBe(k);
			expect(hostBytes(sparse)).toBeLessThanOrEqual(pageTableBytes(vpns, k));
			const dense = new PageTable(vpns);
			for (let i = 0; i < k * 17; i++)
				dense.set(Math.floor(i / 17) * PTES_PER_TABLE + (i % 17), mkPresent(i));
			expect(dense.fullBlocks).toBe(k);
			expect(hostBytes(dense)).toBeLessThanOrEqual(pageTableBytes(vpns, k * 17));
		}
	});

	it('VmPTE counts PTE, PMD and PUD pages (mm_pgtables_bytes); PageTables the PGD too', () => {
		const pt = new PageTable(1);
		expect(pt.bytes).toBe(0);
		pt.nTables = 3;
		pt.nPmds = 2;
		pt.nPuds = 1;
		pt.pgd = mkPresent(0);
		expect(pt.bytes).toBe(6 * 4096);
		expect(pt.pages).toBe(7);
		expect(pt.levels()).toEqual({pgd: 1, pud: 1, pmd: 2, pte: 3});
	});
});

describe('four levels on the machine', () => {
	// One process with a 1 TiB anon region (2^28 pages) and no references of its own: the test faults
	// pages in by hand.
	const idle = () => {
		const w = workload(
			[group('sparse', {rate: 1, regions: [{name: 'heap', kind: 'anon', size: 1024 * GIB}]})],
			// overcommit_memory 1: a 1 TiB private mapping passes mode 0's single-request check otherwise.
			{ram: 512 * MIB, sysctl: {...DEFAULT_SYSCTLS, overcommit_memory: 1}},
		);
		return new Machine(w, {seed: 1});
	};

	it('allocates PGD, PUD, PMD and PTE pages on first touch, top-down, as kernel memory', () => {
		const m = idle();
		m.step();
		const p = m.tasks.procs.find((x) => x?.name === 'sparse')!;
		const pt = p.pt;
		// Whatever its one reference per second touched, start from a table of its own: fault by hand.
		const before = takeSnapshot(m).meminfo;
		const beforeLevels = pt.levels();
		const base = pt.pages;
		const touch = (vpn: number) => {
			if (pt.get(vpn) <= 0) expect(m.memory.anonFault(p, vpn, true)).toBeGreaterThanOrEqual(0);
		};
		// At 1 reference a second, none happened in the first tick: no table yet (the PGD comes with the first fault).
		expect(beforeLevels).toEqual({pgd: 0, pud: 0, pmd: 0, pte: 0});
		// Touches at vpn 0, 1, 511 share one PTE page; 512 needs a second; 2^18 (1 GiB in) a second PMD
		// page and a third PTE page; 2^27 + 5 (512 GiB in) a second PUD page, a third PMD, a fourth PTE.
		const fresh = new PageTable(2 ** 28);
		fresh.pgd = 1;
		const levelsAfter = (vpns: number[]) => {
			const spans = new Set(vpns.map((v) => fresh.tableOf(v)));
			const pmds = new Set([...spans].map((t) => fresh.pmdOf(t)));
			const puds = new Set([...spans].map((t) => fresh.pudOf(t)));
			return {spans, pmds, puds};
		};
		const touched = [0, 1, 511, 512, 2 ** 18, 2 ** 27 + 5];
		for (const v of touched) touch(v);
		const want = levelsAfter(touched);
		expect([want.spans.size, want.pmds.size, want.puds.size]).toEqual([4, 3, 2]);
		const lv = pt.levels();
		expect(lv).toEqual({pgd: 1, pud: 2, pmd: 3, pte: 4});
		for (const t of want.spans) expect(pt.tables[t]).toBeGreaterThan(0);
		for (const t of want.pmds) expect(pt.pmds[t]).toBeGreaterThan(0);
		expect(pt.puds[0]! > 0 && pt.puds[1]! > 0).toBe(true);
		// Meminfo PageTables counts every table page; VmPTE all but the PGD.
		const after = takeSnapshot(m).meminfo;
		// 10 table pages = 40 kB; MemFree loses them and the 6 data pages: 64 kB.
		expect(after.PageTables - before.PageTables).toBe(40);
		expect(before.MemFree - after.MemFree).toBe(64);
		expect(pt.pages - base).toBe(10);
		expect(pt.bytes).toBe((lv.pte + lv.pmd + lv.pud) * 4096);
		expect(checkInvariants(m)).toEqual([]);
		// Exit frees every level: the kernel frames go back to static + balloon.
		m.lifecycle.exit(p, 'terminated');
		expect(pt.pages).toBe(0);
		expect(checkInvariants(m)).toEqual([]);
		expect(m.zone.kindCount[FRAME_KERNEL]).toBe(m.zone.kernelStatic + m.zone.balloonPages);
	});
});
