// S3-FIFO: Yang, Zhang, Qiu, Yue, Rashmi, "FIFO queues are all you need for cache eviction",
// SOSP'23. Three FIFO queues: S (small, 10% of the frames), M (main, the rest) and G (ghost keys of
// pages evicted from S, as many as 90% of the frames), and a 2-bit use count per page, capped at 3.
// - insert: a page whose key is in G goes to M's head (its ghost removed); any other to S's head;
//   either way with count 0.
// - hit: count + 1 (at most 3). Nothing moves.
// - evict: from M when M holds more than its share or S is empty, else from S.
//   From S: the tail page with count ≥ 2 moves to M's head (count 0), and so on, until a tail page
//   with a count below 2 is evicted, its key entering G (the oldest key leaves when G is full).
//   From M: the tail page with count ≥ 1 goes back to M's head with its count less one (CLOCK with
//   a 2-bit counter); the first with count 0 is evicted.
// These are the paper's Algorithm 1 and libCacheSim's defaults (move-to-main threshold 2).
// Needs every access for its counts (needsEveryAccess).
import type {FrameTable} from '../frames.js';
import {
	CountedLists,
	Ghosts,
	loadArray,
	loadListsAs,
	pageKey,
	type SeesFaults,
	saveListsAs,
	tryEvict,
} from './ghosts.js';
import {
	EVICTED,
	type LruCounts,
	type PolicyInfo,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
} from './policy.js';

const S = 0;
const M = 1;
const G = 2;

class S3FifoPolicy implements ReplacementPolicy, SeesFaults {
	readonly name = 's3fifo';
	readonly needsEveryAccess = true;
	private frames: FrameTable | undefined;
	private lists!: CountedLists;
	private ghosts = new Ghosts(0, 1);
	private freq = new Uint8Array(0);
	private mShare = 1;
	/** An announced fault: its key and whether it was in G (looked up before eviction, as libCacheSim). */
	private pendingKey = -1;
	private pendingHit = false;

	attach(frames: FrameTable): void {
		const n = frames.count;
		this.frames = frames;
		const small = Math.max(1, Math.floor(n / 10));
		this.mShare = Math.max(0, n - small);
		const ghosts = Math.max(1, Math.floor((n * 9) / 10));
		this.lists = new CountedLists(frames, n + ghosts, 3, [S, M], [M]);
		this.ghosts = new Ghosts(n, ghosts);
		this.freq = new Uint8Array(n);
	}

	faulting(key: number): void {
		this.pendingKey = key;
		this.pendingHit = this.takeGhost(key);
	}

	private takeGhost(key: number): boolean {
		const g = this.ghosts.find(key);
		if (g < 0) return false;
		this.lists.remove(g);
		this.ghosts.remove(g);
		return true;
	}

	inserted(frame: number, _activate: boolean): void {
		const lists = this.lists;
		if (lists.listOf[frame]! >= 0) return;
		this.freq[frame] = 0;
		const key = pageKey(this.frames!, frame);
		const hit = this.pendingKey === key ? this.pendingHit : this.takeGhost(key);
		this.pendingKey = -1;
		if (hit) {
			lists.addHead(M, frame);
		} else {
			lists.addHead(S, frame);
		}
	}

	accessed(frame: number): void {
		if (this.freq[frame]! < 3) this.freq[frame]!++;
	}

	removed(frame: number): void {
		this.lists.remove(frame);
	}

	private remember(key: number): void {
		const lists = this.lists;
		if (this.ghosts.size === this.ghosts.capacity) {
			const old = lists.tail(G);
			lists.remove(old);
			this.ghosts.remove(old);
		}
		lists.addHead(G, this.ghosts.add(key));
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		const lists = this.lists;
		const freq = this.freq;
		// Each page may be moved or aged up to three times before one goes.
		let budget = (4 * (lists.size(S) + lists.size(M))) >> priority;
		let freed = 0;
		let fromS = false;
		while (freed < target && budget > 0 && lists.size(S) + lists.size(M) > 0) {
			budget--;
			// Once evicting from S, stay there until a page goes or S is empty (Algorithm 1).
			if (!fromS || lists.size(S) === 0) fromS = !(lists.size(M) > this.mShare || lists.size(S) === 0);
			if (fromS) {
				const t = lists.tail(S);
				if (freq[t]! >= 2) {
					freq[t] = 0;
					lists.moveHead(M, t);
					continue;
				}
				const key = pageKey(ctx.frames, t);
				const r = tryEvict(ctx, t);
				if (r === EVICTED) {
					lists.remove(t);
					this.remember(key);
					freed++;
					fromS = false;
				} else {
					lists.moveHead(S, t);
				}
				continue;
			}
			const t = lists.tail(M);
			if (freq[t]! >= 1) {
				freq[t]!--;
				lists.moveHead(M, t);
				continue;
			}
			const r = tryEvict(ctx, t);
			if (r === EVICTED) {
				lists.remove(t);
				freed++;
			} else {
				lists.moveHead(M, t);
			}
		}
		return freed;
	}

	counts(out: LruCounts): void {
		this.lists.counted.fill(out);
	}

	save(): PolicyState {
		const out: PolicyState = {freq: this.freq.slice()};
		saveListsAs('', this.lists, out);
		this.ghosts.save('ghost', out);
		return out;
	}

	load(state: PolicyState): void {
		loadListsAs('', this.lists, state);
		this.lists.recount();
		this.ghosts.load('ghost', state);
		loadArray(state, 'freq', this.freq);
		this.pendingKey = -1;
	}
}

export const s3fifoPolicy: PolicyInfo = {
	name: 's3fifo',
	description:
		'S3-FIFO (SOSP 2023): a small FIFO filters one-hit pages, a main FIFO with 2-bit counts, ghosts',
	traceOnly: false,
	create: () => new S3FifoPolicy(),
};
