// A process's page table, behind one small interface: one entry per virtual page (flat, for now:
// a single level indexed by vpn), and the page-table pages that would hold those entries, counted
// as kernel memory (VmPTE). A 4-level table (pgd/p4d/pud/pmd/pte) replaces this file alone.
//
// Entries (and the page cache's slots, page-cache.ts) share one encoding: 0 nothing, a present
// page frame + 1, a swap entry −(slot + 1).
import {PAGE_SIZE} from './units.js';

/** A page-table page maps 512 PTEs (2 MiB of address space). */
export const PTES_PER_TABLE = 512;
/** No page, and no swap entry: never touched (or unmapped). */
export const PTE_NONE = 0;

/** The entry of a present page in `frame`. */
export function mkPresent(frame: number): number {
	return frame + 1;
}

/** The frame of a present entry (entry > 0). */
export function presentFrame(entry: number): number {
	return entry - 1;
}

/** The entry of a page swapped out to `slot`. */
export function mkSwapEntry(slot: number): number {
	return -(slot + 1);
}

/** The swap slot of a swap entry (entry < 0). */
export function swapEntrySlot(entry: number): number {
	return -entry - 1;
}

export class PageTable {
	/** vpn → entry. */
	pte: Int32Array;
	/** Page-table page per PTES_PER_TABLE vpns: its frame + 1, or 0 while none is needed. */
	tables: Int32Array;
	nTables = 0;

	constructor(vpns: number) {
		this.pte = new Int32Array(vpns);
		this.tables = new Int32Array(Math.ceil(vpns / PTES_PER_TABLE) + 1);
	}

	/** Which page-table page holds vpn's entry. */
	tableOf(vpn: number): number {
		return (vpn / PTES_PER_TABLE) | 0;
	}

	/** Cover `size` vpns (a growing region): the entries so far are kept. */
	grow(size: number): void {
		const pte = new Int32Array(size);
		pte.set(this.pte);
		this.pte = pte;
		const tables = new Int32Array(Math.ceil(size / PTES_PER_TABLE) + 1);
		tables.set(this.tables);
		this.tables = tables;
	}

	/** VmPTE in bytes: the PTE pages, one pmd page, and a pud page per 512 of them. */
	get bytes(): number {
		const n = this.nTables;
		return n === 0 ? 0 : (n + 1 + Math.ceil(n / PTES_PER_TABLE)) * PAGE_SIZE;
	}
}

/**
 * Host bytes of a PageTable over `vpns` virtual pages (sim/host-cost.ts): an entry (Int32) per page
 * and a page-table page slot (Int32) per PTES_PER_TABLE pages. A flat table costs by its span; a
 * sparse (multi-level) one replacing this file costs by what is mapped, at most `touched` pages.
 */
export function pageTableBytes(vpns: number, _touched: number): number {
	return vpns * 4 + (Math.ceil(vpns / PTES_PER_TABLE) + 1) * 4;
}
