// Transparent huge pages (mm/huge_memory.c): which VMAs may have them (thp_vma_allowable_order), the
// gfp a huge fault allocates with (vma_thp_gfp_mask), and what becomes of a THP once it exists: it is
// shared at fork (copy_huge_pmd), its PMD is split when one mapper writes to it after a fork
// (do_huge_pmd_wp_page → __split_huge_pmd) and the THP itself when reclaim swaps it out
// (split_huge_page: memtop has no THP swap clusters, so it is CONFIG_THP_SWAP's fallback path), and it
// is zapped at exit (zap_huge_pmd). The fault is thp-fault.ts, the collapse khugepaged.ts.
//
// A THP here is an order-9 block whose 512 frames are all PG_THP, mapped at 512 consecutive vpns of
// an aligned 2 MiB span; the span's PMD is huge in each process that PMD-maps it (PageTable.huge, huge-pmds.ts).
// The frames keep their own PTE-sized entries in the host's table (the hot path reads those), the
// struct-page state (owner, index, LRU) per frame as the kernel keeps it per subpage.
import {PAGEBLOCK_ORDER} from './buddy.js';
import {type Core, CoreModule} from './core.js';
import {FRAME_ANON, PG_THP} from './frames.js';
import {mkPresent, PTES_PER_TABLE, presentFrame} from './page-table.js';
import type {Proc} from './process.js';
import type {Rmap} from './rmap.js';
import {mappedPages, REGION_ANON, type Region} from './vma.js';

/** HPAGE_PMD_ORDER and HPAGE_PMD_NR on x86-64: 2 MiB, 512 subpages. */
export const HPAGE_PMD_ORDER = PAGEBLOCK_ORDER;
export const HPAGE_PMD_NR = 1 << HPAGE_PMD_ORDER;

/** transparent_hugepage/enabled, as sysctl.ts numbers it. */
export const THP_ALWAYS = 0;
export const THP_MADVISE = 1;
export const THP_NEVER = 2;
/** transparent_hugepage/defrag. */
export const DEFRAG_ALWAYS = 0;
export const DEFRAG_DEFER = 1;
export const DEFRAG_DEFER_MADVISE = 2;
export const DEFRAG_MADVISE = 3;
export const DEFRAG_NEVER = 4;

/**
 * mm/huge_memory.c __thp_vma_allowable_orders() for an anonymous VMA: never with VM_NOHUGEPAGE; with
 * enabled=always any anon VMA, with madvise only a VM_HUGEPAGE one, with never none. File and shmem
 * VMAs have no THPs here (no CONFIG_READ_ONLY_THP_FOR_FS, shmem_enabled not modelled).
 */
export function vmaThpEligible(region: Region, enabled: number): boolean {
	if (region.kind !== REGION_ANON || region.madvise === 'nohugepage') return false;
	if (enabled === THP_ALWAYS) return true;
	return enabled === THP_MADVISE && region.madvise === 'hugepage';
}

/**
 * thp_vma_suitable_order(): the first vpn of the aligned 2 MiB range holding `vpn` if that range lies
 * wholly inside the VMA as far as it is mapped (a grow region's heap only up to where it has grown),
 * else -1: a VMA of 3 MiB at vpn 256 has its one aligned range at 512..1023; a fault at 300 gets -1.
 */
export function hugeRangeStart(region: Region, vpn: number): number {
	const start = vpn - (vpn % HPAGE_PMD_NR);
	if (start < region.startVpn || start + HPAGE_PMD_NR > region.startVpn + mappedPages(region)) return -1;
	return start;
}

/** What a THP allocation may do (vma_thp_gfp_mask): direct compaction and reclaim; wake kswapd/kcompactd. */
export interface ThpGfp {
	direct: boolean;
	kswapd: boolean;
}

/**
 * mm/huge_memory.c vma_thp_gfp_mask(): defrag=always: GFP_TRANSHUGE (direct reclaim and compaction;
 * __GFP_NORETRY unless madvised); defer: GFP_TRANSHUGE_LIGHT | __GFP_KSWAPD_RECLAIM (wake kswapd, which
 * wakes kcompactd, and fail); defer+madvise: direct if madvised, else as defer; madvise: direct if
 * madvised, else nothing; never: GFP_TRANSHUGE_LIGHT (no reclaim of any kind).
 */
export function thpGfp(defrag: number, madvised: boolean): ThpGfp {
	switch (defrag) {
		case DEFRAG_ALWAYS:
			return {direct: true, kswapd: false};
		case DEFRAG_DEFER:
			return {direct: false, kswapd: true};
		case DEFRAG_DEFER_MADVISE:
			return {direct: madvised, kswapd: !madvised};
		case DEFRAG_MADVISE:
			return {direct: madvised, kswapd: false};
		default:
			return {direct: false, kswapd: false};
	}
}

/** The span (PTE page) that vpn's 2 MiB range is. */
const spanOf = (vpn: number): number => Math.floor(vpn / PTES_PER_TABLE);

export class HugeMemory extends CoreModule {
	/** NR_ANON_THPS: THPs a huge PMD maps (meminfo AnonHugePages / 2 MiB). Rebuilt from the frames at load. */
	nrAnonThps = 0;

	constructor(
		core: Core,
		private readonly rmap: Rmap,
	) {
		super(core);
	}

	/** A new THP at `head` (a fault or a collapse): its frames are subpages of one huge page. */
	added(head: number): void {
		const flags = this.zone.frames.flags;
		for (let f = head; f < head + HPAGE_PMD_NR; f++) flags[f]! |= PG_THP;
		this.nrAnonThps++;
	}

	/** The head frame of the THP `frame` is a subpage of (the block is aligned to its order). */
	headOf(frame: number): number {
		return frame - (frame % HPAGE_PMD_NR);
	}

	/**
	 * __split_huge_pmd() in one process: its huge PMD at `span` becomes a PTE table (the deposited
	 * one), each PTE mapping its subpage; thp_split_pmd. The THP stays whole while another process
	 * PMD-maps it; once none does, the page is split too (the kernel queues it for the deferred-split
	 * shrinker, which splits it under memory pressure; memtop splits it at once).
	 */
	splitPmd(p: Proc, span: number): void {
		if (!p.pt.huge.has(span)) return;
		p.pt.huge.set(span, false);
		this.vm.thp_split_pmd++;
		const e = p.pt.get(span * PTES_PER_TABLE);
		if (e > 0 && !this.pmdMappedElsewhere(presentFrame(e), p)) this.splitPage(presentFrame(e), false);
	}

	/**
	 * split_huge_page() (from shrink_folio_list on the way to swap): every huge PMD that maps the THP
	 * is split (try_to_unmap with TTU_SPLIT_HUGE_PMD over the rmap), then the page: 512 4 KiB pages
	 * reclaim takes one at a time. thp_split_page.
	 */
	splitForReclaim(frame: number): void {
		this.splitPage(frame, true);
	}

	private splitPage(frame: number, unmap: boolean): void {
		const head = this.headOf(frame);
		const frames = this.zone.frames;
		if (!(frames.flags[head]! & PG_THP)) return;
		if (unmap) {
			const vpn = frames.index[head]!;
			this.rmap.forEachAnonMapper(head, (q) => {
				if (!q.pt.huge.has(spanOf(vpn))) return;
				q.pt.huge.set(spanOf(vpn), false);
				this.vm.thp_split_pmd++;
			});
		}
		for (let f = head; f < head + HPAGE_PMD_NR; f++) frames.flags[f]! &= ~PG_THP;
		this.vm.thp_split_page++;
		this.nrAnonThps--;
	}

	/** Does a process of the THP's fork family other than `p` map it with a huge PMD? */
	private pmdMappedElsewhere(head: number, p: Proc): boolean {
		const span = spanOf(this.zone.frames.index[head]!);
		let found = false;
		this.rmap.forEachAnonMapper(head, (q) => {
			if (q !== p && q.pt.huge.has(span)) found = true;
		});
		return found;
	}

	/**
	 * zap_huge_pmd() as `p`'s mm goes (exit_mmap; the caller then frees the subpages each mapper no
	 * longer shares): the PMD goes; a THP some relative still maps, but none with a huge PMD, is split.
	 */
	zapAll(p: Proc): void {
		const pt = p.pt;
		if (pt.pmdMapped === 0) return;
		const frames = this.zone.frames;
		for (let span = 0; pt.pmdMapped > 0 && span * PTES_PER_TABLE < pt.covered; span++) {
			if (!pt.huge.has(span)) continue;
			pt.huge.set(span, false);
			const head = presentFrame(pt.get(span * PTES_PER_TABLE));
			const shared = this.rmap.anonMappers(head) > 1;
			if (!shared) {
				// The last mapper: the subpages are freed next; the THP goes with them.
				this.nrAnonThps--;
				for (let f = head; f < head + HPAGE_PMD_NR; f++) frames.flags[f]! &= ~PG_THP;
			} else if (!this.pmdMappedElsewhere(head, p)) this.splitPage(head, false);
		}
	}

	/**
	 * copy_huge_pmd() at fork: the child maps each of the parent's THPs with a huge PMD too, shared
	 * and write-protected (fork.ts has copied the 512 entries and their mapcounts).
	 */
	copyHugePmds(parent: Proc, child: Proc): void {
		const ppt = parent.pt;
		if (ppt.pmdMapped === 0) return;
		const cpt = child.pt;
		for (let span = 0; span * PTES_PER_TABLE < ppt.covered; span++) {
			if (!ppt.huge.has(span)) continue;
			const first = span * PTES_PER_TABLE;
			let same = true;
			for (let v = first; v < first + HPAGE_PMD_NR && same; v++) same = cpt.get(v) === ppt.get(v);
			if (same) cpt.huge.set(span, true);
		}
	}

	/**
	 * THP bloat (the process detail): subpages of `p`'s huge pages never touched, each a 4 KiB page
	 * resident only because its 2 MiB page is. 3 huge pages of which 1 000 subpages were touched: 536.
	 */
	bloatPages(p: Proc): number {
		const pt = p.pt;
		let bloat = 0;
		for (let span = 0; pt.pmdMapped > 0 && span * PTES_PER_TABLE < pt.covered; span++) {
			if (!pt.huge.has(span)) continue;
			for (let v = span * PTES_PER_TABLE, end = v + HPAGE_PMD_NR; v < end; v++)
				if (pt.stampOf(v) === 0) bloat++;
		}
		return bloat;
	}

	/** nr_anon_transparent_hugepages from the frames (a loaded state's count). */
	load(): void {
		const frames = this.zone.frames;
		let n = 0;
		for (let head = 0; head + HPAGE_PMD_NR <= frames.count; head += HPAGE_PMD_NR)
			if (frames.flags[head]! & PG_THP && frames.kind[head] === FRAME_ANON) n++;
		this.nrAnonThps = n;
	}
}

/** The entry a THP's subpage `i` has: the frames of a huge page are consecutive. */
export const subpageEntry = (head: number, i: number): number => mkPresent(head + i);
