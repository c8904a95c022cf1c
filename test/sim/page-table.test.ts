// A process's page table (page-table.ts): the entry encoding shared with the page cache, the
// page-table pages counted as VmPTE, and growing with a grow region.
import {describe, expect, it} from 'vitest';
import {
	mkPresent,
	mkSwapEntry,
	PageTable,
	PTE_NONE,
	PTES_PER_TABLE,
	presentFrame,
	swapEntrySlot,
} from '../../source/sim/page-table.js';

describe('entries', () => {
	it('present entries are frame + 1, swap entries −(slot + 1); 0 is none', () => {
		expect(mkPresent(0)).toBe(1);
		expect(presentFrame(mkPresent(41))).toBe(41);
		expect(mkSwapEntry(0)).toBe(-1);
		expect(swapEntrySlot(mkSwapEntry(99))).toBe(99);
		expect(PTE_NONE).toBe(0);
	});
});

describe('PageTable', () => {
	it('one table page per 512 vpns', () => {
		const pt = new PageTable(2000);
		expect(PTES_PER_TABLE).toBe(512);
		expect(pt.tableOf(511)).toBe(0);
		expect(pt.tableOf(512)).toBe(1);
		// ⌈2000 / 512⌉ + 1 slots for table pages.
		expect(pt.tables.length).toBe(5);
	});

	it('VmPTE: the PTE pages, one pmd page and a pud page per 512 of them', () => {
		const pt = new PageTable(1);
		expect(pt.bytes).toBe(0);
		pt.nTables = 1; // 1 + 1 + 1 pages
		expect(pt.bytes).toBe(3 * 4096);
		pt.nTables = 512; // 512 + 1 + 1
		expect(pt.bytes).toBe(514 * 4096);
		pt.nTables = 513; // 513 + 1 + 2
		expect(pt.bytes).toBe(516 * 4096);
	});

	it('grows keeping its entries', () => {
		const pt = new PageTable(4);
		pt.pte[3] = mkPresent(7);
		pt.tables[0] = mkPresent(9);
		pt.grow(1500);
		expect(pt.pte.length).toBe(1500);
		expect(pt.pte[3]).toBe(mkPresent(7));
		expect(pt.tables[0]).toBe(mkPresent(9));
		expect(pt.tables.length).toBe(4);
	});
});
