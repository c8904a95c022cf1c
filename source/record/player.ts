// Reading a recording: every line is validated as it is read (a recording is untrusted input) and
// indexed (commands by tick, checkpoints by tick with the file offset of their state). States stay on
// disk until a seek needs one: a key state is decoded on its own, a delta by decoding its chain (the
// key it goes back to, then each delta after it), starting from the last state decoded when that is
// on the way. Player steps a machine through the recording: it applies the recorded commands at their
// ticks, verifies the state hash at every checkpoint it passes, and seeks by restoring the nearest
// state (from the file or its own in-memory ones) and stepping forward.
//
// Positions: "at tick T" means T steps done AND the commands recorded at T applied. A checkpoint at T
// is the state after T steps, before that tick's commands (the live session writes it right after the
// step, and applies commands just before the next one); the end line is the state after all of them.
import {closeSync, openSync, readSync} from 'node:fs';
import {deflate, deflateSync} from 'node:zlib';
import {UserError} from '../cli/user-error.js';
import type {Command} from '../sim/commands.js';
import {Machine} from '../sim/machine.js';
import {Proc} from '../sim/process.js';
import type {Workload} from '../sim/spec.js';
import {hashBytes, restoreMachine, stateHeaderText} from '../sim/state-codec.js';
import {TICKS_PER_SECOND} from '../sim/units.js';
import {
	type CheckpointBody,
	canonicalHash,
	DEFLATE_LEVEL,
	decodeDelta,
	decodeState,
	decompressState,
	FORMAT_VERSION,
	FormatError,
	formatTickTime,
	headerFormat,
	looksLikeHeader,
	maxStateBytes,
	type RecordingHeader,
	type RecordLine,
	saveCanonical,
	settle,
	shuffle4,
	validateHeader,
	validateLine,
} from './format.js';

/** No line of a recording is longer (a full state of a 64 GiB machine is far below it). */
const MAX_LINE_BYTES = 256 * 1024 * 1024;
const READ_CHUNK = 4 * 1024 * 1024;

export interface CommandEntry {
	tick: number;
	command: Command;
	line: number;
}

export interface CheckpointEntry {
	tick: number;
	hash: string;
	line: number;
	/** Where the line holding the checkpoint's state (full or delta) is, or null for a hash-only checkpoint. */
	state: {offset: number; length: number} | null;
	/** A delta: the tick of the checkpoint it applies to, and the byte length of the state it gives. */
	delta: {base: number; length: number} | null;
}

interface RawLine {
	bytes: Buffer;
	offset: number;
	number: number;
	terminated: boolean;
}

/** The lines of a file, read in chunks (recordings can be hundreds of MB). */
function* readLines(fd: number, label: string): Generator<RawLine> {
	const buf = Buffer.alloc(READ_CHUNK);
	let carry: Buffer[] = [];
	let carryLength = 0;
	let lineStart = 0;
	let number = 1;
	for (;;) {
		const n = readSync(fd, buf, 0, READ_CHUNK, null);
		if (n === 0) break;
		let from = 0;
		for (;;) {
			const nl = buf.indexOf(10, from);
			if (nl === -1 || nl >= n) break;
			const piece = buf.subarray(from, nl);
			const bytes = carry.length ? Buffer.concat([...carry, piece]) : Buffer.from(piece);
			yield {bytes, offset: lineStart, number, terminated: true};
			lineStart += bytes.length + 1;
			number++;
			carry = [];
			carryLength = 0;
			from = nl + 1;
		}
		if (from < n) {
			carry.push(Buffer.from(buf.subarray(from, n)));
			carryLength += n - from;
			if (carryLength > MAX_LINE_BYTES) {
				throw new UserError(
					`${label}:${number}: line longer than ${MAX_LINE_BYTES / 2 ** 20} MiB; not a memtop recording`,
				);
			}
		}
	}
	if (carryLength > 0) yield {bytes: Buffer.concat(carry), offset: lineStart, number, terminated: false};
}

const utf8 = new TextDecoder('utf-8', {fatal: true});

function parseJson(bytes: Uint8Array): unknown {
	return JSON.parse(utf8.decode(bytes));
}

function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return 'no such file';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	if (code === 'EISDIR') return 'is a directory';
	return (error as Error).message.split('\n')[0] ?? String(error);
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

/** A validated, indexed recording. */
export class Recording {
	readonly file: string;
	/** How messages name the file. */
	readonly label: string;
	readonly header: RecordingHeader;
	/** The first tick: 0, or the tick of the full state a branch starts from. */
	readonly startTick: number;
	/** The last tick: the end line's, else the last complete line's. */
	readonly endTick: number;
	readonly end: {tick: number; hash: string; line: number} | null;
	readonly commandList: readonly CommandEntry[];
	readonly checkpoints: readonly CheckpointEntry[];
	/** Set when the file was cut short (a partial last line, or no end line): one line saying so. */
	readonly notice: string | null;
	readonly lineCount: number;
	private readonly commandsByTick = new Map<number, Command[]>();
	private readonly checkpointsByTick = new Map<number, CheckpointEntry>();
	private readonly stateCheckpoints: CheckpointEntry[];
	/** Checkpoints whose state restored and re-hashed correctly once (no need to re-check). */
	private readonly trusted = new Set<number>();
	/** Checkpoints whose state could not be decoded: they, and the deltas that build on them, are unusable. */
	private readonly broken = new Set<number>();
	/**
	 * The last key state decoded and the last state read (key or delta), both checked against their
	 * hashes: a seek near the previous one decodes only the deltas in between. Never modified in place.
	 */
	private lastKey: {tick: number; raw: Uint8Array; checked: boolean} | null = null;
	private lastState: {tick: number; raw: Uint8Array} | null = null;

	constructor(init: {
		file: string;
		label: string;
		header: RecordingHeader;
		startTick: number;
		endTick: number;
		end: Recording['end'];
		commands: CommandEntry[];
		checkpoints: CheckpointEntry[];
		notice: string | null;
		lineCount: number;
	}) {
		this.file = init.file;
		this.label = init.label;
		this.header = init.header;
		this.startTick = init.startTick;
		this.endTick = init.endTick;
		this.end = init.end;
		this.commandList = init.commands;
		this.checkpoints = init.checkpoints;
		this.notice = init.notice;
		this.lineCount = init.lineCount;
		for (const c of init.commands) {
			const list = this.commandsByTick.get(c.tick);
			if (list) list.push(c.command);
			else this.commandsByTick.set(c.tick, [c.command]);
		}
		for (const c of init.checkpoints) this.checkpointsByTick.set(c.tick, c);
		this.stateCheckpoints = init.checkpoints.filter((c) => c.state !== null);
	}

	get workload(): Workload {
		return this.header.workload;
	}

	commandsAt(tick: number): readonly Command[] {
		return this.commandsByTick.get(tick) ?? [];
	}

	checkpointAt(tick: number): CheckpointEntry | undefined {
		return this.checkpointsByTick.get(tick);
	}

	/** Checkpoints with a state (full or delta: a seek can restore any of them), in tick order. */
	get states(): readonly CheckpointEntry[] {
		return this.stateCheckpoints;
	}

	/** Checkpoints with a full (key) state, in tick order. */
	get keys(): readonly CheckpointEntry[] {
		return this.stateCheckpoints.filter((c) => !c.delta);
	}

	/** The checkpoints whose states a delta checkpoint needs: its key state first, `c` last. */
	chain(c: CheckpointEntry): CheckpointEntry[] {
		const chain = [c];
		for (let at = c; at.delta; ) {
			// indexRecording checked that every base is an earlier checkpoint with a state.
			at = this.checkpointsByTick.get(at.delta.base)!;
			chain.push(at);
		}
		return chain.reverse();
	}

	/** Whether a checkpoint's state can still be tried: none of its chain failed to decode. */
	usable(c: CheckpointEntry): boolean {
		if (!c.state) return false;
		if (this.broken.size === 0) return true;
		return this.chain(c).every((link) => !this.broken.has(link.tick));
	}

	/** Forget the decoded states kept for the next read, and which states were checked (benchmarks). */
	dropCaches(): void {
		this.lastKey = null;
		this.lastState = null;
		this.trusted.clear();
	}

	/** The latest checkpoint with a state at or before `tick` that `usable` accepts (and this.usable). */
	stateAtOrBefore(
		tick: number,
		usable: (c: CheckpointEntry) => boolean = () => true,
	): CheckpointEntry | undefined {
		const s = this.stateCheckpoints;
		let lo = 0;
		let hi = s.length - 1;
		let found = -1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (s[mid]!.tick <= tick) {
				found = mid;
				lo = mid + 1;
			} else hi = mid - 1;
		}
		for (let i = found; i >= 0; i--) if (this.usable(s[i]!) && usable(s[i]!)) return s[i];
		return undefined;
	}

	/** A message about one line of this file. */
	where(line: number, message: string): string {
		return `${this.label}:${line}: ${message}`;
	}

	/**
	 * A checkpoint's state bytes, checked against its hash: a key state read from the file, a delta
	 * applied to the states of its chain. A link that cannot be decoded is marked broken (with every
	 * delta built on it) and named in the FormatError. The bytes returned must not be modified.
	 */
	readState(c: CheckpointEntry): Uint8Array {
		if (!c.state) throw new FormatError(this.where(c.line, 'checkpoint has no state'));
		const chain = this.chain(c);
		// Start from the latest link already decoded, else from the key.
		let from = 0;
		let raw: Uint8Array | null = null;
		let checked = false;
		for (let i = chain.length - 1; i >= 0 && !raw; i--) {
			const tick = chain[i]!.tick;
			if (this.lastState?.tick === tick) {
				raw = this.lastState.raw;
				checked = true;
			} else if (this.lastKey?.tick === tick) raw = this.lastKey.raw;
			if (raw) from = i;
		}
		raw ??= this.readKey(chain[0]!);
		if (from === chain.length - 1) {
			// The state itself: a key read from the file is checked against its hash here.
			if (!checked) this.checkKey(c);
		} else {
			// Deltas patch a copy (the first one copies), then that copy in place. The result is checked
			// against its hash; a key on the way need not be (if it is damaged, so is the result).
			let owned = false;
			for (let i = from + 1; i < chain.length; i++) {
				raw = this.applyDelta(chain[i]!, raw, owned);
				owned = true;
			}
			if (hashBytes(raw) !== c.hash) this.blame(chain);
		}
		this.lastState = {tick: c.tick, raw};
		return raw;
	}

	/** A key state from the file, kept as lastKey (not yet checked against its hash: see checkKey). */
	private readKey(c: CheckpointEntry): Uint8Array {
		const text = this.readLine(c).state!;
		let raw: Uint8Array;
		try {
			raw = decodeState(text, maxStateBytes(this.workload), this.header.format);
		} catch (error) {
			this.broken.add(c.tick);
			throw new FormatError(this.where(c.line, errorText(error)));
		}
		this.lastKey = {tick: c.tick, raw, checked: false};
		return raw;
	}

	/** Check the key state kept as lastKey (the one just read or found: `c`'s) against its hash, once. */
	private checkKey(c: CheckpointEntry): void {
		const key = this.lastKey!;
		if (key.checked) return;
		if (hashBytes(key.raw) !== c.hash) {
			this.broken.add(c.tick);
			this.lastKey = null;
			throw new FormatError(
				this.where(c.line, 'checkpoint state does not match its hash (the file is corrupt)'),
			);
		}
		key.checked = true;
	}

	/**
	 * The chain's last state does not match its hash: find the first link whose state does not match
	 * its own (a delta can be damaged yet give the right bytes where later ones overwrite it), mark it
	 * broken and throw naming it.
	 */
	private blame(chain: CheckpointEntry[]): never {
		const key = chain[0]!;
		let raw = this.lastKey?.tick === key.tick ? this.lastKey.raw : this.readKey(key);
		this.checkKey(key);
		let culprit = chain.at(-1)!;
		let owned = false;
		for (let i = 1; i < chain.length; i++) {
			raw = this.applyDelta(chain[i]!, raw, owned);
			owned = true;
			if (hashBytes(raw) !== chain[i]!.hash) {
				culprit = chain[i]!;
				break;
			}
		}
		this.broken.add(culprit.tick);
		throw new FormatError(
			this.where(culprit.line, 'checkpoint delta does not match its hash (the file is corrupt)'),
		);
	}

	/** A delta checkpoint's state from its base's bytes (patched in place when `inPlace`). */
	private applyDelta(c: CheckpointEntry, base: Uint8Array, inPlace: boolean): Uint8Array {
		const text = this.readLine(c).delta!;
		try {
			return decodeDelta(text, base, c.delta!.length, inPlace);
		} catch (error) {
			this.broken.add(c.tick);
			throw new FormatError(this.where(c.line, errorText(error)));
		}
	}

	/** A checkpoint's line read back from the file, validated and compared with the index. */
	private readLine(c: CheckpointEntry): CheckpointBody {
		const where = c.state!;
		let fd: number;
		try {
			fd = openSync(this.file, 'r');
		} catch (error) {
			this.broken.add(c.tick);
			throw new FormatError(`${this.label}: cannot read: ${describeFsError(error)}`);
		}
		let line: RecordLine;
		try {
			const buf = Buffer.alloc(where.length);
			let got = 0;
			while (got < buf.length) {
				const n = readSync(fd, buf, got, buf.length - got, where.offset + got);
				if (n === 0) break;
				got += n;
			}
			line = validateLine(parseJson(buf.subarray(0, got)), this.header.format);
		} catch (error) {
			this.broken.add(c.tick);
			throw new FormatError(
				this.where(c.line, `checkpoint unreadable (the file changed?): ${errorText(error)}`),
			);
		} finally {
			closeSync(fd);
		}
		const body = 'checkpoint' in line ? line.checkpoint : null;
		if (
			!body ||
			line.t !== c.tick ||
			body.hash !== c.hash ||
			(c.delta
				? body.delta === undefined || body.base !== c.delta.base || body.length !== c.delta.length
				: body.state === undefined)
		) {
			this.broken.add(c.tick);
			throw new FormatError(this.where(c.line, 'checkpoint changed since the file was read'));
		}
		return body;
	}

	/** A machine from a state checkpoint of this file (at the checkpoint's tick, before its commands). */
	restore(c: CheckpointEntry): Machine {
		const raw = this.readState(c);
		const m = restoreState(this.workload, raw, (message) => this.where(c.line, message));
		if (m.tick !== c.tick)
			throw new FormatError(this.where(c.line, `checkpoint state is at tick ${m.tick}, not ${c.tick}`));
		if (m.seed !== this.header.seed) {
			throw new FormatError(
				this.where(c.line, `checkpoint state has seed ${m.seed}, the header says ${this.header.seed}`),
			);
		}
		if (!this.trusted.has(c.tick)) {
			// The restored machine must save back to the very bytes it came from.
			if (canonicalHash(m) !== c.hash) {
				throw new FormatError(
					this.where(c.line, 'checkpoint state does not restore to itself (the file is corrupt)'),
				);
			}
			this.trusted.add(c.tick);
		}
		return m;
	}
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** restoreMachine, guarded: state bytes come from a file, so a bad one gives an error, not a broken machine. */
export function restoreState(
	workload: Workload,
	raw: Uint8Array,
	where: (message: string) => string,
): Machine {
	// The codec's JSON part must not carry keys that would reach object prototypes.
	try {
		JSON.parse(stateHeaderText(raw), (key, value) => {
			if (FORBIDDEN_KEYS.has(key)) throw new Error(`forbidden key ${key}`);
			return value;
		});
	} catch (error) {
		throw new FormatError(where(`checkpoint state is not a machine state: ${errorText(error)}`));
	}
	let m: Machine;
	try {
		m = restoreMachine(workload, raw);
	} catch (error) {
		throw new FormatError(where(`checkpoint state does not fit the workload: ${errorText(error)}`));
	}
	// Data must not shadow methods (restore copies fields by name).
	const shadows = (obj: object, proto: object): string | undefined =>
		Object.keys(obj).find((k) => typeof (proto as Record<string, unknown>)[k] === 'function');
	const bad =
		shadows(m, Machine.prototype) ??
		m.procs.map((p) => (p ? shadows(p, Proc.prototype) : undefined)).find(Boolean);
	if (bad) throw new FormatError(where(`checkpoint state overwrites ${bad}: not a machine state`));
	return m;
}

/** Read and validate a recording. Problems that leave nothing to replay throw a one-line UserError. */
export function loadRecording(file: string, label: string = file): Recording {
	let fd: number;
	try {
		fd = openSync(file, 'r');
	} catch (error) {
		throw new UserError(`${label}: cannot read: ${describeFsError(error)}`);
	}
	try {
		return indexRecording(fd, file, label);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EISDIR')
			throw new UserError(`${label}: cannot read: is a directory`);
		throw error;
	} finally {
		closeSync(fd);
	}
}

const NOT_A_RECORDING = 'not a memtop recording (expected a JSON header line {"memtop": "recording", ...})';

function indexRecording(fd: number, file: string, label: string): Recording {
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
	const maxBytes = maxStateBytes(header.workload);
	let end: Recording['end'] = null;
	let lastTick = -1;
	let startTick = 0;
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
				if (body.length! > maxBytes) {
					bad(`checkpoint.length: expected at most ${maxBytes} bytes for this workload, got ${body.length}`);
				}
				delta = {base: body.base!, length: body.length!};
			}
			const entry: CheckpointEntry = {
				tick: line.t,
				hash: body.hash,
				line: raw.number,
				state: body.state !== undefined || delta ? {offset: raw.offset, length: raw.bytes.length} : null,
				delta,
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
	});
}

// ---------------------------------------------------------------------------------------------------
// Playing.

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
}

export const MEMORY_CHECKPOINT_TICKS = 10 * TICKS_PER_SECOND;
export const MEMORY_CHECKPOINT_BUDGET = 128 * 1024 * 1024;

/** Steps a machine through a recording; see the positions note at the top of this file. */
export class Player {
	readonly recording: Recording;
	machine: Machine;
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

	constructor(recording: Recording, options: PlayerOptions = {}) {
		this.recording = recording;
		this.options = options;
		const first = recording.checkpointAt(recording.startTick);
		if (first?.state) {
			try {
				this.machine = recording.restore(first);
				this.restoredAt = first.tick;
			} catch (error) {
				// A branch has nothing else to start from; a recording from tick 0 starts afresh.
				if (recording.startTick > 0 || !(error instanceof FormatError)) throw error;
				this.badStates.add(first.tick);
				options.onProblem?.(error.message);
				this.machine = freshMachine(recording);
			}
		} else {
			this.machine = freshMachine(recording);
		}
		this.arrive();
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
		for (const command of rec.commandsAt(tick)) m.apply(command);
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

	/** What must happen before each step: this tick's checkpoint and commands, then settle (see format.ts). */
	beforeStep(): void {
		this.arrive();
		settle(this.machine);
	}

	/** One tick forward (false at the end). `remember`: take an in-memory checkpoint if one is due. */
	stepOnce(remember = false): boolean {
		this.arrive();
		if (this.atEnd) return false;
		settle(this.machine);
		this.machine.step();
		if (remember) this.remember();
		this.arrive();
		return true;
	}

	/** Step to `target` (not past the end); events more than a second before it are dropped. */
	advanceTo(target: number): void {
		const keepFrom = target - TICKS_PER_SECOND;
		while (this.machine.tick < target && this.stepOnce()) {
			if (this.machine.tick < keepFrom && this.machine.tick % TICKS_PER_SECOND === 0)
				this.machine.drainEvents();
		}
	}

	/** Go to `target`: restore the nearest full state at or before it (unless stepping on from here is shorter), then step. */
	seek(target: number, options: {forceRestore?: boolean} = {}): void {
		const rec = this.recording;
		const to = Math.max(rec.startTick, Math.min(rec.endTick, Math.round(target)));
		const here = this.machine.tick;
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
		this.advanceTo(to);
		this.arrive();
	}

	private setMachine(m: Machine, restoredAt: number): void {
		this.machine = m;
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
		const raw = decompressState(c.compressed, maxStateBytes(this.recording.workload));
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
		const shuffled = shuffle4(saveCanonical(this.machine));
		if (config.sync) {
			this.store(tick, deflateSync(shuffled, {level: DEFLATE_LEVEL}), config.budget);
			return;
		}
		this.pendingMemory++;
		deflate(shuffled, {level: DEFLATE_LEVEL}, (error, compressed) => {
			this.pendingMemory--;
			if (!error) this.store(tick, compressed, config.budget);
		});
	}

	private store(tick: number, compressed: Buffer, budget: number): void {
		if (this.memory.has(tick)) return;
		this.memory.set(tick, {tick, compressed});
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
