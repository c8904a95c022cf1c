// The recorded trace that opt needs. Streaming policies forget each reference once counted; opt must
// know, at every reference, when the page is used next, so it needs the whole trace first.
// Cost: each reference is stored as a dense page id in a growable Int32Array (4 bytes, up to 8 while
// doubling), plus an Int32Array of next-use indices computed backwards after the pass (4 bytes);
// distinct pages cost about 24 bytes each in the id table and 4 in the backward pass.
import {NEVER} from './sim.js';

const EMPTY = -1;

export class TraceStore {
	/** Dense page ids (0, 1, 2... in order of first use), one per reference. */
	private ids = new Int32Array(1 << 16);
	length = 0;
	/** Growable page → id hash (open addressing, Float64 keys). */
	private keys = new Float64Array(1 << 12).fill(EMPTY);
	private vals = new Int32Array(1 << 12);
	private bits = 12;
	distinct = 0;

	append(refs: Float64Array, n: number): void {
		if (this.length + n > NEVER - 1) {
			throw new RangeError(`opt can replay at most ${NEVER - 1} references`);
		}
		if (this.length + n > this.ids.length) {
			let cap = this.ids.length;
			while (cap < this.length + n) cap *= 2;
			const grown = new Int32Array(Math.min(cap, NEVER));
			grown.set(this.ids.subarray(0, this.length));
			this.ids = grown;
		}
		const ids = this.ids;
		let len = this.length;
		for (let i = 0; i < n; i++) ids[len++] = this.idOf(refs[i]!);
		this.length = len;
	}

	/** The references as dense ids, and for each the index of the next reference to the same page. */
	finish(): {ids: Int32Array; nextUse: Int32Array} {
		const n = this.length;
		const ids = this.ids.subarray(0, n);
		const nextUse = new Int32Array(n);
		const last = new Int32Array(this.distinct).fill(NEVER);
		for (let i = n - 1; i >= 0; i--) {
			const id = ids[i]!;
			nextUse[i] = last[id]!;
			last[id] = i;
		}
		return {ids, nextUse};
	}

	private idOf(page: number): number {
		const keys = this.keys;
		const mask = keys.length - 1;
		const lo = page >>> 0;
		const hi = (page - lo) / 4294967296;
		let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (32 - this.bits);
		for (;;) {
			const k = keys[h]!;
			if (k === page) return this.vals[h]!;
			if (k === EMPTY) break;
			h = (h + 1) & mask;
		}
		const id = this.distinct++;
		keys[h] = page;
		this.vals[h] = id;
		if (this.distinct * 2 > keys.length) this.grow();
		return id;
	}

	private grow(): void {
		const oldKeys = this.keys;
		const oldVals = this.vals;
		this.bits++;
		if (this.bits > 30) throw new RangeError('too many distinct pages for opt');
		const keys = new Float64Array(1 << this.bits).fill(EMPTY);
		const vals = new Int32Array(1 << this.bits);
		const mask = keys.length - 1;
		const shift = 32 - this.bits;
		for (let i = 0; i < oldKeys.length; i++) {
			const page = oldKeys[i]!;
			if (page === EMPTY) continue;
			const lo = page >>> 0;
			const hi = (page - lo) / 4294967296;
			let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> shift;
			while (keys[h] !== EMPTY) h = (h + 1) & mask;
			keys[h] = page;
			vals[h] = oldVals[i]!;
		}
		this.keys = keys;
		this.vals = vals;
	}
}
