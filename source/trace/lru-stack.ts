// LRU's whole miss-ratio curve in one pass: Mattson, Gecsei, Slutz and Traiger, "Evaluation
// techniques for storage hierarchies" (IBM Systems Journal, 1970). LRU is a stack algorithm: the
// pages resident with n frames are the n most recently used, so a reference hits with n frames
// exactly when its stack distance (the number of distinct pages referenced since the last reference
// to the same page, itself included) is at most n. One histogram of stack distances gives the fault
// count for every frame count at once: faults(n) = cold misses + references with distance > n.
//
// Distances come from counting, over time positions, the 1s marking each page's latest reference:
// the distance is the number of 1s from the page's last position to now. The marks are a bitmap
// (32 positions a word) with a Fenwick (binary indexed) tree over the words' counts (Bennett and
// Kruskal's idea, 1975), so both stay small enough for the processor's cache: a distance is
// the number of pages seen less the marks before the page's last position (a popcount and a Fenwick
// prefix sum, about half of log2(positions / 32) steps), and clearing a mark walks up only through
// nodes that exist (about log2 of how long ago the page was used, less 5). The tree is only ever
// appended to: a word's node is made when the word fills, as the sum of its existing children
// (amortised O(1)). A page used again at once keeps its mark. When the positions run out the live
// ones are renumbered 0..live-1 in order, each page's new position being the marks before its old
// one (no record of which page is at each position: the loop writes nothing per reference but the
// marks, the tree, the page's last position and its distance's count). Memory: 0.25 bytes per
// position, positions at most 8 × distinct pages + 64 Ki, 4 bytes per page for its last position
// and 12 per distance bucket (32-bit counts in the loop, folded into 64-bit totals before they could
// overflow). O(n log n) time.

/** Positions at least (2^16: 8 KiB of marks), and this many times the live pages after compaction. */
const MIN_POSITIONS = 1 << 16;
const SPREAD = 8;

function popcount(x: number): number {
	x -= (x >>> 1) & 0x55555555;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	x = (x + (x >>> 4)) & 0x0f0f0f0f;
	return Math.imul(x, 0x01010101) >>> 24;
}

export class LruStack {
	/** References seen. */
	references = 0;
	/** First references (faults with any number of frames). */
	cold = 0;
	/** counts[d]: references with stack distance d (1-based) since the last fold into `totals`. */
	private counts = new Uint32Array(1 << 10);
	private totals = new Float64Array(1 << 10);
	/** References counted since the last fold: below 2^32, so no count overflows. */
	private sinceFold = 0;
	/** Largest distance seen. */
	maxDistance = 0;
	/** One bit per time position: set at each page's latest reference. */
	private bits = new Int32Array(MIN_POSITIONS >>> 5);
	/** Fenwick tree over the completed words' counts, 1-based (node w + 1 is word w). */
	private fen = new Int32Array((MIN_POSITIONS >>> 5) + 1);
	/** Positions before the next compaction (32 × the words of `bits`). */
	private cap = MIN_POSITIONS;
	/** Ids seen are below this (the largest `distinct` given). */
	private ids = 0;
	/** One more than the position of each page's latest reference, 0 for none (by page id). */
	private last = new Int32Array(1 << 12);
	/** The next free position (0-based). */
	private t = 0;
	/** Distinct pages seen (live positions). */
	private live = 0;

	/** Feed ids[0..n); `distinct`: ids are below it. */
	push(ids: Int32Array, n: number, distinct: number): void {
		if (distinct > this.last.length) this.growPages(distinct);
		if (distinct > this.ids) this.ids = distinct;
		// A distance is at most the pages seen: with room for `distinct`, the loop never checks.
		if (distinct >= this.counts.length) this.growHist(distinct);
		if (this.sinceFold + n > 0xffffffff) this.fold();
		this.sinceFold += n;
		for (let k = 0; k < n; ) {
			if (this.t === this.cap) this.compact();
			// As many references as there are free positions: the loop never checks for compaction.
			const to = Math.min(n, k + this.cap - this.t);
			this.span(ids, k, to);
			k = to;
		}
		this.references += n;
	}

	/** Feed ids[from..to), which fit in the free positions. */
	private span(ids: Int32Array, from: number, to: number): void {
		const bits = this.bits;
		const fen = this.fen;
		const last = this.last;
		const hist = this.counts;
		let t = this.t;
		let maxD = this.maxDistance;
		let live = this.live;
		const live0 = live;
		for (let k = from; k < to; k++) {
			const id = ids[k]!;
			const p = last[id]! - 1;
			if (p >= 0) {
				if (p === t - 1) {
					// Used again at once: distance 1, nothing moves.
					hist[1]!++;
					continue;
				}
				// Distance: the marks in positions p .. t-1, which are all the marks (one per page seen)
				// less those before p: the words before p's (Fenwick prefix) and p's word below p.
				const wp = p >>> 5;
				const bit = 1 << (p & 31);
				const word = bits[wp]!;
				const wc = t >>> 5;
				let d: number;
				if (wc - wp < 2) {
					// p is in the current word or the one before: count the marks from p on directly.
					d = popcount(word >>> (p & 31));
					if (wc !== wp) d += popcount(bits[wc]!);
				} else {
					d = live - popcount(word & (bit - 1));
					for (let i = wp; i > 0; i &= i - 1) d -= fen[i]!;
				}
				if (d > maxD) maxD = d;
				hist[d]!++;
				// Clear position p: its bit, and its word's count in the nodes that exist (words < t's).
				bits[wp] = word & ~bit;
				for (let i = wp + 1; i <= wc; i += i & -i) fen[i]!--;
			} else {
				live++;
			}
			// Mark position t; a word that fills gets its node: its count plus its children's.
			const w = t >>> 5;
			const word = bits[w]! | (1 << (t & 31));
			bits[w] = word;
			if ((t & 31) === 31) {
				const i = w + 1;
				let v = popcount(word);
				const low = i & -i;
				for (let c = 1; c < low; c <<= 1) v += fen[i - c]!;
				fen[i] = v;
			}
			t++;
			last[id] = t;
		}
		this.cold += live - live0;
		this.t = t;
		this.live = live;
		this.maxDistance = maxD;
	}

	/** Faults with `frames` frames. */
	faults(frames: number): number {
		let misses = this.cold;
		const hist = this.hist;
		for (let d = Math.max(1, Math.floor(frames) + 1); d <= this.maxDistance; d++) misses += hist[d]!;
		return misses;
	}

	/** Faults for each frame count in `frames` (ascending or not), with one suffix sum. */
	faultsAt(frames: readonly number[]): number[] {
		const suffix = this.suffix();
		return frames.map((f) => this.cold + (f >= this.maxDistance ? 0 : suffix[Math.max(0, Math.floor(f))]!));
	}

	/** suffix[f] = references with distance > f, for f = 0 .. maxDistance. */
	suffix(): Float64Array {
		const max = this.maxDistance;
		const out = new Float64Array(max + 2);
		const hist = this.hist;
		for (let d = max; d >= 1; d--) out[d - 1] = out[d]! + hist[d]!;
		return out;
	}

	private growPages(distinct: number): void {
		let size = this.last.length * 2;
		while (size < distinct) size *= 2;
		const grown = new Int32Array(size);
		grown.set(this.last);
		this.last = grown;
	}

	/** hist[d]: references with stack distance d (1-based). */
	get hist(): Float64Array {
		this.fold();
		return this.totals;
	}

	/** Add the 32-bit counts into the totals. */
	private fold(): void {
		const counts = this.counts;
		const totals = this.totals;
		for (let d = 0; d <= this.maxDistance; d++) {
			totals[d] = totals[d]! + counts[d]!;
			counts[d] = 0;
		}
		this.sinceFold = 0;
	}

	private growHist(d: number): void {
		let size = this.counts.length * 2;
		while (size <= d) size *= 2;
		const counts = new Uint32Array(size);
		counts.set(this.counts);
		this.counts = counts;
		const totals = new Float64Array(size);
		totals.set(this.totals);
		this.totals = totals;
	}

	/**
	 * Renumber the live positions 0..live-1 in time order; room for at least as many more. A page's
	 * new position is the number of marks before its old one: a running count over the words, then
	 * one popcount per page, so no array of who is at each position is needed.
	 */
	private compact(): void {
		const oldBits = this.bits;
		const used = (this.t + 31) >>> 5;
		const before = new Int32Array(used);
		let q = 0;
		for (let w = 0; w < used; w++) {
			before[w] = q;
			q += popcount(oldBits[w]!);
		}
		const last = this.last;
		for (let id = 0; id < this.ids; id++) {
			const p = last[id]! - 1;
			if (p < 0) continue;
			const w = p >>> 5;
			last[id] = before[w]! + popcount(oldBits[w]! & ((1 << (p & 31)) - 1)) + 1;
		}
		// A multiple of 32: words are whole.
		const cap = Math.max(MIN_POSITIONS, SPREAD * q + 31) & ~31;
		const words = cap >>> 5;
		const bits = new Int32Array(words);
		for (let w = 0; w < q >>> 5; w++) bits[w] = -1;
		if ((q & 31) !== 0) bits[q >>> 5] = (1 << (q & 31)) - 1;
		// Nodes for the full words (all of them but the one position q is in).
		const fen = new Int32Array(words + 1);
		const full = q >>> 5;
		for (let i = 1; i <= full; i++) fen[i] = 32 * (i & -i);
		this.bits = bits;
		this.fen = fen;
		this.cap = cap;
		this.t = q;
	}
}
