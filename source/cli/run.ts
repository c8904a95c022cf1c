// memtop run [WORKLOAD]: the live dashboard, or --headless text/JSON output.

import {unlinkSync} from 'node:fs';
import {progressOn} from '../common/progress.js';
import {UserError} from '../common/user-error.js';
import {STATE_LIMIT_BYTES} from '../record/format.js';
import {formatTickTime} from '../record/labels.js';
import {JsonlRecorder} from '../record/recorder.js';
import {defaultRecordingPath} from '../record/runs-dir.js';
import {Stepper} from '../record/stepper.js';
import {SimSession} from '../session/sim-session.js';
import {Machine} from '../sim/machine.js';
import {policyNames} from '../sim/policies/index.js';
import {TICKS_PER_SECOND} from '../sim/units.js';
import {formatBinary} from '../text/format.js';
import {BUDGET_USES} from '../workload/budget.js';
import {loadWorkload} from '../workload/load.js';
import {parseSize} from '../workload/quantities.js';
import {parseArgs} from './args.js';
import {BUDGET_FLAGS, budgetHelp, budgetLimits} from './budget-flags.js';
import {interruptedLine, runHeadless, withInterrupts} from './headless.js';
import {type CommandIo, warn} from './io.js';

export const runHelp = `
  Usage
    $ memtop [run] [WORKLOAD] [options]

  Runs a simulated machine on WORKLOAD (a shipped name such as thrash, or a path to a
  .yaml file; default: default) and shows it live in a full-screen dashboard.

  Options
    --seed N          Seed of the simulation's random numbers (default 1)
    --policy NAME     Reclaim policy (default: the workload's, else lru2)
    --speed X         Simulated seconds per real second (default 1; 0 = as fast as possible)
    --headless        No dashboard: print vmstat-like lines (or JSON) and exit
    --duration S      Headless: simulated seconds to run (default 60)
    --interval S      Headless: seconds between lines (default 1)
    --json            Headless: one JSON object per interval (fields: docs/headless.md)
    --record FILE     Record the run to FILE (docs/recording.md); replay it with memtop replay FILE
    --no-record       Do not record (interactive runs record to the runs directory by default;
                      see memtop runs)
    --record-limit N  Stop writing states once the recording holds N bytes (512M, 2G; default
                      1G): from there it records only commands and hashes, so it still replays
                      exactly, and a seek past its last state steps from that state
${budgetHelp}

  Examples
    $ memtop
    $ memtop run thrash --seed 7
    $ memtop run leak --headless --duration 120
    $ memtop run zswap --headless --json --interval 5 > zswap.jsonl
`;

export const RUN_FLAGS = {
	seed: {type: 'number', default: 1},
	policy: {type: 'string'},
	speed: {type: 'number', default: 1},
	headless: {type: 'boolean', default: false},
	duration: {type: 'number', default: 60},
	interval: {type: 'number', default: 1},
	json: {type: 'boolean', default: false},
	record: {type: 'string'},
	recordLimit: {type: 'string'},
	...BUDGET_FLAGS,
} as const;

export function checkPolicy(name: string | undefined): string | undefined {
	if (name === undefined) return undefined;
	const names = policyNames({includeTraceOnly: false});
	if (!names.includes(name))
		throw new UserError(`--policy: unknown policy '${name}' (expected one of ${names.join(', ')})`);
	return name;
}

/** The longest simulated span a flag may ask for: 7 days, as long as a recording may be. */
export const MAX_SECONDS = 7 * 24 * 3600;

export function checkPositive(flag: string, value: number, allowZero = false, max = MAX_SECONDS): number {
	if (!(value > 0 || (allowZero && value === 0))) {
		throw new UserError(
			`${flag}: expected a ${allowZero ? 'non-negative' : 'positive'} number of seconds, got ${value}`,
		);
	}
	if (value > max) throw new UserError(`${flag}: expected at most ${max} seconds, got ${value}`);
	return value;
}

/** --record-limit SIZE (512M, 2G, or bytes): when a recording stops holding states. */
export function checkRecordLimit(value: string | undefined): number {
	if (value === undefined) return STATE_LIMIT_BYTES;
	const bytes = parseSize(value);
	if (bytes === undefined || !(bytes >= 0) || !Number.isSafeInteger(Math.floor(bytes)))
		throw new UserError(
			`--record-limit: expected a size like 512M or 2G (or a number of bytes), got ${JSON.stringify(value)}`,
		);
	return Math.floor(bytes);
}

/** The line that says a recording stopped holding states (null while it holds them all). */
export function stateLimitNote(recorder: JsonlRecorder): string | null {
	if (recorder.statesStoppedAt === null) return null;
	return `${recorder.path}: states stopped at ${formatBinary(recorder.stateLimit)} (--record-limit), from ${formatTickTime(recorder.statesStoppedAt)} on: it replays to its end, and a seek past there steps from the last state`;
}

export function checkSeed(value: number): number {
	if (!Number.isSafeInteger(value) || value < 0)
		throw new UserError(`--seed: expected a non-negative integer, got ${value}`);
	return value;
}

/**
 * --no-record is a flag of its own (--record takes a FILE); take it out before parsing. Returns the
 * remaining argv and whether it was given.
 */
export function takeNoRecord(argv: readonly string[]): {argv: string[]; noRecord: boolean} {
	const rest = argv.filter((a) => a !== '--no-record');
	return {argv: rest, noRecord: rest.length !== argv.length};
}

/** --record's FILE, checked: not empty, not together with --no-record. */
export function checkRecord(record: string | undefined, noRecord: boolean): string | undefined {
	if (record === undefined) return undefined;
	if (typeof record !== 'string' || record.trim() === '')
		throw new UserError('--record: expected a FILE to record to');
	if (noRecord) throw new UserError('--record and --no-record: choose one');
	return record;
}

/** Close and delete a recording nothing was recorded into. */
export function discardRecording(recorder: JsonlRecorder): void {
	recorder.abandon();
	try {
		unlinkSync(recorder.path);
	} catch {
		// Already gone: nothing to discard.
	}
}

/** `f`, run at most once. */
export function once(f: () => void): () => void {
	let done = false;
	return () => {
		if (done) return;
		done = true;
		f();
	};
}

export interface RunDependencies {
	/**
	 * Opens the dashboard over a session (the real one needs a TTY). `farewell` prints what the user
	 * needs once the screen is gone (where the run was recorded); the caller calls it after a normal
	 * exit, the dashboard before it exits on a signal or a crash. Calling it again does nothing.
	 */
	interactive: (session: SimSession, farewell: () => void) => Promise<number>;
}

export async function runCommand(argv: string[], io: CommandIo, deps: RunDependencies): Promise<number> {
	const {argv: rest, noRecord} = takeNoRecord(argv);
	const parsed = parseArgs('run', runHelp, rest, io, RUN_FLAGS);
	if (!parsed) return 0;
	const {input, flags} = parsed;
	if (input.length > 1)
		throw new UserError(`run: expected at most one workload, got ${input.length} (${input.join(' ')})`);
	const record = checkRecord(flags.record, noRecord);
	const stateLimit = checkRecordLimit(flags.recordLimit);
	const policy = checkPolicy(flags.policy);
	const limits = budgetLimits(flags);
	// A headless run records only when asked; the dashboard records unless told not to.
	const recorded = flags.headless ? record !== undefined : !noRecord;
	const workload = loadWorkload(input[0] ?? 'default', {
		limits,
		use: recorded ? BUDGET_USES.recorded : BUDGET_USES.headless,
		policy,
	});
	const seed = checkSeed(flags.seed ?? 1);
	const machine = new Machine(workload, {seed, policy});
	if (flags.headless) {
		const duration = checkPositive('--duration', flags.duration ?? 60);
		const interval = checkPositive('--interval', flags.interval ?? 1);
		// Headless runs record only when asked.
		const recorder = record === undefined ? null : JsonlRecorder.open({path: record, machine, stateLimit});
		const endTick = machine.tick + Math.round(duration * TICKS_PER_SECOND);
		let signalCode: number | undefined;
		// A run of over a minute shows a bar on a terminal's stderr while its output goes to a file or
		// a pipe (on the terminal, the output's own lines show how far it has got).
		const bar =
			duration > 60 && io.stdout.isTTY !== true
				? progressOn(io.stderr, `${workload.name} ${duration} s`)
				: null;
		try {
			// Ctrl-C (or SIGTERM) stops the run at once; the recording is closed where it got to.
			({signalCode} = await withInterrupts((interrupted) =>
				runHeadless(new Stepper(machine, {recorder}), {
					duration,
					interval,
					json: flags.json === true,
					write: (line) => io.stdout.write(`${line}\n`),
					interrupted,
					...(bar
						? {onProgress: (f: number) => bar.update(f, `${Math.floor(f * duration)} of ${duration} s`)}
						: {}),
				}),
			));
		} finally {
			bar?.done();
			// Also when the output went away (a closed pipe): the recording ends where the run did.
			if (recorder) {
				await recorder.close(machine);
				if (recorder.error) warn(io, `memtop: ${recorder.path}: recording stopped: ${recorder.error}`);
				const note = stateLimitNote(recorder);
				if (note) warn(io, `memtop: ${note}`);
			}
		}
		if (signalCode !== undefined) {
			const where = recorder && !recorder.error ? `; recorded to ${recorder.path} up to there` : '';
			warn(io, `memtop: ${interruptedLine(machine.tick, endTick)}${where}`);
			return signalCode;
		}
		return 0;
	}
	const speed = checkPositive('--speed', flags.speed ?? 1, true);
	let recorder: JsonlRecorder | null = null;
	let notRecording: string | null = null;
	if (record !== undefined) recorder = JsonlRecorder.open({path: record, machine, stateLimit});
	else if (!noRecord) {
		// The default recording must not stop the dashboard from starting: it says why in its status
		// line (and on stderr, which shows once the dashboard is gone), and goes on.
		try {
			recorder = JsonlRecorder.open({path: defaultRecordingPath(workload.name), machine, stateLimit});
		} catch (error) {
			notRecording = `not recording: ${error instanceof Error ? error.message : String(error)}`;
		}
	}
	const session = new SimSession({
		machine,
		recorder,
		speed: speed === 0 ? Number.POSITIVE_INFINITY : speed,
		autostart: false,
		limits,
		notRecording,
	});
	const farewell = once(() => {
		if (notRecording) warn(io, `memtop: ${notRecording}`);
		if (!recorder) return;
		if (recorder.error) warn(io, `memtop: ${recorder.path}: recording stopped: ${recorder.error}`);
		else warn(io, `memtop: recorded to ${recorder.path}; replay it with: memtop replay ${recorder.path}`);
		const note = stateLimitNote(recorder);
		if (note) warn(io, `memtop: ${note}`);
	});
	let code: number;
	try {
		code = await deps.interactive(session, farewell);
	} catch (error) {
		// The dashboard never ran (no terminal): leave no empty recording behind.
		if (recorder && machine.tick === 0) discardRecording(recorder);
		throw error;
	}
	farewell();
	return code;
}
