// How big a page gets after compression. Each page draws its own size from the owning
// process's compressibility and the compressor's typical ratio.
import {COMPRESSORS} from './costs.js';
import type {Rng} from './rng.js';
import type {Compressor} from './spec.js';
import {PAGE_SIZE} from './units.js';

/** zsmalloc's smallest size class; also what a same-filled (zero) page costs us. */
const MIN_OBJECT = 32;

/**
 * Compressed length (dlen) in bytes; it can exceed PAGE_SIZE. compressibility 0.5 gives the compressor's
 * typical ratio; 1 squares it; 0 gives incompressible data. What the compressor cannot match it emits as
 * literals with its framing (the compressor's worst-case bound: LZ4_COMPRESSBOUND, lzo1x_worst_compress,
 * ZSTD_COMPRESSBOUND), so a page that barely compresses comes out at PAGE_SIZE or more: zswap_compress()
 * rejects it (dlen >= PAGE_SIZE) and zram stores it whole (ZRAM_HUGE).
 */
export function compressedSize(rng: Rng, compressor: Compressor, compressibility: number): number {
	const typical = COMPRESSORS[compressor].typicalRatio;
	// Same-filled pages (mostly zero pages) are common in compressible data.
	if (rng.next() < 0.2 * compressibility * compressibility) return MIN_OBJECT;
	const expected = typical ** (compressibility * 2);
	// Spread per page: ratio^(0.5..1.5) around the expected value.
	const ratio = expected ** (0.5 + rng.next());
	const payload = PAGE_SIZE / ratio;
	// The framing grows with the literal share of the output: all of it for a page that did not compress.
	const literals = Math.max(0, (payload - PAGE_SIZE / typical) / (PAGE_SIZE - PAGE_SIZE / typical));
	const size = Math.ceil(payload + COMPRESSORS[compressor].boundOverhead * literals);
	return Math.max(MIN_OBJECT, size);
}
