// The recording format (docs/recording.md): JSON Lines, one header, then commands, checkpoints and an
// end line. This module holds the constants, the line types and the canonical state a checkpoint
// hashes. The rest of the format lives beside it, one idea per file: compression.ts (key states),
// delta.ts (delta states), validate.ts (the checks every line read from disk goes through: a recording
// is untrusted input), labels.ts (times and command labels).
import type {Command} from '../sim/commands.js';
import type {Machine} from '../sim/machine.js';
import type {Sysctls, Workload} from '../sim/spec.js';
import {hashBytes, saveMachine} from '../sim/state-codec.js';
import {TICKS_PER_SECOND} from '../sim/units.js';

export const RECORDING_MAGIC = 'recording';
/**
 * The format this memtop writes and the newest it reads. Format 3 (key states shuffled in blocks,
 * with their length) is not readable by an older memtop, which says to upgrade; format 2 files (delta
 * checkpoints, key states shuffled whole) and format 1 files (deflated full states only) are still read.
 */
export const FORMAT_VERSION = 3;
export const RECORDING_SUFFIX = '.memtop.jsonl';

/**
 * A state hash every 5 simulated seconds. A hash costs one saveMachine + hash (≈40-100 ms on the 4 GiB
 * default workload, which steps a simulated second in ≈10 ms), so every second would make a recorded
 * run several times slower at full speed; every 5 s costs about as much as the stepping itself.
 */
export const HASH_INTERVAL_TICKS = 5 * TICKS_PER_SECOND;
/**
 * A state every 60 simulated seconds (on a hash tick): a full (key) state every KEY_INTERVAL_TICKS,
 * a delta from the previous state in between. Seeking restores the nearest one at or before the
 * target (its key state, then the deltas up to it) and steps forward at most 60 s. bench/seek.ts
 * measures both the seeks and the size.
 */
export const STATE_INTERVAL_TICKS = 60 * TICKS_PER_SECOND;
/**
 * A full (key) state every 20 simulated minutes (the first state at or after each multiple), and the
 * first state of every file; the states in between are deltas, each from the state before it. On the
 * 4 GiB default workload a key state is ≈2.5-6 MB in the file and a delta ≈0.5 MB (a simulated minute
 * changes ≈3% of the state's words), so an hour is ≈47 MB instead of ≈430 MB of full states. A delta
 * costs ≈10 ms to apply, so a chain of up to 19 adds at most ≈0.2 s to a seek; a key every 10 minutes
 * would make an hour ≈61 MB, every 30 minutes ≈42 MB (docs/recording.md has the seek times).
 */
export const KEY_INTERVAL_TICKS = 20 * 60 * TICKS_PER_SECOND;
/**
 * States stop once a recording holds this many bytes (--record-limit): from there on it records only
 * commands and hash checkpoints (≈40 KB per simulated hour), so it still replays exactly and is
 * verified to its end, and a seek past the last state steps from that state. A machine under pressure
 * rewrites a third to two thirds of its state's words every simulated minute (docs/recording.md: 220-640
 * MB per hour), so without a bound a dashboard left running fills the disk; 1 GiB is 1.7-4.8 hours of
 * a shipped workload under the pressure keys, 17-37 hours of a calm one.
 */
export const STATE_LIMIT_BYTES = 1024 ** 3;

export interface ParentRef {
	/** The recording this one branched from (absolute path when written). */
	file: string;
	/** The tick of the parent at which the branch took over. */
	tick: number;
}

export interface RecordingHeader {
	memtop: typeof RECORDING_MAGIC;
	format: number;
	/** memtop's package version that wrote the file. */
	version: string;
	/** ISO 8601 time the recording started. */
	created: string;
	workload: Workload;
	seed: number;
	policy: string;
	/** The sysctls in effect at the first recorded tick (informational: the workload and states hold them). */
	sysctl: Sysctls;
	parent: ParentRef | null;
}

export interface CheckpointBody {
	hash: string;
	/**
	 * A full (key) state: base64 of the compressed, 4-byte-shuffled canonical saveMachine bytes (see
	 * encodeState; brotli of blocks in format 3, brotli of the whole in format 2, zlib deflate in format 1).
	 */
	state?: string;
	/** A delta state (formats 2 and 3): base64 of the compressed delta from the state at tick `base` (see encodeDelta). */
	delta?: string;
	/** The tick of an earlier checkpoint of the same file, with a state or a delta, the delta applies to. */
	base?: number;
	/** The byte length of the state the delta gives, or (format 3) of the full state. */
	length?: number;
}

export type RecordLine =
	| {t: number; cmd: Command}
	| {t: number; checkpoint: CheckpointBody}
	| {t: number; end: {hash: string}};

/** A problem with one value of a recording; the reader prefixes FILE:LINE. */
export class FormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FormatError';
	}
}

// ---------------------------------------------------------------------------------------------------
// The canonical state: the machine without its queue of undelivered events. Those are drained by
// whoever shows them (the dashboard every 100 ms of wall time, headless every interval), so they
// differ between a live run and its replay while the simulation itself does not.

/** saveMachine without the undelivered-event queue. */
export function saveCanonical(m: Machine): Uint8Array {
	return saveMachine(m, {events: false});
}

/** The state hash recordings store: stateHash of the canonical state. */
export function canonicalHash(m: Machine): string {
	return hashBytes(saveCanonical(m));
}

/** Serialize a line (no newline). Key order is fixed: "t" first, so tools can read it from the prefix. */
export function lineText(line: RecordLine): string {
	return JSON.stringify(line);
}
