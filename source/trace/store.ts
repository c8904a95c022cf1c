// The recorded trace, for what needs more than one pass or the future: opt (next use of every
// reference), opt's and the per-size policies' miss-ratio curves, and simulations with more frames
// than the first part of the trace has pages (made after the pass, sized by its distinct pages).
// References are kept as dense page ids (page-ids.ts) in chunks of 1 Mi ids, 4 bytes each; finish()
// joins them into shared memory (worker threads read it in place) and computes, backwards, the index
// of each reference's next reference to the same page (4 bytes more). So 8 bytes per reference,
// and at most MAX_STORED references: past that, append() returns false and the store is dropped.

/** A stored trace's "never referenced again". */
export const NEVER = 0x7fffffff;

/** The most references kept: 2^25 (256 MiB with their next uses). */
export const MAX_STORED = 1 << 25;

const CHUNK = 1 << 20;

export interface StoredTrace {
	/** Dense page ids, one per reference (on a SharedArrayBuffer). */
	ids: Int32Array;
	/** The index of the next reference to the same page, or NEVER (on a SharedArrayBuffer). */
	nextUse: Int32Array;
	/** Distinct pages: ids are 0 .. distinct - 1. */
	distinct: number;
}

export class TraceStore {
	private chunks: Int32Array[] = [];
	length = 0;
	/** Ids seen: one more than the largest. */
	distinct = 0;
	overflowed = false;

	constructor(private readonly limit = MAX_STORED) {}

	/** Keep `n` ids; false (and nothing kept from then on) once the trace is longer than the limit. */
	append(ids: Int32Array, n: number, distinct: number): boolean {
		if (this.overflowed) return false;
		if (this.length + n > this.limit) {
			this.overflowed = true;
			this.chunks = [];
			return false;
		}
		this.distinct = Math.max(this.distinct, distinct);
		let i = 0;
		while (i < n) {
			const at = this.length % CHUNK;
			if (at === 0) this.chunks.push(new Int32Array(CHUNK));
			const chunk = this.chunks[this.chunks.length - 1]!;
			const take = Math.min(n - i, CHUNK - at);
			chunk.set(ids.subarray(i, i + take), at);
			i += take;
			this.length += take;
		}
		return true;
	}

	/** The references so far, from `from` to `to`, into a sink (replay while still recording). */
	replay(from: number, to: number, sink: (ids: Int32Array, n: number) => void): void {
		for (let at = from; at < to; ) {
			const c = Math.floor(at / CHUNK);
			const off = at % CHUNK;
			const take = Math.min(to - at, CHUNK - off);
			sink(this.chunks[c]!.subarray(off, off + take), take);
			at += take;
		}
	}

	/** Join the chunks into shared memory and compute next uses; the store is empty afterwards. */
	finish(): StoredTrace {
		if (this.overflowed) throw new Error('the trace store overflowed');
		const n = this.length;
		const ids = new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4)), 0, n);
		for (let c = 0; c < this.chunks.length; c++) {
			const start = c * CHUNK;
			ids.set(this.chunks[c]!.subarray(0, Math.min(CHUNK, n - start)), start);
			// Let each chunk go as soon as it is copied.
			this.chunks[c] = new Int32Array(0);
		}
		this.chunks = [];
		this.length = 0;
		return {ids, nextUse: nextUses(ids, this.distinct), distinct: this.distinct};
	}
}

/** For every reference, the index of the next reference to the same id (NEVER: none). */
export function nextUses(ids: Int32Array, distinct: number): Int32Array {
	const n = ids.length;
	const nextUse = new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4)), 0, n);
	const last = new Int32Array(distinct).fill(NEVER);
	for (let i = n - 1; i >= 0; i--) {
		const id = ids[i]!;
		nextUse[i] = last[id]!;
		last[id] = i;
	}
	return nextUse;
}

/** Store a whole array of page ids at once (tests, small tools, binary traces). */
export function storeIds(ids: Int32Array, distinct: number): StoredTrace {
	const shared = new Int32Array(new SharedArrayBuffer(Math.max(4, ids.length * 4)), 0, ids.length);
	shared.set(ids);
	return {ids: shared, nextUse: nextUses(shared, distinct), distinct};
}
