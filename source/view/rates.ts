// Per-second rates for the header meters, from /proc/vmstat counter deltas over the trailing
// simulated second. Kept in the view because HistorySample has no scan/steal counters, and so
// the header moves smoothly at the publish rate instead of once per simulated second.
import type {HistorySample} from '../session/types.js';
import type {Snapshot} from '../sim/snapshot-types.js';

export interface Rates {
	/** pgfault minus pgmajfault: faults served without I/O. */
	minflt: number;
	majflt: number;
	pswpin: number;
	pswpout: number;
	refaults: number;
	/** kswapd + direct. */
	scan: number;
	steal: number;
	stealDirect: number;
	allocstall: number;
	zswpin: number;
	zswpout: number;
	/** zswap pages written back to the swap device. */
	zswpwb: number;
	/** LRU traffic: pages moved inactive → active and back, and refaults activated at once. */
	pgactivate: number;
	pgdeactivate: number;
	workingsetActivate: number;
	/** Seconds the rates span (0 until two snapshots are seen). */
	window: number;
}

interface Point {
	time: number;
	values: readonly number[];
}

const FIELDS = [
	(s: Snapshot) => s.vmstat.pgfault - s.vmstat.pgmajfault,
	(s: Snapshot) => s.vmstat.pgmajfault,
	(s: Snapshot) => s.vmstat.pswpin,
	(s: Snapshot) => s.vmstat.pswpout,
	(s: Snapshot) => s.vmstat.workingset_refault_anon + s.vmstat.workingset_refault_file,
	(s: Snapshot) => s.vmstat.pgscan_kswapd + s.vmstat.pgscan_direct,
	(s: Snapshot) => s.vmstat.pgsteal_kswapd + s.vmstat.pgsteal_direct,
	(s: Snapshot) => s.vmstat.pgsteal_direct,
	(s: Snapshot) => s.vmstat.allocstall_normal,
	(s: Snapshot) => s.vmstat.zswpin,
	(s: Snapshot) => s.vmstat.zswpout,
	(s: Snapshot) => s.vmstat.zswpwb,
	(s: Snapshot) => s.vmstat.pgactivate,
	(s: Snapshot) => s.vmstat.pgdeactivate,
	(s: Snapshot) => s.vmstat.workingset_activate_anon + s.vmstat.workingset_activate_file,
] as const;

export const ZERO_RATES: Rates = {
	minflt: 0,
	majflt: 0,
	pswpin: 0,
	pswpout: 0,
	refaults: 0,
	scan: 0,
	steal: 0,
	stealDirect: 0,
	allocstall: 0,
	zswpin: 0,
	zswpout: 0,
	zswpwb: 0,
	pgactivate: 0,
	pgdeactivate: 0,
	workingsetActivate: 0,
	window: 0,
};

/**
 * Until two snapshots have been seen (a paused session publishes once) the session's last
 * history sample is the best source: it has the fault and swap rates, not scan/steal.
 */
export function ratesFromSample(sample: HistorySample | undefined): Rates {
	if (!sample) return ZERO_RATES;
	return {
		...ZERO_RATES,
		minflt: Math.max(0, sample.pgfault - sample.pgmajfault),
		majflt: sample.pgmajfault,
		pswpin: sample.pswpin,
		pswpout: sample.pswpout,
		refaults: sample.refaults,
	};
}

export class RateWindow {
	#points: Point[] = [];
	#lastTick = -1;
	#rates: Rates = ZERO_RATES;

	/** Idempotent per tick; time going backwards (a replay seek) starts over. */
	ingest(snapshot: Snapshot): Rates {
		if (snapshot.tick === this.#lastTick) return this.#rates;
		const newest = this.#points.at(-1);
		if (newest && snapshot.time < newest.time) this.#points = [];
		this.#lastTick = snapshot.tick;
		this.#points.push({time: snapshot.time, values: FIELDS.map((f) => f(snapshot))});
		// Keep the newest point at least one second old as the base, and nothing older.
		while (this.#points.length > 2 && this.#points[1]!.time <= snapshot.time - 1) this.#points.shift();
		const base = this.#points[0]!;
		const head = this.#points.at(-1)!;
		const dt = head.time - base.time;
		if (dt <= 0) return (this.#rates = ZERO_RATES);
		const r = (i: number): number => Math.max(0, (head.values[i]! - base.values[i]!) / dt);
		this.#rates = {
			minflt: r(0),
			majflt: r(1),
			pswpin: r(2),
			pswpout: r(3),
			refaults: r(4),
			scan: r(5),
			steal: r(6),
			stealDirect: r(7),
			allocstall: r(8),
			zswpin: r(9),
			zswpout: r(10),
			zswpwb: r(11),
			pgactivate: r(12),
			pgdeactivate: r(13),
			workingsetActivate: r(14),
			window: dt,
		};
		return this.#rates;
	}
}
