// A process's page table as x86-64 Linux builds it with 4-level paging (arch/x86/include/asm/
// pgtable_64_types.h: PGDIR_SHIFT 39, PUD_SHIFT 30, PMD_SHIFT 21, 512 entries a level; the p4d level
// is folded into the pgd). Each table page is a frame of the simulated machine, allocated on the
// first fault below it (mm/memory.c __pte_alloc, __pmd_alloc, __pud_alloc; pgd_alloc when the mm is
// made) and freed when the mm goes (free_pgtables). A PTE page maps 2 MiB, a PMD page 1 GiB, a PUD
// page 512 GiB: touching one page in each of three distant GiBs costs three PTE pages and three PMD
// pages, which is why page tables of sparse address spaces grow large.
//
// The host side is sparse too: a directory with one Int32 per 2 MiB span of the address space, and
// the entries (and their working-set stamps) only of spans that were ever touched. A span with few
// entries keeps them in a small block (up to SMALL_ENTRIES of them, each with its index in the span:
// 8 bytes an entry); its next entry moves them to a full block of 512 (6 bytes an entry, 3 KiB). So a
// program that touches one page in each of many 2 MiB spans (a sparse heap, a hash table over a
// reserved terabyte) costs the host about 130 bytes a span, not 3 KiB, while the simulated machine
// pays a whole 4 KiB PTE page for each, as Linux does. Host memory so grows with the touched pages,
// not with the virtual size.
//
// Entries (and the page cache's slots, page-cache.ts) share one encoding: 0 nothing, a present
// page frame + 1, a swap entry −(slot + 1).
import {HugePmds} from './huge-pmds.js';
import {SmallSpans, type SmallSpansState} from './small-spans.js';
import {PAGE_SIZE} from './units.js';

/** A page-table page maps 512 PTEs (2 MiB of address space); so do the PMD, PUD and PGD pages. */
export const PTES_PER_TABLE = 512;
const SHIFT = 9;
const MASK = PTES_PER_TABLE - 1;
/** PTE pages (2 MiB spans) under one PMD page: 1 GiB. */
export const SPANS_PER_PMD = PTES_PER_TABLE;
/** PTE pages under one PUD page: 512 GiB. */
export const SPANS_PER_PUD = PTES_PER_TABLE * PTES_PER_TABLE;
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
	/** Spans a huge PMD maps (1), only while there is one. */
	huge?: Uint8Array | undefined;
	/** Small blocks (absent in states saved before they existed). */
	small?: SmallSpansState | undefined;
}

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

export class PageTable {
	/** vpns covered (the directory's reach; a trailing grow region's table grows with it). */
	covered: number;
	/**
	 * Per 2 MiB span: its full block of entries + 1; −(its small block + 1); or 0 while none of its
	 * entries was ever set.
	 */
	private dir: Int32Array;
	/** The small blocks of sparse spans (small-spans.ts). */
	private readonly small = new SmallSpans();
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
	/** Spans a huge PMD maps: a transparent huge page each (huge-pmds.ts). */
	readonly huge: HugePmds;

	constructor(vpns: number) {
		this.covered = vpns;
		const spans = ceilDiv(vpns, PTES_PER_TABLE);
		this.dir = new Int32Array(spans);
		this.huge = new HugePmds(spans);
		this.tables = new Int32Array(spans);
		this.pmds = new Int32Array(ceilDiv(spans, SPANS_PER_PMD));
		this.puds = new Int32Array(ceilDiv(spans, SPANS_PER_PUD));
		this.pool = new Int32Array(0);
		this.stamp = new Uint16Array(0);
	}

	/** vpn's entry. */
	get(vpn: number): number {
		// Small on purpose, so the reference loop inlines it: spans without a full block go out of line.
		const b = this.dir[vpn >>> SHIFT]!;
		return b > 0 ? this.pool[(b - 1) * PTES_PER_TABLE + (vpn & MASK)]! : this.getSparse(b, vpn);
	}

	private getSparse(b: number, vpn: number): number {
		if (b === 0) return PTE_NONE;
		const at = this.small.slot(-b - 1, vpn & MASK);
		return at < 0 ? PTE_NONE : this.small.entry[at]!;
	}

	/** Set vpn's entry (a small block for its span is made on the first entry that is not none). */
	set(vpn: number, entry: number): void {
		const b = this.dir[vpn >>> SHIFT]!;
		if (b > 0) {
			this.pool[(b - 1) * PTES_PER_TABLE + (vpn & MASK)] = entry;
			return;
		}
		if (entry === PTE_NONE) {
			// Clearing an entry a small block does not hold: nothing to do (a none needs no slot).
			if (b === 0) return;
			const at = this.small.slot(-b - 1, vpn & MASK);
			if (at >= 0) this.small.entry[at] = PTE_NONE;
			return;
		}
		const at = this.smallAt(vpn);
		if (at >= 0) this.small.entry[at] = entry;
		else this.pool[-at - 1] = entry;
	}

	/** vpn's working-set stamp (0: never touched). */
	stampOf(vpn: number): number {
		const b = this.dir[vpn >>> SHIFT]!;
		if (b > 0) return this.stamp[(b - 1) * PTES_PER_TABLE + (vpn & MASK)]!;
		if (b === 0) return 0;
		const at = this.small.slot(-b - 1, vpn & MASK);
		return at < 0 ? 0 : this.small.stamp[at]!;
	}

	/** Set vpn's stamp to `sec16`; returns the one it had. */
	swapStamp(vpn: number, sec16: number): number {
		const b = this.dir[vpn >>> SHIFT]!;
		if (b <= 0) return this.swapStampSparse(vpn, sec16);
		const i = (b - 1) * PTES_PER_TABLE + (vpn & MASK);
		const old = this.stamp[i]!;
		this.stamp[i] = sec16;
		return old;
	}

	private swapStampSparse(vpn: number, sec16: number): number {
		let old: number;
		const at = this.smallAt(vpn);
		if (at >= 0) {
			old = this.small.stamp[at]!;
			this.small.stamp[at] = sec16;
		} else {
			old = this.stamp[-at - 1]!;
			this.stamp[-at - 1] = sec16;
		}
		return old;
	}

	/**
	 * The slot of vpn in a span without a full block, made if need be: ≥ 0 a small block's slot, or
	 * −(pool index + 1) once the span has outgrown its small block and moved to a full one.
	 */
	private smallAt(vpn: number): number {
		const span = vpn >>> SHIFT;
		const i = vpn & MASK;
		let b = this.dir[span]!;
		const small = this.small;
		if (b === 0) {
			const k = small.make(this.dir.length);
			this.dir[span] = b = -(k + 1);
		}
		const k = -b - 1;
		const at = small.slot(k, i);
		if (at >= 0) return at;
		const added = small.add(k, i);
		if (added >= 0) return added;
		// Full: the span moves to a block of 512, and the small block is given back.
		const full = this.newBlock(span);
		const base = (full - 1) * PTES_PER_TABLE;
		for (let j = small.first(k), end = small.end(k); j < end; j++) {
			this.pool[base + small.key[j]!] = small.entry[j]!;
			this.stamp[base + small.key[j]!] = small.stamp[j]!;
		}
		small.release(k);
		return -(base + i + 1);
	}

	/**
	 * The first vpn in [vpn, end) whose entry the host may hold: walks skip spans never touched, and
	 * in a span with a small block the indices it does not hold.
	 */
	skip(vpn: number, end: number): number {
		let span = vpn >>> SHIFT;
		const b = this.dir[span]!;
		if (b > 0) return vpn;
		if (b < 0) {
			const i = this.small.next(-b - 1, (vpn & MASK) - 1);
			if (i >= 0) return Math.min(end, span * PTES_PER_TABLE + i);
		}
		const last = ceilDiv(end, PTES_PER_TABLE);
		while (++span < last) {
			const d = this.dir[span]!;
			if (d > 0) return Math.min(end, span * PTES_PER_TABLE);
			if (d < 0) {
				const i = this.small.next(-d - 1, -1);
				if (i >= 0) return Math.min(end, span * PTES_PER_TABLE + i);
			}
		}
		return end;
	}

	/** The vpn after `vpn` in a walk of [.., end) that skips untouched spans: `for (v = skip(s, e); v < e; v = next(v, e))`. */
	next(vpn: number, end: number): number {
		const n = vpn + 1;
		if ((n & MASK) === 0) return this.skip(n, end);
		const b = this.dir[vpn >>> SHIFT]!;
		if (b >= 0) return n;
		const i = this.small.next(-b - 1, vpn & MASK);
		return i >= 0
			? Math.min(end, vpn - (vpn & MASK) + i)
			: this.skip(vpn - (vpn & MASK) + PTES_PER_TABLE, end);
	}

	/** Which PTE page holds vpn's entry. */
	tableOf(vpn: number): number {
		return vpn >>> SHIFT;
	}

	/** The process's PMD-mapped (2 MiB) pages: cheap, a count kept as huge PMDs come and go. */
	get pmdMapped(): number {
		return this.huge.count;
	}

	/** Which PMD page holds the entry of PTE page `table`. */
	pmdOf(table: number): number {
		return (table / SPANS_PER_PMD) | 0;
	}

	/** Which PUD page holds the entry of PTE page `table`. */
	pudOf(table: number): number {
		return (table / SPANS_PER_PUD) | 0;
	}

	/** Cover `size` vpns (a growing region): the entries so far are kept. */
	grow(size: number): void {
		const spans = ceilDiv(size, PTES_PER_TABLE);
		this.covered = size;
		this.dir = extend(this.dir, spans);
		this.tables = extend(this.tables, spans);
		this.pmds = extend(this.pmds, ceilDiv(spans, SPANS_PER_PMD));
		this.puds = extend(this.puds, ceilDiv(spans, SPANS_PER_PUD));
		this.huge.grow(spans);
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

	/** Spans whose entries the host holds (in full blocks and in small ones). */
	get hostBlocks(): number {
		return this.blocks + this.small.inUse;
	}

	/** Spans whose entries are in a full block of 512. */
	get fullBlocks(): number {
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
		this.small.clear();
		this.pgd = 0;
		this.nTables = this.nPmds = this.nPuds = 0;
		this.huge.clear();
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
			...this.huge.save(),
			...this.smallState(),
		};
	}

	/** The small blocks, in states only once there are any (so older states keep their layout). */
	private smallState(): {small?: SmallSpansState} {
		const small = this.small.save();
		return small ? {small} : {};
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
		this.huge.load(s.huge);
		this.small.load(s.small);
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
