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
import {PAGE_SIZE} from './units.js';

/** A page-table page maps 512 PTEs (2 MiB of address space); so do the PMD, PUD and PGD pages. */
export const PTES_PER_TABLE = 512;
const SHIFT = 9;
const MASK = PTES_PER_TABLE - 1;
/** PTE pages (2 MiB spans) under one PMD page: 1 GiB. */
const SPANS_PER_PMD = PTES_PER_TABLE;
/** PTE pages under one PUD page: 512 GiB. */
const SPANS_PER_PUD = PTES_PER_TABLE * PTES_PER_TABLE;
/** Entries a small block holds before its span gets a full block. */
export const SMALL_ENTRIES = 16;
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
	small?: {key: Uint16Array; entry: Int32Array; stamp: Uint16Array; len: Uint8Array; free: number[]};
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
	/** Small blocks: per block SMALL_ENTRIES slots of (index in the span, entry, stamp), and how many are used. */
	private sKey = new Uint16Array(0);
	private sEntry = new Int32Array(0);
	private sStamp = new Uint16Array(0);
	private sLen = new Uint8Array(0);
	/** Small blocks made so far, and those given back when their span got a full block. */
	private smallBlocks = 0;
	private smallFree: number[] = [];
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
		const at = this.smallSlot(-b - 1, vpn & MASK);
		return at < 0 ? PTE_NONE : this.sEntry[at]!;
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
			const at = this.smallSlot(-b - 1, vpn & MASK);
			if (at >= 0) this.sEntry[at] = PTE_NONE;
			return;
		}
		const at = this.smallAt(vpn);
		if (at >= 0) this.sEntry[at] = entry;
		else this.pool[-at - 1] = entry;
	}

	/** vpn's working-set stamp (0: never touched). */
	stampOf(vpn: number): number {
		const b = this.dir[vpn >>> SHIFT]!;
		if (b > 0) return this.stamp[(b - 1) * PTES_PER_TABLE + (vpn & MASK)]!;
		if (b === 0) return 0;
		const at = this.smallSlot(-b - 1, vpn & MASK);
		return at < 0 ? 0 : this.sStamp[at]!;
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
			old = this.sStamp[at]!;
			this.sStamp[at] = sec16;
		} else {
			old = this.stamp[-at - 1]!;
			this.stamp[-at - 1] = sec16;
		}
		return old;
	}

	/** Where small block `k` holds index `i` of its span, or −1. */
	private smallSlot(k: number, i: number): number {
		const base = k * SMALL_ENTRIES;
		const end = base + this.sLen[k]!;
		const key = this.sKey;
		for (let j = base; j < end; j++) if (key[j] === i) return j;
		return -1;
	}

	/**
	 * The slot of vpn in a span without a full block, made if need be: ≥ 0 a small block's slot, or
	 * −(pool index + 1) once the span has outgrown its small block and moved to a full one.
	 */
	private smallAt(vpn: number): number {
		const span = vpn >>> SHIFT;
		const i = vpn & MASK;
		let b = this.dir[span]!;
		if (b === 0) {
			const k = this.newSmall();
			this.dir[span] = b = -(k + 1);
		}
		const k = -b - 1;
		const at = this.smallSlot(k, i);
		if (at >= 0) return at;
		const len = this.sLen[k]!;
		if (len < SMALL_ENTRIES) {
			const j = k * SMALL_ENTRIES + len;
			this.sKey[j] = i;
			this.sEntry[j] = PTE_NONE;
			this.sStamp[j] = 0;
			this.sLen[k] = len + 1;
			return j;
		}
		// Full: the span moves to a block of 512, and the small block is given back.
		const full = this.newBlock(span);
		const base = (full - 1) * PTES_PER_TABLE;
		for (let j = k * SMALL_ENTRIES, end = j + len; j < end; j++) {
			this.pool[base + this.sKey[j]!] = this.sEntry[j]!;
			this.stamp[base + this.sKey[j]!] = this.sStamp[j]!;
		}
		this.sLen[k] = 0;
		this.smallFree.push(k);
		return -(base + i + 1);
	}

	private newSmall(): number {
		const reused = this.smallFree.pop();
		if (reused !== undefined) return reused;
		const k = this.smallBlocks++;
		if (this.smallBlocks > this.sLen.length) {
			// An eighth more each time (16 blocks at least), never more than one per span.
			const want = Math.min(
				Math.max(this.smallBlocks, this.sLen.length + Math.max(16, this.sLen.length >>> 3)),
				Math.max(this.smallBlocks, this.dir.length),
			);
			this.sLen = grownTo(this.sLen, want);
			this.sKey = grownTo(this.sKey, want * SMALL_ENTRIES);
			this.sEntry = grownTo(this.sEntry, want * SMALL_ENTRIES);
			this.sStamp = grownTo(this.sStamp, want * SMALL_ENTRIES);
		}
		return k;
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
			const i = this.smallNext(-b - 1, (vpn & MASK) - 1);
			if (i >= 0) return Math.min(end, span * PTES_PER_TABLE + i);
		}
		const last = ceilDiv(end, PTES_PER_TABLE);
		while (++span < last) {
			const d = this.dir[span]!;
			if (d > 0) return Math.min(end, span * PTES_PER_TABLE);
			if (d < 0) {
				const i = this.smallNext(-d - 1, -1);
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
		const i = this.smallNext(-b - 1, vpn & MASK);
		return i >= 0
			? Math.min(end, vpn - (vpn & MASK) + i)
			: this.skip(vpn - (vpn & MASK) + PTES_PER_TABLE, end);
	}

	/** The smallest index above `after` that small block `k` holds, or −1. */
	private smallNext(k: number, after: number): number {
		const base = k * SMALL_ENTRIES;
		const end = base + this.sLen[k]!;
		const key = this.sKey;
		let best = PTES_PER_TABLE;
		for (let j = base; j < end; j++) {
			const i = key[j]!;
			if (i > after && i < best) best = i;
		}
		return best === PTES_PER_TABLE ? -1 : best;
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
		return this.blocks + this.smallBlocks - this.smallFree.length;
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
		this.sKey = new Uint16Array(0);
		this.sEntry = new Int32Array(0);
		this.sStamp = new Uint16Array(0);
		this.sLen = new Uint8Array(0);
		this.smallBlocks = 0;
		this.smallFree = [];
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
			...(this.smallBlocks > 0
				? {
						small: {
							key: this.sKey.subarray(0, this.smallBlocks * SMALL_ENTRIES),
							entry: this.sEntry.subarray(0, this.smallBlocks * SMALL_ENTRIES),
							stamp: this.sStamp.subarray(0, this.smallBlocks * SMALL_ENTRIES),
							len: this.sLen.subarray(0, this.smallBlocks),
							free: [...this.smallFree],
						},
					}
				: {}),
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
		this.huge.load(s.huge);
		const small = s.small;
		this.sKey = small ? small.key.slice() : new Uint16Array(0);
		this.sEntry = small ? small.entry.slice() : new Int32Array(0);
		this.sStamp = small ? small.stamp.slice() : new Uint16Array(0);
		this.sLen = small ? small.len.slice() : new Uint8Array(0);
		this.smallBlocks = this.sLen.length;
		this.smallFree = small ? [...small.free] : [];
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

function grownTo<T extends Uint8Array | Uint16Array | Int32Array>(a: T, length: number): T {
	const b = new (a.constructor as new (n: number) => T)(length);
	b.set(a);
	return b;
}

function extend(a: Int32Array, length: number): Int32Array {
	if (length <= a.length) return a;
	const b = new Int32Array(length);
	b.set(a);
	return b;
}

/** Host bytes of a small block: SMALL_ENTRIES × (Uint16 index + Int32 entry + Uint16 stamp) and its length byte. */
const SMALL_BLOCK_BYTES = SMALL_ENTRIES * 8 + 1;
/** Host bytes of a full block: 512 × (Int32 entry + Uint16 stamp). */
const FULL_BLOCK_BYTES = PTES_PER_TABLE * 6;

/** Blocks a pool that grows by an eighth (at least `step` at a time) may hold for `n` in use, capped at `cap`. */
const withSlack = (n: number, step: number, cap: number): number =>
	n === 0 ? 0 : Math.min(Math.max(n, cap), n + Math.max(step, Math.floor(n / 8)));

/**
 * Host bytes of a PageTable over `vpns` virtual pages (sim/host-cost.ts) of which at most `touched`
 * pages are ever touched: the directory and PTE-page slot per 2 MiB span (two Int32), the PMD and PUD
 * slots, a small block for each span touched (each touched page in a span of its own at worst) and a
 * full block for each span that outgrew its small one (SMALL_ENTRIES + 1 pages touched in it), each
 * pool with the slack of its growth (an eighth, or 16 small blocks, or one full block at a time), never
 * more blocks than spans. So a sparse table costs about 130 bytes a touched page, a dense one 6 bytes
 * a page plus its retired small blocks.
 */
export function pageTableBytes(vpns: number, touched: number): number {
	const spans = ceilDiv(vpns, PTES_PER_TABLE);
	const small = Math.min(spans, touched);
	const full = Math.min(spans, Math.floor(touched / (SMALL_ENTRIES + 1)));
	return (
		spans * 8 +
		(ceilDiv(spans, SPANS_PER_PMD) + ceilDiv(spans, SPANS_PER_PUD)) * 4 +
		withSlack(small, 16, spans) * SMALL_BLOCK_BYTES +
		withSlack(full, 1, spans) * FULL_BLOCK_BYTES
	);
}
