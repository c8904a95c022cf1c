// OPT's whole miss-ratio curve in one pass over the stored trace: Mattson, Gecsei, Slutz and
// Traiger (IBM Systems Journal, 1970) showed that Belady's MIN is a stack algorithm too, with the
// priority "referenced again soonest". Their stack update, on a reference to x at depth d (or a
// first reference, d = the stack's size + 1): x goes to the top; the old top becomes the carry; for
// each depth i = 2 .. d-1 the page there and the carry are compared, the one referenced again
// sooner stays at depth i and the other becomes the carry; the carry lands at depth d. A reference
// hits with n frames exactly when its depth is at most n, so one histogram of depths gives the
// fault count for every frame count, equal to running MIN with each.
//
// Walking every depth would cost O(d) per reference. But the carry after depth i is always the
// page referenced again latest among depths 1..i, so a page moves only where it is a new maximum
// of next-use along the stack (a "record"): the records shift down one record each, the last into
// depth d, and every other page stays. A max segment tree over depths finds each next record in
// O(log d), so a reference costs O((records + 1) log d). Pages never referenced again tie (any
// order gives the same faults) and never displace each other.
import {NEVER} from './store.js';

export class OptStack {
	references = 0;
	cold = 0;
	/** hist[d]: references that hit at depth d (1-based). */
	hist: Float64Array = new Float64Array(1 << 10);
	maxDistance = 0;
	/** Depth (0-based) → page id. */
	private at = new Int32Array(1 << 10);
	/** Page id → depth (0-based), -1 when not on the stack. */
	private posOf: Int32Array;
	/** Page id → index of its next reference (NEVER: none). */
	private key: Int32Array;
	/** Max segment tree over depths: leaves at m + depth hold key[at[depth]], -1 when empty. */
	private seg = new Int32Array(2 << 10).fill(-1);
	private m = 1 << 10;
	private size = 0;
	/** References deeper than the limit (faults with every frame count tracked), not first ones. */
	private deep = 0;
	private readonly everSeen: Uint8Array;

	/** Depths tracked: the curve is exact up to `limit` frames (pages deeper count as faults). */
	readonly limit: number;

	constructor(distinct: number, limit = Number.POSITIVE_INFINITY) {
		this.limit = Math.max(1, Math.min(limit, Math.max(1, distinct)));
		this.posOf = new Int32Array(Math.max(1, distinct)).fill(-1);
		this.key = new Int32Array(Math.max(1, distinct));
		this.everSeen = new Uint8Array(Math.max(1, distinct));
	}

	/** Process stored references from..to with their next-use indices. */
	run(ids: Int32Array, nextUse: Int32Array, from: number, to: number): void {
		const posOf = this.posOf;
		const key = this.key;
		for (let i = from; i < to; i++) {
			const x = ids[i]!;
			const nx = nextUse[i]!;
			let d = posOf[x]!;
			key[x] = nx;
			if (d === 0) {
				this.hist[1]!++;
				this.setLeaf(0, nx);
				continue;
			}
			let drop = false;
			if (d < 0) {
				if (this.size < this.limit) {
					d = this.size++;
					if (this.size > this.m) this.grow();
				} else {
					// Deeper than the limit: the page falling off the bottom is forgotten.
					d = this.limit;
					drop = true;
				}
				if (this.everSeen[x] === 0) {
					this.everSeen[x] = 1;
					this.cold++;
				} else this.deep++;
			} else {
				const depth = d + 1;
				if (depth > this.maxDistance) {
					this.maxDistance = depth;
					if (depth >= this.hist.length) this.growHist(depth);
				}
				this.hist[depth]!++;
			}
			const at = this.at;
			let c = at[0]!;
			let cmax = key[c]!;
			at[0] = x;
			posOf[x] = 0;
			this.setLeaf(0, nx);
			if (d === 0) continue;
			let p = 0;
			while (cmax !== NEVER) {
				const q = this.firstGreater(p + 1, cmax);
				if (q < 0 || q >= d) break;
				const y = at[q]!;
				at[q] = c;
				posOf[c] = q;
				this.setLeaf(q, cmax);
				c = y;
				cmax = key[y]!;
				p = q;
			}
			if (drop) {
				posOf[c] = -1;
				continue;
			}
			at[d] = c;
			posOf[c] = d;
			this.setLeaf(d, cmax);
		}
		this.references += to - from;
	}

	/** Faults with each frame count; NaN beyond the limit. */
	faultsAt(frames: readonly number[]): number[] {
		const max = this.maxDistance;
		const suffix = new Float64Array(max + 2);
		for (let d = max; d >= 1; d--) suffix[d - 1] = suffix[d]! + this.hist[d]!;
		const whole = this.limit >= this.posOf.length;
		return frames.map((f) => {
			if (f > this.limit && !whole) return Number.NaN;
			return this.cold + this.deep + (f >= max ? 0 : suffix[Math.max(0, Math.floor(f))]!);
		});
	}

	private setLeaf(q: number, v: number): void {
		const seg = this.seg;
		let i = q + this.m;
		seg[i] = v;
		for (i >>= 1; i >= 1; i >>= 1) {
			const a = seg[2 * i]!;
			const b = seg[2 * i + 1]!;
			const mx = a > b ? a : b;
			if (seg[i] === mx) break;
			seg[i] = mx;
		}
	}

	/** The first depth ≥ lo whose key is greater than v, or -1. */
	private firstGreater(lo: number, v: number): number {
		const seg = this.seg;
		const m = this.m;
		if (lo >= m) return -1;
		let i = lo + m;
		while (seg[i]! <= v) {
			// On to the next subtree to the right: up while a right child, then across.
			while ((i & 1) === 1) i >>= 1;
			if (i === 0) return -1;
			i++;
		}
		while (i < m) {
			i <<= 1;
			if (seg[i]! <= v) i++;
		}
		return i - m;
	}

	private grow(): void {
		const m = this.m * 2;
		const at = new Int32Array(m);
		at.set(this.at);
		this.at = at;
		const seg = new Int32Array(2 * m).fill(-1);
		seg.set(this.seg.subarray(this.m, 2 * this.m), m);
		for (let i = m - 1; i >= 1; i--) seg[i] = Math.max(seg[2 * i]!, seg[2 * i + 1]!);
		this.seg = seg;
		this.m = m;
	}

	private growHist(d: number): void {
		let size = this.hist.length * 2;
		while (size <= d) size *= 2;
		const grown = new Float64Array(size);
		grown.set(this.hist);
		this.hist = grown;
	}
}
