// Player steps a machine through a recording: it applies the recorded commands at their ticks,
// verifies the state hash at every checkpoint it passes, and seeks by restoring the nearest state
// (from the file or its own in-memory ones) and stepping forward.
//
// Positions: "at tick T" means T steps done AND the commands recorded at T applied. A checkpoint at T
// is the state after T steps, before that tick's commands (the live session writes it right after the
// step, and applies commands just before the next one); the end line is the state after all of them.
import {deflate, deflateSync} from 'node:zlib';
import {UserError} from '../common/user-error.js';
import type {SimEvent} from '../sim/events.js';
import {Machine} from '../sim/machine.js';
import {restoreMachine} from '../sim/state-codec.js';
import {TICKS_PER_SECOND} from '../sim/units.js';
import {DEFLATE_LEVEL, decompressState, shuffleBlocks} from './compression.js';
import {canonicalHash, FormatError, saveCanonical} from './format.js';
import {formatTickTime} from './labels.js';
import type {CheckpointEntry, Recording} from './recording.js';
import {CommandList, Stepper} from './stepper.js';

/** The machine a recording from tick 0 starts with. */
function freshMachine(rec: Recording): Machine {
	return new Machine(rec.workload, {seed: rec.header.seed, policy: rec.header.policy});
}

export interface Divergence {
	tick: number;
	recorded: string;
	replayed: string;
	message: string;
}

export function divergenceMessage(tick: number, recorded: string, replayed: string): string {
	return `state diverged at ${formatTickTime(tick)} (tick ${tick}): recorded hash ${recorded}, replayed ${replayed}`;
}

export interface PlayerOptions {
	/** Verify hashes at checkpoints (default true); `shouldVerify` can skip ticks already verified elsewhere. */
	verify?: boolean;
	shouldVerify?: (tick: number) => boolean;
	onDivergence?: (d: Divergence) => void;
	/** A file checkpoint that could not be used (corrupt): reported, and an earlier one is used. */
	onProblem?: (message: string) => void;
	/** In-memory checkpoints while playing: every `interval` ticks (0 = none), at most `budget` bytes. */
	memory?: {interval: number; budget: number; sync?: boolean};
}

interface MemoryCheckpoint {
	tick: number;
	compressed: Buffer;
	/** The state's length: it decompresses to exactly that. */
	length: number;
}

export const MEMORY_CHECKPOINT_TICKS = 10 * TICKS_PER_SECOND;
export const MEMORY_CHECKPOINT_BUDGET = 128 * 1024 * 1024;
/** A seek keeps this many of the events it steps through: the event log's size (session/history.ts). */
export const SEEK_EVENTS = 2000;

/** Steps a machine through a recording; see the positions note at the top of this file. */
export class Player {
	readonly recording: Recording;
	/** The machine and its commands: the recording's, applied through the one stepping loop. */
	readonly stepper: Stepper;
	private readonly commands: CommandList;
	/** Checkpoints (and the end line) whose hash was compared. */
	verified = 0;
	divergence: Divergence | null = null;
	private arrivedAt = -1;
	/** The tick of the checkpoint just restored: its hash is the one it was restored from. */
	private restoredAt = -1;
	private readonly options: PlayerOptions;
	private readonly memory = new Map<number, MemoryCheckpoint>();
	private memoryBytes = 0;
	private readonly badStates = new Set<number>();
	private pendingMemory = 0;
	/** Events of the ticks a seek stepped through, newest last (at most SEEK_EVENTS). */
	private seekEvents: SimEvent[] = [];

	constructor(recording: Recording, options: PlayerOptions = {}) {
		this.recording = recording;
		this.options = options;
		this.commands = new CommandList(recording.commandList);
		let machine: Machine;
		const first = recording.checkpointAt(recording.startTick);
		if (first?.state) {
			try {
				machine = recording.restore(first);
				this.restoredAt = first.tick;
			} catch (error) {
				// A branch has nothing else to start from (one line, exit 2); a recording from tick 0 starts afresh.
				if (!(error instanceof FormatError)) throw error;
				if (recording.startTick > 0) throw new UserError(`${error.message}; nothing to replay`);
				this.badStates.add(first.tick);
				options.onProblem?.(error.message);
				machine = freshMachine(recording);
			}
		} else {
			machine = freshMachine(recording);
		}
		this.stepper = new Stepper(machine, {source: this.commands});
		this.commands.seek(machine.tick);
		this.arrive();
	}

	get machine(): Machine {
		return this.stepper.machine;
	}

	get tick(): number {
		return this.machine.tick;
	}

	get atEnd(): boolean {
		return this.machine.tick >= this.recording.endTick;
	}

	/** Verify the checkpoint at this tick (if any), apply the commands recorded at it; once per tick. */
	arrive(): void {
		const m = this.machine;
		const tick = m.tick;
		if (this.arrivedAt === tick) return;
		this.arrivedAt = tick;
		const rec = this.recording;
		const c = rec.checkpointAt(tick);
		if (c && this.restoredAt !== tick) this.verify(tick, c.hash);
		this.stepper.applyDue();
		if (rec.end && rec.end.tick === tick) this.verify(tick, rec.end.hash);
	}

	private verify(tick: number, recorded: string): void {
		if (this.options.verify === false || (this.options.shouldVerify && !this.options.shouldVerify(tick)))
			return;
		const replayed = canonicalHash(this.machine);
		this.verified++;
		if (replayed === recorded || this.divergence) return;
		this.divergence = {tick, recorded, replayed, message: divergenceMessage(tick, recorded, replayed)};
		this.options.onDivergence?.(this.divergence);
	}

	/** One tick forward (false at the end). `remember`: take an in-memory checkpoint if one is due. */
	stepOnce(remember = false): boolean {
		this.arrive();
		if (this.atEnd) return false;
		this.stepper.step();
		if (remember) this.remember();
		this.arrive();
		return true;
	}

	/**
	 * One tick for runHeadless: this tick's checkpoint and commands, then the step (the next tick's
	 * checkpoint is verified before its commands, on the next call; call arrive() after the last).
	 */
	step(): void {
		this.arrive();
		if (!this.atEnd) this.stepper.step();
	}

	/**
	 * Step toward `target` (not past the end) for at most `budgetMs` of wall time (checked every few
	 * ticks); true once there. The events of the ticks stepped through are kept for takeSeekEvents
	 * (the newest SEEK_EVENTS), so the machine's queue does not grow on a long seek.
	 */
	advanceTo(target: number, budgetMs = Number.POSITIVE_INFINITY): boolean {
		const until = budgetMs === Number.POSITIVE_INFINITY ? budgetMs : performance.now() + budgetMs;
		for (let n = 1; this.machine.tick < target; n++) {
			if (!this.stepOnce()) break;
			if (this.machine.tick % TICKS_PER_SECOND === 0) this.keepSeekEvents();
			if (n % 16 === 0 && performance.now() >= until) return this.machine.tick >= target || this.atEnd;
		}
		return true;
	}

	private keepSeekEvents(): void {
		const drained = this.machine.drainEvents();
		if (drained.length === 0) return;
		this.seekEvents.push(...drained);
		if (this.seekEvents.length > 2 * SEEK_EVENTS) this.seekEvents = this.seekEvents.slice(-SEEK_EVENTS);
	}

	/** The events a seek stepped through (oldest first, at most SEEK_EVENTS), and those still queued. */
	takeSeekEvents(): SimEvent[] {
		this.keepSeekEvents();
		const events = this.seekEvents.slice(-SEEK_EVENTS);
		this.seekEvents = [];
		return events;
	}

	/** Go to `target` at once: restoreNear, then step all the way (see advanceTo for doing it in slices). */
	seek(target: number, options: {forceRestore?: boolean} = {}): void {
		const to = this.restoreNear(target, options);
		this.advanceTo(to);
		this.arrive();
	}

	/**
	 * The first half of a seek: restore the nearest state at or before `target` (unless stepping on
	 * from here is shorter). Returns the target clamped to the recording; advanceTo it to finish.
	 */
	restoreNear(target: number, options: {forceRestore?: boolean} = {}): number {
		const rec = this.recording;
		const to = Math.max(rec.startTick, Math.min(rec.endTick, Math.round(target)));
		const here = this.machine.tick;
		this.seekEvents = [];
		for (;;) {
			const file = rec.stateAtOrBefore(to, (c) => !this.badStates.has(c.tick));
			const memory = this.memoryAtOrBefore(to);
			const fromTick = Math.max(file?.tick ?? -1, memory?.tick ?? -1, rec.startTick === 0 ? 0 : -1);
			if (!options.forceRestore && to >= here && here >= fromTick) break;
			try {
				if (memory && memory.tick >= (file?.tick ?? -1) && memory.tick === fromTick) this.fromMemory(memory);
				else if (file && file.tick === fromTick) this.fromFile(file);
				else this.fromStart();
				break;
			} catch (error) {
				if (!(error instanceof FormatError) || !file) throw error;
				this.badStates.add(file.tick);
				this.options.onProblem?.(`${error.message}; seeking from an earlier checkpoint`);
			}
		}
		return to;
	}

	/** The tick of the state the last restore started from (-1: none yet, or the start). */
	get restoredTick(): number {
		return this.restoredAt;
	}

	private setMachine(m: Machine, restoredAt: number): void {
		this.stepper.machine = m;
		this.commands.seek(m.tick);
		this.restoredAt = restoredAt;
		this.arrivedAt = -1;
		this.arrive();
	}

	private fromStart(): void {
		if (this.recording.startTick > 0)
			throw new Error(`${this.recording.label}: no usable checkpoint to seek from`);
		this.setMachine(freshMachine(this.recording), -1);
	}

	private fromFile(c: CheckpointEntry): void {
		this.setMachine(this.recording.restore(c), c.tick);
	}

	private fromMemory(c: MemoryCheckpoint): void {
		const raw = decompressState(c.compressed, c.length);
		this.setMachine(restoreMachine(this.recording.workload, raw), c.tick);
	}

	// ---- in-memory checkpoints

	private memoryAtOrBefore(tick: number): MemoryCheckpoint | undefined {
		let best: MemoryCheckpoint | undefined;
		for (const c of this.memory.values()) if (c.tick <= tick && (!best || c.tick > best.tick)) best = c;
		return best;
	}

	/** In-memory checkpoints held, in tick order (tests and the bench look). */
	get memoryTicks(): number[] {
		return [...this.memory.keys()].sort((a, b) => a - b);
	}

	/** Take an in-memory checkpoint if one is due here (called right after a step, before the tick's commands). */
	private remember(): void {
		const config = this.options.memory;
		if (!config || config.interval <= 0) return;
		const tick = this.machine.tick;
		if (tick % config.interval !== 0 || this.memory.has(tick) || this.recording.checkpointAt(tick)?.state)
			return;
		if (this.pendingMemory > 0) return;
		const shuffled = shuffleBlocks(saveCanonical(this.machine));
		if (config.sync) {
			this.store(tick, deflateSync(shuffled, {level: DEFLATE_LEVEL}), shuffled.length, config.budget);
			return;
		}
		this.pendingMemory++;
		deflate(shuffled, {level: DEFLATE_LEVEL}, (error, compressed) => {
			this.pendingMemory--;
			if (!error) this.store(tick, compressed, shuffled.length, config.budget);
		});
	}

	private store(tick: number, compressed: Buffer, length: number, budget: number): void {
		if (this.memory.has(tick)) return;
		this.memory.set(tick, {tick, compressed, length});
		this.memoryBytes += compressed.length;
		// Over budget: drop the checkpoints farthest from where we are.
		while (this.memoryBytes > budget && this.memory.size > 1) {
			let far: MemoryCheckpoint | undefined;
			for (const c of this.memory.values()) {
				if (!far || Math.abs(c.tick - this.machine.tick) > Math.abs(far.tick - this.machine.tick)) far = c;
			}
			this.memory.delete(far!.tick);
			this.memoryBytes -= far!.compressed.length;
		}
	}

	/** Drop the in-memory checkpoints (after a take-over they describe a past that no longer matters). */
	forgetMemory(): void {
		this.memory.clear();
		this.memoryBytes = 0;
	}
}
