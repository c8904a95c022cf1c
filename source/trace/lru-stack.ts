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
// nodes that exist (about log2 of how long ago the page was used, less 5). The tree is only ever appended to: a word's node is made when the
// word fills, as the sum of its existing children (amortised O(1)). A page used again at once keeps
// its mark. When the positions run out the live ones are renumbered 0..live-1 in order. Memory:
// about 4.25 bytes per position (the page at each, for renumbering), positions at most 8 × distinct
// pages + 64 Ki, 4 bytes per page for its last position and 8 per distance bucket. O(n log n) time.

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
	/** hist[d]: references with stack distance d (1-based). */
	hist: Float64Array = new Float64Array(1 << 10);
	/** Largest distance seen. */
	maxDistance = 0;
	/** One bit per time position: set at each page's latest reference. */
	private bits = new Int32Array(1 << 11);
	/** Fenwick tree over the completed words' counts, 1-based (node w + 1 is word w). */
	private fen = new Int32Array((1 << 11) + 1);
	/** The page whose reference each position is. */
	private owner = new Int32Array(1 << 16);
	/** One more than the position of each page's latest reference, 0 for none (by page id). */
	private last = new Int32Array(1 << 12);
	/** The next free position (0-based). */
	private t = 0;
	/** Distinct pages seen (live positions). */
	private live = 0;

	/** Feed ids[0..n); `distinct`: ids are below it. */
	push(ids: Int32Array, n: number, distinct: number): void {
		if (distinct > this.last.length) this.growPages(distinct);
		let bits = this.bits;
		let fen = this.fen;
		let owner = this.owner;
		const last = this.last;
		let hist = this.hist;
		let t = this.t;
		let cap = owner.length;
		let maxD = this.maxDistance;
		let cold = 0;
		let live = this.live;
		for (let k = 0; k < n; k++) {
			if (t === cap) {
				this.t = t;
				this.live = live;
				this.compact();
				bits = this.bits;
				fen = this.fen;
				owner = this.owner;
				t = this.t;
				cap = owner.length;
			}
			const id = ids[k]!;
			const p = last[id]! - 1;
			if (p >= 0) {
				const q = t - 1;
				if (p === q) {
					// Used again at once: distance 1, nothing moves.
					hist[1]!++;
					continue;
				}
				// Distance: the marks in positions p .. t-1, which are all the marks (one per page seen)
				// less those before p: the words before p's (Fenwick prefix) and p's word below p.
				const wp = p >>> 5;
				let d = live - popcount(bits[wp]! & ((1 << (p & 31)) - 1));
				for (let i = wp; i > 0; i &= i - 1) d -= fen[i]!;
				if (d > maxD) {
					maxD = d;
					if (d >= hist.length) {
						this.maxDistance = maxD;
						hist = this.growHist(d);
					}
				}
				hist[d]!++;
				// Clear position p: its bit, and its word's count in the nodes that exist (words < t's).
				bits[wp] = bits[wp]! & ~(1 << (p & 31));
				const wc = t >>> 5;
				for (let i = wp + 1; i <= wc; i += i & -i) fen[i]!--;
			} else {
				cold++;
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
			owner[t] = id;
			t++;
			last[id] = t;
		}
		this.t = t;
		this.live = live;
		this.cold += cold;
		this.maxDistance = maxD;
		this.references += n;
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
		for (let d = max; d >= 1; d--) out[d - 1] = out[d]! + this.hist[d]!;
		return out;
	}

	private growPages(distinct: number): void {
		let size = this.last.length * 2;
		while (size < distinct) size *= 2;
		const grown = new Int32Array(size);
		grown.set(this.last);
		this.last = grown;
	}

	private growHist(d: number): Float64Array {
		let size = this.hist.length * 2;
		while (size <= d) size *= 2;
		const grown = new Float64Array(size);
		grown.set(this.hist);
		this.hist = grown;
		return grown;
	}

	/** Renumber the live positions 0..live-1 in time order; room for at least as many more. */
	private compact(): void {
		const oldOwner = this.owner;
		const last = this.last;
		// A multiple of 32: words are whole.
		const cap = Math.max(1 << 16, 8 * this.live + 31) & ~31;
		const owner = cap === oldOwner.length ? oldOwner : new Int32Array(cap);
		let q = 0;
		for (let p = 0; p < this.t; p++) {
			const id = oldOwner[p]!;
			if (last[id] !== p + 1) continue;
			owner[q] = id;
			q++;
			last[id] = q;
		}
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
		this.owner = owner;
		this.t = q;
	}
}
