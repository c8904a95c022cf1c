// kcompactd (mm/compaction.c), the node's compaction thread: kswapd wakes it for the order it was
// woken for once it has balanced (wakeup_kcompactd), and every 500 ms it checks the node's
// fragmentation score and compacts in the background while the score is above the high mark set by
// vm.compaction_proactiveness (proactive compaction). Its time is memstall, like kswapd's.
import {
	COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_SUCCESS,
	type Compaction,
	type CompactStats,
	fragmentationScore,
	fragmentationScoreWmark,
	freeBlocksByOrder,
	zoneCompactionSuitable,
	zoneWatermarkOk,
} from './compaction.js';
import {type Core, CoreModule} from './core.js';
import {TICK_US} from './units.js';

/** HPAGE_FRAG_CHECK_INTERVAL_MSEC = 500: the proactive check's period, in 10 ms ticks. */
export const FRAG_CHECK_TICKS = 50;
/** COMPACT_MAX_DEFER_SHIFT = 6: a proactive run that did not lower the score defers 2^6 checks. */
export const PROACTIVE_DEFER_CHECKS = 1 << 6;

export class Kcompactd extends CoreModule {
	/** pgdat->kcompactd_max_order: the order it was woken for (0: not woken). */
	private maxOrder = 0;
	/** proactive_defer: checks left before the next proactive run. */
	private proactiveDefer = 0;
	/** Time spent compacting this tick (µs): PSI counts it as memstall. */
	busyUs = 0;

	constructor(
		core: Core,
		readonly compaction: Compaction,
		private readonly kswapdRunning: () => boolean,
	) {
		super(core);
	}

	/**
	 * wakeup_kcompactd(): only for order > 0, and only when kcompactd_node_suitable(): no block of the
	 * order above min yet, and compaction_suitable() for it.
	 */
	wake(order: number): void {
		const zone = this.zone;
		if (order <= 0) return;
		if (zoneWatermarkOk(zone, order, zone.wm.min)) return;
		if (!zoneCompactionSuitable(zone, order, this.sysctl.extfrag_threshold)) return;
		if (order > this.maxOrder) this.maxOrder = order;
	}

	/** One tick: kcompactd_do_work() if woken, else every 500 ms the proactive check. */
	run(): void {
		this.busyUs = 0;
		if (this.maxOrder > 0) {
			const order = this.maxOrder;
			this.maxOrder = 0;
			this.vm.compact_daemon_wake++;
			this.doWork(order);
			return;
		}
		if (this.clock.tick % FRAG_CHECK_TICKS !== 0) return;
		if (!this.shouldProactiveCompact()) return;
		if (this.proactiveDefer > 0) {
			this.proactiveDefer--;
			return;
		}
		const before = this.score();
		this.vm.compact_daemon_wake++;
		this.account(
			this.compaction.compactZone(
				{order: -1, async: false, direct: false, proactive: true},
				this.zone.wm.min,
			),
		);
		// proactive_compact_node() made no progress: back off for a while.
		if (this.score() >= before) this.proactiveDefer = PROACTIVE_DEFER_CHECKS;
	}

	/**
	 * kcompactd_do_work(): skipped while compaction_deferred(); a run that reached the order resets the
	 * deferral, one whose scanners met without it defers (sync migration, as sync direct compaction).
	 */
	private doWork(order: number): void {
		const defer = this.compaction.defer;
		if (defer.deferred(order)) return;
		const st = this.compaction.compactZone(
			{order, async: false, direct: false, proactive: false},
			this.zone.wm.min,
		);
		if (st.result === COMPACT_SUCCESS) defer.reset(order, false);
		else if (st.result === COMPACT_PARTIAL_SKIPPED || st.result === COMPACT_COMPLETE) defer.defer(order);
		this.account(st);
	}

	/** reset_isolation_suitable(), from kswapd_try_to_sleep(): the skip hints go when kswapd sleeps. */
	resetIsolationSuitable(): void {
		this.compaction.cache.resetIsolationSuitable();
	}

	/** should_proactive_compact_node(): proactiveness > 0, kswapd not running, score above the high mark. */
	shouldProactiveCompact(): boolean {
		const proactiveness = this.sysctl.compaction_proactiveness;
		if (proactiveness === 0 || this.kswapdRunning()) return false;
		return this.score() > fragmentationScoreWmark(proactiveness, false);
	}

	/** fragmentation_score_node() at COMPACTION_HPAGE_ORDER. */
	score(): number {
		return fragmentationScore(freeBlocksByOrder(this.zone), this.zone.totalPages);
	}

	private account(st: CompactStats): void {
		this.vm.compact_daemon_migrate_scanned += st.migrateScanned;
		this.vm.compact_daemon_free_scanned += st.freeScanned;
		this.busyUs = Math.min(TICK_US, st.costUs);
	}

	save() {
		// Only when set, so a state of a run that never compacted keeps its layout.
		return {
			...(this.maxOrder > 0 ? {kcompactdOrder: this.maxOrder} : {}),
			...(this.proactiveDefer > 0 ? {kcompactdDefer: this.proactiveDefer} : {}),
		};
	}

	load(s: {kcompactdOrder?: number | undefined; kcompactdDefer?: number | undefined}): void {
		this.maxOrder = s.kcompactdOrder ?? 0;
		this.proactiveDefer = s.kcompactdDefer ?? 0;
	}
}
