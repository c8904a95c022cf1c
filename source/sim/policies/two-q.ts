// 2Q: Johnson and Shasha, "2Q: A Low Overhead High Performance Buffer Management Replacement
// Algorithm", VLDB'94 (the full version). Three queues: A1in, a FIFO of pages seen once (Kin = 25% of
// the frames); Am, an LRU of pages seen again; A1out, a FIFO of the keys of pages evicted from A1in
// (ghosts, Kout = 50% of the frames).
// - insert: a page whose key is in A1out was used again soon after it left: it goes to the head of
//   Am (its ghost removed); any other page goes to the head of A1in.
// - hit: in Am, move to Am's head (LRU); in A1in, nothing (correlated references do not promote).
// - evict: while A1in holds more than Kin pages (or Am is empty) its tail goes, and its key enters
//   A1out (the oldest key leaves when A1out is full); otherwise Am's tail goes, leaving no ghost.
// Needs every access for Am's LRU order (needsEveryAccess).
import type {FrameTable} from '../frames.js';
import {
	CountedLists,
	Ghosts,
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

const A1IN = 0;
const AM = 1;
const A1OUT = 2;

class TwoQPolicy implements ReplacementPolicy, SeesFaults {
	readonly name = '2q';
	readonly needsEveryAccess = true;
	private frames: FrameTable | undefined;
	private lists!: CountedLists;
	private ghosts = new Ghosts(0, 1);
	private kin = 1;
	/** An announced fault: its key and whether its ghost was in A1out (looked up before reclaim). */
	private pendingKey = -1;
	private pendingHit = false;

	attach(frames: FrameTable): void {
		const n = frames.count;
		this.frames = frames;
		this.kin = Math.max(1, Math.floor(n / 4));
		const kout = Math.max(1, Math.floor(n / 2));
		this.lists = new CountedLists(frames, n + kout, 3, [A1IN, AM], [AM]);
		this.ghosts = new Ghosts(n, kout);
	}

	/** Is the page's key in A1out? Decided before reclaim (which may push the key out), as the paper. */
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
		const key = pageKey(this.frames!, frame);
		const hit = this.pendingKey === key ? this.pendingHit : this.takeGhost(key);
		this.pendingKey = -1;
		if (hit) {
			lists.addHead(AM, frame);
		} else {
			lists.addHead(A1IN, frame);
		}
	}

	accessed(frame: number): void {
		if (this.lists.listOf[frame] === AM) this.lists.moveHead(AM, frame);
	}

	removed(frame: number): void {
		this.lists.remove(frame);
	}

	private remember(key: number): void {
		const lists = this.lists;
		if (this.ghosts.size === this.ghosts.capacity) {
			const old = lists.tail(A1OUT);
			lists.remove(old);
			this.ghosts.remove(old);
		}
		lists.addHead(A1OUT, this.ghosts.add(key));
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		const lists = this.lists;
		let budget = (2 * (lists.size(A1IN) + lists.size(AM))) >> priority;
		let freed = 0;
		while (freed < target && budget > 0 && lists.size(A1IN) + lists.size(AM) > 0) {
			budget--;
			const list = lists.size(A1IN) > this.kin || lists.size(AM) === 0 ? A1IN : AM;
			const f = lists.tail(list);
			const key = pageKey(ctx.frames, f);
			const r = tryEvict(ctx, f);
			if (r === EVICTED) {
				lists.remove(f);
				freed++;
				if (list === A1IN) this.remember(key);
			} else {
				// Could not go (or cannot be scanned): to the head, so the scan moves on.
				lists.moveHead(list, f);
			}
		}
		return freed;
	}

	counts(out: LruCounts): void {
		this.lists.counted.fill(out);
	}

	save(): PolicyState {
		const out: PolicyState = {};
		saveListsAs('', this.lists, out);
		this.ghosts.save('ghost', out);
		return out;
	}

	load(state: PolicyState): void {
		loadListsAs('', this.lists, state);
		this.lists.recount();
		this.ghosts.load('ghost', state);
		this.pendingKey = -1;
	}
}

export const twoQPolicy: PolicyInfo = {
	name: '2q',
	description: '2Q (VLDB 1994): a FIFO for pages seen once, an LRU for pages seen again, ghosts of the FIFO',
	traceOnly: false,
	create: () => new TwoQPolicy(),
};
