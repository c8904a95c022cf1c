// The page allocator's policy (mm/page_alloc.c __alloc_pages): who may take a free page, and what an
// allocation does when free memory runs low: wake kswapd, dip to the min watermark, reclaim directly
// in 32-page batches, and after 16 rounds without progress call the OOM killer. Every page a fault,
// a page table, readahead or the balloon takes comes through here; the free list itself is the
// zone's (zone.ts). Only zsmalloc, which runs inside reclaim, takes pages from the zone directly.
import type {BlockDevice} from './block-device.js';
import {MIGRATE_MOVABLE, MIGRATE_UNMOVABLE, PAGEBLOCK_ORDER} from './buddy.js';
import {
	COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_SKIPPED,
	COMPACT_SUCCESS,
	type Compaction,
	compactGap,
	zoneCompactionSuitable,
	zoneWatermarkOk,
} from './compaction.js';
import {type Core, CoreModule} from './core.js';
import {OOM_WAIT_US} from './costs.js';
import type {Kswapd} from './kswapd.js';
import {SWAP_CLUSTER_MAX} from './lruvec.js';
import {CHARGE_KILLED, CHARGE_OK, type MemcgCharge} from './memcg-charge.js';
import type {Memcontrol} from './memcontrol.js';
import type {OomKiller} from './oom.js';
import type {Writeback} from './page-writeback.js';
import type {Proc} from './process.js';
import type {Swapfile} from './swapfile.js';
import {MAX_RECLAIM_RETRIES, TICK_US} from './units.js';
import type {Vmscan} from './vmscan.js';

/** The allocating process was chosen by the OOM killer: it is dying, the allocation failed. */
export const ALLOC_KILLED = -1;
/** No page now: wait (an OOM victim is exiting, or reclaim has used up this tick); retry next tick. */
export const ALLOC_RETRY = -2;
/** No free page above the mark (an allocation that may not reclaim). */
export const ALLOC_NONE = -1;

/** reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK): sleep until writeback makes room, 1 ms to 100 ms. */
const THROTTLE_MIN_US = 1_000;
const THROTTLE_MAX_US = 100_000;
/** A direct reclaimer that has stalled this long gives up the tick (others took what it freed). */
const DIRECT_RECLAIM_TICK_LIMIT_US = 4 * TICK_US;

/** How the costly-order path wakes kswapd (costlySlowpath). */
const WAKE_NONE = 0;
const WAKE_KSWAPD = 1;
const WAKE_NO_DIRECT = 2;

export class PageAlloc extends CoreModule {
	constructor(
		core: Core,
		private readonly swapfile: Swapfile,
		private readonly vmscan: Vmscan,
		private readonly kswapd: Kswapd,
		private readonly oom: OomKiller,
		private readonly swapDev: BlockDevice | null,
		private readonly memcg: Memcontrol,
		private readonly charger: MemcgCharge,
		private readonly writeback: Writeback,
		private readonly compaction: Compaction,
	) {
		super(core);
	}

	/** What the last allocPages() stalled for (µs): compaction and reclaim, when it had no process to charge. */
	lastStallUs = 0;

	/**
	 * __alloc_pages() of a costly order with __GFP_RETRY_MAYFAIL (alloc_buddy_hugetlb_folio: a hugetlb
	 * pool page): the fast path at the low watermark; else wake kswapd for the order and try at min;
	 * then __alloc_pages_slowpath()'s costly-order order: direct compaction (async) first, direct
	 * reclaim until compaction has room (compact_gap), direct compaction again (sync light); then it
	 * fails: no OOM kill for a costly order (__alloc_pages_may_oom), and memtop stops there (no
	 * should_compact_retry rounds). The stall goes to `p`, or to lastStallUs with no process.
	 * Returns the first frame of the block, or ALLOC_NONE.
	 */
	allocPages(order: number, p: Proc | null): number {
		return this.costlySlowpath(order, p, WAKE_KSWAPD, true);
	}

	/**
	 * __alloc_pages() of a transparent huge page with vma_thp_gfp_mask()'s gfp (huge-memory.ts thpGfp):
	 * the fast path at the low watermark; __GFP_KSWAPD_RECLAIM (defer) wakes kswapd for order 9, which
	 * wakes kcompactd once balanced; then the slowpath's try at min. GFP_TRANSHUGE_LIGHT stops there;
	 * GFP_TRANSHUGE goes on as a costly order does (allocPages' compaction, reclaim, compaction: the
	 * stall charged to `p`, or to lastStallUs for khugepaged). memtop does not model __GFP_NORETRY's
	 * early exit after a deferred compaction. Returns the head frame or ALLOC_NONE.
	 */
	allocThp(p: Proc | null, gfp: {direct: boolean; kswapd: boolean}): number {
		return this.costlySlowpath(PAGEBLOCK_ORDER, p, gfp.kswapd ? WAKE_NO_DIRECT : WAKE_NONE, gfp.direct);
	}

	/**
	 * The costly-order path both share: the fast path at low, the wake (kswapd as wakeup_kswapd() from
	 * a direct-reclaim allocation, or without __GFP_DIRECT_RECLAIM as a THP under defer, or none), a try
	 * at min; with direct reclaim allowed, compaction, reclaim, compaction.
	 */
	private costlySlowpath(order: number, p: Proc | null, wake: number, direct: boolean): number {
		const zone = this.zone;
		this.lastStallUs = 0;
		if (zoneWatermarkOk(zone, order, zone.wm.low)) return this.rmqueueOrder(order);
		if (wake === WAKE_KSWAPD) this.kswapd.wake(order);
		else if (wake === WAKE_NO_DIRECT) this.kswapd.wakeNoDirect(order);
		if (zoneWatermarkOk(zone, order, zone.wm.min)) return this.rmqueueOrder(order);
		if (!direct) return ALLOC_NONE;
		const first = this.directCompact(order, true, p);
		if (first >= 0) return first;
		this.reclaimForCompaction(order, p);
		if (zoneWatermarkOk(zone, order, zone.wm.min)) return this.rmqueueOrder(order);
		return this.directCompact(order, false, p);
	}

	/**
	 * __alloc_pages_direct_compact() and try_to_compact_pages(): unless compaction_deferred() skips
	 * this attempt, compact; a run that found a block resets the deferral (compaction_defer_reset,
	 * not yet sure of the page), a sync one whose scanners met without one defers the next
	 * (defer_compaction). Then take the block if one is there. compact_stall counts every attempt but a
	 * skipped one: the kernel tests only for COMPACT_SKIPPED, so a deferred attempt counts a stall
	 * (of no time) and, with no block free, a compact_fail. Taking the page resets the deferral for good.
	 */
	private directCompact(order: number, async: boolean, p: Proc | null): number {
		const zone = this.zone;
		const compaction = this.compaction;
		const defer = compaction.defer;
		if (!defer.deferred(order)) {
			const st = compaction.compactZone({order, async, direct: true, proactive: false}, zone.wm.min);
			if (st.result === COMPACT_SKIPPED) return ALLOC_NONE;
			if (st.result === COMPACT_SUCCESS) defer.reset(order, false);
			else if (!async && (st.result === COMPACT_COMPLETE || st.result === COMPACT_PARTIAL_SKIPPED))
				defer.defer(order);
			this.stall(st.costUs, p);
		}
		this.vm.compact_stall++;
		if (zoneWatermarkOk(zone, order, zone.wm.min)) {
			compaction.cache.blockskipFlush = false;
			defer.reset(order, true);
			this.vm.compact_success++;
			return this.rmqueueOrder(order);
		}
		this.vm.compact_fail++;
		return ALLOC_NONE;
	}

	/**
	 * __alloc_pages_direct_reclaim() for a costly order: shrink_node() goes on until compaction would be
	 * suitable or compact_gap(order) pages are reclaimed (should_continue_reclaim), 32 at a time.
	 */
	private reclaimForCompaction(order: number, p: Proc | null): void {
		const zone = this.zone;
		let reclaimed = 0;
		this.vm.allocstall_normal++;
		while (reclaimed < compactGap(order)) {
			if (zoneCompactionSuitable(zone, order, this.sysctl.extfrag_threshold)) return;
			const before = this.vmscan.sc.costUs;
			const got = this.vmscan.shrinkNode(SWAP_CLUSTER_MAX, false);
			this.stall(this.vmscan.sc.costUs - before, p);
			if (got === 0) return;
			reclaimed += got;
		}
	}

	/** rmqueue(): an order-0 page of `mt` from the buddy lists, then the boosted-watermark check. */
	private rmqueue(mt: number): number {
		const frame = this.zone.rmqueue(mt);
		this.wakeIfBoosted();
		return frame;
	}

	private rmqueueOrder(order: number): number {
		const frame = this.zone.rmqueueOrder(order, MIGRATE_MOVABLE);
		this.wakeIfBoosted();
		return frame;
	}

	/**
	 * mm/page_alloc.c rmqueue(): if taking the page boosted the watermarks (ZONE_BOOSTED_WATERMARK),
	 * clear the bit and wakeup_kswapd(zone, 0, 0): the node may be balanced, so kswapd would not wake
	 * by itself. (zsmalloc takes its pages from the zone directly; a boost it causes wakes kswapd at
	 * the next allocation that comes through here.)
	 */
	private wakeIfBoosted(): void {
		const zone = this.zone;
		if (!zone.boostedFlag) return;
		zone.boostedFlag = false;
		this.kswapd.wakeBoosted();
	}

	private stall(us: number, p: Proc | null): void {
		if (p === null) {
			this.lastStallUs += us;
			return;
		}
		p.tickReclaimUs += us;
		p.tickMemUs += us;
		this.clock.nowUs += us;
	}

	/**
	 * A page for process `p`, charged to its memory cgroup: try_charge_memcg() first (which may
	 * reclaim in the cgroup or OOM-kill in it), then the page itself, then commit_charge().
	 * Returns a frame, ALLOC_KILLED or ALLOC_RETRY.
	 */
	allocPage(p: Proc, mt: number = MIGRATE_MOVABLE): number {
		const mc = this.memcg;
		if (!mc.enabled) return this.allocFrame(p, mt);
		const charged = this.charger.tryCharge(p);
		if (charged !== CHARGE_OK) return charged === CHARGE_KILLED ? ALLOC_KILLED : ALLOC_RETRY;
		const frame = this.allocFrame(p, mt);
		if (frame >= 0) mc.charge(frame, mc.memcgOfProc(p));
		return frame;
	}

	/**
	 * A page (GFP_HIGHUSER_MOVABLE, or GFP_KERNEL's unmovable `mt` for a page table). The fast path takes one while free stays above the low
	 * watermark; below it kswapd is woken and the allocation may still dip to min; below min the
	 * process reclaims directly. Returns a frame, ALLOC_KILLED or ALLOC_RETRY.
	 */
	private allocFrame(p: Proc, mt: number): number {
		const zone = this.zone;
		if (zone.freePages > zone.wm.low) return this.rmqueue(mt);
		this.kswapd.wake();
		if (zone.freePages > zone.wm.min) return this.rmqueue(mt);
		if (this.oom.victimPending) {
			// out_of_memory() would find the victim still exiting: wait for it.
			p.waitingOom = true;
			p.tickMemUs += OOM_WAIT_US;
			return ALLOC_RETRY;
		}
		this.vm.allocstall_normal++;
		p.directReclaims++;
		return this.slowpath(p, mt);
	}

	/** __alloc_pages_slowpath(): direct reclaim rounds, should_reclaim_retry(), then the OOM killer. */
	private slowpath(p: Proc, mt: number): number {
		const zone = this.zone;
		const clock = this.clock;
		let noProgress = 0;
		for (;;) {
			const reclaimed = this.vmscan.directReclaim(p, -1);
			if (zone.freePages > zone.wm.min) return this.rmqueue(mt);
			const swapWait = this.vmscan.congestedKeeps > 0 && this.swapDev;
			if (reclaimed === 0 && (swapWait || this.vmscan.writebackImmediate > 0)) {
				// reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK): sleep until writeback makes room (the
				// swap queue drains, or 32 file pages under writeback complete), then try again.
				// Pages under IO are still reclaimable, so this is not a reason to OOM.
				const ioWait = swapWait ? this.swapDev!.congestionWait(clock.nowUs) : 0;
				const wbWait = this.vmscan.writebackImmediate > 0 ? this.writeback.writebackWaitUs(clock.nowUs) : 0;
				const wait = Math.min(THROTTLE_MAX_US, Math.max(THROTTLE_MIN_US, ioWait, wbWait));
				p.tickReclaimUs += wait;
				p.tickMemUs += wait;
				clock.nowUs += wait;
				if (p.tickMemUs > DIRECT_RECLAIM_TICK_LIMIT_US) return ALLOC_RETRY;
				continue;
			}
			if (reclaimed > 0) {
				noProgress = 0;
				// Others keep taking what we free: stop for this tick and retry on the next.
				if (p.tickMemUs > DIRECT_RECLAIM_TICK_LIMIT_US) return ALLOC_RETRY;
				continue;
			}
			// should_reclaim_retry(): give up after 16 rounds without progress, or at once when even
			// freeing every reclaimable page would not lift free memory above min.
			const lru = this.lruvec.refresh();
			const reclaimable =
				lru.activeFile + lru.inactiveFile + (this.swapfile.canSwap ? lru.activeAnon + lru.inactiveAnon : 0);
			if (++noProgress > MAX_RECLAIM_RETRIES || zone.freePages + reclaimable <= zone.wm.min) {
				this.oom.outOfMemory(p);
				if (p.dying) return ALLOC_KILLED;
				p.waitingOom = true;
				return ALLOC_RETRY;
			}
		}
	}

	/**
	 * A page that may wake kswapd and reclaim once but never retries or calls the OOM killer
	 * (__GFP_NORETRY: the balloon driver). Unmovable: virtio_balloon allocates GFP_HIGHUSER without
	 * CONFIG_BALLOON_COMPACTION (balloon_mapping_gfp_mask), and memtop does not migrate pages.
	 * Returns a frame or ALLOC_NONE.
	 */
	allocNoRetry(): number {
		const zone = this.zone;
		if (zone.freePages <= zone.wm.min) {
			this.kswapd.wake();
			this.vmscan.shrinkNode(SWAP_CLUSTER_MAX, false);
			if (zone.freePages <= zone.wm.min) return ALLOC_NONE;
		}
		return this.rmqueue(MIGRATE_UNMOVABLE);
	}

	/**
	 * A page for `p` only from free memory above `mark` and only within its cgroup's memory.max,
	 * never reclaiming for it (readahead, __GFP_NORETRY). Returns a frame or ALLOC_NONE.
	 */
	allocAbove(mark: number, p: Proc): number {
		if (this.zone.freePages <= mark) return ALLOC_NONE;
		const mc = this.memcg;
		if (!mc.enabled) return this.rmqueue(MIGRATE_MOVABLE);
		const id = mc.memcgOfProc(p);
		if (mc.overMax(id) >= 0) return ALLOC_NONE;
		const frame = this.rmqueue(MIGRATE_MOVABLE);
		mc.charge(frame, id);
		return frame;
	}
}
