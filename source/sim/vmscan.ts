// Page reclaim (mm/vmscan.c): shrink_node() runs the policy over the LRU at falling priorities until
// it has freed its target, and pageout decides what evicting each page takes: a clean file page
// just goes (leaving a shadow), a dirty one waits for the flusher, a swap-backed one is written to
// zram, zswap or the swap device first. The policy sees the machine only through a ScanControl
// (scan-control.ts).
import type {BlockDevice} from './block-device.js';
import {type Core, CoreModule} from './core.js';
import {DIRECT_RECLAIM_BATCH_US, SCAN_PAGE_US, UNMAP_PAGE_US} from './costs.js';
import {
	FRAME_ANON,
	FRAME_FILE,
	FRAME_SHMEM,
	PG_DIRTY,
	PG_RECLAIM,
	PG_SWAPCACHE,
	PG_THP,
	PG_WRITEBACK,
} from './frames.js';
import type {HugeMemory} from './huge-memory.js';
import {SWAP_CLUSTER_MAX} from './lruvec.js';
import {MemcgProtection} from './memcg-protection.js';
import {type Memcontrol, STAT_PGSCAN, STAT_PGSTEAL} from './memcontrol.js';
import type {Writeback} from './page-writeback.js';
import {CANNOT, EVICTED, type EvictResult, KEPT, type ScanStats} from './policies/policy.js';
import type {Proc} from './process.js';
import type {Rmap} from './rmap.js';
import {ScanControl, type ScanTarget} from './scan-control.js';
import {SLOT_DISK, SLOT_ZSWAP} from './swap.js';
import type {Swapfile} from './swapfile.js';
import {pagesToKb} from './units.js';
import {workingsetEviction} from './workingset.js';
import {ZRAM_FULL, type Zram} from './zram.js';
import {ZSWAP_REJECTED, type Zswap} from './zswap.js';

/** DEF_PRIORITY: reclaim starts scanning size >> 12 of each list. */
export const DEF_PRIORITY = 12;
/** Compressibility of a shmem page no process is charged for (the compressor's typical ratio). */
const UNOWNED_COMPRESSIBILITY = 0.5;
/** writeSwap() found no slot the page could go to now; the result tells why. */
const SWAP_KEPT = -1;
const SWAP_CANNOT = -2;

export class Vmscan extends CoreModule implements ScanTarget {
	readonly sc: ScanControl;
	/** memory.min/low as the current reclaim pass applies them. */
	readonly protection: MemcgProtection;
	/** pgdat->kswapd_failures: kswapd runs in a row that reclaimed nothing; any success resets it. */
	private failures = 0;
	/** Pages this shrink_node() kept because the swap device's queue was full. */
	congestedKeeps = 0;
	/** sc->nr.immediate: pages met under writeback already marked PG_reclaim (reclaim saw them before). */
	writebackImmediate = 0;
	private anonPageouts = 0;
	private filePageouts = 0;
	/** The swap slot this reclaim pass last wrote: the next one after it merges into the same request. */
	private lastSwapSlot = -2;

	constructor(
		core: Core,
		private readonly swapfile: Swapfile,
		private readonly zswap: Zswap,
		private readonly zram: Zram | null,
		private readonly rmap: Rmap,
		private readonly swapDev: BlockDevice | null,
		private readonly memcg: Memcontrol,
		private readonly writeback: Writeback,
		private readonly huge: HugeMemory,
	) {
		super(core);
		this.sc = new ScanControl(core, this, swapfile);
		this.protection = new MemcgProtection(memcg);
	}

	memcgOfFrame(frame: number): number {
		return this.memcg.memcgOf[frame]!;
	}

	/**
	 * try_to_free_mem_cgroup_pages(): reclaim `target` pages from memcg `id` and its descendants
	 * only, at falling priorities as shrink_node() does. Returns the pages freed.
	 */
	shrinkMemcg(id: number, target: number): number {
		const sc = this.sc;
		sc.memcgLo = id;
		sc.memcgHi = this.memcg.nodes[id]!.end;
		try {
			return this.shrinkNode(target, false);
		} finally {
			sc.memcgLo = sc.memcgHi = -1;
		}
	}

	/**
	 * One round of direct reclaim on behalf of `p` (try_to_free_pages(), or
	 * try_to_free_mem_cgroup_pages() when `memcg` >= 0): SWAP_CLUSTER_MAX pages, its cost the task's
	 * time in reclaim and, inside psi_memstall_enter(), a memory stall. Returns the pages freed.
	 */
	directReclaim(p: Proc, memcg: number, target = SWAP_CLUSTER_MAX): number {
		const sc = this.sc;
		const before = sc.costUs;
		const reclaimed = memcg >= 0 ? this.shrinkMemcg(memcg, target) : this.shrinkNode(target, false);
		const cost = sc.costUs - before + DIRECT_RECLAIM_BATCH_US;
		p.tickReclaimUs += cost;
		p.tickMemUs += cost;
		this.clock.nowUs += cost;
		p.directReclaimed += reclaimed;
		return reclaimed;
	}

	/**
	 * do_try_to_free_pages() / balance_pgdat() around shrink_node(): a pass with memory.min/low
	 * applied; when it reclaimed nothing but memory.low held pages back, direct reclaim retries
	 * below low (sc->memcg_low_reclaim). kswapd does not: it leaves that to direct reclaim.
	 */
	shrinkNode(target: number, kswapd: boolean): number {
		const prot = this.protection;
		prot.begin(Math.max(0, this.sc.memcgLo));
		let reclaimed = this.shrinkPriorities(target, kswapd);
		if (reclaimed === 0 && !kswapd && prot.lowSkipped) {
			prot.breakLow();
			reclaimed = this.shrinkPriorities(target, kswapd);
		}
		prot.end();
		return reclaimed;
	}

	/** shrink_node(): priorities 12 → 0 until `target` pages are reclaimed. */
	private shrinkPriorities(target: number, kswapd: boolean): number {
		const st = this.sc.stats;
		st.scannedAnon = st.scannedFile = st.reclaimedAnon = st.reclaimedFile = 0;
		st.activated = st.deactivated = st.refill = st.rotated = 0;
		this.anonPageouts = this.filePageouts = 0;
		this.congestedKeeps = 0;
		this.writebackImmediate = 0;
		this.lastSwapSlot = -2;
		const policy = this.lruvec.policy;
		this.lruvec.refresh();
		let reclaimed = 0;
		for (let prio = DEF_PRIORITY; prio >= 0 && reclaimed < target; prio--) {
			this.protection.enterPriority();
			reclaimed += policy.reclaim(this.sc, target - reclaimed, prio);
			this.lruvec.refresh();
			// IO-bound: scanning harder will not help until the device catches up.
			if (this.congestedKeeps > 0 && reclaimed < target) break;
		}
		// Any reclaim success makes kswapd worth waking again (pgdat->kswapd_failures = 0).
		if (reclaimed > 0) this.failures = 0;
		this.countScan(st, reclaimed, kswapd);
		this.lruvec.ageNonresident(st.activated);
		// lru_note_cost(): IO and failed scans make a type more expensive to reclaim.
		this.lruvec.noteCost(
			this.anonPageouts * SWAP_CLUSTER_MAX + (st.scannedAnon - st.reclaimedAnon),
			this.filePageouts * SWAP_CLUSTER_MAX + (st.scannedFile - st.reclaimedFile),
		);
		this.lruvec.snapshotRefaults();
		this.sc.costUs += (st.scannedAnon + st.scannedFile) * SCAN_PAGE_US;
		return reclaimed;
	}

	private countScan(st: ScanStats, reclaimed: number, kswapd: boolean): void {
		const vm = this.vm;
		const scanned = st.scannedAnon + st.scannedFile;
		if (kswapd) {
			vm.pgscan_kswapd += scanned;
			vm.pgsteal_kswapd += reclaimed;
		} else {
			vm.pgscan_direct += scanned;
			vm.pgsteal_direct += reclaimed;
		}
		vm.pgscan_anon += st.scannedAnon;
		vm.pgscan_file += st.scannedFile;
		vm.pgsteal_anon += st.reclaimedAnon;
		vm.pgsteal_file += st.reclaimedFile;
		vm.pgactivate += st.activated;
		vm.pgdeactivate += st.deactivated;
		vm.pgrefill += st.refill;
		vm.pgrotated += st.rotated;
	}

	get kswapdFailures(): number {
		return this.failures;
	}

	/** balance_pgdat()'s verdict: a run that made no progress while still unbalanced is a failure. */
	noteKswapdRun(madeProgress: boolean, balanced: boolean): void {
		if (madeProgress) this.failures = 0;
		else if (!balanced) this.failures++;
	}

	/** shrink_folio_list() for one page: unmap it and free it, writing it to swap or starting writeback as needed. */
	pageout(frame: number): EvictResult {
		const mc = this.memcg;
		if (!mc.enabled) return this.doPageout(frame);
		const id = mc.memcgOf[frame]!;
		mc.countMemcg(id, STAT_PGSCAN);
		const result = this.doPageout(frame);
		if (result === EVICTED) mc.countMemcg(id, STAT_PGSTEAL);
		return result;
	}

	private doPageout(frame: number): EvictResult {
		const frames = this.zone.frames;
		const kind = frames.kind[frame]!;
		const flags = frames.flags[frame]!;
		if (kind === FRAME_FILE) return this.pageoutFile(frame, flags);
		if (kind !== FRAME_ANON && kind !== FRAME_SHMEM) return CANNOT;
		const swap = this.swapfile.area;
		if (!swap) return CANNOT;
		// shrink_folio_list(): a THP is split before it goes to swap (no THP swap clusters here: the
		// !CONFIG_THP_SWAP path), its 512 pages then reclaimed one by one.
		if (flags & PG_THP) this.huge.splitForReclaim(frame);
		const shadow = workingsetEviction(this.lruvec, flags);
		// A clean swap-cache page still has its copy in swap: drop it without IO.
		if (flags & PG_SWAPCACHE && !(flags & PG_DIRTY)) {
			const slot = this.zone.frameSlot[frame]!;
			swap.shadow[slot] = shadow;
			this.swapfile.deleteFromSwapCache();
			return this.unmapAndFree(frame, slot);
		}
		// mem_cgroup_try_charge_swap(): a memcg at memory.swap.max cannot swap (the page is activated).
		// shrink_folio_list(): a page that must be written (to swap) is kept when !sc->may_writepage.
		if (!this.sc.mayWritepage) return KEPT;
		const memcg = this.memcg.memcgOf.length > 0 ? this.memcg.memcgOf[frame]! : -1;
		if (memcg >= 0 && this.memcg.overSwapMax(memcg) >= 0) return CANNOT;
		if (flags & PG_SWAPCACHE) this.swapfile.dropSwapCache(frame);
		const owner = kind === FRAME_ANON ? this.tasks.procs[frames.owner[frame]!]! : null;
		const compressibility = owner ? owner.spec.compressibility : this.shmemCompressibility(frame);
		const slot = this.zram ? this.writeZram(compressibility) : this.writeSwap(compressibility);
		if (slot === SWAP_KEPT) return KEPT;
		if (slot === SWAP_CANNOT) return CANNOT;
		swap.shadow[slot] = shadow;
		this.memcg.chargeSwap(slot, memcg);
		this.vm.pgpgout += pagesToKb(1);
		return this.unmapAndFree(frame, slot);
	}

	/** A file page: clean goes at once (its slot keeps the shadow); dirty waits for writeback. */
	private pageoutFile(frame: number, flags: number): EvictResult {
		const frames = this.zone.frames;
		if (flags & PG_WRITEBACK) {
			// shrink_folio_list(): a folio under writeback is skipped (rotated) and marked PG_reclaim;
			// met again with PG_reclaim set it counts in nr_immediate, which throttles the reclaimer
			// (reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK)).
			if (flags & PG_RECLAIM) this.writebackImmediate++;
			else frames.flags[frame] = flags | PG_RECLAIM;
			return KEPT;
		}
		if (flags & PG_DIRTY) {
			// Reclaim does not write file pages itself: it marks them PG_reclaim and wakes the flusher
			// (wakeup_flusher_threads(WB_REASON_VMSCAN)).
			frames.flags[frame] = flags | PG_RECLAIM;
			this.writeback.wakeForReclaim();
			this.filePageouts++;
			return KEPT;
		}
		const obj = this.files.files[frames.owner[frame]!]!;
		const off = frames.index[frame]!;
		const shadow = workingsetEviction(this.lruvec, flags);
		this.rmap.unmapFileToShadow(frame, obj, off, shadow);
		this.sc.costUs += UNMAP_PAGE_US;
		this.zone.freePage(frame);
		return EVICTED;
	}

	private unmapAndFree(frame: number, slot: number): EvictResult {
		this.rmap.unmapToSlot(frame, slot);
		this.sc.costUs += UNMAP_PAGE_US;
		this.zone.freePage(frame);
		return EVICTED;
	}

	/** zram: compressed into RAM; at its limit the page stays resident (no spill to disk). */
	private writeZram(compressibility: number): number {
		const slot = this.zram!.store(this.sc, compressibility);
		if (slot === ZRAM_FULL) return SWAP_CANNOT;
		if (slot < 0) return this.swapFull();
		return slot;
	}

	/** zswap first (when on), else the swap device; a full device queue keeps the page for now. */
	private writeSwap(compressibility: number): number {
		const swap = this.swapfile.area!;
		const dev = this.swapDev!;
		const nowUs = this.clock.nowUs;
		const stored = this.zswap.enabled ? this.zswap.tryStore(this.sc, compressibility) : ZSWAP_REJECTED;
		if (stored < 0 && dev.congested(nowUs)) {
			// The device queue is full: leave the page for now (reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK)).
			this.congestedKeeps++;
			return SWAP_KEPT;
		}
		const slot = swap.alloc();
		if (slot < 0) {
			if (stored >= 0) this.zswap.unstore(stored);
			return this.swapFull();
		}
		if (stored >= 0) {
			swap.state[slot] = SLOT_ZSWAP;
			swap.size[slot] = stored;
			swap.addZswapEntry(slot);
			this.vm.zswpout++;
		} else {
			swap.state[slot] = SLOT_DISK;
			// Consecutive slots are one growing request (the block layer merges them): no seek.
			dev.write(nowUs, 1, slot !== this.lastSwapSlot + 1);
			this.lastSwapSlot = slot;
			this.vm.pswpout++;
			this.anonPageouts++;
		}
		return slot;
	}

	private swapFull(): number {
		this.events.emitOnce('swap-full', this.clock.tick);
		return SWAP_CANNOT;
	}

	/** A shmem page compresses like the data of the process charged for it. */
	private shmemCompressibility(frame: number): number {
		const p = this.rmap.firstMapperOf(this.zone.frames.owner[frame]!);
		return p ? p.spec.compressibility : UNOWNED_COMPRESSIBILITY;
	}

	save() {
		return {kswapdFailures: this.failures, reclaimCostUs: this.sc.costUs};
	}

	load(s: {kswapdFailures: number; reclaimCostUs: number}): void {
		this.failures = s.kswapdFailures;
		this.sc.costUs = s.reclaimCostUs;
	}
}
