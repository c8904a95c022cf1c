// Delta states: a checkpoint's state as the changes from an earlier one (docs/recording.md has the
// payload and a Python decoder).

import {stateHeaderText} from '../sim/state-codec.js';
import {GIB} from '../sim/units.js';
import {brotli, DELTA_QUALITY, decompress, isBase64, LITTLE_ENDIAN, shuffle4} from './compression.js';
import {FormatError} from './format.js';

// Two states of one run a minute apart differ in a few percent of their 4-byte words: the
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
