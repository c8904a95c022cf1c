// The persistent hugetlb pool (mm/hugetlb.c): writing vm.nr_hugepages grows the pool one 2 MiB page
// at a time, each an order-9 allocation from the buddy allocator that may compact memory first
// (alloc_buddy_hugetlb_folio with __GFP_RETRY_MAYFAIL), until it has as many as asked or an
// allocation fails; lowering it frees pool pages. A fragmented machine gives fewer huge pages than
// asked, after compaction stalls: the classic `echo 512 > nr_hugepages` that takes seconds and
// reads back less. Pool pages are kernel memory here (meminfo Hugetlb): nothing maps them.
import {PAGEBLOCK_ORDER} from './buddy.js';
import {type Core, CoreModule} from './core.js';
import {FRAME_KERNEL} from './frames.js';
import {ALLOC_NONE, type PageAlloc} from './page-alloc.js';
import {pagesToKb} from './units.js';
import {OWNER_HUGETLB} from './zone.js';

/** HPAGE_PMD_ORDER on x86-64: a 2 MiB page. */
export const HUGETLB_ORDER = PAGEBLOCK_ORDER;
export const HUGETLB_PAGES = 1 << HUGETLB_ORDER;

/** hugetlb_report_meminfo()'s lines: counts of huge pages, then sizes in kB. */
export interface HugetlbMeminfo {
	HugePages_Total: number;
	HugePages_Free: number;
	HugePages_Rsvd: number;
	HugePages_Surp: number;
	Hugepagesize: number;
	Hugetlb: number;
}

/** What a resize did, for the command's line. */
export interface HugetlbResize {
	pool: number;
	allocated: number;
	failed: number;
	freed: number;
	stallUs: number;
}

export class Hugetlb extends CoreModule {
	constructor(
		core: Core,
		private readonly pageAlloc: PageAlloc,
	) {
		super(core);
	}

	/** HugePages_Total. */
	get poolPages(): number {
		return this.zone.hugetlbPages >> HUGETLB_ORDER;
	}

	/** HugePages_Free: pool pages no mapping holds; nothing maps one here, so all of them. */
	get freePages(): number {
		return this.poolPages;
	}

	/**
	 * mm/hugetlb.c hugetlb_report_meminfo() for the one 2 MiB hstate: HugePages_Total (nr_huge_pages),
	 * _Free (free_huge_pages), _Rsvd (resv_huge_pages: reserved at mmap, not yet faulted; no mapping of
	 * the pool here, so 0), _Surp (surplus_huge_pages: beyond nr_hugepages under
	 * nr_overcommit_hugepages, which memtop does not model, so 0), Hugepagesize (kB), and Hugetlb: the
	 * pool's memory in kB (nr_huge_pages × pages_per_huge_page × PAGE_SIZE). The pool's frames are in
	 * MemTotal and not in MemFree, as the kernel's are.
	 */
	reportMeminfo(): HugetlbMeminfo {
		const total = this.poolPages;
		return {
			HugePages_Total: total,
			HugePages_Free: this.freePages,
			HugePages_Rsvd: 0,
			HugePages_Surp: 0,
			Hugepagesize: pagesToKb(HUGETLB_PAGES),
			Hugetlb: pagesToKb(total * HUGETLB_PAGES),
		};
	}

	/**
	 * set_max_huge_pages(): allocate pool pages while fewer than `count` (htlb_buddy_alloc_success, or
	 * htlb_buddy_alloc_fail and stop), or free them (from the top of memory down) while more.
	 */
	resize(count: number): HugetlbResize {
		const zone = this.zone;
		const r: HugetlbResize = {pool: 0, allocated: 0, failed: 0, freed: 0, stallUs: 0};
		while (this.poolPages < count) {
			const head = this.pageAlloc.allocPages(HUGETLB_ORDER, null);
			r.stallUs += this.pageAlloc.lastStallUs;
			if (head === ALLOC_NONE) {
				this.vm.htlb_buddy_alloc_fail++;
				r.failed++;
				break;
			}
			this.vm.htlb_buddy_alloc_success++;
			for (let f = head; f < head + HUGETLB_PAGES; f++) {
				zone.setKind(f, FRAME_KERNEL);
				zone.frames.owner[f] = OWNER_HUGETLB;
			}
			zone.hugetlbPages += HUGETLB_PAGES;
			r.allocated++;
		}
		const frames = zone.frames;
		for (
			let head = zone.totalPages - HUGETLB_PAGES;
			this.poolPages > count && head >= 0;
			head -= HUGETLB_PAGES
		) {
			if (frames.kind[head] !== FRAME_KERNEL || frames.owner[head] !== OWNER_HUGETLB) continue;
			// update_and_free_hugetlb_folio(): the order-9 block back to the buddy lists.
			zone.freeBlock(head & ~(HUGETLB_PAGES - 1), HUGETLB_ORDER);
			zone.hugetlbPages -= HUGETLB_PAGES;
			r.freed++;
		}
		r.pool = this.poolPages;
		return r;
	}
}
