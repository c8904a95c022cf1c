// LFU: evict the resident page used least often; among pages used equally often, the one that
// reached that count first. Counts start at 1 when a page is loaded and are forgotten when it is
// evicted (in-cache LFU, no aging: a page that was hot long ago stays until colder pages are gone,
// the policy's known weakness). O(1) per access with frequency buckets (Shah, Mitra, Matani, "An
// O(1) algorithm for implementing the LFU cache eviction scheme", 2010): buckets of equal count in
// a list by count, each a FIFO of its frames; a hit moves the frame to the tail of the bucket one
// count up, made if missing. Needs every access (needsEveryAccess).
import type {FrameTable} from '../frames.js';
import {loadArray, loadNumber, SKIPPED, tryEvict} from './ghosts.js';
import {
	EVICTED,
	type LruCounts,
	type PolicyInfo,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
	SplitCounts,
} from './policy.js';

class LfuPolicy implements ReplacementPolicy {
	readonly name = 'lfu';
	readonly needsEveryAccess = true;
	private frames: FrameTable | undefined;
	/** Buckets (and the bucket list's sentinel id). */
	private n = 0;
	/** Frame links within its bucket (-1 at the ends) and each frame's bucket (-1: not resident). */
	private fprev = new Int32Array(0);
	private fnext = new Int32Array(0);
	private bucketOf = new Int32Array(0);
	/** Buckets 0 .. n-1: first and last frame, count; bucket list by count, sentinel n. */
	private bhead = new Int32Array(0);
	private btail = new Int32Array(0);
	private bfreq = new Float64Array(0);
	private bprev = new Int32Array(0);
	private bnext = new Int32Array(0);
	private bfree = new Int32Array(0);
	private bfreeTop = 0;
	private size = 0;
	/** counts(): pages used more than once are reported active. */
	private readonly counted = new SplitCounts();

	attach(frames: FrameTable): void {
		const n = frames.count;
		this.frames = frames;
		this.fprev = new Int32Array(n).fill(-1);
		this.fnext = new Int32Array(n).fill(-1);
		this.bucketOf = new Int32Array(n).fill(-1);
		// One bucket more than frames: a hit makes the next bucket before its old one may empty.
		const nb = n + 1;
		this.n = nb;
		this.bhead = new Int32Array(nb).fill(-1);
		this.btail = new Int32Array(nb).fill(-1);
		this.bfreq = new Float64Array(nb);
		this.bprev = new Int32Array(nb + 1).fill(nb);
		this.bnext = new Int32Array(nb + 1).fill(nb);
		this.bfree = new Int32Array(nb);
		for (let i = 0; i < nb; i++) this.bfree[i] = nb - 1 - i;
		this.bfreeTop = nb;
		this.size = 0;
		this.counted.attach(n);
	}

	/** A new bucket of count `freq` right after bucket `after` (or the sentinel). */
	private newBucket(after: number, freq: number): number {
		const b = this.bfree[--this.bfreeTop]!;
		this.bfreq[b] = freq;
		this.bhead[b] = -1;
		this.btail[b] = -1;
		const next = this.bnext[after]!;
		this.bnext[after] = b;
		this.bprev[b] = after;
		this.bnext[b] = next;
		this.bprev[next] = b;
		return b;
	}

	private append(b: number, f: number): void {
		const t = this.btail[b]!;
		this.fprev[f] = t;
		this.fnext[f] = -1;
		if (t >= 0) this.fnext[t] = f;
		else this.bhead[b] = f;
		this.btail[b] = f;
		this.bucketOf[f] = b;
	}

	/** Take f out of its bucket; an emptied bucket goes back to the pool. */
	private unlink(f: number): void {
		const b = this.bucketOf[f]!;
		const p = this.fprev[f]!;
		const nx = this.fnext[f]!;
		if (p >= 0) this.fnext[p] = nx;
		else this.bhead[b] = nx;
		if (nx >= 0) this.fprev[nx] = p;
		else this.btail[b] = p;
		this.bucketOf[f] = -1;
		if (this.bhead[b] === -1) {
			const bp = this.bprev[b]!;
			const bn = this.bnext[b]!;
			this.bnext[bp] = bn;
			this.bprev[bn] = bp;
			this.bfree[this.bfreeTop++] = b;
		}
	}

	inserted(frame: number, _activate: boolean): void {
		if (this.bucketOf[frame]! >= 0) return;
		const first = this.bnext[this.n]!;
		const b = first !== this.n && this.bfreq[first] === 1 ? first : this.newBucket(this.n, 1);
		this.append(b, frame);
		this.size++;
		this.counted.add(this.frames!, frame, false);
	}

	accessed(frame: number): void {
		const b = this.bucketOf[frame]!;
		if (b < 0) return;
		const freq = this.bfreq[b]! + 1;
		const nb = this.bnext[b]!;
		// Make the bucket one count up before b may empty and be freed.
		const target = nb !== this.n && this.bfreq[nb] === freq ? nb : this.newBucket(b, freq);
		this.unlink(frame);
		this.append(target, frame);
		if (freq === 2) this.counted.setActive(frame, true);
	}

	removed(frame: number): void {
		if (this.bucketOf[frame]! < 0) return;
		this.unlink(frame);
		this.size--;
		this.counted.remove(frame);
	}

	/** The frame after f in eviction order (its bucket, then the next bucket), or -1. */
	private after(f: number): number {
		const nx = this.fnext[f]!;
		if (nx >= 0) return nx;
		const nb = this.bnext[this.bucketOf[f]!]!;
		return nb === this.n ? -1 : this.bhead[nb]!;
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		let budget = this.size >> priority;
		let freed = 0;
		const first = this.bnext[this.n]!;
		let f = first === this.n ? -1 : this.bhead[first]!;
		while (f >= 0 && freed < target && budget > 0) {
			const next = this.after(f);
			const r = tryEvict(ctx, f);
			if (r !== SKIPPED) {
				budget--;
				if (r === EVICTED) {
					this.removed(f);
					freed++;
				}
			}
			f = next;
		}
		return freed;
	}

	counts(out: LruCounts): void {
		this.counted.fill(out);
	}

	save(): PolicyState {
		return {
			fprev: this.fprev.slice(),
			fnext: this.fnext.slice(),
			bucketOf: this.bucketOf.slice(),
			bhead: this.bhead.slice(),
			btail: this.btail.slice(),
			bfreq: this.bfreq.slice(),
			bprev: this.bprev.slice(),
			bnext: this.bnext.slice(),
			bfree: this.bfree.slice(),
			bfreeTop: this.bfreeTop,
			size: this.size,
		};
	}

	load(state: PolicyState): void {
		for (const name of ['fprev', 'fnext', 'bucketOf', 'bhead', 'btail', 'bprev', 'bnext', 'bfree'] as const) {
			loadArray(state, name, this[name]);
		}
		loadArray(state, 'bfreq', this.bfreq);
		this.bfreeTop = loadNumber(state, 'bfreeTop');
		this.size = loadNumber(state, 'size');
		this.counted.rebuild(
			this.frames!,
			(f) => this.bucketOf[f]! >= 0,
			(f) => this.bfreq[this.bucketOf[f]!]! > 1,
		);
	}
}

export const lfuPolicy: PolicyInfo = {
	name: 'lfu',
	description:
		'least frequently used: evict the page used least often since it was loaded (sees every access)',
	traceOnly: false,
	create: () => new LfuPolicy(),
};
