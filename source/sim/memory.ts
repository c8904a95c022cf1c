// Page faults (mm/memory.c): handle_mm_fault() dispatches a reference that found no resident anon
// page; anonymous memory is handled here (do_anonymous_page: demand-zero; do_swap_page: swap-in
// with VMA readahead), file and shmem regions by their vm_operations (filemap.ts, shmem.ts). The
// one swap-in read, shared by anon and shmem, and page-table allocation (__pte_alloc) live here too.

import type {BlockDevice} from './block-device.js';
import {MIGRATE_UNMOVABLE} from './buddy.js';
import {type Core, CoreModule} from './core.js';
import {
	COMPRESSORS,
	COW_COPY_US,
	MAJOR_FAULT_KERNEL_US,
	MINOR_FAULT_CACHED_US,
	MINOR_FAULT_ZERO_US,
	SYNC_SWAPIN_FAULT_US,
} from './costs.js';
import {
	FRAME_ANON,
	FRAME_KERNEL,
	PG_ANON_SHARED,
	PG_DIRTY,
	PG_READAHEAD,
	PG_SWAPCACHE,
	PG_THP,
	PG_UNEVICTABLE,
	PG_WORKINGSET,
	PG_YOUNG,
} from './frames.js';
import type {HugeMemory} from './huge-memory.js';
import type {Memcontrol} from './memcontrol.js';
import type {PageAlloc} from './page-alloc.js';
import {ALLOC_NONE} from './page-alloc.js';
import {mkPresent, swapEntrySlot} from './page-table.js';
import type {Proc} from './process.js';
import type {Rmap} from './rmap.js';
import type {ZswapSpec} from './spec.js';
import {SLOT_DISK, SLOT_ZRAM, SLOT_ZSWAP} from './swap.js';
import {swapRaHit, swapVmaRaWin} from './swap-readahead.js';
import type {Swapfile} from './swapfile.js';
import {ThpFault} from './thp-fault.js';
import {pagesToKb} from './units.js';
import type {Region} from './vma.js';
import {REFAULT_COLD, REFAULT_RESTORE, workingsetRefault} from './workingset.js';
import {OWNER_PAGE_TABLE} from './zone.js';
import type {Zram} from './zram.js';

/** struct vm_operations_struct: how a region that is not anonymous memory takes a fault. */
export interface VmOperations {
	/** A reference to `vpn` (page `off` of the region's object). Returns its cost in µs, or ALLOC_KILLED / ALLOC_RETRY. */
	fault(p: Proc, region: Region, vpn: number, off: number, stream: number, write: boolean): number;
}

export class Memory extends CoreModule {
	/** How the last readSwapSlot() judged the refault: straight to the active list, and workingset. */
	private swapinActivate = false;
	/** swap_vma_ra_win()'s [start, end), reused. */
	private readonly raWindow = new Int32Array(2);
	private swapinWorkingset = false;
	private readonly vmOps: VmOperations[] = [];

	constructor(
		core: Core,
		private readonly pageAlloc: PageAlloc,
		private readonly swapfile: Swapfile,
		private readonly zram: Zram | null,
		private readonly zswapSpec: ZswapSpec,
		private readonly swapDev: BlockDevice | null,
		private readonly rmap: Rmap,
		private readonly huge: HugeMemory,
		memcg: Memcontrol,
	) {
		super(core);
		this.thp = new ThpFault(core, pageAlloc, memcg, huge, (p, vpn) => this.pteAlloc(p, vpn));
	}

	/** The huge page fault (thp-fault.ts), tried first by every anon fault on an empty PMD. */
	readonly thp: ThpFault;

	/** The vm_operations for regions of `kind` (REGION_FILE, REGION_SHMEM). */
	setVmOps(kind: number, ops: VmOperations): void {
		this.vmOps[kind] = ops;
	}

	/** handle_mm_fault(): a reference that did not hit a resident anon page. */
	handleFault(p: Proc, region: Region, vpn: number, off: number, stream: number, write: boolean): number {
		const ops = this.vmOps[region.kind];
		if (ops) return ops.fault(p, region, vpn, off, stream, write);
		return this.anonFault(p, vpn, write, region);
	}

	/** An anon fault in `region` (the VMA holding vpn): swap-in if the PTE holds a swap entry, else demand-zero. */
	anonFault(p: Proc, vpn: number, write: boolean, region: Region = p.regionOf(vpn)): number {
		const e = p.pt.get(vpn);
		if (e < 0) return this.doSwapPage(p, vpn, swapEntrySlot(e), write);
		// __handle_mm_fault(): pmd_none() in a THP-eligible VMA tries create_huge_pmd() first.
		const huge = this.thp.fault(p, region, vpn);
		if (!Number.isNaN(huge)) return huge;
		// A fallback after compaction stalled: the stall is this fault's too.
		const stall = this.thp.fallbackStallUs;
		const c = this.doAnonymousPage(p, vpn);
		return c < 0 ? c : c + stall;
	}

	/**
	 * The page-table pages above vpn's entry, allocated top-down on first use as a fault walks the
	 * levels (mm/memory.c __handle_mm_fault: pgd_offset, p4d_alloc, pud_alloc -> __pud_alloc,
	 * pmd_alloc -> __pmd_alloc, then __pte_alloc): kernel memory, allocated like any page (it may
	 * reclaim). The PGD comes first, with the mm's first fault (pgd_alloc at fork/exec).
	 */
	pteAlloc(p: Proc, vpn: number): number {
		const pt = p.pt;
		const table = pt.tableOf(vpn);
		if (pt.tables[table] !== 0) return 0;
		if (pt.pgd === 0) {
			const frame = this.tablePage(p);
			if (frame < 0) return frame;
			pt.pgd = mkPresent(frame);
		}
		const pud = pt.pudOf(table);
		if (pt.puds[pud] === 0) {
			const frame = this.tablePage(p);
			if (frame < 0) return frame;
			pt.puds[pud] = mkPresent(frame);
			pt.nPuds++;
		}
		const pmd = pt.pmdOf(table);
		if (pt.pmds[pmd] === 0) {
			const frame = this.tablePage(p);
			if (frame < 0) return frame;
			pt.pmds[pmd] = mkPresent(frame);
			pt.nPmds++;
		}
		const frame = this.tablePage(p);
		if (frame < 0) return frame;
		pt.tables[table] = mkPresent(frame);
		pt.nTables++;
		return 0;
	}

	/** One page-table page: kernel memory (unmovable, never reclaimed), owned by the page tables. */
	private tablePage(p: Proc): number {
		// GFP_PGTABLE_USER: GFP_KERNEL, unmovable.
		const frame = this.pageAlloc.allocPage(p, MIGRATE_UNMOVABLE);
		if (frame < 0) return frame;
		this.zone.setKind(frame, FRAME_KERNEL);
		this.zone.frames.owner[frame] = OWNER_PAGE_TABLE;
		return frame;
	}

	/** do_anonymous_page(): a demand-zero minor fault. */
	private doAnonymousPage(p: Proc, vpn: number): number {
		const pt = this.pteAlloc(p, vpn);
		if (pt < 0) return pt;
		const before = p.tickReclaimUs;
		const frame = this.pageAlloc.allocPage(p);
		if (frame < 0) return frame;
		const frames = this.zone.frames;
		this.zone.setKind(frame, FRAME_ANON);
		frames.owner[frame] = p.slot;
		frames.index[frame] = vpn;
		const locked = p.regionOf(vpn).locked;
		frames.flags[frame] = PG_YOUNG | PG_DIRTY | (locked ? PG_UNEVICTABLE : 0);
		p.pt.set(vpn, mkPresent(frame));
		p.rssAnon++;
		p.minflt++;
		p.secMinflt++;
		this.vm.pgfault++;
		this.lruvec.policy.inserted(frame, false);
		return MINOR_FAULT_ZERO_US + (p.tickReclaimUs - before);
	}

	/** do_swap_page(): a major fault that brings a page back from zswap, zram or the swap device. */
	private doSwapPage(p: Proc, vpn: number, slot: number, write: boolean): number {
		const swap = this.swapfile.area!;
		// swap_cache_get_folio(): after a fork another process of the family may have read it already.
		const cached = swap.extraRefs(slot) > 0 ? this.rmap.swapCachePage(p, vpn, slot) : -1;
		if (cached >= 0) return this.swapCacheHit(p, vpn, slot, cached);
		const before = p.tickReclaimUs;
		const frame = this.pageAlloc.allocPage(p);
		if (frame < 0) return frame;
		const reclaimUs = p.tickReclaimUs - before;
		const state = swap.state[slot]!;
		const waitUs = this.readSwapSlot(p, slot, vpn, true);
		const activate = this.swapinActivate;
		const frames = this.zone.frames;
		this.zone.setKind(frame, FRAME_ANON);
		frames.owner[frame] = p.slot;
		frames.index[frame] = vpn;
		frames.flags[frame] = PG_YOUNG | (this.swapinWorkingset ? PG_WORKINGSET : 0);
		p.pt.set(vpn, mkPresent(frame));
		p.swapEnts--;
		p.rssAnon++;
		// A page read from the swap device keeps its slot (SwapCached) unless swap is over half full
		// or the page is written; a zswap load or a zram read frees it. A slot fork shared is still
		// another process's entry: a read keeps it in the swap cache for them, shared (its write
		// protection stays); a write takes a private copy and leaves the slot to them (do_wp_page).
		const shared = swap.extraRefs(slot) > 0;
		if (shared && !write) {
			this.swapfile.addToSwapCache(frame, slot);
			frames.flags[frame]! |= PG_ANON_SHARED;
		} else if (!shared && !write && swap.used * 2 < swap.total && state === SLOT_DISK) {
			this.swapfile.addToSwapCache(frame, slot);
		} else {
			this.swapfile.putSlot(slot);
			frames.flags[frame]! |= PG_DIRTY;
			if (shared) this.cowCopied(p);
		}
		this.lruvec.policy.inserted(frame, activate);
		p.lastWait = 'swapin';
		return waitUs + reclaimUs;
	}

	/**
	 * do_swap_page() that finds the page in the swap cache (a fork-shared slot another process read):
	 * a minor fault that maps the same page, one more mapper; a write then copies it (do_wp_page).
	 */
	private swapCacheHit(p: Proc, vpn: number, slot: number, frame: number): number {
		const swap = this.swapfile.area!;
		const pt = this.pteAlloc(p, vpn);
		if (pt < 0) return pt;
		if (swap.state[slot] === SLOT_ZSWAP) p.zswapEnts--;
		p.pt.set(vpn, mkPresent(frame));
		p.swapEnts--;
		p.rssAnon++;
		// The PTE's reference to the slot passes to the page it now maps.
		swap.extra![slot]!--;
		this.rmap.dupAnon(frame);
		this.zone.frames.flags[frame]! |= PG_YOUNG;
		p.minflt++;
		p.secMinflt++;
		this.vm.pgfault++;
		return MINOR_FAULT_CACHED_US;
	}

	/**
	 * do_wp_page(): a write to a fork-shared anon page (its PTE write-protected). The last user reuses
	 * it (wp_can_reuse_anon_folio → wp_page_reuse: the page is exclusive again, and a swap-cache copy it
	 * had is let go); otherwise wp_page_copy() gives the writer a private copy and the page one mapper
	 * less. Returns the cost in µs, or ALLOC_KILLED / ALLOC_RETRY.
	 */
	wpFault(p: Proc, vpn: number, frame: number): number {
		const frames = this.zone.frames;
		p.minflt++;
		p.secMinflt++;
		this.vm.pgfault++;
		const flags = frames.flags[frame]!;
		if (this.rmap.anonMappers(frame) === 1) {
			frames.flags[frame] = flags & ~PG_ANON_SHARED;
			// A swap copy other processes still hold stays theirs; the writer's page is its own now.
			if (flags & PG_SWAPCACHE) this.swapfile.dropSwapCache(frame);
			return MINOR_FAULT_CACHED_US;
		}
		// do_huge_pmd_wp_page(): a THP others map too: __split_huge_pmd(), then the 4 KiB copy below.
		if (flags & PG_THP) this.huge.splitPmd(p, p.pt.tableOf(vpn));
		const before = p.tickReclaimUs;
		const copy = this.pageAlloc.allocPage(p);
		if (copy < 0) return copy;
		const cost = COW_COPY_US + (p.tickReclaimUs - before);
		// The allocation may have reclaimed the page (its PTE now a swap entry): the next touch faults.
		this.zone.setKind(copy, FRAME_ANON);
		if (p.pt.get(vpn) !== mkPresent(frame)) {
			this.zone.freePage(copy);
			return cost;
		}
		frames.owner[copy] = p.slot;
		frames.index[copy] = vpn;
		frames.flags[copy] = PG_YOUNG | PG_DIRTY | (flags & PG_UNEVICTABLE);
		this.rmap.removeAnon(frame, p);
		p.pt.set(vpn, mkPresent(copy));
		this.lruvec.policy.inserted(copy, false);
		this.cowCopied(p);
		return cost;
	}

	/** A COW break that copied (wp_page_copy). Linux counts it only as a page fault; memtop per process too. */
	private cowCopied(p: Proc): void {
		p.cowFaults++;
	}

	/**
	 * The one swap-in read, for anon (do_swap_page) and shmem (shmem_swapin_folio) alike: decompress
	 * from zswap or zram, or read from the device (with VMA readahead around `raVpn` for anon, −1 for
	 * none). Counts the major fault, judges the refault (workingset_refault) and charges the wait to
	 * `p`: a page that was in the workingset is thrashing (memory stall), any other is IO wait.
	 * Returns the wait in µs; the slot is the caller's to keep or free.
	 */
	readSwapSlot(p: Proc, slot: number, raVpn: number, anon: boolean): number {
		const swap = this.swapfile.area!;
		const vm = this.vm;
		const state = swap.state[slot]!;
		let waitUs: number;
		if (state === SLOT_ZSWAP) {
			// zswap_load(): the page is decompressed in the fault path; no IO.
			waitUs = SYNC_SWAPIN_FAULT_US + COMPRESSORS[this.zswapSpec.compressor].decompressUs;
			vm.zswpin++;
			if (anon) p.zswapEnts--;
		} else if (state === SLOT_ZRAM) {
			// mm/memory.c do_swap_page(): zram is SWP_SYNCHRONOUS_IO, so the swap cache and readahead are
			// skipped and the page is decompressed in place: one page per fault, no IO path.
			waitUs = SYNC_SWAPIN_FAULT_US + this.zram!.readUs();
			vm.pswpin++;
			vm.pgpgin += pagesToKb(1);
		} else {
			// Swap readahead: virtual neighbours also on the device come in with the same IO (page-cluster).
			const ra = raVpn >= 0 ? this.swapReadahead(p, raVpn) : 0;
			waitUs = MAJOR_FAULT_KERNEL_US + this.swapDev!.read(this.clock.nowUs, 1 + ra);
			vm.pswpin += 1 + ra;
			vm.pgpgin += pagesToKb(1 + ra);
		}
		const shadow = swap.shadow[slot]!;
		const verdict = workingsetRefault(this.lruvec, vm, shadow, true, this.swapfile.canSwap);
		const activate = verdict !== REFAULT_COLD;
		const ws = verdict === REFAULT_RESTORE;
		p.majflt++;
		p.secMajflt++;
		vm.pgfault++;
		vm.pgmajfault++;
		if (ws) p.tickMemUs += waitUs;
		else p.tickIoUs += waitUs;
		p.tickSwapinUs += waitUs;
		this.clock.nowUs += waitUs;
		this.swapinActivate = activate;
		this.swapinWorkingset = ws;
		return waitUs;
	}

	/** The refault readSwapSlot() just judged: activate the page, and was it workingset. */
	get lastSwapinActivate(): boolean {
		return this.swapinActivate;
	}

	get lastSwapinWorkingset(): boolean {
		return this.swapinWorkingset;
	}

	/**
	 * VMA-based swap readahead (mm/swap_state.c swap_vma_readahead): the neighbours in the window
	 * swap_vma_ra_win() chooses (swap-readahead.ts), if still on the device.
	 */
	private swapReadahead(p: Proc, vpn: number): number {
		const region = p.regionOf(vpn);
		const win = this.raWindow;
		if (swapVmaRaWin(region, vpn, this.sysctl.page_cluster, win) <= 1) return 0;
		const swap = this.swapfile.area!;
		const pt = p.pt;
		const start = win[0]!;
		const end = Math.min(win[1]!, pt.covered);
		const frames = this.zone.frames;
		let n = 0;
		for (let v = start; v < end; v++) {
			if (v === vpn) continue;
			const e = pt.get(v);
			if (e >= 0) continue;
			const slot = swapEntrySlot(e);
			if (swap.state[slot] !== SLOT_DISK) continue;
			// A fork-shared slot another process already read is in the swap cache: its fault maps that.
			if (swap.extraRefs(slot) > 0 && this.rmap.swapCachePage(p, v, slot) >= 0) continue;
			// Readahead never reclaims (__GFP_NORETRY-like): only from free memory above min.
			const frame = this.pageAlloc.allocAbove(this.zone.wm.min, p);
			if (frame === ALLOC_NONE) break;
			this.zone.setKind(frame, FRAME_ANON);
			frames.owner[frame] = p.slot;
			frames.index[frame] = v;
			frames.flags[frame] = PG_READAHEAD | (swap.extraRefs(slot) > 0 ? PG_ANON_SHARED : 0);
			pt.set(v, mkPresent(frame));
			p.swapEnts--;
			p.rssAnon++;
			this.swapfile.addToSwapCache(frame, slot);
			this.lruvec.policy.inserted(frame, false);
			this.vm.swap_ra++;
			n++;
		}
		return n;
	}

	/** First touch of a page brought in by swap readahead: a minor fault from the swap cache. */
	readaheadHit(p: Proc, frame: number): number {
		const frames = this.zone.frames;
		frames.flags[frame]! &= ~PG_READAHEAD;
		const vpn = frames.index[frame]!;
		swapRaHit(p.regionOf(vpn), vpn);
		this.vm.swap_ra_hit++;
		p.minflt++;
		p.secMinflt++;
		this.vm.pgfault++;
		return MINOR_FAULT_CACHED_US;
	}
}
