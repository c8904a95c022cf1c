// What a session remembers between snapshots: one sample per simulated second for the graphs,
// a short RSS history per process for the sparklines, and the event log ring. Pure: no timers,
// fed only by ingest(), so live and replay sessions (and tests) drive it the same way.
import type {SimEvent} from '../sim/events.js';
import type {Snapshot} from '../sim/snapshot-types.js';
import type {HistorySample, LoggedEvent} from './types.js';

export const HISTORY_SECONDS = 600;
export const PROCESS_HISTORY_SECONDS = 120;
export const EVENT_LOG_SIZE = 2000;

/** Cumulative counters a sample turns into per-second rates. */
interface Counters {
	time: number;
	pgfault: number;
	pgmajfault: number;
	pswpin: number;
	pswpout: number;
	refaults: number;
	oomKills: number;
}

function countersOf(s: Snapshot): Counters {
	return {
		time: s.time,
		pgfault: s.vmstat.pgfault,
		pgmajfault: s.vmstat.pgmajfault,
		pswpin: s.vmstat.pswpin,
		pswpout: s.vmstat.pswpout,
		refaults: s.vmstat.workingset_refault_anon + s.vmstat.workingset_refault_file,
		oomKills: s.oomKills,
	};
}

/** Keep the newest `keep` items of a buffer used as a ring (a short memmove at these sizes). */
function trimFront<T>(items: T[], keep: number): void {
	if (items.length > keep) items.splice(0, items.length - keep);
}

export class HistoryTracker {
	#samples: HistorySample[] = [];
	#events: LoggedEvent[] = [];
	// Copies handed out; a new identity exactly when the content changed, so views can memo on it.
	#samplesView: readonly HistorySample[] | null = null;
	#eventsView: readonly LoggedEvent[] | null = null;
	#rss = new Map<number, number[]>();
	#base: Counters | null = null;
	#lastTime = -1;
	/** Never reset, so React keys stay unique across replay seeks. */
	#nextEventId = 1;
	#lastSnapshot: Snapshot | null = null;

	/** Feed the next published snapshot. Seeing time go backwards (a replay seek) starts over. */
	ingest(snapshot: Snapshot): void {
		// The same snapshot twice adds nothing; a new one at the same tick (a command while paused)
		// still brings its events.
		if (snapshot === this.#lastSnapshot) return;
		this.#lastSnapshot = snapshot;
		if (this.#base && snapshot.time < this.#lastTime) this.reset();
		this.#lastTime = snapshot.time;

		if (snapshot.events.length > 0) {
			for (const event of snapshot.events) this.#events.push({id: this.#nextEventId++, event});
			trimFront(this.#events, EVENT_LOG_SIZE);
			this.#eventsView = null;
		}

		const now = countersOf(snapshot);
		if (!this.#base) {
			this.#base = now;
			return;
		}
		const fromSecond = Math.floor(this.#base.time);
		const toSecond = Math.floor(now.time);
		if (toSecond <= fromSecond) return;

		// At high speed one publish can cover many simulated seconds: spread the counter deltas
		// evenly over them (the best we know), and put OOM kills, which are discrete, in the last.
		const dt = now.time - this.#base.time;
		const rate = (a: number, b: number): number => (dt > 0 ? Math.max(0, b - a) / dt : 0);
		const shared = {
			freePages: snapshot.frames.free,
			anonPages: snapshot.frames.anon,
			filePages: snapshot.frames.file,
			swapUsedPages: snapshot.swap.usedPages,
			zswapPoolPages: snapshot.frames.zpool,
			psiSome10: snapshot.psi.some.avg10,
			psiFull10: snapshot.psi.full.avg10,
			pgfault: rate(this.#base.pgfault, now.pgfault),
			pgmajfault: rate(this.#base.pgmajfault, now.pgmajfault),
			pswpin: rate(this.#base.pswpin, now.pswpin),
			pswpout: rate(this.#base.pswpout, now.pswpout),
			refaults: rate(this.#base.refaults, now.refaults),
		};
		const kills = Math.max(0, now.oomKills - this.#base.oomKills);
		const first = Math.max(fromSecond + 1, toSecond - HISTORY_SECONDS + 1);
		for (let second = first; second <= toSecond; second++) {
			this.#samples.push({...shared, time: second, oomKills: second === toSecond ? kills : 0});
		}
		trimFront(this.#samples, HISTORY_SECONDS);
		this.#samplesView = null;
		this.#recordRss(snapshot, Math.min(toSecond - fromSecond, PROCESS_HISTORY_SECONDS));
		this.#base = now;
	}

	#recordRss(snapshot: Snapshot, seconds: number): void {
		const alive = new Set<number>();
		for (const p of snapshot.processes) {
			if (p.state === 'exited') continue;
			alive.add(p.pid);
			let series = this.#rss.get(p.pid);
			if (!series) this.#rss.set(p.pid, (series = []));
			for (let i = 0; i < seconds; i++) series.push(p.rss);
			trimFront(series, PROCESS_HISTORY_SECONDS);
		}
		for (const pid of this.#rss.keys()) if (!alive.has(pid)) this.#rss.delete(pid);
	}

	/** Oldest first, at most HISTORY_SECONDS samples, one per simulated second. */
	getHistory(): readonly HistorySample[] {
		this.#samplesView ??= this.#samples.slice();
		return this.#samplesView;
	}

	/** Newest last, at most EVENT_LOG_SIZE. */
	getEventLog(): readonly LoggedEvent[] {
		this.#eventsView ??= this.#events.slice();
		return this.#eventsView;
	}

	/** RSS in pages per simulated second, newest last; empty for unknown or exited pids. */
	getProcessHistory(pid: number): readonly number[] {
		return this.#rss.get(pid) ?? [];
	}

	/** Add events to the log as if snapshots had brought them (the log after a replay's seek). */
	addEvents(events: readonly SimEvent[]): void {
		if (events.length === 0) return;
		for (const event of events.slice(-EVENT_LOG_SIZE)) this.#events.push({id: this.#nextEventId++, event});
		trimFront(this.#events, EVENT_LOG_SIZE);
		this.#eventsView = null;
	}

	/** Put events that happened before everything in the log in front of it (a seek's backfill). */
	prependEvents(events: readonly SimEvent[]): void {
		if (events.length === 0) return;
		const older = events.map((event) => ({id: this.#nextEventId++, event}));
		this.#events = [...older, ...this.#events];
		trimFront(this.#events, EVENT_LOG_SIZE);
		this.#eventsView = null;
	}

	/** Forget everything except the event id counter. */
	reset(): void {
		this.#samples = [];
		this.#events = [];
		this.#samplesView = null;
		this.#eventsView = null;
		this.#rss.clear();
		this.#base = null;
		this.#lastTime = -1;
	}
}
