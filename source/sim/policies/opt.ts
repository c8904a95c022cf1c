// OPT (Belady's MIN): evict the page whose next use is farthest in the future; pages never used
// again go first. It needs the future, so only the trace lab can run it: the trace driver records
// the whole trace, computes each reference's next use, and hands it over with setNextUse() before
// every inserted()/accessed(). Frames sit in a binary max-heap keyed by next use: O(log frames)
// per reference.
import type {FrameTable} from '../frames.js';
import {
	EVICTED,
	type LruCounts,
	type PolicyInfo,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
} from './policy.js';

/** The opt-specific driver hook: when the page now in `frame` is referenced next (Infinity: never). */
export interface NeedsFuture {
	setNextUse(frame: number, when: number): void;
}

export function needsFuture(policy: ReplacementPolicy): policy is ReplacementPolicy & NeedsFuture {
	return typeof (policy as Partial<NeedsFuture>).setNextUse === 'function';
}

export class OptPolicy implements ReplacementPolicy, NeedsFuture {
	readonly name = 'opt';
	readonly needsEveryAccess = true;
	private frames: FrameTable | undefined;
	/** Next use of the page in each frame. */
	private key = new Float64Array(0);
	/** heap[0] is the frame used farthest in the future. */
	private heap = new Int32Array(0);
	/** Index of each frame in heap, or -1. */
	private pos = new Int32Array(0);
	private size = 0;

	attach(frames: FrameTable): void {
		this.frames = frames;
		this.key = new Float64Array(frames.count).fill(Number.POSITIVE_INFINITY);
		this.heap = new Int32Array(frames.count);
		this.pos = new Int32Array(frames.count).fill(-1);
		this.size = 0;
	}

	setNextUse(frame: number, when: number): void {
		this.key[frame] = when;
	}

	inserted(frame: number, _activate: boolean): void {
		if (this.pos[frame]! >= 0) {
			this.accessed(frame);
			return;
		}
		const i = this.size++;
		this.heap[i] = frame;
		this.pos[frame] = i;
		this.siftUp(i);
	}

	accessed(frame: number): void {
		const i = this.pos[frame]!;
		if (i < 0) return;
		// Next use only moves forward, so the key grew: up is the usual direction.
		this.siftDown(this.siftUp(i));
	}

	removed(frame: number): void {
		const i = this.pos[frame]!;
		if (i < 0) return;
		this.pos[frame] = -1;
		const last = --this.size;
		if (i === last) return;
		const moved = this.heap[last]!;
		this.heap[i] = moved;
		this.pos[moved] = i;
		this.siftDown(this.siftUp(i));
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		const frames = ctx.frames;
		const stats = ctx.stats;
		let budget = this.size >> priority;
		let freed = 0;
		// Frames that could not go are taken off the heap while we look further, then put back.
		let kept: number[] | undefined;
		while (freed < target && budget > 0 && this.size > 0) {
			budget--;
			const f = this.heap[0]!;
			const anon = frames.isSwapBacked(f);
			if (anon) stats.scannedAnon++;
			else stats.scannedFile++;
			this.removed(f);
			if (ctx.evict(f) === EVICTED) {
				freed++;
				if (anon) stats.reclaimedAnon++;
				else stats.reclaimedFile++;
			} else {
				kept ??= [];
				kept.push(f);
			}
		}
		if (kept) for (const f of kept) this.inserted(f, false);
		return freed;
	}

	counts(out: LruCounts): void {
		out.activeAnon = 0;
		out.inactiveAnon = 0;
		out.activeFile = 0;
		out.inactiveFile = 0;
		out.unevictable = 0;
		const frames = this.frames;
		if (!frames) return;
		for (let i = 0; i < this.size; i++) {
			if (frames.isSwapBacked(this.heap[i]!)) out.inactiveAnon++;
			else out.inactiveFile++;
		}
	}

	save(): PolicyState {
		return {key: this.key.slice(), heap: this.heap.slice(), pos: this.pos.slice(), size: this.size};
	}

	load(state: PolicyState): void {
		const {key, heap, pos, size} = state;
		if (
			!(key instanceof Float64Array) ||
			!(heap instanceof Int32Array) ||
			!(pos instanceof Int32Array) ||
			typeof size !== 'number' ||
			key.length !== this.key.length
		) {
			throw new Error('opt state does not match this frame table');
		}
		this.key.set(key);
		this.heap.set(heap);
		this.pos.set(pos);
		this.size = size;
	}

	private siftUp(i: number): number {
		const heap = this.heap;
		const pos = this.pos;
		const key = this.key;
		const f = heap[i]!;
		const k = key[f]!;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			const pf = heap[parent]!;
			if (key[pf]! >= k) break;
			heap[i] = pf;
			pos[pf] = i;
			i = parent;
		}
		heap[i] = f;
		pos[f] = i;
		return i;
	}

	private siftDown(i: number): void {
		const heap = this.heap;
		const pos = this.pos;
		const key = this.key;
		const n = this.size;
		const f = heap[i]!;
		const k = key[f]!;
		for (;;) {
			let c = 2 * i + 1;
			if (c >= n) break;
			if (c + 1 < n && key[heap[c + 1]!]! > key[heap[c]!]!) c++;
			const cf = heap[c]!;
			if (key[cf]! <= k) break;
			heap[i] = cf;
			pos[cf] = i;
			i = c;
		}
		heap[i] = f;
		pos[f] = i;
	}
}

export const optPolicy: PolicyInfo = {
	name: 'opt',
	description: "Belady's optimal: evict the page used farthest in the future (trace lab only)",
	traceOnly: true,
	create: () => new OptPolicy(),
};
