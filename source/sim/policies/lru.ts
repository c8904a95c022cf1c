// Exact LRU: every hit moves the page to the head, the victim is the tail (least recently used).
// Needs every access (needsEveryAccess), which hardware does not provide; the trace lab and the
// machine's fd accesses call accessed() on each hit.
import type {FrameTable} from '../frames.js';
import {LinkedLists} from '../lru-list.js';
import {countList, loadLists, reclaimFromTail, saveLists} from './fifo.js';
import type {LruCounts, PolicyInfo, PolicyState, ReclaimContext, ReplacementPolicy} from './policy.js';

const LRU = 0;

class LruPolicy implements ReplacementPolicy {
	readonly name = 'lru';
	readonly needsEveryAccess = true;
	private frames: FrameTable | undefined;
	private lists = new LinkedLists(0, 1);

	attach(frames: FrameTable): void {
		this.frames = frames;
		this.lists = new LinkedLists(frames.count, 1);
	}

	inserted(frame: number, _activate: boolean): void {
		// A page inserted twice must not corrupt the list: re-insertion moves it to the head.
		this.lists.remove(frame);
		this.lists.addHead(LRU, frame);
	}

	accessed(frame: number): void {
		const lists = this.lists;
		// Hot pages are hit again and again while already at the head: skip the unlink/relink.
		if (lists.next[lists.base + LRU] === frame || lists.listOf[frame] !== LRU) return;
		const prev = lists.prev;
		const next = lists.next;
		const p = prev[frame]!;
		const n = next[frame]!;
		next[p] = n;
		prev[n] = p;
		const s = lists.base + LRU;
		const first = next[s]!;
		next[frame] = first;
		prev[frame] = s;
		prev[first] = frame;
		next[s] = frame;
	}

	removed(frame: number): void {
		this.lists.remove(frame);
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		return reclaimFromTail(this.lists, LRU, ctx, target, priority);
	}

	counts(out: LruCounts): void {
		countList(this.lists, LRU, this.frames, out);
	}

	save(): PolicyState {
		return saveLists(this.lists);
	}

	load(state: PolicyState): void {
		loadLists(this.lists, state);
	}
}

export const lruPolicy: PolicyInfo = {
	name: 'lru',
	description: 'exact least recently used: evict the page unused for longest (sees every access)',
	traceOnly: false,
	create: () => new LruPolicy(),
};
