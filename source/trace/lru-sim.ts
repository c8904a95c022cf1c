// The trace lab's fast path for exact LRU (issue 14's speed targets): the same faults and hits as
// TraceSim over the lru policy (sim/policies/lru.ts), with none of the general machinery. The list
// is two Int32Array links over frames, circular through a sentinel (index `capacity`), so neither a
// hit's move to the head nor the eviction of the tail branches on list ends; a page id finds its frame
// in one array (-1: not resident). No frame table, no reclaim context, no call per reference: one
// plain loop over a batch of ids. Used for lru runs by run.ts and simulatePages; tests check it
// against TraceSim reference by reference.
import type {Simulation} from './sim.js';

export class LruSim implements Simulation {
	readonly policyName = 'lru';
	readonly frameCount: number;
	/** Frames allocated: min(frameCount, the most distinct pages this run will see). */
	readonly capacity: number;
	references = 0;
	hits = 0;
	faults = 0;
	/** The frame of each page id, or -1; grown by reserve(). */
	private frameOf: Int32Array;
	/** The page id in each frame. */
	private readonly pageOf: Int32Array;
	/** Toward the tail (older) and toward the head (newer); index `capacity` is the sentinel. */
	private readonly older: Int32Array;
	private readonly newer: Int32Array;
	/** Frames used so far: they fill in order, and none is freed until all are used. */
	private used = 0;

	/** `capacity`: an upper bound on the distinct pages this run will see, when known. */
	constructor(frameCount: number, capacity = frameCount) {
		this.frameCount = frameCount;
		this.capacity = Math.max(1, Math.min(frameCount, capacity));
		this.frameOf = new Int32Array(Math.min(capacity, 1 << 12)).fill(-1);
		this.pageOf = new Int32Array(this.capacity);
		// Empty list: the sentinel links to itself.
		this.older = new Int32Array(this.capacity + 1).fill(this.capacity);
		this.newer = new Int32Array(this.capacity + 1).fill(this.capacity);
	}

	/** Make room for page ids below `distinct` (the driver calls it before each batch). */
	reserve(distinct: number): void {
		if (distinct <= this.frameOf.length) return;
		let size = this.frameOf.length * 2;
		while (size < distinct) size *= 2;
		const grown = new Int32Array(size).fill(-1);
		grown.set(this.frameOf);
		this.frameOf = grown;
	}

	/** Replay the references ids[from..to). */
	run(ids: Int32Array, from: number, to: number): void {
		const frameOf = this.frameOf;
		const pageOf = this.pageOf;
		const older = this.older;
		const newer = this.newer;
		const s = this.capacity;
		let used = this.used;
		let hits = 0;
		for (let i = from; i < to; i++) {
			const id = ids[i]!;
			let f = frameOf[id]!;
			if (f >= 0) {
				hits++;
				// Hot pages are hit again and again while already at the head.
				if (newer[s] === f) continue;
				const o = older[f]!;
				const n = newer[f]!;
				older[n] = o;
				newer[o] = n;
			} else if (used < s) {
				f = used++;
				pageOf[f] = id;
				frameOf[id] = f;
			} else {
				if (s < this.frameCount) {
					this.used = used;
					throw new Error(`trace sim: more distinct pages than its capacity ${s}`);
				}
				// The victim is the tail: the least recently used page.
				f = older[s]!;
				const o = older[f]!;
				older[s] = o;
				newer[o] = s;
				frameOf[pageOf[f]!] = -1;
				pageOf[f] = id;
				frameOf[id] = f;
			}
			// To the head (the newest end).
			const head = newer[s]!;
			newer[f] = head;
			older[f] = s;
			older[head] = f;
			newer[s] = f;
		}
		const n = to - from;
		this.faults += n - hits;
		this.hits += hits;
		this.used = used;
		this.references += n;
	}

	/** Pages resident now. */
	get resident(): number {
		return this.used;
	}

	/** Page ids from the most recently used to the least (tests). */
	order(): number[] {
		const out: number[] = [];
		const s = this.capacity;
		for (let f = this.newer[s]!; f !== s; f = this.newer[f]!) out.push(this.pageOf[f]!);
		return out;
	}
}
