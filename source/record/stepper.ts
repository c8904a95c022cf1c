// The one stepping loop: a tick's commands, then the step, then the recorder. The live session, the
// headless run and the player all step their machine through a Stepper; they differ only in where
// the commands come from (a queue of what the user typed, or a recording's list) and in what they do
// around the step (verify a hash, remember a state, publish a snapshot).
//
// Order within a tick (docs/recording.md): a checkpoint at tick T is the state after T steps, before
// the commands of T; the commands of T are applied (and recorded) just before step T+1.
import type {Command} from '../sim/commands.js';
import type {Machine} from '../sim/machine.js';

/** Where a run is recorded: every command with its tick, and whatever checkpoints it wants. */
export interface RunRecorder {
	readonly path: string;
	/** A command is about to be applied at `tick` (before that tick's step). */
	command(tick: number, command: Command): void;
	/** Called after every step; the recorder decides when to write a checkpoint. */
	afterStep(machine: Machine): void;
	/** Write the end line and close the file. */
	close(machine: Machine): Promise<void>;
}

/** Where a run's commands come from. Each command is taken once, at its tick. */
export interface CommandSource {
	/** The commands due at `tick` not taken yet, in order; taking them removes them. */
	take(tick: number): readonly Command[];
}

/** Commands sent as the run goes (keys, a script): all of them are due at the next tick boundary. */
export class CommandQueue implements CommandSource {
	private items: Command[] = [];

	push(command: Command): void {
		this.items.push(command);
	}

	get length(): number {
		return this.items.length;
	}

	take(): readonly Command[] {
		const due = this.items;
		this.items = [];
		return due;
	}
}

/** Commands at known ticks (a recording's, a run's log that a twin follows), read in order. */
export class CommandList implements CommandSource {
	private cursor: number;

	/** `list` in tick order; it may grow at its end while being read (a live run's log). `from`: the
	 * first entry to take (those before it are already in the machine's state). */
	constructor(
		private readonly list: readonly {tick: number; command: Command}[],
		from = 0,
	) {
		this.cursor = from;
	}

	take(tick: number): readonly Command[] {
		const list = this.list;
		// Commands of ticks already passed were taken then (or skipped by a seek past them).
		while (this.cursor < list.length && list[this.cursor]!.tick < tick) this.cursor++;
		const due: Command[] = [];
		while (this.cursor < list.length && list[this.cursor]!.tick === tick)
			due.push(list[this.cursor++]!.command);
		return due;
	}

	/** Rewind or skip so that the next take(tick) returns all of tick's commands (after a restore at tick). */
	seek(tick: number): void {
		const list = this.list;
		let lo = 0;
		let hi = list.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (list[mid]!.tick < tick) lo = mid + 1;
			else hi = mid;
		}
		this.cursor = lo;
	}
}

/** What runHeadless drives: a Stepper, or a Player (which verifies hashes around the Stepper's step). */
export interface Steppable {
	readonly machine: Machine;
	step(): void;
}

export interface StepperOptions {
	source?: CommandSource | null;
	recorder?: RunRecorder | null;
	/** Told of every command applied, with its tick (a session's log, which a twin run follows). */
	onCommand?: ((tick: number, command: Command) => void) | null;
}

export class Stepper implements Steppable {
	machine: Machine;
	source: CommandSource | null;
	recorder: RunRecorder | null;
	private readonly onCommand: StepperOptions['onCommand'];

	constructor(machine: Machine, options: StepperOptions = {}) {
		this.machine = machine;
		this.source = options.source ?? null;
		this.recorder = options.recorder ?? null;
		this.onCommand = options.onCommand ?? null;
	}

	get tick(): number {
		return this.machine.tick;
	}

	/** Apply the commands due at this tick boundary (recording each first). Returns how many. */
	applyDue(): number {
		if (!this.source) return 0;
		const m = this.machine;
		const tick = m.tick;
		const due = this.source.take(tick);
		for (const command of due) {
			this.recorder?.command(tick, command);
			this.onCommand?.(tick, command);
			m.apply(command);
		}
		return due.length;
	}

	/** One tick: the due commands, the step, then the recorder's checkpoint if one is due. */
	step(): void {
		this.applyDue();
		this.machine.step();
		this.recorder?.afterStep(this.machine);
	}
}
