// Key states as checkpoints store them, and the player's in-memory checkpoints: 4-byte shuffle (in
// blocks from format 3 on), then brotli (formats 2 and 3) or deflate (format 1 files, in-memory
// checkpoints), then base64 in a line.
import {
	brotliCompressSync,
	brotliDecompressSync,
	deflateSync,
	inflateSync,
	constants as zlibConstants,
} from 'node:zlib';
import type {Workload} from '../sim/spec.js';
import {GIB, MIB} from '../sim/units.js';
import {FORMAT_VERSION, FormatError} from './format.js';

// State encodings. The saved machine is mostly little-endian Int32Arrays whose high bytes are nearly
// constant; grouping byte 0, 1, 2, 3 of every 4-byte word together (a "shuffle", as HDF5 and Blosc do)
// lets the compressor find those runs: 3× smaller than compressing the bytes as they are, and faster.

/** Whether Uint32Array reads bytes little-endian here (the shuffles take a fast path when so). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

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

/** The inverse of shuffle4 from `src` into `out` (another array of the same length). */
function unshuffleInto(src: Uint8Array, out: Uint8Array): void {
	const n = src.length >>> 2;
	if (LITTLE_ENDIAN && (out.byteOffset & 3) === 0) {
		const words = new Uint32Array(out.buffer, out.byteOffset, n);
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
}

export function unshuffle4(src: Uint8Array): Uint8Array {
	const out = new Uint8Array(src.length);
	unshuffleInto(src, out);
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

export function brotli(bytes: Uint8Array, quality: number): Buffer {
	return brotliCompressSync(bytes, {
		params: {
			[zlibConstants.BROTLI_PARAM_QUALITY]: quality,
			[zlibConstants.BROTLI_PARAM_LGWIN]: 24,
			[zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
		},
	});
}

/**
 * The loosest bound a state of a machine of `workload` can have (512 MiB plus 512 bytes per page of
 * RAM): for a branch, whose states hold processes spawned in its parent, which its own file does not
 * name. Every other recording has the exact bound of state-bound.ts.
 */
export function looseStateBound(workload: Workload): number {
	return Math.min(4 * GIB - 1, 512 * MIB + Math.ceil(workload.machine.ram / 4096) * 512);
}

/**
 * Decompress at most `maxBytes` (brotli in format 2 and later, zlib in format 1), or a FormatError
 * saying what. The bound is enforced while inflating: a decompression bomb stops at `maxBytes`.
 */
export function decompress(compressed: Uint8Array, maxBytes: number, format: number, what: string): Buffer {
	try {
		return format >= 2
			? brotliDecompressSync(compressed, {maxOutputLength: maxBytes})
			: inflateSync(compressed, {maxOutputLength: maxBytes});
	} catch (error) {
		const message = (error as Error).message.split('\n')[0] ?? '';
		if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /larger than/.test(message))
			throw new FormatError(`${what} does not decompress: it inflates past ${maxBytes} bytes`);
		throw new FormatError(`${what} does not decompress: ${message}`);
	}
}

// Format 3 shuffles a state in blocks of SHUFFLE_BLOCK bytes (each as shuffle4 does), so that it can
// be unshuffled in place, a block at a time: decoding a state holds the state once (and one block),
// not twice. Compressed, the blocks are as small as one shuffle of the whole (within 0.2%).

/** Bytes per shuffled block (format 3 key states, the player's in-memory checkpoints). */
export const SHUFFLE_BLOCK = 1 << 20;

export function shuffleBlocks(src: Uint8Array): Uint8Array {
	const out = new Uint8Array(src.length);
	for (let at = 0; at < src.length; at += SHUFFLE_BLOCK)
		out.set(shuffle4(src.subarray(at, Math.min(src.length, at + SHUFFLE_BLOCK))), at);
	return out;
}

/** The inverse of shuffleBlocks, in `buf`'s own memory (one block of scratch space); returns `buf`. */
export function unshuffleBlocksInPlace(buf: Uint8Array): Uint8Array {
	const scratch = new Uint8Array(Math.min(SHUFFLE_BLOCK, buf.length));
	for (let at = 0; at < buf.length; at += SHUFFLE_BLOCK) {
		const block = buf.subarray(at, Math.min(buf.length, at + SHUFFLE_BLOCK));
		const src = scratch.subarray(0, block.length);
		src.set(block);
		unshuffleInto(src, block);
	}
	return buf;
}

/** `bytes` itself when it starts 8-byte aligned (typed-array views of it need that), else a copy. */
function aligned(bytes: Buffer): Uint8Array {
	const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
	return (bytes.byteOffset & 7) === 0 ? view : view.slice();
}

/** A full state for the player's in-memory checkpoints (never written to a file): shuffled, deflated. */
export function compressState(raw: Uint8Array): Buffer {
	return deflateSync(shuffleBlocks(raw), {level: DEFLATE_LEVEL});
}

/** The inverse of compressState, given the state's length. */
export function decompressState(compressed: Uint8Array, length: number): Uint8Array {
	return unshuffleBlocksInPlace(aligned(decompress(compressed, length, 1, 'checkpoint state')));
}

/** A full (key) state as written in a checkpoint line (format 3): base64 of brotli of the shuffled blocks. */
export function encodeState(raw: Uint8Array): string {
	return brotli(shuffleBlocks(raw), KEY_QUALITY).toString('base64');
}

/** Anything but the base64 alphabet (a negated class scans several times faster than an anchored pattern). */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

/**
 * A checkpoint line's `state` back to bytes. Format 3: brotli of blocks shuffled in place, exactly
 * `length` bytes (the line's); format 2: brotli of one shuffle of the whole, at most `maxBytes`;
 * format 1: the same deflated.
 */
export function decodeState(
	text: string,
	maxBytes: number,
	format: number = FORMAT_VERSION,
	length?: number,
): Uint8Array {
	if (!isBase64(text)) throw new FormatError('checkpoint.state: expected base64 text');
	const compressed = Buffer.from(text, 'base64');
	if (format >= 3) {
		if (length === undefined || length > maxBytes) throw new FormatError('checkpoint.length: missing');
		const bytes = decompress(compressed, length, format, 'checkpoint state');
		if (bytes.length !== length)
			throw new FormatError(
				`checkpoint state decompresses to ${bytes.length} bytes, not its length (${length})`,
			);
		return unshuffleBlocksInPlace(aligned(bytes));
	}
	return unshuffle4(decompress(compressed, maxBytes, format, 'checkpoint state'));
}

export function isBase64(text: string): boolean {
	if (text.length === 0 || text.length % 4 !== 0 || NOT_BASE64.test(text)) return false;
	// Padding only at the very end, at most two.
	const pad = text.indexOf('=');
	return pad === -1 || pad === text.length - 1 || (pad === text.length - 2 && text.endsWith('='));
}
