// SIEVE: Zhang, Yang, Yue, Vigfusson, Rashmi, "SIEVE is Simpler than LRU: an Efficient Turn-Key
// Eviction Algorithm for Web Caches", NSDI'24.
// One FIFO queue, new pages at the head, and one "visited" bit per page. A hit only sets the bit
// (no move). To evict, a hand that starts at the tail walks toward the head: a visited page has its
// bit cleared and stays where it is; the first unvisited page is evicted and the hand stays at the
// page after it (toward the head), wrapping to the tail when it passes the head. Unlike CLOCK, a page
// that survives is not moved to the head, so new pages sit in front of old survivors ("quick
// demotion"), and a new page starts unvisited: the fault that loaded it is not a visit.
// The bit is the policy's own (the frame's PG_YOUNG is set on the faulting access too), so it needs
// every access (needsEveryAccess).
import type {FrameTable} from '../frames.js';
import {CountedLists, loadArray, loadListsAs, loadNumber, SKIPPED, saveListsAs, tryEvict} from './ghosts.js';
import {
	EVICTED,
	type LruCounts,
	type PolicyInfo,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
} from './policy.js';

const QUEUE = 0;

class SievePolicy implements ReplacementPolicy {
	readonly name = 'sieve';
	readonly needsEveryAccess = true;
	private frames: FrameTable | undefined;
	private lists!: CountedLists;
	private visited = new Uint8Array(0);
	/** The next page the hand looks at, or -1: the tail. */
	private hand = -1;

	attach(frames: FrameTable): void {
		this.frames = frames;
		this.lists = new CountedLists(frames, frames.count, 1, [QUEUE], []);
		this.visited = new Uint8Array(frames.count);
		this.hand = -1;
	}

	inserted(frame: number, _activate: boolean): void {
		if (this.lists.listOf[frame] === QUEUE) return;
		this.visited[frame] = 0;
		this.lists.addHead(QUEUE, frame);
	}

	accessed(frame: number): void {
		this.visited[frame] = 1;
		this.lists.counted.setActive(frame, true);
	}

	removed(frame: number): void {
		if (this.lists.listOf[frame] !== QUEUE) return;
		if (this.hand === frame) this.hand = this.lists.towardHead(frame);
		this.lists.remove(frame);
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		const lists = this.lists;
		// Every page may need its bit cleared once before one goes: two laps at priority 0.
		let steps = 2 * lists.size(QUEUE);
		let budget = steps >> priority;
		let freed = 0;
		while (freed < target && budget > 0 && steps > 0 && lists.size(QUEUE) > 0) {
			steps--;
			const f = this.hand >= 0 ? this.hand : lists.tail(QUEUE);
			const ahead = lists.towardHead(f);
			if (this.visited[f] === 1) {
				this.visited[f] = 0;
				lists.counted.setActive(f, false);
				this.hand = ahead;
				continue;
			}
			const r = tryEvict(ctx, f);
			this.hand = ahead;
			if (r === SKIPPED) continue;
			budget--;
			if (r === EVICTED) {
				lists.remove(f);
				freed++;
			}
		}
		return freed;
	}

	counts(out: LruCounts): void {
		this.lists.counted.fill(out);
	}

	save(): PolicyState {
		const out: PolicyState = {visited: this.visited.slice(), hand: this.hand};
		saveListsAs('', this.lists, out);
		return out;
	}

	load(state: PolicyState): void {
		loadListsAs('', this.lists, state);
		loadArray(state, 'visited', this.visited);
		const listOf = this.lists.listOf;
		this.lists.counted.rebuild(
			this.frames!,
			(f) => listOf[f] === QUEUE,
			(f) => this.visited[f] === 1,
		);
		this.hand = loadNumber(state, 'hand');
	}
}

export const sievePolicy: PolicyInfo = {
	name: 'sieve',
	description: 'SIEVE (NSDI 2024): FIFO with a visited bit and a hand that keeps survivors in place',
	traceOnly: false,
	create: () => new SievePolicy(),
};
