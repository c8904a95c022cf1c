// The huge page fault (mm/huge_memory.c do_huge_pmd_anonymous_page, from mm/memory.c
// create_huge_pmd): an anonymous fault in an aligned 2 MiB range wholly inside a THP-eligible VMA,
// whose PMD is still empty, tries an order-9 page with the defrag mode's gfp (huge-memory.ts
// thpGfp): direct compaction stalls the faulting process, defer only wakes kswapd and kcompactd. A
// page: clear_huge_page, one huge PMD, thp_fault_alloc. No page (or no room in the memcg):
// thp_fault_fallback (thp_fault_fallback_charge), and the fault is an ordinary 4 KiB one.
import {type Core, CoreModule} from './core.js';
import {THP_FAULT_US} from './costs.js';
import {FRAME_ANON, PG_DIRTY, PG_UNEVICTABLE, PG_YOUNG} from './frames.js';
import {HPAGE_PMD_NR, type HugeMemory, hugeRangeStart, thpGfp, vmaThpEligible} from './huge-memory.js';
import {type Memcontrol, ROOT_MEMCG} from './memcontrol.js';
import {ALLOC_NONE, type PageAlloc} from './page-alloc.js';
import {mkPresent, PTE_NONE, PTES_PER_TABLE} from './page-table.js';
import type {Proc} from './process.js';
import type {Region} from './vma.js';

/** No huge page for this fault: take the 4 KiB path. */
export const THP_FALLBACK = Number.NaN;

export class ThpFault extends CoreModule {
	/** The stall (µs) of the last fault() that fell back after trying for a page: the 4 KiB fault adds it. */
	fallbackStallUs = 0;

	constructor(
		core: Core,
		private readonly pageAlloc: PageAlloc,
		private readonly memcg: Memcontrol,
		private readonly huge: HugeMemory,
		/** __pte_alloc for the range: the table the kernel deposits with the huge PMD (memory.ts pteAlloc). */
		private readonly pteAlloc: (p: Proc, vpn: number) => number,
	) {
		super(core);
	}

	/**
	 * create_huge_pmd() → do_huge_pmd_anonymous_page() for a fault at `vpn` with no entry. Returns the
	 * fault's cost in µs, ALLOC_KILLED / ALLOC_RETRY from the deposited table's allocation, or
	 * THP_FALLBACK: not a huge fault (not eligible, not aligned, the range partly populated: pmd_none
	 * fails) or no huge page to be had (counted as a fallback).
	 */
	fault(p: Proc, region: Region, vpn: number): number {
		this.fallbackStallUs = 0;
		if (!vmaThpEligible(region, this.sysctl.transparent_hugepage_enabled)) return THP_FALLBACK;
		const start = hugeRangeStart(region, vpn);
		if (start < 0) return THP_FALLBACK;
		const pt = p.pt;
		const span = pt.tableOf(start);
		// pmd_none(): a PTE table holding any entry means the range is mapped 4 KiB-wise already.
		if (pt.huge.has(span) || (pt.tables[span] !== 0 && !this.emptyRange(p, start))) return THP_FALLBACK;
		// pte_alloc_one() + pgtable_trans_huge_deposit(): the table a later split will use.
		const table = this.pteAlloc(p, start);
		if (table < 0) return table;
		const mc = this.memcg;
		const id = mc.enabled ? mc.memcgOfProc(p) : ROOT_MEMCG;
		// mem_cgroup_charge() of 512 pages: no room under memory.max (memtop does not reclaim for it).
		if (id !== ROOT_MEMCG && mc.margin(id) < HPAGE_PMD_NR) {
			this.vm.thp_fault_fallback++;
			this.vm.thp_fault_fallback_charge++;
			return THP_FALLBACK;
		}
		const before = p.tickReclaimUs;
		const gfp = thpGfp(this.sysctl.transparent_hugepage_defrag, region.madvise === 'hugepage');
		const head = this.pageAlloc.allocThp(p, gfp);
		if (head === ALLOC_NONE) {
			this.vm.thp_fault_fallback++;
			this.fallbackStallUs = p.tickReclaimUs - before;
			return THP_FALLBACK;
		}
		this.mapHuge(p, region, start, head, mc.enabled ? id : -1);
		p.minflt++;
		p.secMinflt++;
		this.vm.pgfault++;
		this.vm.thp_fault_alloc++;
		return THP_FAULT_US + (p.tickReclaimUs - before);
	}

	/** The THP's 512 subpages, charged to `id` (-1: no memory controller), on the LRU, each entry of the span mapping one; the PMD huge. */
	private mapHuge(p: Proc, region: Region, start: number, head: number, id: number): void {
		const zone = this.zone;
		const frames = zone.frames;
		const flags = PG_YOUNG | PG_DIRTY | (region.locked ? PG_UNEVICTABLE : 0);
		const policy = this.lruvec.policy;
		for (let i = 0; i < HPAGE_PMD_NR; i++) {
			const f = head + i;
			zone.setKind(f, FRAME_ANON);
			frames.owner[f] = p.slot;
			frames.index[f] = start + i;
			frames.flags[f] = flags;
			if (id >= 0) this.memcg.charge(f, id);
			p.pt.set(start + i, mkPresent(f));
			policy.inserted(f, false);
		}
		this.huge.added(head);
		p.pt.huge.set(p.pt.tableOf(start), true);
		p.rssAnon += HPAGE_PMD_NR;
	}

	/** Is every entry of the range none (a table was made for it, but nothing mapped since)? */
	private emptyRange(p: Proc, start: number): boolean {
		for (let v = start; v < start + PTES_PER_TABLE; v++) if (p.pt.get(v) !== PTE_NONE) return false;
		return true;
	}
}
