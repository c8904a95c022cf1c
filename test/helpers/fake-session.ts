// A Session for view tests: records every call, publishes whatever snapshot a test hands it, and
// keeps history through the real HistoryTracker so graphs and sparklines see realistic data.
import {HistoryTracker} from '../../source/session/history.js';
import type {
	HistorySample,
	LoggedEvent,
	ReplayStatus,
	Session,
	SessionStatus,
	TwinStatus,
} from '../../source/session/types.js';
import type {Command} from '../../source/sim/commands.js';
import type {Snapshot} from '../../source/sim/snapshot-types.js';
import type {UserspaceOomKiller} from '../../source/sim/spec.js';
import {buildSnapshot} from './snapshot-fixture.js';

export type FakeCall =
	| {method: 'send'; command: Command}
	| {method: 'setPaused'; paused: boolean}
	| {method: 'step'}
	| {method: 'setSpeed'; speed: number}
	| {method: 'seek'; tick: number}
	| {method: 'takeOver'}
	| {method: 'setTwin'; policy: string | null; userspaceOom?: UserspaceOomKiller}
	| {method: 'showRegionsOf'; pid: number | null}
	| {method: 'close'};

export interface FakeSessionOptions {
	snapshot?: Snapshot;
	status?: Partial<SessionStatus>;
	/** Make it a replay session with seek() and takeOver(). */
	replay?: ReplayStatus;
}

export class FakeSession implements Session {
	readonly calls: FakeCall[] = [];
	readonly tracker = new HistoryTracker();
	status: SessionStatus;
	snapshot: Snapshot;
	seek?: (tick: number) => void;
	takeOver?: () => void;
	/** The twin run's policy, if the test started one with P. */
	twinPolicy: string | null = null;
	/** A killer duel's twin killer (K), else undefined. */
	twinKiller: UserspaceOomKiller | undefined = undefined;
	/** The snapshot when the twin was started (both runs' state then). */
	twinStart: Snapshot | null = null;
	/** The twin's snapshot given this run's (default: the same, one OOM kill more). */
	twinSnapshot: ((main: Snapshot) => Snapshot) | null = null;
	#listeners = new Set<() => void>();

	constructor(options: FakeSessionOptions = {}) {
		this.snapshot = options.snapshot ?? buildSnapshot();
		this.status = {
			mode: options.replay ? 'replay' : 'live',
			paused: false,
			speed: 1,
			workload: this.snapshot.workload,
			seed: this.snapshot.seed,
			policy: this.snapshot.policy,
			recordingPath: null,
			replay: options.replay ?? null,
			...options.status,
		};
		this.tracker.ingest(this.snapshot);
		if (options.replay) {
			this.seek = (tick: number) => {
				this.calls.push({method: 'seek', tick});
				if (this.status.replay) this.status = {...this.status, replay: {...this.status.replay, tick}};
			};
			this.takeOver = () => {
				this.calls.push({method: 'takeOver'});
				this.status = {...this.status, mode: 'live', replay: null};
			};
		}
	}

	showRegionsOf(pid: number | null): void {
		this.calls.push({method: 'showRegionsOf', pid});
	}

	setTwin(policy: string | null, userspaceOom?: UserspaceOomKiller): void {
		this.calls.push(
			userspaceOom === undefined ? {method: 'setTwin', policy} : {method: 'setTwin', policy, userspaceOom},
		);
		// As a session does: the same policy (or killer) goes on; another starts from the snapshot of now.
		if (policy !== this.twinPolicy || userspaceOom !== this.twinKiller) this.twinStart = this.snapshot;
		this.twinPolicy = policy;
		this.twinKiller = policy === null ? undefined : userspaceOom;
	}

	twinPolicies(): readonly string[] {
		return ['lru2', 'mglru', 'clock', 'lru', 'fifo'];
	}

	getTwin(): TwinStatus | null {
		if (!this.twinPolicy) return null;
		const twin = this.twinSnapshot?.(this.snapshot) ?? {
			...this.snapshot,
			oomKills: this.snapshot.oomKills + 1,
		};
		return {
			policy: this.twinPolicy,
			...(this.twinKiller === undefined ? {} : {userspaceOom: this.twinKiller}),
			snapshot: {...twin, policy: this.twinPolicy},
			start: this.twinStart ?? this.snapshot,
			work: {main: 2_000_000, twin: 1_500_000},
		};
	}

	/** Commands sent so far. */
	get sent(): Command[] {
		return this.calls.flatMap((c) => (c.method === 'send' ? [c.command] : []));
	}

	/** Replace the snapshot and notify subscribers, as a session does after stepping. */
	publish(snapshot: Snapshot): void {
		this.snapshot = snapshot;
		this.tracker.ingest(snapshot);
		for (const listener of this.#listeners) listener();
	}

	getSnapshot(): Snapshot {
		return this.snapshot;
	}
	getStatus(): SessionStatus {
		return this.status;
	}
	getEventLog(): readonly LoggedEvent[] {
		return this.tracker.getEventLog();
	}
	getHistory(): readonly HistorySample[] {
		return this.tracker.getHistory();
	}
	getProcessHistory(pid: number): readonly number[] {
		return this.tracker.getProcessHistory(pid);
	}
	subscribe(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}
	get listenerCount(): number {
		return this.#listeners.size;
	}
	send(command: Command): void {
		this.calls.push({method: 'send', command});
	}
	setPaused(paused: boolean): void {
		this.calls.push({method: 'setPaused', paused});
		this.status = {...this.status, paused};
	}
	step(): void {
		this.calls.push({method: 'step'});
	}
	setSpeed(speed: number): void {
		this.calls.push({method: 'setSpeed', speed});
		this.status = {...this.status, speed};
	}
	async close(): Promise<void> {
		this.calls.push({method: 'close'});
	}
}
