// ARC: Megiddo and Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache", FAST'03.
// Two LRU lists of resident pages, T1 (seen once recently) and T2 (seen at least twice), and two
// LRU lists of ghost keys, B1 (evicted from T1) and B2 (evicted from T2); p is the target size of
// T1, adapted on ghost hits. With c frames (the paper's Fig. 4, cases I-IV):
// - hit (I): move to T2's MRU end.
// - miss on a key in B1 (II): p += max(|B2| / |B1|, 1), at most c; REPLACE; the page goes to T2.
// - miss on a key in B2 (III): p -= max(|B1| / |B2|, 1), at least 0; REPLACE; the page goes to T2.
// - miss on a new key (IV): if |T1| + |B1| = c: when |T1| < c drop B1's LRU key and REPLACE, else
//   evict T1's LRU page leaving no ghost; otherwise, when all four lists hold 2c, drop B2's LRU
//   key, and REPLACE. The page goes to T1's MRU end.
// - REPLACE: evict T1's LRU page (its key to B1's MRU end) if T1 is not empty and |T1| > p, or
//   |T1| = p and the missing key was in B2; else evict T2's LRU page (its key to B2).
// p is a real number, as in the paper. The victim depends on the missing page (case III), so the
// trace lab announces each fault before reclaim (faulting()); the machine does not, and there ARC
// learns of the page at inserted(), one eviction late. Needs every access (needsEveryAccess).
import type {FrameTable} from '../frames.js';
import {
	CountedLists,
	Ghosts,
	loadListsAs,
	loadNumber,
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

const T1 = 0;
const T2 = 1;
const B1 = 2;
const B2 = 3;

class ArcPolicy implements ReplacementPolicy, SeesFaults {
	readonly name = 'arc';
	readonly needsEveryAccess = true;
	private frames: FrameTable | undefined;
	private lists!: CountedLists;
	private ghosts = new Ghosts(0, 1);
	private c = 1;
	private p = 0;
	/** The announced fault: its key, its ghost node (or -1; already removed), what reclaim must do. */
	private pendingKey = -1;
	private pendingGhost = -1;
	private inB2 = false;
	private dropT1 = false;

	attach(frames: FrameTable): void {
		const n = frames.count;
		this.frames = frames;
		this.c = n;
		this.p = 0;
		// |B1| + |B2| ≤ c once the cache is full; one spare for removals by other means.
		this.lists = new CountedLists(frames, n + n + 1, 4, [T1, T2], [T2]);
		this.ghosts = new Ghosts(n + 0, n + 1);
		this.pendingKey = -1;
	}

	private dropGhost(list: number): void {
		const g = this.lists.tail(list);
		if (g < 0) return;
		this.lists.remove(g);
		this.ghosts.remove(g);
	}

	/** Cases II-IV before the victim is chosen: adapt p, trim the ghost lists. */
	faulting(key: number): void {
		const lists = this.lists;
		const c = this.c;
		const g = this.ghosts.find(key);
		this.pendingKey = key;
		this.pendingGhost = g;
		this.inB2 = false;
		this.dropT1 = false;
		if (g >= 0) {
			const b1 = lists.size(B1);
			const b2 = lists.size(B2);
			if (lists.listOf[g] === B1) this.p = Math.min(c, this.p + Math.max(b2 / b1, 1));
			else {
				this.p = Math.max(0, this.p - Math.max(b1 / b2, 1));
				this.inB2 = true;
			}
			// The page will be in T2: its ghost goes now, so REPLACE cannot push it out first.
			lists.remove(g);
			this.ghosts.remove(g);
			return;
		}
		const t1 = lists.size(T1);
		const l1 = t1 + lists.size(B1);
		if (l1 >= c) {
			if (t1 < c) this.dropGhost(B1);
			else this.dropT1 = true;
		} else if (l1 + lists.size(T2) + lists.size(B2) >= 2 * c) {
			this.dropGhost(B2);
		}
	}

	inserted(frame: number, _activate: boolean): void {
		const lists = this.lists;
		if (lists.listOf[frame]! >= 0) return;
		const key = pageKey(this.frames!, frame);
		// Not announced (the machine): do the bookkeeping now.
		if (this.pendingKey !== key) this.faulting(key);
		const g = this.pendingGhost;
		this.pendingKey = -1;
		this.pendingGhost = -1;
		this.dropT1 = false;
		if (g >= 0) {
			lists.addHead(T2, frame);
		} else {
			lists.addHead(T1, frame);
		}
	}

	accessed(frame: number): void {
		const l = this.lists.listOf[frame];
		if (l === T1 || l === T2) this.lists.moveHead(T2, frame);
	}

	removed(frame: number): void {
		this.lists.remove(frame);
	}

	private remember(list: number, key: number): void {
		if (this.ghosts.size === this.ghosts.capacity) {
			this.dropGhost(this.lists.size(B1) >= this.lists.size(B2) ? B1 : B2);
		}
		this.lists.addHead(list, this.ghosts.add(key));
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		const lists = this.lists;
		let budget = (2 * (lists.size(T1) + lists.size(T2))) >> priority;
		let freed = 0;
		while (freed < target && budget > 0 && lists.size(T1) + lists.size(T2) > 0) {
			budget--;
			const t1 = lists.size(T1);
			let list: number;
			let ghost: number;
			if (this.dropT1) {
				list = T1;
				ghost = -1;
			} else if (t1 > 0 && (t1 > this.p || (this.inB2 && t1 === this.p))) {
				list = T1;
				ghost = B1;
			} else if (lists.size(T2) > 0) {
				list = T2;
				ghost = B2;
			} else {
				list = T1;
				ghost = B1;
			}
			const f = lists.tail(list);
			const key = pageKey(ctx.frames, f);
			const r = tryEvict(ctx, f);
			if (r === EVICTED) {
				lists.remove(f);
				freed++;
				this.dropT1 = false;
				if (ghost >= 0) this.remember(ghost, key);
			} else {
				lists.moveHead(list, f);
			}
		}
		return freed;
	}

	counts(out: LruCounts): void {
		this.lists.counted.fill(out);
	}

	save(): PolicyState {
		const out: PolicyState = {p: this.p};
		saveListsAs('', this.lists, out);
		this.ghosts.save('ghost', out);
		return out;
	}

	load(state: PolicyState): void {
		loadListsAs('', this.lists, state);
		this.lists.recount();
		this.ghosts.load('ghost', state);
		this.p = loadNumber(state, 'p');
		this.pendingKey = -1;
		this.pendingGhost = -1;
	}
}

export const arcPolicy: PolicyInfo = {
	name: 'arc',
	description: 'ARC (FAST 2003): LRU lists for pages seen once and twice, sized by hits on their ghosts',
	traceOnly: false,
	create: () => new ArcPolicy(),
};
