// The shared half of FIFO and exact LRU: one intrusive list, new pages at the head, victims
// from the tail. They differ only in what a hit does (nothing, or move to the head).
import {type FrameTable, PG_UNEVICTABLE} from '../frames.js';
import {LinkedLists} from '../lru-list.js';
import {loadListsAs, saveListsAs} from './ghosts.js';
import {
	EVICTED,
	type LruCounts,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
	ResidentCounts,
} from './policy.js';

/** The only list. */
export const LIST = 0;

/**
 * Reclaim from the tail of one list toward its head, as shrink_inactive_list does.
 * Shared by FIFO and LRU, which differ only in how pages reach the head.
 * Scans at most size >> priority pages and looks at each page at most once per call, so pages
 * that cannot go (KEPT, CANNOT, mlocked) never trap the scan. A page that could not be evicted is
 * put back at the head, as the kernel puts back folios it failed to free, so the next pass
 * does not start with the same stuck pages.
 */
export function reclaimFromTail(
	lists: LinkedLists,
	list: number,
	counted: ResidentCounts,
	ctx: ReclaimContext,
	target: number,
	priority: number,
): number {
	const frames = ctx.frames;
	const flags = frames.flags;
	const stats = ctx.stats;
	let visits = lists.size(list);
	let budget = visits >> priority;
	let freed = 0;
	let f = lists.tail(list);
	while (f >= 0 && freed < target && budget > 0 && visits > 0) {
		visits--;
		const prev = lists.towardHead(f);
		const anon = frames.isSwapBacked(f);
		// mlocked pages are not ours to take; anon pages are not scanned without swap (get_scan_count).
		if ((flags[f]! & PG_UNEVICTABLE) !== 0 || (anon && !ctx.canSwap)) {
			f = prev;
			continue;
		}
		budget--;
		if (anon) stats.scannedAnon++;
		else stats.scannedFile++;
		// Decide anon/file before evict(): an evicted frame is free and its kind is gone.
		if (ctx.evict(f) === EVICTED) {
			lists.remove(f);
			counted.remove(f);
			freed++;
			if (anon) stats.reclaimedAnon++;
			else stats.reclaimedFile++;
		} else {
			lists.moveHead(list, f);
			stats.rotated++;
		}
		f = prev;
	}
	return freed;
}

/** Count a single list afresh into `counted` (after loading a saved list). */
export function countList(
	lists: LinkedLists,
	list: number,
	frames: FrameTable,
	counted: ResidentCounts,
): void {
	counted.attach(frames.count);
	const next = lists.next;
	const sentinel = lists.base + list;
	for (let f = next[sentinel]!; f !== sentinel; f = next[f]!) counted.add(frames, f);
}

export abstract class OneListPolicy implements ReplacementPolicy {
	abstract readonly name: string;
	abstract readonly needsEveryAccess: boolean;
	protected frames: FrameTable | undefined;
	protected lists = new LinkedLists(0, 1);
	/** What counts() reports, kept as pages come and go (a walk of the list per call cost O(n)). */
	private readonly counted = new ResidentCounts();

	attach(frames: FrameTable): void {
		this.frames = frames;
		this.lists = new LinkedLists(frames.count, 1);
		this.counted.attach(frames.count);
	}

	inserted(frame: number, _activate: boolean): void {
		// A page inserted twice must not corrupt the list: re-insertion moves it to the head.
		this.lists.remove(frame);
		this.lists.addHead(LIST, frame);
		if (this.frames) this.counted.add(this.frames, frame);
	}

	abstract accessed(frame: number): void;

	removed(frame: number): void {
		this.lists.remove(frame);
		this.counted.remove(frame);
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		return reclaimFromTail(this.lists, LIST, this.counted, ctx, target, priority);
	}

	counts(out: LruCounts): void {
		this.counted.fill(out);
	}

	save(): PolicyState {
		// Copies of the list arrays, so later changes do not leak into a checkpoint.
		const out: PolicyState = {};
		saveListsAs('', this.lists, out);
		return out;
	}

	load(state: PolicyState): void {
		loadListsAs('', this.lists, state);
		if (this.frames) countList(this.lists, LIST, this.frames, this.counted);
	}
}
