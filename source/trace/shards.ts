// SHARDS spatial sampling (Waldspurger, Park, Garthwaite, Ahmad: "Efficient MRC Construction with
// SHARDS", FAST'15): keep every reference to a page whose hash falls below a threshold, and no
// reference to any other page. A page is in the sample or out of it for the whole trace, so reuse
// within the sample mirrors reuse in the whole: a sampled stack distance d stands for about d / R
// distinct pages in the full trace, and each sampled reference for 1 / R references (R = rate).
// The "adj" correction of the paper is the normalisation by the real reference count, not the
// sampled one: the difference between R × references and the sampled references counts as hits at
// the smallest distance (they hit with any cache).

/** Hash values are 24 bits: rates are multiples of 2^-24. */
const HASH_BITS = 24;
const MODULUS = 1 << HASH_BITS;

/** murmur3's 32-bit finaliser. */
function fmix(h: number): number {
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return h >>> 0;
}

/** A well-mixed 32-bit hash of a page number below 2^53. */
export function pageHash(page: number): number {
	const lo = page >>> 0;
	const hi = (page - lo) / 4294967296;
	return fmix(lo ^ fmix(hi + 0x9e3779b9));
}

export class SpatialSampler {
	/** The rate in effect: threshold / 2^24 (the asked-for rate rounded to that grid). */
	readonly rate: number;
	private readonly threshold: number;

	constructor(rate: number) {
		if (!(rate > 0 && rate <= 1)) throw new RangeError(`sampling rate ${rate} outside (0, 1]`);
		this.threshold = Math.max(1, Math.round(rate * MODULUS));
		this.rate = this.threshold / MODULUS;
	}

	/** In the sample: the top 24 bits of the page's hash fall below the threshold. */
	keep(page: number): boolean {
		return pageHash(page) >>> (32 - HASH_BITS) < this.threshold;
	}
}

/** Which half of the sample a page is in (the hash's lowest bit, independent of the threshold). */
export function sampleHalf(page: number): 0 | 1 {
	return (pageHash(page) & 1) as 0 | 1;
}
