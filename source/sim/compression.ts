// How big a page gets after compression. Each page draws its own size from the owning
// process's compressibility and the compressor's typical ratio.
import {COMPRESSORS} from './costs.js';
import type {Rng} from './rng.js';
import type {Compressor} from './spec.js';
import {PAGE_SIZE} from './units.js';

/** zsmalloc's smallest size class; also what a same-filled (zero) page costs us. */
const MIN_OBJECT = 32;

/**
 * Compressed size in bytes, or PAGE_SIZE when the page does not compress (zswap rejects it).
 * compressibility 0.5 gives the compressor's typical ratio; 1 squares it; 0 gives incompressible data.
 */
export function compressedSize(rng: Rng, compressor: Compressor, compressibility: number): number {
	const typical = COMPRESSORS[compressor].typicalRatio;
	// Same-filled pages (mostly zero pages) are common in compressible data.
	if (rng.next() < 0.2 * compressibility * compressibility) return MIN_OBJECT;
	const expected = typical ** (compressibility * 2);
	// Spread per page: ratio^(0.5..1.5) around the expected value.
	const ratio = expected ** (0.5 + rng.next());
	const size = Math.ceil(PAGE_SIZE / ratio);
	// Pages that save less than ~3% are not worth storing compressed.
	return size >= PAGE_SIZE * 0.97 ? PAGE_SIZE : Math.max(MIN_OBJECT, size);
}
