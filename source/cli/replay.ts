// memtop replay FILE: a recorded run in the dashboard (seek, markers, take over), or --headless:
// the same lines `memtop run --headless` printed for that run, then a summary of what was verified.
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {UserError} from '../common/user-error.js';
import {RECORDING_SUFFIX} from '../record/format.js';
import {loadRecording} from '../record/load.js';
import {Player} from '../record/player.js';
import {JsonlRecorder} from '../record/recorder.js';
import type {Recording} from '../record/recording.js';
import {defaultRecordingPath, runsDir} from '../record/runs-dir.js';
import {ReplaySession} from '../session/replay-session.js';
import type {SimSession} from '../session/sim-session.js';
import {TICKS_PER_SECOND} from '../sim/units.js';
import {parseArgs} from './args.js';
import {BUDGET_FLAGS, budgetHelp, budgetLimits} from './budget-flags.js';
import {interruptedLine, runHeadless, withInterrupts} from './headless.js';
import {type CommandIo, warn} from './io.js';
import {checkPositive, checkRecord, discardRecording, once, takeNoRecord} from './run.js';

export const replayHelp = `
  Usage
    $ memtop replay FILE [options]

  Plays back a recorded run (memtop runs lists them) in the dashboard. Space pauses, the arrow
  keys and PgUp/PgDn seek, n/N jump between markers (notes, commands, OOM kills), and t takes over:
  from that moment the run is live again, recorded to a new file that names this one as its parent.
  Every checkpoint's state hash is checked; a replay that differs from the recording says where.

  FILE is a path, or the name of a file in the runs directory.

  Options
    --speed X         Simulated seconds per real second (default 1; 0 = as fast as possible)
    --paused          Start paused
    --record FILE     Where a take-over records (default: a new file in the runs directory)
    --no-record       Do not record take-overs
    --headless        No dashboard: print what memtop run --headless printed for this run, then
                      {"replay": {"ticks": N, "checkpoints": K, "verified": true|false}}
    --interval S      Headless: seconds between lines (default 1)
    --json            Headless: one JSON object per interval
${budgetHelp}

  Exit status: 0; 1 when a headless replay diverged from its recording; 2 for a file that is not a
  readable recording.

  Examples
    $ memtop runs
    $ memtop replay 2026-11-21T23-40-12_thrash.memtop.jsonl
    $ memtop replay run.memtop.jsonl --headless --json --interval 5
`;

export const REPLAY_FLAGS = {
	speed: {type: 'number', default: 1},
	paused: {type: 'boolean', default: false},
	record: {type: 'string'},
	headless: {type: 'boolean', default: false},
	interval: {type: 'number', default: 1},
	json: {type: 'boolean', default: false},
	...BUDGET_FLAGS,
} as const;

export interface ReplayDependencies {
	/** Opens the dashboard over a session (the real one needs a TTY). */
	interactive: (session: SimSession, farewell: () => void) => Promise<number>;
}

/** A path as given, else a file of that name (with or without the suffix) in the runs directory. */
export function resolveRecordingPath(arg: string, dir: string = runsDir()): string {
	if (existsSync(arg) || arg.includes('/') || arg.includes('\\')) return arg;
	for (const name of [arg, `${arg}${RECORDING_SUFFIX}`]) {
		const candidate = join(dir, name);
		if (existsSync(candidate)) return candidate;
	}
	return arg;
}

export interface HeadlessReplayOptions {
	interval: number;
	json: boolean;
	write: (line: string) => void;
	warn: (line: string) => void;
}

/**
 * Replay to the end printing runHeadless's lines, then the summary. Returns the exit code (a
 * signal's, after saying how far it got, when Ctrl-C stopped it).
 */
export async function replayHeadless(recording: Recording, options: HeadlessReplayOptions): Promise<number> {
	const {warn} = options;
	if (recording.notice) warn(`memtop: ${recording.notice}`);
	const player = new Player(recording, {
		onDivergence: (d) => warn(`memtop: ${recording.label}: ${d.message}`),
		onProblem: (message) => warn(`memtop: ${message}`),
	});
	const start = player.tick;
	const {signalCode} = await withInterrupts((interrupted) =>
		runHeadless(player, {
			duration: (recording.endTick - start) / TICKS_PER_SECOND,
			interval: options.interval,
			json: options.json,
			write: options.write,
			interrupted,
		}),
	);
	if (signalCode !== undefined) {
		warn(`memtop: ${recording.label}: ${interruptedLine(player.tick, recording.endTick)}`);
		return signalCode;
	}
	player.arrive();
	const verified = player.divergence === null;
	options.write(
		JSON.stringify({replay: {ticks: player.tick - start, checkpoints: player.verified, verified}}),
	);
	return verified ? 0 : 1;
}

export async function replayCommand(
	argv: string[],
	io: CommandIo,
	deps: ReplayDependencies,
): Promise<number> {
	const {argv: rest, noRecord} = takeNoRecord(argv);
	const parsed = parseArgs('replay', replayHelp, rest, io, REPLAY_FLAGS);
	if (!parsed) return 0;
	const {input, flags} = parsed;
	if (input.length === 0) throw new UserError('replay: expected a recording FILE (memtop runs lists them)');
	if (input.length > 1)
		throw new UserError(`replay: expected one FILE, got ${input.length} (${input.join(' ')})`);
	const record = checkRecord(flags.record, noRecord);
	const interval = checkPositive('--interval', flags.interval ?? 1);
	const speed = checkPositive('--speed', flags.speed ?? 1, true);
	const recording = loadRecording(resolveRecordingPath(input[0]!), input[0]!, budgetLimits(flags));
	if (flags.headless) {
		return replayHeadless(recording, {
			interval,
			json: flags.json === true,
			write: (line) => io.stdout.write(`${line}\n`),
			warn: (line) => warn(io, `${line}`),
		});
	}
	let branch: JsonlRecorder | null = null;
	const session = new ReplaySession({
		recording,
		speed: speed === 0 ? Number.POSITIVE_INFINITY : speed,
		paused: flags.paused === true,
		autostart: false,
		branchRecorder: noRecord
			? null
			: (machine, parent) => {
					branch = JsonlRecorder.open({
						path: record ?? defaultRecordingPath(machine.workload.name),
						machine,
						parent,
					});
					return branch;
				},
	});
	// Once the dashboard's screen is gone: repeat what it showed that matters later.
	const farewell = once(() => {
		for (const notice of session.getNotices()) warn(io, `memtop: ${notice}`);
		const divergence = session.getDivergence();
		if (divergence) warn(io, `memtop: ${recording.label}: ${divergence.message}`);
		const taken = branch as JsonlRecorder | null;
		if (taken) {
			if (taken.error) warn(io, `memtop: ${taken.path}: recording stopped: ${taken.error}`);
			else
				warn(io, `memtop: took over; recorded to ${taken.path}; replay it with: memtop replay ${taken.path}`);
		}
	});
	let code: number;
	try {
		code = await deps.interactive(session, farewell);
	} catch (error) {
		if (branch) discardRecording(branch);
		throw error;
	}
	farewell();
	return code;
}
