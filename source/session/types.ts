// What the view knows about where snapshots come from: live, paused or replay, all alike.
import type {Command} from '../sim/commands.js';
import type {SimEvent} from '../sim/events.js';
import type {Snapshot} from '../sim/snapshot-types.js';
import type {UserspaceOomKiller} from '../sim/spec.js';

export type SourceMode = 'live' | 'replay';

/** A marker on the replay timeline. */
export interface TimelineMarker {
	tick: number;
	/** `note`: one of the workload's notes (its narration). */
	kind: 'oom-kill' | 'command' | 'note';
	label: string;
}

export interface ReplayStatus {
	/** Current and last tick of the recording. */
	tick: number;
	endTick: number;
	markers: readonly TimelineMarker[];
	/** Set once if a checkpoint hash did not match. */
	divergence: string | null;
	/** The latest one-line notice: a file cut short, a corrupt checkpoint, a failed take-over. */
	notice?: string | null;
	file: string;
	/**
	 * How far the background indexer (which finds the OOM kills for the markers and verifies every
	 * checkpoint) has got, 0..1, while it runs; null or absent once it is done or when there is none.
	 */
	indexing?: number | null;
}

export interface SessionStatus {
	mode: SourceMode;
	paused: boolean;
	/** Simulated seconds per real second; Infinity = as fast as possible. */
	speed: number;
	workload: string;
	seed: number;
	policy: string;
	/** Where this run is being recorded, if it is. */
	recordingPath: string | null;
	/**
	 * Why this run is not being recorded although it was meant to be (the state directory cannot be
	 * written, the disk filled up): one line for the status line. Null or absent: no problem.
	 */
	notRecording?: string | null;
	/**
	 * Simulated seconds per real second over the last few seconds of playing, when that falls short
	 * of `speed` (the machine cannot keep up: "×10 asked, ×2.3 achieved"); null otherwise.
	 */
	achievedSpeed?: number | null;
	replay: ReplayStatus | null;
}

/** An event as the event log shows it. */
export interface LoggedEvent {
	/** Monotonic id for React keys. */
	id: number;
	event: SimEvent;
}

/** One per simulated second, for history graphs and rates. Derived from consecutive snapshots. */
export interface HistorySample {
	time: number;
	freePages: number;
	anonPages: number;
	filePages: number;
	swapUsedPages: number;
	zswapPoolPages: number;
	psiSome10: number;
	psiFull10: number;
	/** Per second over the last second. */
	pgfault: number;
	pgmajfault: number;
	pswpin: number;
	pswpout: number;
	refaults: number;
	oomKills: number;
}

/**
 * A second machine under another reclaim policy, forked from this run's state at one moment (the
 * same pages, processes and counters; the other policy's lists started from the pages resident)
 * and fed the same commands since: both runs cover the same span, from `start` on.
 */
export interface TwinStatus {
	policy: string;
	/**
	 * A userspace OOM killer duel (K): the twin runs this killer (set-userspace-oom at the fork, this
	 * run's later set-userspace-oom commands not followed) under this run's policy. Absent in a policy duel.
	 */
	userspaceOom?: UserspaceOomKiller | undefined;
	/** The twin's latest snapshot (the same tick as the main one, except while a replay seeks). */
	snapshot: Snapshot;
	/** The state both runs started the duel from (this run's snapshot at the fork). */
	start: Snapshot;
	/** Page references completed by all processes since the fork, main run and twin. */
	work: {main: number; twin: number};
}

export interface Session {
	/** The latest snapshot; stable identity until the next publish (useSyncExternalStore). */
	getSnapshot(): Snapshot;
	getStatus(): SessionStatus;
	/** Newest last; bounded. */
	getEventLog(): readonly LoggedEvent[];
	getHistory(): readonly HistorySample[];
	/** RSS in pages, one value per simulated second, newest last (for per-row sparklines). */
	getProcessHistory(pid: number): readonly number[];
	/** Called after each publish (at most ~10 Hz). Returns an unsubscribe function. */
	subscribe(listener: () => void): () => void;
	/** Send a command to the machine (live only; ignored in replay until take-over). */
	send(command: Command): void;
	setPaused(paused: boolean): void;
	/** Advance one tick while paused. */
	step(): void;
	setSpeed(speed: number): void;
	/** Replay only: go to a tick. */
	seek?(tick: number): void;
	/** Replay only: become a live run from here, recording to a new file. */
	takeOver?(): void;
	/** Which process's regions snapshots should break down (walking page tables costs; only the
	 * process detail view needs them). Null: none. */
	showRegionsOf?(pid: number | null): void;
	/** Whether a column on screen reads smaps_rollup (PSS, USS, SWPPSS): while none does, only the
	 * process detail's page table is walked and other processes' smaps read zero. Default true. */
	showSmaps?(on: boolean): void;
	/** Start (or with null stop) a twin run under another policy, for side-by-side comparison. */
	setTwin?(policy: string | null, userspaceOom?: UserspaceOomKiller): void;
	/** The policies a twin may run (the live machine's policies, as the core's registry lists them). */
	twinPolicies?(): readonly string[];
	getTwin?(): TwinStatus | null;
	/** Stop timers, flush and close any recording. */
	close(): Promise<void>;
}
