// A session over a recording: the same clock, speed and publishing as a live SimSession, but the
// machine follows the recording (its commands at their ticks, hashes verified at its checkpoints),
// can seek anywhere, stops at the end, and can be taken over: from the current tick it becomes a live
// run, recorded to a new file that names its parent.
//
// Markers: the recording's own commands are known at once; OOM kills are not in the file, so an
// indexer replays the whole recording on a second machine in the background (setImmediate chunks of
// ≈15 ms, so the dashboard stays responsive), adding each kill as it finds it. The indexer also
// verifies every checkpoint hash, so a divergence anywhere is reported without playing to it.
import {resolve} from 'node:path';
import type {ParentRef} from '../record/format.js';
import {describeCommand} from '../record/labels.js';
import {
	type Divergence,
	MEMORY_CHECKPOINT_BUDGET,
	MEMORY_CHECKPOINT_TICKS,
	Player,
} from '../record/player.js';
import type {Recording} from '../record/recording.js';
import type {RunRecorder} from '../record/stepper.js';
import type {Command} from '../sim/commands.js';
import type {SimEvent} from '../sim/events.js';
import type {Machine} from '../sim/machine.js';
import {secondsToTicks} from '../sim/units.js';
import {EVENT_LOG_SIZE} from './history.js';
import {type SessionClock, SimSession} from './sim-session.js';
import type {ReplayStatus, TimelineMarker} from './types.js';

/** ReplayStatus plus a one-line notice (a file cut short, a corrupt checkpoint, a failed take-over). */
export interface ReplayStatusWithNotice extends ReplayStatus {
	notice: string | null;
}

export interface ReplaySessionOptions {
	recording: Recording;
	speed?: number;
	paused?: boolean;
	clock?: SessionClock;
	/** Start the timer at once (default true). */
	autostart?: boolean;
	/** Creates the recorder a take-over writes to; null or absent: take-overs are not recorded. */
	branchRecorder?: ((machine: Machine, parent: ParentRef) => RunRecorder) | null;
	/** 'background' (default): setImmediate chunks; 'now': index fully in the constructor; 'off'. */
	indexing?: 'background' | 'now' | 'off';
	/** How background chunks are scheduled (default setImmediate). */
	schedule?: (fn: () => void) => void;
	/** In-memory checkpoints while playing (default every 10 s within 128 MB; interval 0 turns them off). */
	memory?: {interval: number; budget: number; sync?: boolean};
}

/** Playing faster than this takes no in-memory checkpoints (they would cost more than they save). */
const MEMORY_CHECKPOINT_MAX_SPEED = 10;
const INDEX_CHUNK_MS = 15;
/** The first slice of a seek runs at once (a short seek is then done before the next frame). */
const SEEK_FIRST_SLICE_MS = 100;
/** The indexer keeps this many events of the whole run, for the event log after a seek. */
const JOURNAL_EVENTS = 200_000;

/** Replays a recording on its own machine to find OOM kills and verify every checkpoint. */
export class RecordingIndexer {
	readonly player: Player;
	readonly kills: TimelineMarker[] = [];
	done = false;

	constructor(recording: Recording, onDivergence: (d: Divergence) => void) {
		this.player = new Player(recording, {onDivergence});
		this.collect();
		this.done = this.player.atEnd;
	}

	/** Ticks indexed so far: everything at or before this is known. */
	get tick(): number {
		return this.player.tick;
	}

	/** Index for about `budgetMs` of wall time; true when done. */
	runFor(budgetMs: number): boolean {
		const until = performance.now() + budgetMs;
		while (!this.done) {
			for (let i = 0; i < 25 && !this.done; i++) {
				this.done = !this.player.stepOnce();
				this.collect();
			}
			if (performance.now() >= until) break;
		}
		return this.done;
	}

	runAll(): void {
		while (!this.runFor(1000));
	}

	/** Every event of the run so far (the newest JOURNAL_EVENTS), for the event log after a seek. */
	private journal: SimEvent[] = [];

	/** Events before `tick`, as far as the indexer has got. */
	eventsBefore(tick: number): SimEvent[] {
		let hi = this.journal.length;
		let lo = 0;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.journal[mid]!.tick < tick) lo = mid + 1;
			else hi = mid;
		}
		return this.journal.slice(Math.max(0, lo - EVENT_LOG_SIZE), lo);
	}

	private collect(): void {
		const events = this.player.machine.drainEvents();
		if (events.length > 0) {
			this.journal.push(...events);
			if (this.journal.length > JOURNAL_EVENTS * 1.25) this.journal = this.journal.slice(-JOURNAL_EVENTS);
		}
		for (const e of events) {
			// Visible from the tick after the step that killed it.
			if (e.kind === 'oom-kill')
				this.kills.push({tick: e.tick + 1, kind: 'oom-kill', label: `${e.name} (pid ${e.pid})`});
		}
	}
}

/**
 * The workload's notes the recording's span steps through, as markers at the tick after the step
 * that shows each (as kills are): a seek there has the note in the event log and the banner.
 */
function noteMarkers(recording: Recording): TimelineMarker[] {
	return (recording.workload.notes ?? [])
		.map((n) => ({tick: secondsToTicks(n.at), text: n.text}))
		.filter((n) => n.tick >= recording.startTick && n.tick < recording.endTick)
		.map((n): TimelineMarker => ({tick: n.tick + 1, kind: 'note', label: n.text}));
}

export class ReplaySession extends SimSession {
	readonly recording: Recording;
	private readonly player: Player;
	private readonly indexer: RecordingIndexer | null;
	private readonly branchRecorder: ReplaySessionOptions['branchRecorder'];
	private readonly schedule: (fn: () => void) => void;
	private readonly commandMarkers: TimelineMarker[];
	private markers: readonly TimelineMarker[] = [];
	private markerKills = -1;
	private divergence: Divergence | null = null;
	private notices: string[] = [];
	private stopped = false;
	/** A seek under way: the tick it goes to, and the tick it started stepping from after a restore. */
	private seekTarget: number | null = null;
	private seekFrom: number | null = null;
	/** How many of the recording's commands are in commandLog (what a twin run is fed). */
	private logged = 0;

	constructor(options: ReplaySessionOptions) {
		const recording = options.recording;
		let report: (d: Divergence) => void = () => {};
		let problem: (message: string) => void = () => {};
		let indexedTo: () => number = () => -1;
		const player = new Player(recording, {
			onDivergence: (d) => report(d),
			onProblem: (message) => problem(message),
			shouldVerify: (tick) => tick > indexedTo(),
			memory: options.memory ?? {interval: MEMORY_CHECKPOINT_TICKS, budget: MEMORY_CHECKPOINT_BUDGET},
		});
		super({
			machine: player.machine,
			speed: options.speed ?? 1,
			paused: options.paused ?? false,
			autostart: false,
			...(options.clock ? {clock: options.clock} : {}),
			// After a take-over, spawns are held to the budget the recording was read under.
			limits: recording.limits,
		});
		this.recording = recording;
		this.player = player;
		// While replaying, the session's machine is the player's, stepped with the recording's commands.
		this.stepper = player.stepper;
		this.branchRecorder = options.branchRecorder ?? null;
		this.schedule = options.schedule ?? ((fn) => setImmediate(fn));
		report = (d) => this.reportDivergence(d);
		problem = (message) => this.addNotice(message);
		if (recording.notice) this.notices.push(recording.notice);
		if (player.divergence) this.reportDivergence(player.divergence);
		// The recorded commands (the user's), and the workload's own timed events: the story's turning
		// points, at the tick the machine applies them (within the recording's span).
		const scripted = recording.workload.events
			.map((e) => ({tick: secondsToTicks(e.at), command: e.command}))
			.filter((e) => e.tick >= recording.startTick && e.tick <= recording.endTick);
		this.commandMarkers = [
			...recording.commandList.map(
				(c): TimelineMarker => ({
					tick: c.tick,
					kind: 'command',
					label: describeCommand(c.command),
				}),
			),
			...scripted.map(
				(e): TimelineMarker => ({
					tick: e.tick,
					kind: 'command',
					label: `workload event: ${describeCommand(e.command)}`,
				}),
			),
			...noteMarkers(recording),
		].sort((a, b) => a.tick - b.tick);
		const indexing = options.indexing ?? 'background';
		this.indexer =
			indexing === 'off' ? null : new RecordingIndexer(recording, (d) => this.reportDivergence(d));
		// Checkpoints the indexer has verified need not be hashed again by the player.
		indexedTo = () => (this.indexer ? this.indexer.tick - 1 : -1);
		if (indexing === 'now') this.indexer!.runAll();
		else if (indexing === 'background') this.scheduleIndexing();
		this.syncCommandLog();
		this.status = {...this.status, mode: 'replay', replay: this.replayStatus()};
		if (options.autostart ?? true) this.start();
	}

	/** Notices so far (truncation, corrupt checkpoints, a take-over that could not record), oldest first. */
	getNotices(): readonly string[] {
		return this.notices;
	}

	/** The divergence found (by playing or indexing), if any. */
	getDivergence(): Divergence | null {
		return this.divergence;
	}

	/** True once the indexer has been through the whole recording (or there is none). */
	get indexed(): boolean {
		return this.indexer?.done ?? false;
	}

	/** In-memory checkpoints held (ticks). */
	get memoryCheckpoints(): number[] {
		return this.player.memoryTicks;
	}

	private scheduleIndexing(): void {
		const indexer = this.indexer;
		if (!indexer || indexer.done) return;
		this.schedule(() => {
			if (this.stopped || this.status.mode !== 'replay') return;
			indexer.runFor(INDEX_CHUNK_MS);
			this.backfill();
			this.scheduleIndexing();
		});
	}

	/**
	 * Keep commandLog (which a twin run follows) equal to the recorded commands up to the current tick
	 * (after a seek backwards, cut back to it).
	 */
	private syncCommandLog(): void {
		const tick = this.player.tick;
		const list = this.recording.commandList;
		if (this.logged > 0 && list[this.logged - 1]!.tick > tick) {
			while (this.logged > 0 && list[this.logged - 1]!.tick > tick) this.logged--;
			this.commandLog.length = this.logged;
		}
		while (this.logged < list.length && list[this.logged]!.tick <= tick) {
			const {tick: at, command} = list[this.logged++]!;
			this.commandLog.push({tick: at, command});
		}
	}

	/** While replaying, the recorded commands of the current tick are logged before they are applied. */
	protected override commandsInState(): number {
		if (!this.replaying) return super.commandsInState();
		const tick = this.player.tick;
		let n = this.commandLog.length;
		while (n > 0 && this.commandLog[n - 1]!.tick >= tick) n--;
		return n;
	}

	private reportDivergence(d: Divergence): void {
		if (this.divergence) return;
		this.divergence = d;
	}

	private addNotice(message: string): void {
		this.notices.push(message);
	}

	private replayStatus(): ReplayStatusWithNotice {
		const kills = this.indexer?.kills ?? [];
		if (kills.length !== this.markerKills) {
			this.markerKills = kills.length;
			this.markers = [...this.commandMarkers, ...kills].sort((a, b) => a.tick - b.tick);
		}
		return {
			tick: this.seekTarget ?? this.player.tick,
			endTick: this.recording.endTick,
			markers: this.markers,
			divergence: this.divergence?.message ?? null,
			file: this.recording.file,
			notice: this.notices.at(-1) ?? null,
			indexing: this.indexProgress(),
		};
	}

	/** The indexer's progress through the recording (0..1) while it runs, else null. */
	private indexProgress(): number | null {
		const indexer = this.indexer;
		if (!indexer || indexer.done) return null;
		const end = this.recording.endTick;
		return end > 0 ? Math.min(1, indexer.tick / end) : null;
	}

	private get replaying(): boolean {
		return this.status.mode === 'replay';
	}

	protected override stepOnce(): void {
		if (!this.replaying) {
			super.stepOnce();
			return;
		}
		if (!this.player.atEnd) {
			const speed = this.status.speed;
			this.player.stepOnce(!this.status.paused && speed <= MEMORY_CHECKPOINT_MAX_SPEED);
			this.syncCommandLog();
			this.stepTwinAlong();
		}
		if (this.player.atEnd && !this.status.paused) this.setPaused(true);
	}

	protected override publish(): void {
		if (this.replaying) this.status = {...this.status, replay: this.replayStatus()};
		super.publish();
	}

	override send(command: Command): void {
		// A replay's machine follows the recording; the view asks for a take-over first.
		if (!this.replaying) super.send(command);
	}

	override setPaused(paused: boolean): void {
		// At the end there is nothing to play: stay paused.
		super.setPaused(this.replaying && this.player.atEnd ? true : paused);
	}

	/**
	 * Go to `tick` (clamped to the recording): restore the nearest state at once, then step the rest
	 * in slices of the publish interval's budget, so keys, resizes and signals stay live however far
	 * it is (a recording can hold hours between two states). The status shows the target meanwhile.
	 */
	seek(tick: number): void {
		if (!this.replaying) return;
		const from = this.player.tick;
		try {
			this.seekTarget = this.player.restoreNear(tick);
		} catch (error) {
			// E.g. the file went away: say so and stay where we are (the view must not crash).
			this.addNotice(`seek failed: ${error instanceof Error ? error.message : String(error)}`);
			this.seekTarget = null;
			this.publish();
			return;
		}
		// Stepping on from here keeps the log; a restore starts it again from the indexer's journal.
		const restored = this.player.tick !== from || this.player.restoredTick === this.player.tick;
		if (restored || this.seekTarget < from) this.seekFrom = this.player.tick;
		this.busy(SEEK_FIRST_SLICE_MS);
		this.publish();
	}

	/** True while a seek is being stepped toward its target. */
	get seeking(): boolean {
		return this.seekTarget !== null;
	}

	protected override eventsOnPublish(): boolean {
		return this.seekTarget === null;
	}

	/** True while a seek is under way: one slice of it. */
	protected override busy(budgetMs: number): boolean {
		if (this.seekTarget === null) return false;
		if (!this.player.advanceTo(this.seekTarget, budgetMs)) return true;
		this.player.arrive();
		this.seekTarget = null;
		this.finishSeek();
		return false;
	}

	/** The event log after a seek: what had happened before the target, as a live run would show it. */
	private finishSeek(): void {
		const stepped = this.player.takeSeekEvents();
		const from = this.seekFrom;
		this.seekFrom = null;
		this.syncCommandLog();
		// A duel goes on from where the seek arrived: both runs from this state again.
		if (this.twin) this.twin = this.forkTwin(this.twin.stepper.machine.policyName, this.twin.userspaceOom);
		if (from === null) {
			this.tracker.addEvents(stepped);
			return;
		}
		this.tracker.reset();
		this.tracker.addEvents(stepped);
		// The events before where the seek restored come from the indexer's journal; if it has not got
		// that far yet, they are put in front of the log when it has (backfill).
		this.backfillFrom = this.indexer ? from : null;
		this.backfill();
	}

	/** Tick before which the log still lacks the events the indexer will find; null: none. */
	private backfillFrom: number | null = null;

	private backfill(): void {
		const from = this.backfillFrom;
		if (from === null || !this.indexer || this.indexer.tick < from) return;
		this.backfillFrom = null;
		this.tracker.prependEvents(this.indexer.eventsBefore(from));
		this.publish();
	}

	/** Become a live run from the current tick, recorded to a new file whose header names this one. */
	takeOver(): void {
		if (!this.replaying) return;
		// From where the user asked to be: a seek under way is finished first.
		while (this.busy(Number.POSITIVE_INFINITY));
		this.stopped = true;
		const machine = this.player.machine;
		let recorder: RunRecorder | null = null;
		if (this.branchRecorder) {
			try {
				recorder = this.branchRecorder(machine, {file: resolve(this.recording.file), tick: machine.tick});
			} catch (error) {
				this.addNotice(`take over: not recording: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		this.player.forgetMemory();
		this.stepper = this.liveStepper(machine, recorder);
		this.status = {...this.status, mode: 'live', replay: null, recordingPath: recorder?.path ?? null};
		this.publish();
	}

	override async close(): Promise<void> {
		this.stopped = true;
		await super.close();
	}
}
