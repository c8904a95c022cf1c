// A process's page table as x86-64 Linux builds it with 4-level paging (arch/x86/include/asm/
// pgtable_64_types.h: PGDIR_SHIFT 39, PUD_SHIFT 30, PMD_SHIFT 21, 512 entries a level; the p4d level
// is folded into the pgd). Each table page is a frame of the simulated machine, allocated on the
// first fault below it (mm/memory.c __pte_alloc, __pmd_alloc, __pud_alloc; pgd_alloc when the mm is
// made) and freed when the mm goes (free_pgtables). A PTE page maps 2 MiB, a PMD page 1 GiB, a PUD
// page 512 GiB: touching one page in each of three distant GiBs costs three PTE pages and three PMD
// pages, which is why page tables of sparse address spaces grow large.
//
// The host side is sparse too: a directory with one Int32 per 2 MiB span of the address space, and
// the entries (and their working-set stamps) only of spans that were ever touched, in blocks of 512.
// Host memory so grows with the touched spans, not with the virtual size.
//
// Entries (and the page cache's slots, page-cache.ts) share one encoding: 0 nothing, a present
// page frame + 1, a swap entry −(slot + 1).
import {IDENTITY_MAP, type PageTableMap} from './page-table-map.js';
import {PAGE_SIZE} from './units.js';

/** A page-table page maps 512 PTEs (2 MiB of address space); so do the PMD, PUD and PGD pages. */
export const PTES_PER_TABLE = 512;
const SHIFT = 9;
const MASK = PTES_PER_TABLE - 1;
/** PTE pages (2 MiB spans) under one PMD page: 1 GiB. */
const SPANS_PER_PMD = PTES_PER_TABLE;
/** PTE pages under one PUD page: 512 GiB. */
const SPANS_PER_PUD = PTES_PER_TABLE * PTES_PER_TABLE;
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

/** Table pages per level (the process detail's "page tables" line). */
export interface PageTableLevels {
	pgd: number;
	pud: number;
	pmd: number;
	pte: number;
}

/** What a saved state holds of a page table. */
export interface PageTableState {
	covered: number;
	dir: Int32Array;
	pool: Int32Array;
	stamp: Uint16Array;
	tables: Int32Array;
	pmds: Int32Array;
	puds: Int32Array;
	pgd: number;
	counts: number[];
}

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

export class PageTable {
	/** vpns covered (the directory's reach; a trailing grow region's table grows with it). */
	covered: number;
	/** Per 2 MiB span: its block of entries + 1, or 0 while none of its entries was ever set. */
	private dir: Int32Array;
	/** Entries, 512 per block. */
	private pool: Int32Array;
	/** Per entry: wssSecond() of its page's last touch (process.ts), 0 = never. */
	private stamp: Uint16Array;
	private blocks = 0;
	/** Per span (PTE page): the table page's frame + 1, or 0 while none is needed. */
	tables: Int32Array;
	/** Per GiB (PMD page): frame + 1 or 0. */
	pmds: Int32Array;
	/** Per 512 GiB (PUD page): frame + 1 or 0. */
	puds: Int32Array;
	/** The PGD page: frame + 1, or 0 before the first fault. */
	pgd = 0;
	nTables = 0;
	nPmds = 0;
	nPuds = 0;

	/**
	 * `map`: which virtual PMD and PUD slots the host spans stand for (page-table-map.ts); the identity
	 * when host vpns are the virtual ones.
	 */
	constructor(
		vpns: number,
		public map: PageTableMap = IDENTITY_MAP,
	) {
		this.covered = vpns;
		const spans = ceilDiv(vpns, PTES_PER_TABLE);
		this.dir = new Int32Array(spans);
		this.tables = new Int32Array(spans);
		this.pmds = new Int32Array(map.pmdCount(spans));
		this.puds = new Int32Array(map.pudCount(spans));
		this.pool = new Int32Array(0);
		this.stamp = new Uint16Array(0);
	}

	/** vpn's entry. */
	get(vpn: number): number {
		const b = this.dir[vpn >>> SHIFT]!;
		return b === 0 ? PTE_NONE : this.pool[(b - 1) * PTES_PER_TABLE + (vpn & MASK)]!;
	}

	/** Set vpn's entry (a block for its span is made on the first entry that is not none). */
	set(vpn: number, entry: number): void {
		let b = this.dir[vpn >>> SHIFT]!;
		if (b === 0) {
			if (entry === PTE_NONE) return;
			b = this.newBlock(vpn >>> SHIFT);
		}
		this.pool[(b - 1) * PTES_PER_TABLE + (vpn & MASK)] = entry;
	}

	/** vpn's working-set stamp (0: never touched). */
	stampOf(vpn: number): number {
		const b = this.dir[vpn >>> SHIFT]!;
		return b === 0 ? 0 : this.stamp[(b - 1) * PTES_PER_TABLE + (vpn & MASK)]!;
	}

	/** Set vpn's stamp to `sec16`; returns the one it had. */
	swapStamp(vpn: number, sec16: number): number {
		let b = this.dir[vpn >>> SHIFT]!;
		if (b === 0) b = this.newBlock(vpn >>> SHIFT);
		const i = (b - 1) * PTES_PER_TABLE + (vpn & MASK);
		const old = this.stamp[i]!;
		this.stamp[i] = sec16;
		return old;
	}

	/** The first vpn in [vpn, end) whose span holds entries: walks skip spans never touched. */
	skip(vpn: number, end: number): number {
		let span = vpn >>> SHIFT;
		if (this.dir[span] !== 0) return vpn;
		const last = ceilDiv(end, PTES_PER_TABLE);
		while (++span < last && this.dir[span] === 0);
		return Math.min(end, span * PTES_PER_TABLE);
	}

	/** The vpn after `vpn` in a walk of [.., end) that skips untouched spans: `for (v = skip(s, e); v < e; v = next(v, e))`. */
	next(vpn: number, end: number): number {
		const n = vpn + 1;
		return (n & MASK) === 0 ? this.skip(n, end) : n;
	}

	/** Which PTE page holds vpn's entry. */
	tableOf(vpn: number): number {
		return vpn >>> SHIFT;
	}

	/** Which PMD page holds the entry of PTE page `table` (by its virtual address: page-table-map.ts). */
	pmdOf(table: number): number {
		return this.map.pmdOf(table);
	}

	/** Which PUD page holds the entry of PMD page `pmd`. */
	pudOfPmd(pmd: number): number {
		return this.map.pudOfPmd(pmd);
	}

	/** Which PUD page holds the entry of PTE page `table`. */
	pudOf(table: number): number {
		return this.map.pudOfPmd(this.map.pmdOf(table));
	}

	/** Cover `size` vpns (a growing region): the entries so far are kept. */
	grow(size: number): void {
		const spans = ceilDiv(size, PTES_PER_TABLE);
		this.covered = size;
		this.dir = extend(this.dir, spans);
		this.tables = extend(this.tables, spans);
		this.pmds = extend(this.pmds, this.map.pmdCount(spans));
		this.puds = extend(this.puds, this.map.pudCount(spans));
	}

	levels(): PageTableLevels {
		return {pgd: this.pgd === 0 ? 0 : 1, pud: this.nPuds, pmd: this.nPmds, pte: this.nTables};
	}

	/** Table pages of every level (meminfo PageTables counts them all). */
	get pages(): number {
		return (this.pgd === 0 ? 0 : 1) + this.nPuds + this.nPmds + this.nTables;
	}

	/**
	 * VmPTE in bytes: include/linux/mm.h mm_pgtables_bytes() counts the PTE, PMD and PUD pages
	 * (mm_inc_nr_ptes/pmds/puds); the PGD comes with the mm.
	 */
	get bytes(): number {
		return (this.nTables + this.nPmds + this.nPuds) * PAGE_SIZE;
	}

	/** Spans whose entries the host holds. */
	get hostBlocks(): number {
		return this.blocks;
	}

	/** Blocks the host has allocated (in use and spare): what pageTableBytes bounds. */
	get poolBlocks(): number {
		return this.pool.length / PTES_PER_TABLE;
	}

	/** Forget every entry and table page (exit_mmap: the caller freed the frames). */
	clear(): void {
		this.dir.fill(0);
		this.tables.fill(0);
		this.pmds.fill(0);
		this.puds.fill(0);
		this.pool = new Int32Array(0);
		this.stamp = new Uint16Array(0);
		this.blocks = 0;
		this.pgd = 0;
		this.nTables = this.nPmds = this.nPuds = 0;
	}

	save(): PageTableState {
		const used = this.blocks * PTES_PER_TABLE;
		return {
			covered: this.covered,
			dir: this.dir,
			pool: this.pool.subarray(0, used),
			stamp: this.stamp.subarray(0, used),
			tables: this.tables,
			pmds: this.pmds,
			puds: this.puds,
			pgd: this.pgd,
			counts: [this.blocks, this.nTables, this.nPmds, this.nPuds],
		};
	}

	load(s: PageTableState): void {
		this.covered = s.covered;
		this.dir = s.dir;
		this.pool = s.pool;
		this.stamp = s.stamp;
		this.tables = s.tables;
		this.pmds = s.pmds;
		this.puds = s.puds;
		this.pgd = s.pgd;
		[this.blocks = 0, this.nTables = 0, this.nPmds = 0, this.nPuds = 0] = s.counts;
	}

	private newBlock(span: number): number {
		const need = (this.blocks + 1) * PTES_PER_TABLE;
		if (need > this.pool.length) {
			// An eighth more each time (a block at a time while small), never more blocks than spans: the
			// host holds at most blocks + floor(blocks / 8), and no more than a dense table (pageTableBytes).
			const grown = Math.max(need, this.pool.length + ((this.pool.length >>> 3) & ~MASK));
			const size = Math.min(grown, Math.max(need, this.dir.length * PTES_PER_TABLE));
			const pool = new Int32Array(size);
			pool.set(this.pool);
			this.pool = pool;
			const stamp = new Uint16Array(size);
			stamp.set(this.stamp);
			this.stamp = stamp;
		}
		this.blocks++;
		this.dir[span] = this.blocks;
		return this.blocks;
	}
}

function extend(a: Int32Array, length: number): Int32Array {
	if (length <= a.length) return a;
	const b = new Int32Array(length);
	b.set(a);
	return b;
}

/**
 * Host bytes of a PageTable over `vpns` virtual pages (sim/host-cost.ts) of which at most `touched`
 * pages are ever touched: the directory and PTE-page slot per 2 MiB span (two Int32), the PMD and PUD
 * slots, and an entry (Int32) and stamp (Uint16) for each page of every span touched, each touched
 * page in a span of its own at worst. The pool grows a block at a time while under 8 blocks and by an
 * eighth of its blocks after, but never past one block per span (newBlock): it holds at most
 * min(spans, blocks + floor(blocks / 8)) blocks.
 */
export function pageTableBytes(vpns: number, touched: number): number {
	const spans = ceilDiv(vpns, PTES_PER_TABLE);
	const blocks = Math.min(spans, touched);
	return (
		spans * 8 +
		(ceilDiv(spans, SPANS_PER_PMD) + ceilDiv(spans, SPANS_PER_PUD)) * 4 +
		Math.min(spans, blocks + Math.floor(blocks / 8)) * PTES_PER_TABLE * 6
	);
}
