// Opening a recording: the header checked (format, version, the workload through the schema), then
// every line validated and indexed as it is read. Problems that leave nothing to replay are one line
// (a UserError, exit 2); a file cut short replays up to its last complete line, with a notice.
import {closeSync, openSync, statSync} from 'node:fs';
import {fileError} from '../common/file-error.js';
import {UserError} from '../common/user-error.js';
import type {ProcessSpec} from '../sim/spec.js';
import {TICKS_PER_SECOND} from '../sim/units.js';
import {type BudgetLimits, DEFAULT_LIMITS} from '../workload/budget.js';
import {checkRecordingBudget} from './budget.js';
import {
	FORMAT_VERSION,
	FormatError,
	HASH_INTERVAL_TICKS,
	type RecordingHeader,
	type RecordLine,
} from './format.js';
import {formatTickTime} from './labels.js';
import {errorText, parseJson, readLines} from './line-reader.js';
import {type CheckpointEntry, type CommandEntry, Recording} from './recording.js';
import {stateBound} from './state-bound.js';
import {headerFormat, looksLikeHeader, validateHeader, validateLine} from './validate.js';

/**
 * Read and validate a recording. Problems that leave nothing to replay throw a one-line UserError,
 * and so does one whose replay would exceed `limits` (workload/budget.ts; null: not checked).
 */
export function loadRecording(
	file: string,
	label: string = file,
	limits: BudgetLimits | null = DEFAULT_LIMITS,
): Recording {
	// Only a regular file: opening a FIFO would wait forever for a writer, /dev/zero never ends.
	try {
		const st = statSync(file);
		if (!st.isFile())
			throw new UserError(
				`${label}: cannot read: not a regular file (${st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : 'a device or socket'})`,
			);
	} catch (error) {
		if (error instanceof UserError) throw error;
		throw fileError(label, error);
	}
	let fd: number;
	try {
		fd = openSync(file, 'r');
	} catch (error) {
		throw fileError(label, error);
	}
	try {
		const recording = indexRecording(fd, file, label, limits);
		if (limits) recording.limits = limits;
		return recording;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EISDIR')
			throw new UserError(`${label}: cannot read: is a directory`);
		throw error;
	} finally {
		closeSync(fd);
	}
}

/** The longest recording replayed: 7 simulated days (a replay of it steps every tick). */
export const MAX_RECORDING_TICKS = 7 * 24 * 3600 * TICKS_PER_SECOND;
/** Commands at one tick: the dashboard sends a few per key; a flood of them is not a recording of a person. */
export const MAX_COMMANDS_PER_TICK = 100;

const NOT_A_RECORDING = 'not a memtop recording (expected a JSON header line {"memtop": "recording", ...})';

function indexRecording(fd: number, file: string, label: string, limits: BudgetLimits | null): Recording {
	const lines = readLines(fd, label);
	const first = lines.next();
	if (first.done) throw new UserError(`${label}: empty file, ${NOT_A_RECORDING}`);
	const headerLine = first.value;
	let parsed: unknown;
	try {
		parsed = parseJson(headerLine.bytes);
	} catch {
		const text = headerLine.bytes.subarray(0, 64).toString('latin1');
		if (!headerLine.terminated && /^\{\s*"memtop"/.test(text)) {
			throw new UserError(
				`${label}:1: the header line is incomplete (the file was cut short); nothing to replay`,
			);
		}
		throw new UserError(`${label}:1: ${NOT_A_RECORDING}`);
	}
	if (!looksLikeHeader(parsed)) throw new UserError(`${label}:1: ${NOT_A_RECORDING}`);
	let header: RecordingHeader;
	try {
		const format = headerFormat(parsed);
		if (format > FORMAT_VERSION) {
			const by =
				typeof parsed.version === 'string' ? ` (written by memtop ${parsed.version.slice(0, 32)})` : '';
			throw new UserError(
				`${label}:1: recording format ${format}${by} is newer than this memtop reads (format ${FORMAT_VERSION}); upgrade memtop to replay it`,
			);
		}
		header = validateHeader(parsed);
	} catch (error) {
		if (error instanceof FormatError) throw new UserError(`${label}:1: ${error.message}`);
		throw error;
	}

	const commands: CommandEntry[] = [];
	const checkpoints: CheckpointEntry[] = [];
	const seen = new Map<number, CheckpointEntry>();
	let end: Recording['end'] = null;
	let lastTick = -1;
	let startTick = 0;
	/** The tick of the last checkpoint (or the start): the next line lies at most HASH_INTERVAL_TICKS past it. */
	let anchor = 0;
	let atTick = 0;
	let cut: number | null = null;
	let count = 1;
	for (const raw of lines) {
		count = raw.number;
		let line: RecordLine;
		try {
			line = validateLine(parseJson(raw.bytes), header.format);
		} catch (error) {
			if (!raw.terminated) {
				// A crash or kill mid-write: keep everything before it.
				cut = raw.number;
				count = raw.number - 1;
				break;
			}
			const message = error instanceof FormatError ? error.message : `invalid JSON (${errorText(error)})`;
			throw new UserError(`${label}:${raw.number}: ${message}`);
		}
		const bad = (message: string): never => {
			throw new UserError(`${label}:${raw.number}: ${message}`);
		};
		if (end) bad('a line after the end line');
		if (line.t < lastTick) bad(`t goes backwards (${line.t} after ${lastTick})`);
		if (line.t > MAX_RECORDING_TICKS)
			bad(
				`t: expected at most ${MAX_RECORDING_TICKS} (${formatTickTime(MAX_RECORDING_TICKS)}, the longest recording memtop replays), got ${line.t}`,
			);
		// memtop writes a hash every HASH_INTERVAL_TICKS, so no line is further than that past the last
		// checkpoint (or the start): the work of a replay is bounded by the file's own length.
		if (raw.number > 2 && line.t > anchor + HASH_INTERVAL_TICKS)
			bad(
				`t jumps to ${line.t}, more than ${HASH_INTERVAL_TICKS / TICKS_PER_SECOND} s past the last checkpoint (tick ${anchor}): memtop writes one every ${HASH_INTERVAL_TICKS / TICKS_PER_SECOND} s`,
			);
		if ('cmd' in line) {
			atTick = line.t === lastTick ? atTick + 1 : 1;
			if (atTick > MAX_COMMANDS_PER_TICK)
				bad(
					`more than ${MAX_COMMANDS_PER_TICK} commands at tick ${line.t} (memtop records what a person types)`,
				);
		}
		if (raw.number === 2) {
			const state = 'checkpoint' in line && line.checkpoint.state !== undefined;
			if (state) startTick = line.t;
			if (header.parent && !state) {
				bad('a branch recording must start with a full-state checkpoint (the state it branched from)');
			}
			if (header.parent && header.parent.tick !== startTick) {
				bad(
					`the branch starts at tick ${startTick} but its header says it branched at tick ${header.parent.tick}`,
				);
			}
		}
		lastTick = line.t;
		if (raw.number === 2) anchor = startTick;
		if ('checkpoint' in line) anchor = line.t;
		if ('cmd' in line) {
			commands.push({tick: line.t, command: line.cmd, line: raw.number});
		} else if ('checkpoint' in line) {
			const body = line.checkpoint;
			if (seen.has(line.t)) bad(`a second checkpoint at tick ${line.t}`);
			let delta: CheckpointEntry['delta'] = null;
			if (body.delta !== undefined) {
				const base = seen.get(body.base!);
				if (!base?.state) {
					bad(`checkpoint.base: expected the tick of an earlier checkpoint with a state, got ${body.base}`);
				}
				delta = {base: body.base!, length: body.length!};
			}
			const entry: CheckpointEntry = {
				tick: line.t,
				hash: body.hash,
				line: raw.number,
				state: body.state !== undefined || delta ? {offset: raw.offset, length: raw.bytes.length} : null,
				delta,
				stateLength: body.length ?? null,
			};
			seen.set(line.t, entry);
			checkpoints.push(entry);
		} else {
			end = {tick: line.t, hash: line.end.hash, line: raw.number};
		}
	}
	if (header.parent && checkpoints[0]?.tick !== startTick) {
		throw new UserError(
			cut === 2
				? `${label}:2: the branch's starting state is incomplete (the file was cut short); nothing to replay`
				: `${label}: a branch recording without its starting state (line 2); nothing to replay`,
		);
	}
	// The exact bound of a state of this machine (state-bound.ts): the lengths the file gives are
	// checked against it now, and every state decompresses within it.
	const spawned = commands.flatMap(({command}) =>
		command.kind === 'spawn' ? Array<ProcessSpec>(command.count ?? 1).fill(command.spec) : [],
	);
	// The budget first: the bound builds a machine of the header's workload, which must be one we would run.
	if (limits) checkRecordingBudget(label, header, commands, limits);
	const maxBytes = stateBound(header.workload, header.policy, spawned, header.parent !== null);
	for (const c of checkpoints) {
		if (c.stateLength !== null && c.stateLength > maxBytes)
			throw new UserError(
				`${label}:${c.line}: checkpoint.length: expected at most ${maxBytes} bytes for this machine, got ${c.stateLength}`,
			);
	}
	const endTick = end ? end.tick : Math.max(startTick, lastTick);
	const upTo = `replaying up to ${formatTickTime(endTick)} (tick ${endTick})`;
	let notice: string | null = null;
	if (cut !== null)
		notice = `${label}:${cut}: incomplete last line ignored (the recording was cut short); ${upTo}`;
	else if (!end) notice = `${label}: no end line (the run did not close cleanly); ${upTo}`;
	return new Recording({
		file,
		label,
		header,
		startTick,
		endTick,
		end,
		commands,
		checkpoints,
		notice,
		lineCount: count,
		maxStateBytes: maxBytes,
	});
}
