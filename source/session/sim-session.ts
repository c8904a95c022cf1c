// A session over a machine in this process: it owns the wall clock and the speed, steps the
// machine, applies commands at tick boundaries, records them, and publishes snapshots at ≤10 Hz.

import {CommandList, CommandQueue, type RunRecorder, Stepper} from '../record/stepper.js';
import {validateCommand} from '../record/validate.js';
import type {Command} from '../sim/commands.js';
import {execSpec} from '../sim/exec.js';
import {childSpec} from '../sim/fork.js';
import type {Machine} from '../sim/machine.js';
import {policyNames} from '../sim/policies/index.js';
import {takeSnapshot} from '../sim/snapshot.js';
import type {Snapshot} from '../sim/snapshot-types.js';
import type {UserspaceOomKiller} from '../sim/spec.js';
import {restoreMachine, saveMachine} from '../sim/state-codec.js';
import {TICKS_PER_SECOND} from '../sim/units.js';
import {type BudgetLimits, spawnProblem} from '../workload/budget.js';
import {HistoryTracker} from './history.js';
import {SmapsDemand} from './smaps-demand.js';
import type {HistorySample, LoggedEvent, Session, SessionStatus, TwinStatus} from './types.js';

/** Snapshots go to the screen 5 times a second (htop redraws every 1.5 s, btop every 2 s): smooth
 * enough to watch pressure build, and rendering stays a small share of one core. Keys act at once. */
export const PUBLISH_INTERVAL_MS = 200;
/** Wall time one publish interval may spend stepping (the rest is left for rendering). */
export const STEP_BUDGET_MS = 140;

/** The achieved speed is measured over this much wall time, and reported below this share of the asked. */
const ACHIEVED_WINDOW_MS = 3000;
const ACHIEVED_SHORTFALL = 0.9;

/** A second machine under another policy (or userspace OOM killer), forked from this run's state at `start`. */
interface Twin {
	stepper: Stepper;
	/** A killer duel's killer (the twin ignores this run's set-userspace-oom commands); absent in a policy duel. */
	userspaceOom?: UserspaceOomKiller | undefined;
	snapshot: Snapshot;
	/** This run's snapshot when the twin was forked (the twin's too: the same state). */
	start: Snapshot;
	startRefs: number;
}

/** Real time, injectable so tests can drive a session without waiting. */
export interface SessionClock {
	now(): number;
	every(ms: number, fn: () => void): () => void;
}

export const realClock: SessionClock = {
	now: () => performance.now(),
	every: (ms, fn) => {
		const t = setInterval(fn, ms);
		return () => clearInterval(t);
	},
};

export interface SimSessionOptions {
	machine: Machine;
	recorder?: RunRecorder | null;
	speed?: number;
	paused?: boolean;
	clock?: SessionClock;
	/** Start the timer at once (default true). Tests drive tick() themselves. */
	autostart?: boolean;
	/** Why the run is not recorded although it should be (shown in the status line). */
	notRecording?: string | null;
	/** The resource budget spawns are held to (workload/budget.ts); null or absent: not checked. */
	limits?: BudgetLimits | null;
}

export class SimSession implements Session {
	/** The machine, its queue of commands sent and its recorder: the one stepping loop. */
	protected stepper: Stepper;
	protected readonly tracker = new HistoryTracker();
	/** Which page tables a snapshot walks for smaps_rollup, and the last walk's rollups. */
	private readonly smaps = new SmapsDemand();
	protected status: SessionStatus;
	private snapshot: Snapshot;
	private readonly listeners = new Set<() => void>();
	protected readonly queue = new CommandQueue();
	private readonly clock: SessionClock;
	private stopTimer: (() => void) | null = null;
	private lastWall: number;
	private tickDebt = 0;
	private closed = false;
	/** Every command applied, with its tick, so a twin can be given the same history. */
	protected readonly commandLog: {tick: number; command: Command}[] = [];
	protected twin: Twin | null = null;
	private regionsPid: number | null = null;
	protected limits: BudgetLimits | null;
	/** (wall ms, tick) after each playing interval, over the last ACHIEVED_WINDOW_MS. */
	private pace: {wall: number; tick: number}[] = [];

	constructor(options: SimSessionOptions) {
		this.limits = options.limits ?? null;
		this.stepper = this.liveStepper(options.machine, options.recorder ?? null);
		this.clock = options.clock ?? realClock;
		this.status = {
			mode: 'live',
			paused: options.paused ?? false,
			speed: options.speed ?? 1,
			workload: this.machine.workload.name,
			seed: this.machine.seed,
			policy: this.machine.policyName,
			recordingPath: this.recorder?.path ?? null,
			notRecording: options.notRecording ?? null,
			achievedSpeed: null,
			replay: null,
		};
		this.snapshot = takeSnapshot(this.machine, {regions: false});
		this.tracker.ingest(this.snapshot);
		this.lastWall = this.clock.now();
		if (options.autostart ?? true) this.start();
	}

	protected get machine(): Machine {
		return this.stepper.machine;
	}

	protected get recorder(): RunRecorder | null {
		return this.stepper.recorder;
	}

	/** A stepper over `machine` taking the commands sent, logging them for a twin, recording to `recorder`. */
	protected liveStepper(machine: Machine, recorder: RunRecorder | null): Stepper {
		return new Stepper(machine, {
			source: this.queue,
			recorder,
			onCommand: (tick, command) => this.commandLog.push({tick, command}),
		});
	}

	/** The machine this session steps (replays swap it on a seek): for checks that compare its state. */
	get currentMachine(): Machine {
		return this.machine;
	}

	start(): void {
		if (this.stopTimer) return;
		this.lastWall = this.clock.now();
		this.stopTimer = this.clock.every(PUBLISH_INTERVAL_MS, () => this.tick());
	}

	/** One publish interval: step as many ticks as the speed asks for (within a wall-time budget), then publish. */
	tick(): void {
		const now = this.clock.now();
		const elapsed = now - this.lastWall;
		this.lastWall = now;
		let playing = false;
		if (this.busy(STEP_BUDGET_MS)) {
			// A slice of longer work (a replay's seek) took this interval; playing resumes after it.
		} else if (!this.status.paused) {
			playing = true;
			const start = this.clock.now();
			if (Number.isFinite(this.status.speed)) {
				this.tickDebt += (elapsed / 1000) * this.status.speed * TICKS_PER_SECOND;
				// Never try to catch up more than a second of simulated time after a stall.
				this.tickDebt = Math.min(this.tickDebt, TICKS_PER_SECOND * Math.max(1, this.status.speed));
				while (this.tickDebt >= 1 && this.clock.now() - start < STEP_BUDGET_MS) {
					this.stepOnce();
					this.tickDebt -= 1;
				}
				if (this.tickDebt >= 1) this.tickDebt = Math.min(this.tickDebt, 1);
			} else {
				while (this.clock.now() - start < STEP_BUDGET_MS) this.stepOnce();
			}
		} else if (this.queue.length) {
			this.stepper.applyDue();
		}
		this.measurePace(now, playing);
		this.publish();
	}

	/** The speed achieved while playing, for the header when it falls short of the speed asked. */
	private measurePace(now: number, playing: boolean): void {
		if (!playing) {
			this.pace = [];
		} else {
			this.pace.push({wall: now, tick: this.machine.tick});
			while (this.pace.length > 2 && now - this.pace[0]!.wall > ACHIEVED_WINDOW_MS) this.pace.shift();
		}
		let achieved: number | null = null;
		const first = this.pace[0];
		if (first && now - first.wall >= 1000) {
			const speed = (this.machine.tick - first.tick) / TICKS_PER_SECOND / ((now - first.wall) / 1000);
			if (speed < this.status.speed * ACHIEVED_SHORTFALL) achieved = Number(speed.toPrecision(2));
		}
		if (achieved !== this.status.achievedSpeed) this.status = {...this.status, achievedSpeed: achieved};
		// A recorder that failed mid-run (a full disk) leaves the run unrecorded from there.
		const failed = (this.recorder as {error?: string | null} | null)?.error;
		if (failed && !this.status.notRecording)
			this.status = {...this.status, notRecording: `not recording: ${failed}`};
	}

	/** Whether a snapshot takes the machine's new events (not while a replay seeks: it keeps them). */
	protected eventsOnPublish(): boolean {
		return true;
	}

	/** Work that takes this publish interval instead of playing, for at most `budgetMs` (none here). */
	protected busy(_budgetMs: number): boolean {
		return false;
	}

	/** Apply queued commands at this tick boundary, then advance one tick. */
	protected stepOnce(): void {
		this.stepper.step();
		this.stepTwinAlong();
	}

	/** The twin steps in lockstep with this run's machine: one tick after each of its ticks. */
	protected stepTwinAlong(): void {
		const twin = this.twin;
		if (twin && twin.stepper.tick === this.machine.tick - 1) twin.stepper.step();
	}

	protected publish(): void {
		// smaps_rollup walks every page table: once a simulated second while a column shows it.
		const tick = this.machine.tick;
		this.snapshot = takeSnapshot(this.machine, {
			regions: false,
			regionsOf: this.regionsPid,
			events: this.eventsOnPublish(),
			smapsOf: this.smaps.option(tick, this.regionsPid),
		});
		this.smaps.taken(tick, this.snapshot);
		this.tracker.ingest(this.snapshot);
		if (this.twin)
			this.twin.snapshot = takeSnapshot(this.twin.stepper.machine, {
				regions: false,
				smapsOf: this.smaps.twinOption(),
			});
		for (const l of this.listeners) l();
	}

	showSmaps(on: boolean): void {
		if (this.smaps.setWanted(on)) this.publish();
	}

	showRegionsOf(pid: number | null): void {
		if (pid === this.regionsPid) return;
		this.regionsPid = pid;
		this.publish();
	}

	/**
	 * Start a twin under `policy` from this run's state now (null: stop it). The twin is this machine
	 * restored under the other policy, its lists started from the pages resident (state-codec
	 * restoreMachine), and follows this run's commands from here: both runs then cover the same span.
	 * Asked for the policy the twin already runs, the twin goes on (a duel is not restarted).
	 */
	setTwin(policy: string | null, userspaceOom?: UserspaceOomKiller): void {
		const twin = this.twin;
		if (userspaceOom !== undefined) {
			// A killer duel: this run's policy, another killer. The same killer again goes on; this
			// run's own killer is no duel.
			if (twin?.userspaceOom === userspaceOom) return;
			this.twin =
				policy === null || userspaceOom === this.machine.userspaceOom.killer
					? null
					: this.forkTwin(this.machine.policyName, userspaceOom);
			this.publish();
			return;
		}
		if (policy !== null && twin?.userspaceOom === undefined && policy === twin?.stepper.machine.policyName)
			return;
		if (policy === null || policy === this.machine.policyName) {
			this.twin = null;
		} else {
			this.twin = this.forkTwin(policy);
		}
		this.publish();
	}

	/**
	 * A twin under `policy` from this moment (also after a replay's seek: from where it arrived); with
	 * `userspaceOom`, running that killer from now (started afresh, as set-userspace-oom starts one)
	 * and deaf to this run's set-userspace-oom commands, so the two runs differ in the killer alone.
	 */
	protected forkTwin(policy: string, userspaceOom?: UserspaceOomKiller): Twin {
		const main = this.machine;
		const machine = restoreMachine(main.workload, saveMachine(main), {policy});
		if (userspaceOom !== undefined) {
			machine.apply({kind: 'set-userspace-oom', killer: userspaceOom});
			machine.drainEvents();
		}
		// The commands logged so far are in the state; the twin takes those logged from now on.
		const log = new CommandList(this.commandLog, this.commandsInState());
		const source =
			userspaceOom === undefined
				? log
				: {take: (tick: number) => log.take(tick).filter((c) => c.kind !== 'set-userspace-oom')};
		const stepper = new Stepper(machine, {source});
		const start = takeSnapshot(main, {regions: false, events: false});
		const snapshot = takeSnapshot(machine, {regions: false});
		return {stepper, userspaceOom, snapshot, start, startRefs: main.totalRefs};
	}

	/** How many of commandLog's commands the machine's state holds (here: all, logged as applied). */
	protected commandsInState(): number {
		return this.commandLog.length;
	}

	twinPolicies(): readonly string[] {
		return policyNames({includeTraceOnly: false});
	}

	getTwin(): TwinStatus | null {
		const twin = this.twin;
		if (!twin) return null;
		return {
			policy: twin.stepper.machine.policyName,
			...(twin.userspaceOom === undefined ? {} : {userspaceOom: twin.userspaceOom}),
			snapshot: twin.snapshot,
			start: twin.start,
			work: {
				main: this.machine.totalRefs - twin.startRefs,
				twin: twin.stepper.machine.totalRefs - twin.startRefs,
			},
		};
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
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	send(command: Command): void {
		// Commands are applied and recorded as the schema parses them (defaults filled in), exactly as
		// a replay reads them back, so a run and its replay hold the same specs.
		const parsed = validateCommand(command, 'command');
		// A spawn that would take the run past its budget is refused (the caller shows why).
		if (parsed.kind === 'spawn' && this.limits) {
			const problem = spawnProblem(
				this.machine,
				parsed.spec,
				parsed.count ?? 1,
				this.limits,
				this.recorder !== null,
			);
			if (problem) throw new Error(`spawn ${parsed.spec.name} refused: ${problem}`);
		}
		// So is a fork: the child's address space costs what its parent's does.
		if (parsed.kind === 'fork' && this.limits) {
			const parent = this.machine.tasks.procByPid(parsed.pid);
			const problem = parent
				? spawnProblem(this.machine, childSpec(parent, parsed), 1, this.limits, this.recorder !== null)
				: null;
			if (problem) throw new Error(`fork ${parsed.pid} refused: ${problem}`);
		}
		// And an exec's new image (an exec of the same program costs what it costs now).
		if (parsed.kind === 'exec' && parsed.image && this.limits) {
			const p = this.machine.tasks.procByPid(parsed.pid);
			const problem = p
				? spawnProblem(this.machine, execSpec(p, parsed.image), 1, this.limits, this.recorder !== null)
				: null;
			if (problem) throw new Error(`exec ${parsed.pid} refused: ${problem}`);
		}
		this.queue.push(parsed);
		if (this.status.paused) {
			this.stepper.applyDue();
			this.publish();
		}
	}

	setPaused(paused: boolean): void {
		this.status = {...this.status, paused};
		this.lastWall = this.clock.now();
		this.tickDebt = 0;
		this.publish();
	}

	step(): void {
		if (!this.status.paused) return;
		this.stepOnce();
		this.publish();
	}

	setSpeed(speed: number): void {
		this.status = {...this.status, speed, achievedSpeed: null};
		this.tickDebt = 0;
		this.pace = [];
		this.publish();
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.stopTimer?.();
		this.stopTimer = null;
		this.stepper.applyDue();
		if (this.recorder) await this.recorder.close(this.machine);
	}
}
