// The binary trace format (`memtop trace --convert FILE OUT`): a trace already turned into dense
// page ids, so loading it is reading the file and pointing typed arrays at it, with no parsing.
// Layout (all little-endian; see docs/trace.md):
//   0  8 bytes  magic 89 'M' 'T' 'R' 'A' 'C' 'E' 1A (the 0x89 catches 7-bit transfers, 0x1A `type`)
//   8  u32      format version (1)
//  12  u32      bytes per reference id: 1, 2 or 4 (the fewest that hold distinct - 1)
//  16  f64      references
//  24  f64      distinct pages
//  32  u32      page size the page numbers were computed with (0: the trace listed page numbers)
//  36  28 bytes reserved, zero
//  64  f64 × distinct      the page number of each id, ids in order of first use
//  ..  width × references  the references, as ids
// The file's length must be exactly 64 + 8 × distinct + width × references.
import {endianness} from 'node:os';
import {UserError} from '../common/user-error.js';
import {MAX_DISTINCT} from './page-ids.js';

export const BINARY_MAGIC = Uint8Array.of(0x89, 0x4d, 0x54, 0x52, 0x41, 0x43, 0x45, 0x1a);
export const BINARY_VERSION = 1;
export const HEADER_BYTES = 64;

export interface BinaryTrace {
	/** Reference ids, in the file's width (views into the file's bytes). */
	ids: Uint8Array | Uint16Array | Int32Array;
	/** id → page number. */
	pages: Float64Array;
	references: number;
	distinct: number;
	pageSize: number;
}

export function isBinaryTrace(head: Uint8Array): boolean {
	if (head.length < BINARY_MAGIC.length) return false;
	for (let i = 0; i < BINARY_MAGIC.length; i++) if (head[i] !== BINARY_MAGIC[i]) return false;
	return true;
}

export function idWidth(distinct: number): 1 | 2 | 4 {
	return distinct <= 1 << 8 ? 1 : distinct <= 1 << 16 ? 2 : 4;
}

/** The file's length for a header's counts. */
export function binaryLength(references: number, distinct: number, width: number): number {
	return HEADER_BYTES + 8 * distinct + width * references;
}

function checkHost(): void {
	if (endianness() !== 'LE') throw new UserError('binary traces are little-endian; this host is not');
}

/** The header for a trace of `references` ids over `distinct` pages. */
export function binaryHeader(references: number, distinct: number, pageSize: number): Uint8Array {
	checkHost();
	const head = new Uint8Array(HEADER_BYTES);
	head.set(BINARY_MAGIC, 0);
	const view = new DataView(head.buffer);
	view.setUint32(8, BINARY_VERSION, true);
	view.setUint32(12, idWidth(distinct), true);
	view.setFloat64(16, references, true);
	view.setFloat64(24, distinct, true);
	view.setUint32(32, pageSize, true);
	return head;
}

/** The ids of a batch in the file's width. */
export function encodeIds(ids: Int32Array, n: number, width: number): Uint8Array {
	const out =
		width === 1
			? Uint8Array.from(ids.subarray(0, n))
			: width === 2
				? Uint16Array.from(ids.subarray(0, n))
				: ids.slice(0, n);
	return new Uint8Array(out.buffer, out.byteOffset, n * width);
}

const invalid = (name: string, what: string): UserError =>
	new UserError(`${name}: not a valid memtop binary trace (${what})`);

/**
 * Check that ids[from..to) are below `distinct` (the reader does it batch by batch, just before the
 * batch is simulated, so the ids are read from memory once and the check from the cache).
 */
export function checkIds(
	name: string,
	ids: Uint8Array | Uint16Array | Int32Array,
	from: number,
	to: number,
	distinct: number,
): void {
	let max = -1;
	let min = 0;
	for (let i = from; i < to; i++) {
		const id = ids[i]!;
		if (id > max) max = id;
		if (id < min) min = id;
	}
	if (max >= distinct || min < 0)
		throw invalid(name, `a reference to page id ${max >= distinct ? max : min}; there are ${distinct} pages`);
}

/**
 * Check a header and the file's length, then view the file's bytes as the trace (no copy unless the
 * buffer is misaligned). Every id is checked to be below the distinct count, a single scan, unless
 * `idsChecked` says the caller checks them as it goes (checkIds).
 */
export function readBinary(name: string, bytes: Uint8Array, idsChecked = false): BinaryTrace {
	checkHost();
	const bad = (what: string): UserError => invalid(name, what);
	if (bytes.length < HEADER_BYTES || !isBinaryTrace(bytes)) {
		throw bad(`expected a ${HEADER_BYTES}-byte header starting with the memtop trace magic`);
	}
	if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
	const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
	const version = view.getUint32(8, true);
	if (version !== BINARY_VERSION) {
		throw bad(`format version ${version}; this memtop reads version ${BINARY_VERSION}`);
	}
	const width = view.getUint32(12, true);
	const references = view.getFloat64(16, true);
	const distinct = view.getFloat64(24, true);
	const pageSize = view.getUint32(32, true);
	if (width !== 1 && width !== 2 && width !== 4) throw bad(`id width ${width}; expected 1, 2 or 4 bytes`);
	if (!Number.isSafeInteger(references) || references < 0) throw bad(`reference count ${references}`);
	if (!Number.isSafeInteger(distinct) || distinct < 0 || distinct > MAX_DISTINCT) {
		throw bad(`distinct page count ${distinct}; expected 0 to ${MAX_DISTINCT}`);
	}
	if (distinct === 0 && references > 0) throw bad(`${references} references to no pages`);
	if (width !== idWidth(distinct))
		throw bad(`id width ${width} for ${distinct} pages; expected ${idWidth(distinct)}`);
	if (pageSize !== 0 && (pageSize & (pageSize - 1)) !== 0) throw bad(`page size ${pageSize}`);
	const expected = binaryLength(references, distinct, width);
	if (bytes.length !== expected) {
		throw bad(
			`wrong length: the header says ${references} references to ${distinct} pages, ${expected} bytes; the file has ${bytes.length}`,
		);
	}
	const pages = new Float64Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, distinct);
	const at = bytes.byteOffset + HEADER_BYTES + 8 * distinct;
	const ids =
		width === 1
			? new Uint8Array(bytes.buffer, at, references)
			: width === 2
				? new Uint16Array(bytes.buffer, at, references)
				: new Int32Array(bytes.buffer, at, references);
	if (!idsChecked) checkIds(name, ids, 0, references, distinct);
	for (let i = 0; i < distinct; i++) {
		const p = pages[i]!;
		if (!Number.isSafeInteger(p) || p < 0) throw bad(`page number ${p} for id ${i}`);
	}
	return {ids, pages, references, distinct, pageSize};
}
