// Key states as checkpoints store them, and the player's in-memory checkpoints: 4-byte shuffle, then
// brotli (format 2) or deflate (format 1 files, in-memory checkpoints), then base64 in a line.
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

export function brotli(bytes: Uint8Array, quality: number): Buffer {
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
export function decompress(compressed: Uint8Array, maxBytes: number, format: number, what: string): Buffer {
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

export function isBase64(text: string): boolean {
	if (text.length === 0 || text.length % 4 !== 0 || NOT_BASE64.test(text)) return false;
	// Padding only at the very end, at most two.
	const pad = text.indexOf('=');
	return pad === -1 || pad === text.length - 1 || (pad === text.length - 2 && text.endsWith('='));
}
