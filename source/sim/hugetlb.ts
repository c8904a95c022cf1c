// The persistent hugetlb pool (mm/hugetlb.c): writing vm.nr_hugepages grows the pool one 2 MiB page
// at a time, each an order-9 allocation from the buddy allocator that may compact memory first
// (alloc_buddy_hugetlb_folio with __GFP_RETRY_MAYFAIL), until it has as many as asked or an
// allocation fails; lowering it frees pool pages. A fragmented machine gives fewer huge pages than
// asked, after compaction stalls: the classic `echo 512 > nr_hugepages` that takes seconds and
// reads back less. Pool pages are kernel memory (meminfo Hugetlb), outside any LRU: an anonymous
// mmap(MAP_HUGETLB) region (vma.ts REGION_HUGETLB) maps them 2 MiB at a time as its faults come
// (hugetlb_fault), and exit_mmap gives them back to the pool (free_huge_folio), never to the buddy
// allocator. A mapped pool page has frames.index[head] = 1 (0: free in the pool).
import {PAGEBLOCK_ORDER} from './buddy.js';
import {type Core, CoreModule} from './core.js';
import {HUGETLB_FAULT_US} from './costs.js';
import {FRAME_KERNEL} from './frames.js';
import type {Lifecycle} from './lifecycle.js';
import type {Memory} from './memory.js';
import {ALLOC_KILLED, ALLOC_NONE, type PageAlloc} from './page-alloc.js';
import type {Proc} from './process.js';
import {pagesToKb} from './units.js';
import {REGION_HUGETLB, type Region} from './vma.js';
import {OWNER_HUGETLB, type Zone} from './zone.js';

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
		/** A fault that finds the pool empty kills the task (VM_FAULT_SIGBUS; its exit says ENOMEM). */
		private readonly lifecycle: Lifecycle,
		memory: Memory,
	) {
		super(core);
		// hugetlb_vm_ops: MAP_HUGETLB regions fault here.
		memory.setVmOps(REGION_HUGETLB, this);
	}

	/** HugePages_Total. */
	get poolPages(): number {
		return this.zone.hugetlbPages >> HUGETLB_ORDER;
	}

	/** HugePages_Free: pool pages no mapping holds. */
	get freePages(): number {
		const frames = this.zone.frames;
		let free = 0;
		for (let head = 0; head + HUGETLB_PAGES <= this.zone.totalPages; head += HUGETLB_PAGES)
			if (isPoolPage(this.zone, head) && frames.index[head] === 0) free++;
		return free;
	}

	/**
	 * mm/hugetlb.c hugetlb_fault() -> hugetlb_no_page(): a reference to a 2 MiB page of a MAP_HUGETLB
	 * region not yet mapped takes a free pool page (alloc_hugetlb_folio, the lowest free one here),
	 * clears it and maps it whole. None free: VM_FAULT_SIGBUS, the task dies. A mapped one is a hit.
	 */
	fault(p: Proc, region: Region, _vpn: number, off: number): number {
		const htlb = region.htlb!;
		const span = off >> HUGETLB_ORDER;
		if (htlb[span]! >= 0) return 0;
		const frames = this.zone.frames;
		for (let head = 0; head + HUGETLB_PAGES <= this.zone.totalPages; head += HUGETLB_PAGES) {
			if (!isPoolPage(this.zone, head) || frames.index[head] !== 0) continue;
			frames.index[head] = 1;
			htlb[span] = head;
			p.minflt++;
			p.secMinflt++;
			this.vm.pgfault++;
			return HUGETLB_FAULT_US;
		}
		this.events.emit({
			kind: 'alloc-fail',
			tick: this.clock.tick,
			pid: p.pid,
			name: p.name,
			reason: 'hugetlb fault: no free huge page in the pool (VM_FAULT_SIGBUS)',
		});
		this.lifecycle.exit(p, 'enomem');
		return ALLOC_KILLED;
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
				zone.frames.index[f] = 0;
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
			// A page a mapping holds stays (the kernel would keep it as a surplus page).
			if (!isPoolPage(zone, head) || frames.index[head] !== 0) continue;
			// update_and_free_hugetlb_folio(): the order-9 block back to the buddy lists.
			zone.freeBlock(head & ~(HUGETLB_PAGES - 1), HUGETLB_ORDER);
			zone.hugetlbPages -= HUGETLB_PAGES;
			r.freed++;
		}
		r.pool = this.poolPages;
		return r;
	}
}

function isPoolPage(zone: Zone, head: number): boolean {
	return zone.frames.kind[head] === FRAME_KERNEL && zone.frames.owner[head] === OWNER_HUGETLB;
}

/** Pages of a MAP_HUGETLB region mapped (2 MiB each, counted in 4 KiB pages). */
export function hugetlbMappedPages(region: Region): number {
	const htlb = region.htlb;
	if (!htlb) return 0;
	let n = 0;
	for (let i = 0; i < htlb.length; i++) if (htlb[i]! >= 0) n++;
	return Math.min(region.pages, n * HUGETLB_PAGES);
}

/** exit_mmap() of a MAP_HUGETLB region: its pages go back to the pool free (free_huge_folio). */
export function unmapHugetlb(zone: Zone, region: Region): void {
	const htlb = region.htlb;
	if (!htlb) return;
	for (let i = 0; i < htlb.length; i++) {
		const head = htlb[i]!;
		if (head >= 0) zone.frames.index[head] = 0;
		htlb[i] = -1;
	}
}
