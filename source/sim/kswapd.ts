import {PAGEBLOCK_ORDER} from './buddy.js';
import {type Core, CoreModule} from './core.js';
import {KSWAPD_NAP_TICKS} from './costs.js';
import type {Kcompactd} from './kcompactd.js';
import {SWAP_CLUSTER_MAX} from './lruvec.js';
import type {KswapdState} from './snapshot-types.js';
import {TICK_US} from './units.js';
import type {Vmscan} from './vmscan.js';

/** kswapd stops being woken after this many runs that reclaimed nothing (MAX_RECLAIM_RETRIES). */
export const KSWAPD_MAX_FAILURES = 16;
/** The most one balance_pgdat() pass asks shrink_node() for. */
const KSWAPD_BATCH_MAX = 256;

export class Kswapd extends CoreModule {
	state: KswapdState = 'sleeping';
	/** Pages reclaimed since it last woke (reported when it sleeps). */
	reclaimed = 0;
	/** Time spent reclaiming this tick (µs): PSI counts it as memstall. */
	busyUs = 0;
	private napUntil = 0;
	/** The highest order an allocation woke it for since it last balanced (kswapd_order). */
	private order = 0;
	/** balance_pgdat()'s zone_boosts: the zone's boost when this pass (wake to nap) began, cleared when it ends. */
	private passBoost = 0;
	/** balance_pgdat()'s nr_boost_reclaim: boosted reclaim still to do this pass (0: none, or abandoned). */
	private boostReclaim = 0;
	/** The pass ended this tick (goto out, or boosted reclaim that reclaimed nothing). */
	private passDone = false;

	constructor(
		core: Core,
		private readonly vmscan: Vmscan,
		private readonly kcompactd: Kcompactd,
	) {
		super(core);
	}

	get failures(): number {
		return this.vmscan.kswapdFailures;
	}

	/** wakeup_kswapd(), from the allocator's slow path; `order`: the allocation's (pgdat->kswapd_order = max). */
	wake(order = 0): void {
		if (order > this.order) this.order = order;
		if (this.state === 'reclaiming') return;
		if (this.failures >= KSWAPD_MAX_FAILURES) return;
		const zone = this.zone;
		if (this.state === 'napping') {
			// Woken during the 100 ms nap: the watermark was hit quickly (kswapd_try_to_sleep()).
			if (zone.freePages <= zone.wm.low) this.vm.kswapd_low_wmark_hit_quickly++;
			else this.vm.kswapd_high_wmark_hit_quickly++;
		} else {
			this.reclaimed = 0;
			this.events.emit({kind: 'kswapd-wake', tick: this.clock.tick, free: zone.freePages, low: zone.wm.low});
		}
		this.beginPass();
		this.vm.pageoutrun++;
	}

	/**
	 * mm/vmscan.c wakeup_kswapd() for a high-order allocation without __GFP_DIRECT_RECLAIM (a THP fault
	 * under defrag=defer): a node already balanced (free at or above high, which includes any boost)
	 * gets no kswapd, only wakeup_kcompactd() for the order; otherwise kswapd, as wake().
	 */
	wakeNoDirect(order: number): void {
		const zone = this.zone;
		if (this.state !== 'reclaiming' && zone.freePages >= zone.wm.high) {
			this.kcompactd.wake(order);
			return;
		}
		this.wake(order);
	}

	/**
	 * rmqueue() found ZONE_BOOSTED_WATERMARK: wakeup_kswapd(zone, 0, 0). A boosted zone wakes kswapd
	 * even when balanced (pgdat_watermark_boosted), unless kswapd has given up.
	 */
	wakeBoosted(): void {
		if (this.state === 'reclaiming' || this.failures >= KSWAPD_MAX_FAILURES) return;
		const zone = this.zone;
		if (this.state !== 'napping') {
			this.reclaimed = 0;
			this.events.emit({
				kind: 'kswapd-wake',
				tick: this.clock.tick,
				free: zone.freePages,
				low: zone.wm.low,
				boost: zone.watermarkBoost,
			});
			this.beginPass();
			this.vm.pageoutrun++;
			return;
		}
		this.wake();
	}

	/** kswapd starts reclaiming: a new balance_pgdat() pass, nr_boost_reclaim = zone_boosts = the zone's boost. */
	private beginPass(): void {
		this.state = 'reclaiming';
		this.passBoost = this.boostReclaim = this.zone.watermarkBoost;
	}

	/** One tick of kswapd: after a nap, sleep if balanced; while reclaiming, balance_pgdat(). */
	run(): void {
		this.busyUs = 0;
		const zone = this.zone;
		const tick = this.clock.tick;
		if (this.state === 'napping' && tick >= this.napUntil) {
			// kswapd_try_to_sleep(): after the nap, sleep for good only if still balanced.
			if (zone.freePages >= zone.wm.high || this.failures >= KSWAPD_MAX_FAILURES) {
				this.state = 'sleeping';
				this.events.emit({
					kind: 'kswapd-sleep',
					tick,
					free: zone.freePages,
					high: zone.wm.high,
					reclaimed: this.reclaimed,
				});
			} else {
				this.beginPass();
			}
		}
		if (this.state !== 'reclaiming') return;
		this.vmscan.noteKswapdRun(this.balancePgdat(), zone.freePages >= zone.wm.high);
		if (this.passDone || this.failures >= KSWAPD_MAX_FAILURES) {
			// Balanced (or hopeless): nap 100 ms, then sleep until woken. kswapd_try_to_sleep() wakes
			// kcompactd for the order it was woken for first (wakeup_kcompactd): memtop's kswapd
			// balances order-0 free memory; making a block of that order is compaction's work.
			this.endPass();
			// kswapd_try_to_sleep(): compaction's skip hints are reset before kcompactd is woken.
			this.kcompactd.resetIsolationSuitable();
			this.state = 'napping';
			this.napUntil = tick + KSWAPD_NAP_TICKS;
			if (this.order > 0) this.kcompactd.wake(this.order);
			this.order = 0;
		}
	}

	/**
	 * The end of balance_pgdat() (out:): a boosted pass takes the boost it started with off the zone
	 * (watermark_boost -= min(watermark_boost, zone_boosts)) and wakes kcompactd for a pageblock:
	 * reclaim made room, now compaction can rebuild the blocks the fallbacks broke.
	 */
	private endPass(): void {
		const boosted = this.passBoost;
		this.passBoost = 0;
		this.boostReclaim = 0;
		if (boosted <= 0) return;
		const zone = this.zone;
		zone.setBoost(zone.watermarkBoost - Math.min(zone.watermarkBoost, boosted));
		this.kcompactd.wake(PAGEBLOCK_ORDER);
	}

	/**
	 * mm/vmscan.c balance_pgdat(), with one CPU's worth of time per tick. A pass starts with
	 * nr_boost_reclaim = the zone's watermark_boost. Unbalanced (free below high, which includes the
	 * boost) it drops the boost and reclaims as usual, to high; balanced but boosted it reclaims the
	 * boost's worth more with may_writepage and may_swap off (boosting must not cost IO: clean page
	 * cache only), and stops early if that reclaims nothing. Done when balanced with no boosted
	 * reclaim left.
	 */
	private balancePgdat(): boolean {
		const zone = this.zone;
		const sc = this.vmscan.sc;
		const clock = this.clock;
		const start = sc.costUs;
		const tickStartUs = clock.tick * TICK_US;
		let madeProgress = false;
		this.passDone = false;
		while (sc.costUs - start < TICK_US) {
			const balanced = zone.freePages >= zone.wm.high;
			if (!balanced) this.boostReclaim = 0;
			const boosting = this.boostReclaim > 0;
			if (!boosting && balanced) {
				this.passDone = true;
				break;
			}
			const want = boosting ? this.boostReclaim : zone.wm.high - zone.freePages;
			const target = Math.max(SWAP_CLUSTER_MAX, Math.min(want, KSWAPD_BATCH_MAX));
			sc.maySwap = sc.mayWritepage = !boosting;
			const reclaimed = this.vmscan.shrinkNode(target, true);
			sc.maySwap = sc.mayWritepage = true;
			clock.nowUs = tickStartUs + sc.costUs - start;
			this.boostReclaim -= Math.min(this.boostReclaim, reclaimed);
			if (reclaimed === 0) {
				// Boosted reclaim that finds nothing ends the pass (the boost is dropped all the same).
				if (boosting) this.passDone = true;
				// Waiting on a congested device is not failure; finding nothing to reclaim is.
				if (this.vmscan.congestedKeeps > 0) madeProgress = true;
				break;
			}
			madeProgress = true;
			this.reclaimed += reclaimed;
		}
		this.busyUs = Math.min(TICK_US, sc.costUs - start);
		clock.nowUs = tickStartUs;
		return madeProgress;
	}

	save() {
		return {
			kswapdState: this.state,
			kswapdNapUntil: this.napUntil,
			kswapdReclaimed: this.reclaimed,
			// Only when a high-order allocation woke it, so other states keep their layout.
			...(this.order > 0 ? {kswapdOrder: this.order} : {}),
			// Only during a pass that began boosted.
			...(this.passBoost > 0 ? {kswapdPassBoost: this.passBoost, kswapdBoostReclaim: this.boostReclaim} : {}),
		};
	}

	load(s: {
		kswapdState: KswapdState;
		kswapdNapUntil: number;
		kswapdReclaimed: number;
		kswapdOrder?: number | undefined;
		kswapdPassBoost?: number | undefined;
		kswapdBoostReclaim?: number | undefined;
	}): void {
		this.order = s.kswapdOrder ?? 0;
		this.passBoost = s.kswapdPassBoost ?? 0;
		this.boostReclaim = s.kswapdBoostReclaim ?? 0;
		this.state = s.kswapdState;
		this.napUntil = s.kswapdNapUntil;
		this.reclaimed = s.kswapdReclaimed;
	}
}
