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
		this.state = 'reclaiming';
		this.vm.pageoutrun++;
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
				this.state = 'reclaiming';
			}
		}
		if (this.state !== 'reclaiming') return;
		this.vmscan.noteKswapdRun(this.balancePgdat(), zone.freePages >= zone.wm.high);
		if (zone.freePages >= zone.wm.high || this.failures >= KSWAPD_MAX_FAILURES) {
			// Balanced (or hopeless): nap 100 ms, then sleep until woken. kswapd_try_to_sleep() wakes
			// kcompactd for the order it was woken for first (wakeup_kcompactd): memtop's kswapd
			// balances order-0 free memory; making a block of that order is compaction's work.
			this.state = 'napping';
			this.napUntil = tick + KSWAPD_NAP_TICKS;
			if (this.order > 0) this.kcompactd.wake(this.order);
			this.order = 0;
		}
	}

	/** balance_pgdat(): reclaim until free ≥ high, with one CPU's worth of time per tick. */
	private balancePgdat(): boolean {
		const zone = this.zone;
		const sc = this.vmscan.sc;
		const clock = this.clock;
		const start = sc.costUs;
		const tickStartUs = clock.tick * TICK_US;
		let madeProgress = false;
		while (zone.freePages < zone.wm.high && sc.costUs - start < TICK_US) {
			const target = Math.max(SWAP_CLUSTER_MAX, Math.min(zone.wm.high - zone.freePages, KSWAPD_BATCH_MAX));
			const reclaimed = this.vmscan.shrinkNode(target, true);
			clock.nowUs = tickStartUs + sc.costUs - start;
			if (reclaimed === 0) {
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
		};
	}

	load(s: {
		kswapdState: KswapdState;
		kswapdNapUntil: number;
		kswapdReclaimed: number;
		kswapdOrder?: number | undefined;
	}): void {
		this.order = s.kswapdOrder ?? 0;
		this.state = s.kswapdState;
		this.napUntil = s.kswapdNapUntil;
		this.reclaimed = s.kswapdReclaimed;
	}
}
