// khugepaged (mm/khugepaged.c): the kernel thread that turns 4 KiB-mapped ranges of THP-eligible
// VMAs into huge pages. Every scan_sleep_millisecs it scans pages_to_scan PTEs (khugepaged_do_scan),
// mm after mm from where it stopped (khugepaged_scan_mm_slot); a 2 MiB range whose PTEs pass
// hpage_collapse_scan_pmd's limits (max_ptes_none empty, max_ptes_swap swapped, max_ptes_shared
// shared with a fork relative, and at least one referenced page) is collapsed (collapse_huge_page):
// a new order-9 page, the present pages copied, the empty ones zeroed, the swapped ones read back,
// one huge PMD. A failed allocation puts it to sleep for alloc_sleep_millisecs. Its time, and the
// compaction its allocation does, is kernel time of khugepaged's, not of the process it collapses.
import {type Core, CoreModule} from './core.js';
import {CLEAR_PAGE_US, COPY_PAGE_US, MAJOR_FAULT_KERNEL_US} from './costs.js';
import {
	FRAME_ANON,
	PG_ACTIVE,
	PG_DIRTY,
	PG_REFERENCED,
	PG_SWAPCACHE,
	PG_THP,
	PG_UNEVICTABLE,
	PG_WRITEBACK,
	PG_YOUNG,
} from './frames.js';
import {HPAGE_PMD_NR, HPAGE_PMD_ORDER, type HugeMemory, THP_NEVER, vmaThpEligible} from './huge-memory.js';
import {type Memcontrol, ROOT_MEMCG} from './memcontrol.js';
import {ALLOC_NONE, type PageAlloc} from './page-alloc.js';
import {mkPresent, presentFrame, swapEntrySlot} from './page-table.js';
import type {Proc} from './process.js';
import type {Rmap} from './rmap.js';
import type {Swapfile} from './swapfile.js';
import {TICK_US} from './units.js';
import {mappedPages} from './vma.js';

/** enum scan_result (mm/khugepaged.c), the verdicts memtop reaches. */
export const SCAN_SUCCEED = 1;
export const SCAN_PMD_NULL = 2;
export const SCAN_PMD_MAPPED = 3;
export const SCAN_EXCEED_NONE_PTE = 4;
export const SCAN_EXCEED_SWAP_PTE = 5;
export const SCAN_EXCEED_SHARED_PTE = 6;
export const SCAN_LACK_REFERENCED_PAGE = 7;
export const SCAN_PAGE_COMPOUND = 8;
export const SCAN_PAGE_LOCK = 9;
export const SCAN_ALLOC_HUGE_PAGE_FAIL = 10;
export const SCAN_CGROUP_CHARGE_FAIL = 11;

/** What hpage_collapse_scan_pmd() counted over a range's 512 PTEs. */
export interface PmdScan {
	none: number;
	swap: number;
	shared: number;
	referenced: number;
}

/** khugepaged's limits (the sysfs files under transparent_hugepage/khugepaged/). */
export interface CollapseLimits {
	maxPtesNone: number;
	maxPtesSwap: number;
	maxPtesShared: number;
}

/**
 * hpage_collapse_scan_pmd()'s verdict: more empty PTEs than max_ptes_none (each would become a zeroed
 * subpage: memory the process never asked for), swap entries than max_ptes_swap, shared pages than
 * max_ptes_shared; then !referenced, or swap entries with fewer than HPAGE_PMD_NR / 2 referenced,
 * is SCAN_LACK_REFERENCED_PAGE. 511 none and 1 referenced page under the defaults collapses; with
 * max_ptes_none 0 a single none PTE does not.
 */
export function collapseVerdict(c: PmdScan, limits: CollapseLimits): number {
	if (c.none > limits.maxPtesNone) return SCAN_EXCEED_NONE_PTE;
	if (c.swap > limits.maxPtesSwap) return SCAN_EXCEED_SWAP_PTE;
	if (c.shared > limits.maxPtesShared) return SCAN_EXCEED_SHARED_PTE;
	if (c.referenced === 0 || (c.swap > 0 && c.referenced < HPAGE_PMD_NR / 2)) return SCAN_LACK_REFERENCED_PAGE;
	return SCAN_SUCCEED;
}

const msToTicks = (ms: number): number => Math.max(1, Math.round((ms * 1000) / TICK_US));

export class Khugepaged extends CoreModule {
	/** Tick until which a failed allocation keeps it asleep (khugepaged_alloc_sleep); 0: none. */
	private allocSleepUntil = 0;
	/** khugepaged_scan: the mm (task slot) and address (vpn) the next scan starts at. */
	private cursorSlot = 0;
	private cursorVpn = 0;
	/** /sys/kernel/mm/transparent_hugepage/khugepaged/pages_collapsed and full_scans. */
	pagesCollapsed = 0;
	fullScans = 0;
	/** Kernel time khugepaged has spent (µs): scanning, copying, its allocations' compaction. */
	totalUs = 0;
	private readonly scan: PmdScan = {none: 0, swap: 0, shared: 0, referenced: 0};

	constructor(
		core: Core,
		private readonly pageAlloc: PageAlloc,
		private readonly memcg: Memcontrol,
		private readonly rmap: Rmap,
		private readonly swapfile: Swapfile,
		private readonly huge: HugeMemory,
	) {
		super(core);
	}

	/**
	 * khugepaged(): a scan every scan_sleep_millisecs (khugepaged_wait_work), none while
	 * transparent_hugepage/enabled is never (hugepage_pmd_enabled) or after a failed allocation.
	 */
	run(): void {
		const tick = this.clock.tick;
		if (this.sysctl.transparent_hugepage_enabled === THP_NEVER || tick === 0) return;
		if (tick % msToTicks(this.sysctl.khugepaged_scan_sleep_millisecs) !== 0) return;
		if (tick < this.allocSleepUntil) return;
		this.allocSleepUntil = 0;
		this.doScan();
	}

	/**
	 * khugepaged_do_scan(): mm after mm until pages_to_scan PTEs are scanned, the list has been passed
	 * through twice (pass_through_head), or an allocation failed.
	 */
	private doScan(): void {
		const pages = this.sysctl.khugepaged_pages_to_scan;
		const procs = this.tasks.procs;
		if (!this.hasWork()) return;
		let progress = 0;
		let passes = 0;
		while (progress < pages) {
			if (this.cursorSlot >= procs.length) {
				this.cursorSlot = 0;
				this.cursorVpn = 0;
				this.fullScans++;
				if (++passes >= 2) break;
				continue;
			}
			const p = procs[this.cursorSlot];
			if (!p || p.exited || p.dying) {
				this.nextMm();
				continue;
			}
			const got = this.scanMm(p, pages - progress);
			if (got < 0) return;
			progress += got;
		}
	}

	/** khugepaged_has_work(): some mm has a VMA that may have THPs (__khugepaged_enter registered it). */
	private hasWork(): boolean {
		const enabled = this.sysctl.transparent_hugepage_enabled;
		for (const p of this.tasks.procs)
			if (p && !p.exited && !p.dying && p.regions.some((r) => vmaThpEligible(r, enabled))) return true;
		return false;
	}

	private nextMm(): void {
		this.cursorSlot++;
		this.cursorVpn = 0;
	}

	/**
	 * khugepaged_scan_mm_slot(): each VMA from the cursor: one unit of progress for a VMA that may not
	 * have THPs, HPAGE_PMD_NR for each aligned range of one that may. Returns the progress, or -1
	 * after an allocation failure (khugepaged sleeps).
	 */
	private scanMm(p: Proc, budget: number): number {
		const enabled = this.sysctl.transparent_hugepage_enabled;
		let progress = 0;
		for (const r of p.regions) {
			const end = r.startVpn + mappedPages(r);
			if (end <= this.cursorVpn) continue;
			if (!vmaThpEligible(r, enabled)) {
				progress++;
				this.cursorVpn = end;
				continue;
			}
			const from = Math.max(r.startVpn, this.cursorVpn);
			const hend = Math.min(end, p.pt.covered) - (Math.min(end, p.pt.covered) % HPAGE_PMD_NR);
			for (let addr = Math.ceil(from / HPAGE_PMD_NR) * HPAGE_PMD_NR; addr < hend; addr += HPAGE_PMD_NR) {
				this.cursorVpn = addr;
				if (this.scanPmd(p, addr) === SCAN_SUCCEED && this.collapse(p, addr) === SCAN_ALLOC_HUGE_PAGE_FAIL)
					return -1;
				this.cursorVpn = addr + HPAGE_PMD_NR;
				progress += HPAGE_PMD_NR;
				if (progress >= budget) return progress;
			}
			this.cursorVpn = end;
		}
		this.nextMm();
		return progress;
	}

	/** hpage_collapse_scan_pmd(): the range's 512 PTEs counted, then collapseVerdict(). */
	scanPmd(p: Proc, start: number): number {
		const pt = p.pt;
		const span = pt.tableOf(start);
		// find_pmd_or_thp_or_none(): a huge PMD already, or no PTE table at all.
		if (pt.huge.has(span)) return SCAN_PMD_MAPPED;
		if (pt.tables[span] === 0) return SCAN_PMD_NULL;
		const flags = this.zone.frames.flags;
		const c = this.scan;
		c.none = c.swap = c.shared = c.referenced = 0;
		for (let v = start; v < start + HPAGE_PMD_NR; v++) {
			const e = pt.get(v);
			if (e === 0) c.none++;
			else if (e < 0) c.swap++;
			else {
				const frame = presentFrame(e);
				const f = flags[frame]!;
				// A PTE-mapped THP (a split PMD) is left alone here; a page under writeback cannot be locked.
				if (f & PG_THP) return SCAN_PAGE_COMPOUND;
				if (f & PG_WRITEBACK) return SCAN_PAGE_LOCK;
				if (this.rmap.anonMappers(frame) > 1) c.shared++;
				if (f & (PG_YOUNG | PG_REFERENCED)) c.referenced++;
			}
		}
		return collapseVerdict(c, {
			maxPtesNone: this.sysctl.khugepaged_max_ptes_none,
			maxPtesSwap: this.sysctl.khugepaged_max_ptes_swap,
			maxPtesShared: this.sysctl.khugepaged_max_ptes_shared,
		});
	}

	/**
	 * collapse_huge_page(): a huge page (alloc_hugepage_khugepaged_gfpmask: GFP_TRANSHUGE, as
	 * khugepaged/defrag is on by default: direct compaction in khugepaged's context), charged to the
	 * mm's memcg; the swapped PTEs read back (__collapse_huge_page_swapin), the present pages copied and
	 * released, the empty ones zeroed (__collapse_huge_page_copy); the PTE table is deposited and the
	 * PMD made huge.
	 */
	collapse(p: Proc, start: number): number {
		const zone = this.zone;
		const head = this.pageAlloc.allocThp(null, {direct: true, kswapd: false});
		let us = this.pageAlloc.lastStallUs;
		if (head === ALLOC_NONE) {
			this.vm.thp_collapse_alloc_failed++;
			this.allocSleepUntil = this.clock.tick + msToTicks(this.sysctl.khugepaged_alloc_sleep_millisecs);
			this.totalUs += us;
			return SCAN_ALLOC_HUGE_PAGE_FAIL;
		}
		this.vm.thp_collapse_alloc++;
		const mc = this.memcg;
		const id = mc.enabled ? mc.memcgOfProc(p) : -1;
		if (id > ROOT_MEMCG && mc.margin(id) < HPAGE_PMD_NR) {
			for (let f = head; f < head + HPAGE_PMD_NR; f++) zone.setKind(f, FRAME_ANON);
			zone.freeBlock(head, HPAGE_PMD_ORDER);
			this.totalUs += us;
			return SCAN_CGROUP_CHARGE_FAIL;
		}
		const locked = p.regionOf(start).locked ? PG_UNEVICTABLE : 0;
		for (let i = 0; i < HPAGE_PMD_NR; i++) us += this.collapseOne(p, start + i, head + i, id, locked);
		p.pt.huge.set(p.pt.tableOf(start), true);
		this.huge.added(head);
		this.pagesCollapsed++;
		this.totalUs += us;
		return SCAN_SUCCEED;
	}

	/** One subpage of a collapse: `frame` takes vpn's page (copied, swapped in, or zeroed). Returns µs. */
	private collapseOne(p: Proc, vpn: number, frame: number, id: number, locked: number): number {
		const zone = this.zone;
		const frames = zone.frames;
		const pt = p.pt;
		const policy = this.lruvec.policy;
		const e = pt.get(vpn);
		let flags = PG_DIRTY | locked;
		let us: number;
		if (e > 0) {
			const old = presentFrame(e);
			flags |= frames.flags[old]! & (PG_YOUNG | PG_REFERENCED | PG_ACTIVE);
			// release_pte_pages(): the old page goes unless a fork relative still maps it.
			if (this.rmap.removeAnon(old, p)) {
				if (frames.flags[old]! & PG_SWAPCACHE) this.swapfile.dropSwapCache(old);
				policy.removed(old);
				zone.freePage(old);
			}
			us = COPY_PAGE_US;
		} else if (e < 0) {
			// The slot's contents come back with the read; the slot goes.
			this.swapfile.releaseEntry(swapEntrySlot(e), p);
			this.vm.pswpin++;
			p.rssAnon++;
			us = MAJOR_FAULT_KERNEL_US;
		} else {
			p.rssAnon++;
			us = CLEAR_PAGE_US;
		}
		zone.setKind(frame, FRAME_ANON);
		frames.owner[frame] = p.slot;
		frames.index[frame] = vpn;
		frames.flags[frame] = flags & ~PG_ACTIVE;
		if (id >= 0) this.memcg.charge(frame, id);
		pt.set(vpn, mkPresent(frame));
		policy.inserted(frame, (flags & PG_ACTIVE) !== 0);
		return us;
	}

	/** Only what differs from boot, so a state of a run khugepaged never touched keeps its layout. */
	save() {
		return {
			...(this.allocSleepUntil > 0 ? {khugepagedSleep: this.allocSleepUntil} : {}),
			...(this.cursorSlot > 0 || this.cursorVpn > 0
				? {khugepagedCursor: [this.cursorSlot, this.cursorVpn]}
				: {}),
			...(this.pagesCollapsed > 0 ? {khugepagedCollapsed: this.pagesCollapsed} : {}),
			...(this.fullScans > 0 ? {khugepagedFullScans: this.fullScans} : {}),
			...(this.totalUs > 0 ? {khugepagedUs: this.totalUs} : {}),
		};
	}

	load(s: {
		khugepagedSleep?: number | undefined;
		khugepagedCursor?: number[] | undefined;
		khugepagedCollapsed?: number | undefined;
		khugepagedFullScans?: number | undefined;
		khugepagedUs?: number | undefined;
	}): void {
		this.allocSleepUntil = s.khugepagedSleep ?? 0;
		[this.cursorSlot = 0, this.cursorVpn = 0] = s.khugepagedCursor ?? [];
		this.pagesCollapsed = s.khugepagedCollapsed ?? 0;
		this.fullScans = s.khugepagedFullScans ?? 0;
		this.totalUs = s.khugepagedUs ?? 0;
	}
}
