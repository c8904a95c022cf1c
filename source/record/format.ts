// The recording format (docs/recording.md): JSON Lines, one header, then commands, checkpoints and an
// end line. This module holds the constants, the line types, the checks every line read from disk goes
// through (a recording is untrusted input: everything is validated, nothing is evaluated), and the
// state encodings of checkpoints: full (key) states and deltas.
import {
	brotliCompressSync,
	brotliDecompressSync,
	deflateSync,
	inflateSync,
	constants as zlibConstants,
} from 'node:zlib';
import type {Command} from '../sim/commands.js';
import type {SimEvent} from '../sim/events.js';
import type {Machine} from '../sim/machine.js';
import {policyNames} from '../sim/policies/index.js';
import type {Sysctls, Workload} from '../sim/spec.js';
import {hashBytes, saveMachine, stateHeaderText} from '../sim/state-codec.js';
import {isSysctlName, SYSCTL_NAMES, SYSCTLS} from '../sim/sysctl.js';
import {GIB, MIB, TICKS_PER_SECOND} from '../sim/units.js';
import {describeValue} from '../workload/hints.js';
import {formatPath} from '../workload/load.js';
import {workloadSchema} from '../workload/schema.js';

export const RECORDING_MAGIC = 'recording';
/**
 * The format this memtop writes and the newest it reads. Format 2 (delta checkpoints, brotli) is not
 * readable by a format-1 memtop, which says to upgrade; format 1 files (deflated full states only) are
 * still read.
 */
export const FORMAT_VERSION = 2;
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
	 * encodeState; brotli in format 2, zlib deflate in format 1).
	 */
	state?: string;
	/** A delta state (format 2): base64 of the compressed delta from the state at tick `base` (see encodeDelta). */
	delta?: string;
	/** The tick of an earlier checkpoint of the same file, with a state or a delta, the delta applies to. */
	base?: number;
	/** The byte length of the state the delta gives. */
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

interface EventQueue {
	pendingEvents: SimEvent[];
}

function eventQueue(m: Machine): EventQueue {
	const q = m as unknown as EventQueue;
	if (!Array.isArray(q.pendingEvents)) {
		throw new Error('recording: Machine.pendingEvents is gone; update saveCanonical in record/format.ts');
	}
	return q;
}

/** saveMachine with the undelivered-event queue set aside (left as it was afterwards). */
export function saveCanonical(m: Machine): Uint8Array {
	const q = eventQueue(m);
	const pending = q.pendingEvents;
	q.pendingEvents = [];
	try {
		return saveMachine(m);
	} finally {
		q.pendingEvents = pending;
	}
}

/**
 * Refresh the LRU list sizes the machine caches in `machine.lru` (policy.counts), right before a step.
 * Machine.step() now does this itself (the cache used to be read stale, so a run depended on when the
 * dashboard last took a snapshot); this stays as a cheap guard for recordings made by live sessions,
 * headless runs and replays alike.
 */
export function settle(m: Machine): void {
	m.policy.counts(m.lru);
}

/** The state hash recordings store: stateHash of the canonical state. */
export function canonicalHash(m: Machine): string {
	return hashBytes(saveCanonical(m));
}

// ---------------------------------------------------------------------------------------------------
// State encodings. The saved machine is mostly little-endian Int32Arrays whose high bytes are nearly
// constant; grouping byte 0, 1, 2, 3 of every 4-byte word together (a "shuffle", as HDF5 and Blosc do)
// lets the compressor find those runs: 3× smaller than compressing the bytes as they are, and faster.

/** Whether Uint32Array reads bytes little-endian here (the shuffles take a fast path when so). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function shuffle4(src: Uint8Array): Uint8Array {
	const n = src.length >>> 2;
	const out = new Uint8Array(src.length);
	if (LITTLE_ENDIAN && (src.byteOffset & 3) === 0) {
		const words = new Uint32Array(src.buffer, src.byteOffset, n);
		for (let i = 0; i < n; i++) {
			const x = words[i]!;
			out[i] = x;
			out[n + i] = x >>> 8;
			out[2 * n + i] = x >>> 16;
			out[3 * n + i] = x >>> 24;
		}
	} else {
		for (let i = 0, j = 0; i < n; i++, j += 4) {
			out[i] = src[j]!;
			out[n + i] = src[j + 1]!;
			out[2 * n + i] = src[j + 2]!;
			out[3 * n + i] = src[j + 3]!;
		}
	}
	out.set(src.subarray(n * 4), n * 4);
	return out;
}

export function unshuffle4(src: Uint8Array): Uint8Array {
	const n = src.length >>> 2;
	const out = new Uint8Array(src.length);
	if (LITTLE_ENDIAN) {
		const words = new Uint32Array(out.buffer, 0, n);
		for (let i = 0; i < n; i++) {
			words[i] = (src[i]! | (src[n + i]! << 8) | (src[2 * n + i]! << 16) | (src[3 * n + i]! << 24)) >>> 0;
		}
	} else {
		for (let i = 0, j = 0; i < n; i++, j += 4) {
			out[j] = src[i]!;
			out[j + 1] = src[n + i]!;
			out[j + 2] = src[2 * n + i]!;
			out[j + 3] = src[3 * n + i]!;
		}
	}
	out.set(src.subarray(n * 4), n * 4);
	return out;
}

/** Level 1 (format 1 files, and the player's in-memory checkpoints): level 6 saves ≈4% for twice the time. */
export const DEFLATE_LEVEL = 1;

/**
 * Brotli quality of key states (format 2), with a 16 MiB window: on default ≈25% smaller than deflate
 * level 1 (4.5 vs 6.1 MB) and as fast to decompress (≈0.1 s); compressing takes ≈0.45 s, once per
 * key interval. Quality 2 is ≈10% bigger for a quarter of the time; 7 and up save 1-2% more.
 */
export const KEY_QUALITY = 5;
/** Brotli quality of deltas: ≈1-2 MB before compression, ≈30 ms to compress, ≈5 ms to decompress. */
export const DELTA_QUALITY = 5;

function brotli(bytes: Uint8Array, quality: number): Buffer {
	return brotliCompressSync(bytes, {
		params: {
			[zlibConstants.BROTLI_PARAM_QUALITY]: quality,
			[zlibConstants.BROTLI_PARAM_LGWIN]: 24,
			[zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
		},
	});
}

/** The largest decompressed state accepted: far above any real one, it only stops a decompression bomb. */
export function maxStateBytes(workload: Workload): number {
	return Math.min(4 * GIB - 1, 512 * MIB + Math.ceil(workload.machine.ram / 4096) * 512);
}

/** Decompress at most `maxBytes` (brotli in format 2, zlib in format 1), or a FormatError saying what. */
function decompress(compressed: Uint8Array, maxBytes: number, format: number, what: string): Buffer {
	try {
		return format >= 2
			? brotliDecompressSync(compressed, {maxOutputLength: maxBytes})
			: inflateSync(compressed, {maxOutputLength: maxBytes});
	} catch (error) {
		throw new FormatError(`${what} does not decompress: ${(error as Error).message.split('\n')[0]}`);
	}
}

/** A full state for the player's in-memory checkpoints (never written to a file): shuffled, deflated. */
export function compressState(raw: Uint8Array): Buffer {
	return deflateSync(shuffle4(raw), {level: DEFLATE_LEVEL});
}

/** The inverse of compressState. */
export function decompressState(compressed: Uint8Array, maxBytes: number): Uint8Array {
	return unshuffle4(decompress(compressed, maxBytes, 1, 'checkpoint state'));
}

/** A full (key) state as written in a checkpoint line: base64 of brotli of the shuffled bytes. */
export function encodeState(raw: Uint8Array): string {
	return brotli(shuffle4(raw), KEY_QUALITY).toString('base64');
}

/** Anything but the base64 alphabet (a negated class scans several times faster than an anchored pattern). */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

/** A checkpoint line's `state` back to bytes (format: the file's; 2 is brotli, 1 is deflate). */
export function decodeState(text: string, maxBytes: number, format: number = FORMAT_VERSION): Uint8Array {
	if (!isBase64(text)) throw new FormatError('checkpoint.state: expected base64 text');
	return unshuffle4(decompress(Buffer.from(text, 'base64'), maxBytes, format, 'checkpoint state'));
}

function isBase64(text: string): boolean {
	if (text.length === 0 || text.length % 4 !== 0 || NOT_BASE64.test(text)) return false;
	// Padding only at the very end, at most two.
	const pad = text.indexOf('=');
	return pad === -1 || pad === text.length - 1 || (pad === text.length - 2 && text.endsWith('='));
}

// Deltas. Two states of one run a minute apart differ in a few percent of their 4-byte words: the
// codec lays the arrays out first, in a stable order, then its JSON header. A delta says where each
// part of the new state was in the base (so arrays after one that grew or shrank still line up),
// then which words changed and their new values:
//
//   payload = moves ‖ runs ‖ values
//   moves   = LEB128 varints m, then m triples to from count: the aligned base is ⌈length / 4⌉ words
//             of zeros but for words to..to+count-1, which are the base's words from..from+count-1
//             (the base read as 0 past its end). Targets in increasing order, not overlapping.
//   runs    = varints same₀ changed₀ same₁ changed₁ ...: words kept from the aligned base, then words
//             replaced, covering exactly ⌈length / 4⌉ words. Only the first `same` may be 0, only the
//             last `changed` may be 0.
//   values  = the replaced words' new bytes (4 per word, the state read as 0 past its end), shuffled
//             as shuffle4 does.
//
// Word i is bytes 4i..4i+3. The line holds base64 of brotli of the payload. Applying one touches
// only the replaced words (and, when something moved, copies the base once), so a chain of deltas
// costs little more than reading them.

/** A move of a delta, in 4-byte words: the aligned base's words to..to+count-1 are the base's from..from+count-1. */
export interface Move {
	to: number;
	from: number;
	count: number;
}

/** At most this many moves (a state has a few arrays per process: far fewer). */
const MAX_MOVES = 65_536;

/** The arrays of a saveMachine state by their path in its header (".procs[3].state.pt"), and where its JSON starts. */
function stateLayout(
	bytes: Uint8Array,
): {arrays: Map<string, {at: number; length: number}>; jsonAt: number} | null {
	try {
		const parsed = JSON.parse(stateHeaderText(bytes)) as {header: unknown; layout: unknown};
		const layout = parsed.layout;
		if (!Array.isArray(layout) || !layout.every((n) => Number.isSafeInteger(n) && n >= 0)) return null;
		const names: string[] = [];
		(function walk(v: unknown, path: string): void {
			if (Array.isArray(v)) {
				for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`);
			} else if (v && typeof v === 'object') {
				const o = v as Record<string, unknown>;
				if (typeof o.$a === 'number') names[o.$a] = path;
				else for (const [k, x] of Object.entries(o)) walk(x, `${path}.${k}`);
			}
		})(parsed.header, '');
		const arrays = new Map<string, {at: number; length: number}>();
		let at = 0;
		for (let i = 0; i < layout.length; i++) {
			const name = names[i];
			if (name === undefined || arrays.has(name)) return null;
			arrays.set(name, {at, length: layout[i] as number});
			at = (at + (layout[i] as number) + 7) & ~7;
		}
		return at + 4 <= bytes.length ? {arrays, jsonAt: at} : null;
	} catch {
		return null;
	}
}

/**
 * The moves that line `base` up with `raw`: each array of `raw` from where the same array (by its
 * path) was in `base`, and the JSON header from the base's. When both lay out alike, or either is not
 * a saveMachine state, the base as it is (one move, from 0 to 0).
 */
export function alignMoves(raw: Uint8Array, base: Uint8Array): Move[] {
	const words = (raw.length + 3) >>> 2;
	const baseWords = (base.length + 3) >>> 2;
	const identity = [{to: 0, from: 0, count: Math.min(words, baseWords)}].filter((m) => m.count > 0);
	const r = stateLayout(raw);
	const b = r && stateLayout(base);
	if (!r || !b) return identity;
	const moves: Move[] = [];
	const add = (to: number, from: number, bytes: number) => {
		const count = Math.min((bytes + 3) >>> 2, words - to / 4, baseWords - from / 4);
		if (count <= 0) return;
		const last = moves.at(-1);
		if (last && last.to + last.count === to / 4 && last.from + last.count === from / 4) last.count += count;
		else moves.push({to: to / 4, from: from / 4, count});
	};
	// Offsets are multiples of 8 (arrays and the JSON are 8-byte aligned).
	for (const [name, a] of r.arrays) {
		const old = b.arrays.get(name);
		// An array of the same size with its padding, so that neighbours make one move.
		if (old)
			add(a.at, old.at, old.length === a.length ? (a.length + 7) & ~7 : Math.min(a.length, old.length));
	}
	add(r.jsonAt, b.jsonAt, raw.length - r.jsonAt);
	const same = moves.length === 1 && moves[0]!.to === 0 && moves[0]!.from === 0;
	return same || moves.length > MAX_MOVES ? identity : moves;
}

/** The aligned base of `moves` (see the format note above), in new memory with some room to grow. */
function alignBase(base: Uint8Array, length: number, moves: readonly Move[]): Uint8Array {
	const out = new Uint8Array(new ArrayBuffer(length + Math.min(length >>> 6, 1 << 20)), 0, length);
	for (const m of moves) {
		const from = m.from * 4;
		const to = m.to * 4;
		const bytes = Math.min(m.count * 4, length - to, Math.max(0, base.length - from));
		if (bytes > 0) out.set(base.subarray(from, from + bytes), to);
	}
	return out;
}

function wordsOf(bytes: Uint8Array): Int32Array {
	if ((bytes.byteOffset & 3) !== 0) bytes = bytes.slice();
	return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
}

/** Word i of `bytes` byte by byte, read as 0 past the end (for the words past the shorter state's end). */
function wordAt(bytes: Uint8Array, i: number): number {
	const at = i * 4;
	let w = 0;
	for (let k = 0; k < 4 && at + k < bytes.length; k++) w |= bytes[at + k]! << (8 * k);
	return w;
}

function pushVarint(out: number[], x: number): void {
	while (x >= 0x80) {
		out.push((x & 0x7f) | 0x80);
		x = Math.floor(x / 0x80);
	}
	out.push(x);
}

/** The delta payload that turns `base` into `raw` (uncompressed), with the base aligned by `moves`. */
export function diffStates(
	raw: Uint8Array,
	base: Uint8Array,
	moves: readonly Move[] = alignMoves(raw, base),
): Uint8Array {
	const words = (raw.length + 3) >>> 2;
	const varints: number[] = [];
	pushVarint(varints, moves.length);
	for (const m of moves) {
		pushVarint(varints, m.to);
		pushVarint(varints, m.from);
		pushVarint(varints, m.count);
	}
	const identity = moves.length === 1 && moves[0]!.to === 0 && moves[0]!.from === 0;
	const aligned =
		identity && moves[0]!.count * 4 >= Math.min(raw.length, base.length)
			? base
			: alignBase(base, raw.length, moves);
	const a = wordsOf(raw);
	const b = wordsOf(aligned);
	const fast = Math.min(a.length, b.length);
	const runs: number[] = [];
	let changedWords = 0;
	let i = 0;
	while (i < words) {
		const from = i;
		while (i < fast && a[i] === b[i]) i++;
		if (i >= fast) while (i < words && wordAt(raw, i) === wordAt(aligned, i)) i++;
		const same = i - from;
		const start = i;
		while (i < fast && a[i] !== b[i]) i++;
		if (i >= fast) while (i < words && wordAt(raw, i) !== wordAt(aligned, i)) i++;
		const changed = i - start;
		runs.push(start, changed);
		pushVarint(varints, same);
		pushVarint(varints, changed);
		changedWords += changed;
	}
	const values = new Uint8Array(changedWords * 4);
	let at = 0;
	for (let r = 0; r < runs.length; r += 2) {
		const from = runs[r]! * 4;
		const bytes = runs[r + 1]! * 4;
		values.set(raw.subarray(from, Math.min(from + bytes, raw.length)), at);
		at += bytes;
	}
	const payload = new Uint8Array(varints.length + values.length);
	payload.set(varints);
	payload.set(shuffle4(values), varints.length);
	return payload;
}

/**
 * The largest payload a delta giving `length` bytes can have: its moves, 4 bytes per word, plus run
 * lengths (a pair of them costs more than the 4 bytes of the kept word it implies only around runs
 * of 16384 or more replaced words, by at most 2 bytes).
 */
function maxDeltaPayload(length: number): number {
	const words = (length + 3) >>> 2;
	return Math.min(4 * GIB - 1, 5 + MAX_MOVES * 15 + words * 4 + Math.ceil(words / 4096) + 64);
}

/**
 * Apply a delta payload to `base`, giving `length` bytes. Checks the whole payload before writing:
 * a malformed one throws a FormatError and leaves `base` as it was. With `inPlace`, the base's own
 * memory is patched when nothing moved and it has room for `length` bytes (a view of it returned);
 * otherwise a new array.
 */
export function patchState(
	base: Uint8Array,
	length: number,
	payload: Uint8Array,
	inPlace = false,
): Uint8Array {
	const words = (length + 3) >>> 2;
	const reader = {payload, pos: 0};
	const moves = parseMoves(reader, words);
	const runs = parseRuns(reader, words);
	const valuesAt = reader.pos;
	if (payload.length - valuesAt !== runs.changed * 4) {
		malformed(`${payload.length - valuesAt} bytes of values for ${runs.changed} replaced words`);
	}
	// States of one run differ in length by a few bytes from minute to minute (the JSON header at the
	// end), so new memory gets some room to grow, and patching in place reuses it.
	let out: Uint8Array;
	const identity = moves.length === 0 || (moves.length === 1 && moves[0]!.to === 0 && moves[0]!.from === 0);
	if (identity && inPlace && base.byteOffset === 0 && base.buffer.byteLength >= length) {
		out = new Uint8Array(base.buffer, 0, length);
		const kept = Math.min((moves[0]?.count ?? 0) * 4, base.length, length);
		if (kept < length) out.fill(0, kept);
	} else out = alignBase(base, length, moves);
	// Word by word, unshuffling the values as they go (byte k of value v is at valuesAt + k·n + v);
	// the last word, if partial (or every word, on a big-endian machine), byte by byte.
	const target = new Int32Array(out.buffer, out.byteOffset, length >>> 2);
	const full = target.length;
	const n = runs.changed;
	const p0 = valuesAt;
	const p1 = p0 + n;
	const p2 = p1 + n;
	const p3 = p2 + n;
	const starts = runs.starts;
	const counts = runs.counts;
	let v = 0;
	for (let r = 0; r < runs.pairs; r++) {
		let i = starts[r]!;
		const end = i + counts[r]!;
		const stop = Math.min(end, full);
		if (LITTLE_ENDIAN) {
			for (; i < stop; i++, v++) {
				target[i] =
					payload[p0 + v]! | (payload[p1 + v]! << 8) | (payload[p2 + v]! << 16) | (payload[p3 + v]! << 24);
			}
		}
		for (; i < end; i++, v++) {
			for (let k = 0; k < 4 && i * 4 + k < length; k++) out[i * 4 + k] = payload[p0 + k * n + v]!;
		}
	}
	return out;
}

function malformed(why: string): never {
	throw new FormatError(`checkpoint delta is malformed: ${why}`);
}

/** One LEB128 varint of at most 5 bytes. */
function readVarint(reader: {payload: Uint8Array; pos: number}, what: string): number {
	const {payload} = reader;
	let x = 0;
	for (let shift = 0; ; shift += 7) {
		if (shift > 28) malformed('a number longer than 5 bytes');
		if (reader.pos >= payload.length) malformed(`it ends inside its ${what}`);
		const byte = payload[reader.pos++]!;
		x += (byte & 0x7f) * 2 ** shift;
		if (byte < 0x80) return x;
	}
}

/** The moves of a delta payload over `words` words, checked (see the format note above). */
function parseMoves(reader: {payload: Uint8Array; pos: number}, words: number): Move[] {
	const count = readVarint(reader, 'moves');
	if (count > MAX_MOVES) malformed(`${count} moves (at most ${MAX_MOVES})`);
	const moves: Move[] = [];
	let end = 0;
	for (let k = 0; k < count; k++) {
		const m = {
			to: readVarint(reader, 'moves'),
			from: readVarint(reader, 'moves'),
			count: readVarint(reader, 'moves'),
		};
		if (m.count === 0 || m.to < end || m.to + m.count > words) {
			malformed(
				`a move of ${m.count} words to word ${m.to}, overlapping or outside the state's ${words} words`,
			);
		}
		end = m.to + m.count;
		moves.push(m);
	}
	return moves;
}

/** The runs of a delta payload over `words` words, checked (see the format note above). */
function parseRuns(
	reader: {payload: Uint8Array; pos: number},
	words: number,
): {starts: Uint32Array; counts: Uint32Array; pairs: number; changed: number} {
	let starts = new Uint32Array(4096);
	let counts = new Uint32Array(4096);
	let pairs = 0;
	let covered = 0;
	let changed = 0;
	while (covered < words) {
		const same = readVarint(reader, 'runs');
		const count = readVarint(reader, 'runs');
		if (same === 0 && pairs > 0) malformed('an empty run of kept words after the first');
		if (covered + same + count > words) malformed(`its runs cover more than the state's ${words} words`);
		if (count === 0 && covered + same !== words) malformed('an empty run of replaced words before the last');
		covered += same;
		if (pairs === starts.length) {
			// Each pair covers a word at least, so this stops at `words` pairs.
			const more = new Uint32Array(pairs * 2);
			more.set(starts);
			starts = more;
			const moreCounts = new Uint32Array(pairs * 2);
			moreCounts.set(counts);
			counts = moreCounts;
		}
		starts[pairs] = covered;
		counts[pairs] = count;
		pairs++;
		covered += count;
		changed += count;
	}
	return {starts, counts, pairs, changed};
}

/** A delta as written in a checkpoint line: base64 of brotli of diffStates' payload. */
export function encodeDelta(raw: Uint8Array, base: Uint8Array): string {
	return brotli(diffStates(raw, base), DELTA_QUALITY).toString('base64');
}

/** A checkpoint line's `delta` applied to `base` (see patchState for `inPlace`); `length` already checked. */
export function decodeDelta(text: string, base: Uint8Array, length: number, inPlace = false): Uint8Array {
	if (!isBase64(text)) throw new FormatError('checkpoint.delta: expected base64 text');
	const payload = decompress(Buffer.from(text, 'base64'), maxDeltaPayload(length), 2, 'checkpoint delta');
	return patchState(base, length, payload, inPlace);
}

// ---------------------------------------------------------------------------------------------------
// Times and labels.

/** Simulated time of a tick as m:ss.cc (h:mm:ss.cc from an hour): "0:42.10". */
export function formatTickTime(tick: number): string {
	const cs = Math.max(0, Math.round(tick * (100 / TICKS_PER_SECOND)));
	const h = Math.floor(cs / 360_000);
	const m = Math.floor((cs % 360_000) / 6000);
	const s = Math.floor((cs % 6000) / 100);
	const c = cs % 100;
	const mm = h > 0 ? `${h}:${String(m).padStart(2, '0')}` : String(m);
	return `${mm}:${String(s).padStart(2, '0')}.${String(c).padStart(2, '0')}`;
}

function mib(bytes: number): string {
	const v = bytes / MIB;
	return `${Number.isInteger(v) ? v : v.toFixed(1)} MiB`;
}

/** A short label for a command (timeline markers, listings). */
export function describeCommand(c: Command): string {
	switch (c.kind) {
		case 'spawn':
			return `spawn ${c.spec.name}${(c.count ?? 1) > 1 ? ` ×${c.count}` : ''}`;
		case 'kill':
			return `kill ${c.pid}`;
		case 'set-sysctl':
			return `vm.${c.name} = ${c.value}`;
		case 'set-oom-score-adj':
			return `oom_score_adj ${c.pid} = ${c.value}`;
		case 'set-zswap':
			return `zswap ${c.enabled ? 'on' : 'off'}`;
		case 'drop-caches':
			return `drop_caches ${c.mode}`;
		case 'balloon':
			return `balloon ${c.bytes < 0 ? '-' : '+'}${mib(Math.abs(c.bytes))}`;
	}
}

// ---------------------------------------------------------------------------------------------------
// Validation helpers.

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(path: string, expected: string, got: unknown): never {
	throw new FormatError(`${path}: expected ${expected}, got ${describeValue(got)}`);
}

function object(v: unknown, path: string, keys: readonly string[], what: string): Obj {
	if (!isObject(v)) fail(path, what, v);
	for (const k of Object.keys(v)) {
		if (!keys.includes(k)) throw new FormatError(`${path}: unknown key ${JSON.stringify(k)}`);
	}
	return v;
}

function integer(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
	if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
		fail(
			path,
			max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`,
			v,
		);
	}
	return v;
}

function finite(v: unknown, path: string): number {
	if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'a number', v);
	return v;
}

function string(v: unknown, path: string, what: string, test: (s: string) => boolean): string {
	if (typeof v !== 'string' || !test(v)) fail(path, what, v);
	return v;
}

export function tickValue(v: unknown, path = 't'): number {
	return integer(v, path, 0);
}

const HASH = /^[0-9a-f]{16}$/;

export function hashValue(v: unknown, path: string): string {
	return string(v, path, 'a state hash of 16 hex digits', (s) => HASH.test(s));
}

// ---------------------------------------------------------------------------------------------------
// Commands.

const COMMAND_KEYS: Record<Command['kind'], readonly string[]> = {
	spawn: ['kind', 'spec', 'count'],
	kill: ['kind', 'pid'],
	'set-sysctl': ['kind', 'name', 'value'],
	'set-oom-score-adj': ['kind', 'pid', 'value'],
	'set-zswap': ['kind', 'enabled'],
	'drop-caches': ['kind', 'mode'],
	balloon: ['kind', 'bytes'],
};
const COMMAND_KINDS = Object.keys(COMMAND_KEYS) as Command['kind'][];
const PID_MAX = 2 ** 31 - 1;

/** Check a command read from a file; returns it unchanged (it is plain JSON). */
export function validateCommand(v: unknown, path: string): Command {
	if (!isObject(v)) fail(path, 'a command like {"kind": "kill", "pid": 101}', v);
	const kind = v.kind;
	if (typeof kind !== 'string' || !(COMMAND_KINDS as string[]).includes(kind)) {
		fail(`${path}.kind`, `one of ${COMMAND_KINDS.join(', ')}`, kind);
	}
	object(v, path, COMMAND_KEYS[kind as Command['kind']], 'a command');
	switch (kind as Command['kind']) {
		case 'spawn':
			validateProcessSpec(v.spec, `${path}.spec`);
			if (v.count !== undefined) integer(v.count, `${path}.count`, 1, 10_000);
			break;
		case 'kill':
			integer(v.pid, `${path}.pid`, 1, PID_MAX);
			break;
		case 'set-sysctl':
			if (!isSysctlName(v.name)) fail(`${path}.name`, `one of ${SYSCTL_NAMES.join(', ')}`, v.name);
			finite(v.value, `${path}.value`);
			break;
		case 'set-oom-score-adj':
			integer(v.pid, `${path}.pid`, 1, PID_MAX);
			finite(v.value, `${path}.value`);
			break;
		case 'set-zswap':
			if (typeof v.enabled !== 'boolean') fail(`${path}.enabled`, 'true or false', v.enabled);
			break;
		case 'drop-caches':
			if (v.mode !== 1 && v.mode !== 2 && v.mode !== 3) fail(`${path}.mode`, '1, 2 or 3', v.mode);
			break;
		case 'balloon':
			integer(v.bytes, `${path}.bytes`, -Number.MAX_SAFE_INTEGER);
			break;
	}
	return v as Command;
}

// ---------------------------------------------------------------------------------------------------
// Workloads and process specs: turned back into the workload file's input form and run through the
// same zod schema `memtop validate` uses, so a recording's workload meets exactly the same rules.

interface Issue {
	code?: string;
	path: readonly PropertyKey[];
	message: string;
	keys?: readonly string[];
}

/** The first issue, with an unknown key appended to its path (as `memtop validate` reports it). */
function issueMessage(issues: readonly Issue[]): {path: PropertyKey[]; message: string} {
	const first = issues[0]!;
	const path = [...first.path];
	if (first.code === 'unrecognized_keys' && first.keys?.[0] !== undefined) path.push(first.keys[0]);
	return {path, message: first.message};
}

/** A ProcessSpec as it appears in a spawn command, checked as a one-process workload. */
function validateProcessSpec(v: unknown, path: string): void {
	if (!isObject(v)) fail(path, 'a process spec', v);
	for (const k of ['count', 'start', 'end']) {
		if (k in v) throw new FormatError(`${path}: unknown key ${JSON.stringify(k)}`);
	}
	const result = workloadSchema({name: 'spawn'}).safeParse({machine: {ram: GIB}, processes: [v]});
	if (!result.success) {
		const {path: p, message} = issueMessage(result.error.issues);
		// ['processes', 0, ...rest] → spec.rest
		const rest = p[0] === 'processes' ? p.slice(2) : p;
		const field = formatPath(rest);
		throw new FormatError(`${path}${field ? (field.startsWith('[') ? field : `.${field}`) : ''}: ${message}`);
	}
}

/** A parsed TimedEvent back into the file's `{at, <action>: ...}` form. */
function eventToInput(v: unknown, path: string): unknown {
	if (!isObject(v)) return v;
	const {command, ...rest} = v;
	if (command === undefined) return v;
	const c = validateCommand(command, `${path}.command`);
	const out: Obj = {...rest};
	switch (c.kind) {
		case 'spawn':
			out.spawn = c.spec;
			if (c.count !== undefined) out.count = c.count;
			break;
		case 'kill':
			out.kill = c.pid;
			break;
		case 'set-sysctl':
			out.sysctl = {[c.name]: c.value};
			break;
		case 'set-oom-score-adj':
			out.oom_score_adj = {pid: c.pid, value: c.value};
			break;
		case 'set-zswap':
			out.zswap = c.enabled;
			break;
		case 'drop-caches':
			out.drop_caches = c.mode;
			break;
		case 'balloon':
			out.balloon = c.bytes;
			break;
	}
	return out;
}

/**
 * Check a recording's embedded workload (the parsed Workload a run was built from) with the workload
 * schema. Returns the value as recorded: the checks prove its shape; defaults are not re-applied.
 */
export function validateWorkload(v: unknown, path = 'workload'): Workload {
	if (!isObject(v)) fail(path, 'a workload', v);
	const input: Obj = {...v};
	if (Array.isArray(v.events)) input.events = v.events.map((e, i) => eventToInput(e, `${path}.events[${i}]`));
	const name = typeof v.name === 'string' ? v.name : 'recorded';
	const result = workloadSchema({name}).safeParse(input);
	if (!result.success) {
		const {path: p, message} = issueMessage(result.error.issues);
		// An event's action key (sysctl, kill...) is its `command` in the parsed form.
		if (p[0] === 'events' && typeof p[1] === 'number' && p.length > 2 && p[2] !== 'at')
			p.splice(2, 1, 'command');
		const field = formatPath(p);
		throw new FormatError(`${path}${field ? (field.startsWith('[') ? field : `.${field}`) : ''}: ${message}`);
	}
	return v as unknown as Workload;
}

// ---------------------------------------------------------------------------------------------------
// Lines.

const HEADER_KEYS = [
	'memtop',
	'format',
	'version',
	'created',
	'workload',
	'seed',
	'policy',
	'sysctl',
	'parent',
];

/** Is this parsed first line meant as a memtop recording header at all? */
export function looksLikeHeader(v: unknown): v is Obj {
	return isObject(v) && v.memtop === RECORDING_MAGIC;
}

/** The format number of a header, checked only as far as "a positive integer". */
export function headerFormat(v: Obj): number {
	return integer(v.format, 'format', 1);
}

/** Check a header whose format this memtop reads. */
export function validateHeader(v: Obj): RecordingHeader {
	object(v, 'header', HEADER_KEYS, 'a header');
	const format = headerFormat(v);
	string(v.version, 'version', 'a version like 0.1.0', (s) => s.length <= 64 && /^[0-9A-Za-z.+-]+$/.test(s));
	string(
		v.created,
		'created',
		'an ISO time like 2026-11-21T23:40:12.000Z',
		(s) => s.length <= 64 && /^\d{4}-\d\d-\d\dT/.test(s) && !Number.isNaN(Date.parse(s)),
	);
	const seed = integer(v.seed, 'seed', 0);
	const names = policyNames({includeTraceOnly: false});
	string(v.policy, 'policy', `one of the policies ${names.join(', ')}`, (s) => names.includes(s));
	const sysctl = object(v.sysctl, 'sysctl', SYSCTL_NAMES, 'a mapping of sysctls');
	for (const name of SYSCTL_NAMES) {
		if (name === 'min_free_kbytes' && sysctl[name] === undefined) continue;
		integer(sysctl[name], `sysctl.${name}`, SYSCTLS[name].min, SYSCTLS[name].max);
	}
	let parent: ParentRef | null = null;
	if (v.parent !== null) {
		const p = object(v.parent, 'parent', ['file', 'tick'], 'null or {"file": ..., "tick": ...}');
		parent = {
			file: string(
				p.file,
				'parent.file',
				'a file name',
				(s) => s.length > 0 && s.length <= 4096 && !s.includes('\0'),
			),
			tick: tickValue(p.tick, 'parent.tick'),
		};
	}
	const workload = validateWorkload(v.workload);
	return {
		memtop: RECORDING_MAGIC,
		format,
		version: v.version as string,
		created: v.created as string,
		workload,
		seed,
		policy: v.policy as string,
		sysctl: sysctl as unknown as Sysctls,
		parent,
	};
}

/** The most a state can be (the tightest limit, maxStateBytes of the workload, is checked on loading). */
const STATE_BYTES_LIMIT = 4 * GIB - 1;

/** Check one line after the header (already JSON-parsed), for a file of format `format`. */
export function validateLine(v: unknown, format: number = FORMAT_VERSION): RecordLine {
	if (!isObject(v)) fail('line', 'an object like {"t": 500, "checkpoint": {...}}', v);
	const t = tickValue(v.t);
	if ('cmd' in v) {
		object(v, 'line', ['t', 'cmd'], 'a command line');
		return {t, cmd: validateCommand(v.cmd, 'cmd')};
	}
	if ('checkpoint' in v) {
		object(v, 'line', ['t', 'checkpoint'], 'a checkpoint line');
		const keys = format >= 2 ? ['hash', 'state', 'delta', 'base', 'length'] : ['hash', 'state'];
		const c = object(v.checkpoint, 'checkpoint', keys, 'a checkpoint like {"hash": ...}');
		const body: CheckpointBody = {hash: hashValue(c.hash, 'checkpoint.hash')};
		if (c.state !== undefined) {
			body.state = string(c.state, 'checkpoint.state', 'base64 text', isBase64);
		}
		if (c.delta !== undefined || c.base !== undefined || c.length !== undefined) {
			if (c.state !== undefined) throw new FormatError('checkpoint: a full state and a delta at once');
			body.delta = string(c.delta, 'checkpoint.delta', 'base64 text', isBase64);
			if (t === 0) throw new FormatError('checkpoint.base: a delta at tick 0 has no earlier state');
			body.base = integer(c.base, 'checkpoint.base', 0, t - 1);
			body.length = integer(c.length, 'checkpoint.length', 4, STATE_BYTES_LIMIT);
		}
		return {t, checkpoint: body};
	}
	if ('end' in v) {
		object(v, 'line', ['t', 'end'], 'an end line');
		const e = object(v.end, 'end', ['hash'], 'an end like {"hash": ...}');
		return {t, end: {hash: hashValue(e.hash, 'end.hash')}};
	}
	throw new FormatError('line: expected one of "cmd", "checkpoint" or "end" with "t"');
}

/** Serialize a line (no newline). Key order is fixed: "t" first, so tools can read it from the prefix. */
export function lineText(line: RecordLine): string {
	return JSON.stringify(line);
}
