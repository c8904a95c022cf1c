// A Zipf-like (power-law) choice of page: a few pages take most references. Sampled by inverting
// the continuous CDF: x = n^u for skew 1, else x = ((n^a − 1)·u + 1)^(1/a) with a = 1 − skew, and the
// page is ⌊x⌋ − 1. The parts that depend only on the stream (n^a − 1 and 1/a) are worked out once.

/** |skew − 1| below this samples as skew 1 (the formula's limit). */
const HARMONIC_EPSILON = 1e-9;

/** The stream's two constants into out[at], out[at + 1]: (n^a − 1, 1/a), or (NaN, NaN) for skew 1. */
export function zipfConstants(n: number, skew: number, out: Float64Array, at: number): void {
	if (Math.abs(skew - 1) < HARMONIC_EPSILON) {
		out[at] = Number.NaN;
		out[at + 1] = Number.NaN;
		return;
	}
	const a = 1 - skew;
	out[at] = n ** a - 1;
	out[at + 1] = 1 / a;
}

/** The offset in [0, n) for the uniform sample u, with the constants zipfConstants() left at k[at]. */
export function zipfOffset(u: number, n: number, k: Float64Array, at: number): number {
	const scale = k[at]!;
	const x = Number.isNaN(scale) ? n ** u : (scale * u + 1) ** k[at + 1]!;
	const off = Math.floor(x) - 1;
	return off < 0 ? 0 : off >= n ? n - 1 : off;
}
