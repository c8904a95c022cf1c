// A process's page table (page-table.ts): the entry encoding shared with the page cache, the
// page-table pages counted as VmPTE, and growing with a grow region.
import {describe, expect, it} from 'vitest';
import {FRAME_KERNEL} from '../../source/sim/frames.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {
	mkPresent,
	mkSwapEntry,
	PageTable,
	PTE_NONE,
	PTES_PER_TABLE,
	pageTableBytes,
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
		// A walk over the whole space visits the two touched spans' 1024 vpns only.
		let visited = 0;
		const seen: number[] = [];
		for (let v = pt.skip(0, pt.covered); v < pt.covered; v = pt.next(v, pt.covered)) {
			visited++;
			if (pt.get(v) !== PTE_NONE) seen.push(v);
		}
		expect(visited).toBe(1024);
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

	it('holds no more host blocks than pageTableBytes allows: one block per span touched, an eighth more once large', () => {
		// Worked by hand: a block is 512 entries × (4 B entry + 2 B stamp) = 3072 B. The pool grows one
		// block at a time below 8 blocks and by an eighth of its blocks after, so touching one page in
		// each of k spans holds at most k + floor(k / 8) blocks: 1 span → 1 block, 8 → 9, 17 → 19 (17 → 18 at
		// the growth from 16, plus 2 of 16/8: the bound), never more than one per span. Directory and PTE-page slots: 2 × 4 B per span.
		const vpns = 64 * PTES_PER_TABLE;
		expect(pageTableBytes(vpns, 1)).toBe(64 * 8 + 2 * 4 + 1 * 3072);
		expect(pageTableBytes(vpns, 8)).toBe(64 * 8 + 2 * 4 + 9 * 3072);
		expect(pageTableBytes(vpns, 17)).toBe(64 * 8 + 2 * 4 + 19 * 3072);
		// Every span touched: exactly one block per span, no spare (a dense table's cost).
		expect(pageTableBytes(vpns, vpns)).toBe(64 * 8 + 2 * 4 + 64 * 3072);
		for (let k = 1; k <= 64; k++) {
			const pt = new PageTable(vpns);
			for (let s = 0; s < k; s++) pt.set(s * PTES_PER_TABLE + (s % 7), mkPresent(s));
			expect(pt.hostBlocks).toBe(k);
			expect(pt.poolBlocks).toBeLessThanOrEqual(Math.min(64, k + Math.floor(k / 8)));
			expect(pt.poolBlocks).toBeGreaterThanOrEqual(k);
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
