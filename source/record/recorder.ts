// JsonlRecorder: writes a run as a recording (docs/recording.md) while it happens. Every line goes to
// the file with its own write(2) on a descriptor opened for appending, so a crash, Ctrl-C or kill
// leaves a file that replays up to its last complete line; state checkpoints and the end line are
// also fsync'd. States: a full (key) state every KEY_INTERVAL_TICKS and first in every file, a delta
// from the previous state in between (so the recorder keeps the previous state's bytes).
import {
	closeSync,
	fsyncSync,
	lstatSync,
	mkdirSync,
	openSync,
	readlinkSync,
	statSync,
	unlinkSync,
	writeSync,
} from 'node:fs';
import {dirname} from 'node:path';
import {describeFsError} from '../common/file-error.js';
import {packageVersion} from '../common/package.js';
import {UserError} from '../common/user-error.js';
import type {Command} from '../sim/commands.js';
import type {Machine} from '../sim/machine.js';
import {hashBytes} from '../sim/state-codec.js';
import {encodeState} from './compression.js';
import {encodeDelta} from './delta.js';
import {
	canonicalHash,
	FORMAT_VERSION,
	HASH_INTERVAL_TICKS,
	KEY_INTERVAL_TICKS,
	lineText,
	type ParentRef,
	RECORDING_MAGIC,
	type RecordingHeader,
	type RecordLine,
	STATE_INTERVAL_TICKS,
	STATE_LIMIT_BYTES,
	saveCanonical,
} from './format.js';
import type {RunRecorder} from './stepper.js';

export interface RecorderOptions {
	path: string;
	/** The machine being recorded, at the tick recording starts (its workload, seed and policy go in the header). */
	machine: Machine;
	/** A take-over from a replay: the recording and tick it branched from. */
	parent?: ParentRef | null;
	/** memtop's version for the header (default: package.json's). */
	version?: string;
	/** When the run started (default: now). */
	created?: Date;
	/**
	 * Ticks between hash checkpoints, between state checkpoints, and between key states (a state tick
	 * that crosses a multiple of keyInterval is a key state; tests shorten them).
	 */
	hashInterval?: number;
	stateInterval?: number;
	keyInterval?: number;
	/** States stop once the file holds this many bytes (default STATE_LIMIT_BYTES; see there). */
	stateLimit?: number;
}

/**
 * mkdir -p, one level at a time: `mkdirSync(..., {recursive})` loops forever under /proc (each mkdir
 * fails with ENOENT); here a level that cannot be made is an error at once.
 */
function makeDirectory(dir: string): void {
	const missing: string[] = [];
	for (let d = dir; ; d = dirname(d)) {
		try {
			if (!statSync(d).isDirectory()) throw Object.assign(new Error('not a directory'), {code: 'ENOTDIR'});
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(d) === d) throw error;
			missing.push(d);
		}
	}
	for (const d of missing.reverse()) {
		try {
			mkdirSync(d);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
}

function describeOpenError(error: unknown, path?: string): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EEXIST' && path !== undefined) {
		try {
			if (lstatSync(path).isSymbolicLink())
				return `a symbolic link is there (to ${readlinkSync(path)}); a recording is never written through a link`;
		} catch {
			// Gone meanwhile: say what open said.
		}
	}
	if (code === 'EEXIST')
		return 'already exists (a recording is never overwritten or appended to; choose another file)';
	if (code === 'ENOENT') return 'no such directory';
	return describeFsError(error);
}

export class JsonlRecorder implements RunRecorder {
	readonly path: string;
	private fd: number | null;
	private readonly hashInterval: number;
	private readonly stateInterval: number;
	private readonly keyInterval: number;
	readonly stateLimit: number;
	private lastCheckpoint = -1;
	/** The last state written (key or delta): the next delta's base. */
	private previous: {tick: number; raw: Uint8Array} | null = null;
	private lastKeyTick = -1;
	/** Set when a write failed: the run goes on, unrecorded from there. */
	error: string | null = null;
	/** Lines written (header included). */
	lines = 0;
	/** Bytes written (header included). */
	bytes = 0;
	/**
	 * The tick of the first state checkpoint left without its state because the file had reached
	 * stateLimit (null while states are still written): from there on, commands and hashes only.
	 */
	statesStoppedAt: number | null = null;

	/**
	 * Create the file (never an existing one) and write the header; a recording that starts after tick 0
	 * (a take-over) writes a full-state checkpoint next, so it replays on its own.
	 */
	static open(options: RecorderOptions): JsonlRecorder {
		const {path, machine} = options;
		let fd: number;
		try {
			makeDirectory(dirname(path));
			fd = openSync(path, 'ax', 0o644);
		} catch (error) {
			throw new UserError(`${path}: cannot record: ${describeOpenError(error, path)}`);
		}
		const recorder = new JsonlRecorder(path, fd, options);
		const header: RecordingHeader = {
			memtop: RECORDING_MAGIC,
			format: FORMAT_VERSION,
			version: options.version ?? packageVersion(),
			created: (options.created ?? new Date()).toISOString(),
			workload: machine.workload,
			seed: machine.seed,
			policy: machine.policyName,
			sysctl: {...machine.sysctl},
			parent: options.parent ?? null,
		};
		recorder.write(JSON.stringify(header));
		if (machine.tick > 0 || options.parent) recorder.checkpoint(machine, true, true);
		if (recorder.error) {
			// Not even the header fits (a full disk): leave no empty file to be listed as a run.
			recorder.closeFd();
			try {
				unlinkSync(path);
			} catch {
				// Gone already, or not ours to remove.
			}
			throw new UserError(`${path}: cannot record: ${recorder.error}`);
		}
		return recorder;
	}

	private constructor(path: string, fd: number, options: RecorderOptions) {
		this.path = path;
		this.fd = fd;
		this.hashInterval = options.hashInterval ?? HASH_INTERVAL_TICKS;
		this.stateInterval = options.stateInterval ?? STATE_INTERVAL_TICKS;
		this.keyInterval = options.keyInterval ?? KEY_INTERVAL_TICKS;
		this.stateLimit = options.stateLimit ?? STATE_LIMIT_BYTES;
	}

	get closed(): boolean {
		return this.fd === null;
	}

	command(tick: number, command: Command): void {
		this.writeLine({t: tick, cmd: command});
	}

	afterStep(machine: Machine): void {
		const tick = machine.tick;
		if (this.fd === null || tick % this.hashInterval !== 0 || tick === this.lastCheckpoint) return;
		this.checkpoint(machine, tick % this.stateInterval === 0);
	}

	/** Write the end line (the hash of the final state) and close. Idempotent. */
	async close(machine: Machine): Promise<void> {
		this.closeSync(machine);
	}

	closeSync(machine: Machine): void {
		if (this.fd === null) return;
		this.writeLine({t: machine.tick, end: {hash: canonicalHash(machine)}});
		this.sync();
		this.closeFd();
	}

	/** Close without an end line (as a crash would leave it). Tests use it. */
	abandon(): void {
		this.closeFd();
	}

	/** Whether a state at `tick` is a key state: the first, or the first at or after a multiple of keyInterval. */
	private isKey(tick: number): boolean {
		return (
			this.previous === null ||
			Math.floor(tick / this.keyInterval) !== Math.floor(this.lastKeyTick / this.keyInterval)
		);
	}

	private checkpoint(machine: Machine, withState: boolean, first = false): void {
		const tick = machine.tick;
		this.lastCheckpoint = tick;
		// Past the limit, no more states (but a take-over's first, without which the file cannot replay).
		const store = withState && (first || this.bytes < this.stateLimit);
		if (withState && !store) this.statesStoppedAt ??= tick;
		if (store) {
			const raw = saveCanonical(machine);
			const hash = hashBytes(raw);
			if (this.isKey(tick)) {
				this.writeLine({t: tick, checkpoint: {hash, state: encodeState(raw), length: raw.length}});
				this.lastKeyTick = tick;
			} else {
				const base = this.previous!;
				const delta = encodeDelta(raw, base.raw);
				this.writeLine({t: tick, checkpoint: {hash, delta, base: base.tick, length: raw.length}});
			}
			this.previous = {tick, raw};
			this.sync();
		} else {
			this.writeLine({t: machine.tick, checkpoint: {hash: canonicalHash(machine)}});
		}
	}

	private writeLine(line: RecordLine): void {
		this.write(lineText(line));
	}

	private write(text: string): void {
		if (this.fd === null) return;
		try {
			const buf = Buffer.from(`${text}\n`, 'utf8');
			for (let at = 0; at < buf.length; ) at += writeSync(this.fd, buf, at, buf.length - at);
			this.lines++;
			this.bytes += buf.length;
		} catch (error) {
			this.error = `write failed: ${describeOpenError(error)}`;
			this.closeFd();
		}
	}

	private sync(): void {
		if (this.fd === null) return;
		try {
			fsyncSync(this.fd);
		} catch {
			// Some file systems (and /dev/stdout) do not fsync; the data is written all the same.
		}
	}

	private closeFd(): void {
		if (this.fd === null) return;
		const fd = this.fd;
		this.fd = null;
		this.previous = null;
		try {
			closeSync(fd);
		} catch {
			// Already closed underneath us; nothing more to do.
		}
	}
}
