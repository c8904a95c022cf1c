// The kernel's classic reclaim: active and inactive lists for anon and file (mm/vmscan.c, mm/swap.c).
// New pages enter the inactive head; reclaim takes inactive tails; a second reference promotes.

import {
	FOLIOREF_ACTIVATE,
	FOLIOREF_KEEP,
	FOLIOREF_RECLAIM_CLEAN,
	folioCheckReferences,
	referencedPtes,
} from '../folio-references.js';
import {
	FRAME_FILE,
	type FrameTable,
	PG_ACTIVE,
	PG_DIRTY,
	PG_REFERENCED,
	PG_UNEVICTABLE,
	PG_WORKINGSET,
	PG_YOUNG,
} from '../frames.js';
import {LinkedLists} from '../lru-list.js';
import {getScanCount, inactiveIsLow, mayDeactivate} from '../scan-balance.js';
import {
	CANNOT,
	EVICTED,
	type LruCounts,
	type PolicyInfo,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
} from './policy.js';

const INACTIVE_ANON = 0;
const ACTIVE_ANON = 1;
const INACTIVE_FILE = 2;
const ACTIVE_FILE = 3;
const UNEVICTABLE = 4;
const NR_LISTS = 5;
/** SWAP_CLUSTER_MAX: reclaim isolates pages in batches of 32. */
const BATCH = 32;

export class TwoListLru implements ReplacementPolicy {
	readonly name = 'lru2';
	readonly needsEveryAccess = false;
	private frames!: FrameTable;
	private lists!: LinkedLists;

	attach(frames: FrameTable): void {
		this.frames = frames;
		this.lists = new LinkedLists(frames.count, NR_LISTS);
	}

	inserted(frame: number, activate: boolean): void {
		const flags = this.frames.flags;
		if (flags[frame]! & PG_UNEVICTABLE) {
			this.lists.addHead(UNEVICTABLE, frame);
			return;
		}
		const file = this.frames.kind[frame] === FRAME_FILE;
		if (activate) {
			flags[frame]! |= PG_ACTIVE;
			this.lists.addHead(file ? ACTIVE_FILE : ACTIVE_ANON, frame);
		} else {
			flags[frame]! &= ~PG_ACTIVE;
			this.lists.addHead(file ? INACTIVE_FILE : INACTIVE_ANON, frame);
		}
	}

	/** folio_mark_accessed(): inactive,unreferenced → referenced; inactive,referenced → active; active → referenced. */
	accessed(frame: number): void {
		const flags = this.frames.flags;
		const f = flags[frame]!;
		if (f & PG_UNEVICTABLE) return;
		if (!(f & PG_ACTIVE) && f & PG_REFERENCED) {
			flags[frame] = (f | PG_ACTIVE) & ~PG_REFERENCED;
			const file = this.frames.kind[frame] === FRAME_FILE;
			this.lists.moveHead(file ? ACTIVE_FILE : ACTIVE_ANON, frame);
		} else {
			flags[frame] = f | PG_REFERENCED;
		}
	}

	removed(frame: number): void {
		this.lists.remove(frame);
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		const sizes = this.lists.sizes;
		const inactiveFile = sizes[INACTIVE_FILE]!;
		const inactiveAnon = sizes[INACTIVE_ANON]!;
		// prepare_scan_control(): deactivate a type whose inactive list is low or which is refaulting
		// into a new workingset; trim the cache first while it is big and not being refaulted; treat
		// the cache as tiny only if anon is not being refilled and has pages at this priority.
		const deactivateAnon = mayDeactivate(inactiveAnon, sizes[ACTIVE_ANON]!, ctx.recentAnonRefaults);
		const deactivateFile = mayDeactivate(inactiveFile, sizes[ACTIVE_FILE]!, ctx.recentFileRefaults);
		const cacheTrimMode = inactiveFile >> priority > 0 && !deactivateFile;
		const split = getScanCount({
			swappiness: ctx.swappiness,
			canSwap: ctx.canSwap,
			priority,
			fileIsTiny: ctx.cacheBelowHigh && !deactivateAnon && inactiveAnon >> priority > 0,
			cacheTrimMode,
			anonCost: ctx.anonCost,
			fileCost: ctx.fileCost,
		});
		const scanOf = (list: number, fraction: number): number => {
			const size = sizes[list]!;
			if (fraction === 0 || size === 0) return 0;
			// (size >> priority) * fraction / denominator, as get_scan_count() rounds it.
			return Math.floor(Math.floor(size / 2 ** priority) * fraction);
		};
		let nrAnon = scanOf(INACTIVE_ANON, split.anonFraction) + scanOf(ACTIVE_ANON, split.anonFraction);
		let nrFile = scanOf(INACTIVE_FILE, split.fileFraction) + scanOf(ACTIVE_FILE, split.fileFraction);
		let reclaimed = 0;
		while ((nrAnon > 0 || nrFile > 0) && reclaimed < target) {
			if (nrFile > 0) {
				const n = Math.min(nrFile, BATCH);
				nrFile -= n;
				reclaimed += this.shrinkType(ctx, true, n);
			}
			if (nrAnon > 0 && reclaimed < target) {
				const n = Math.min(nrAnon, BATCH);
				nrAnon -= n;
				reclaimed += this.shrinkType(ctx, false, n);
			}
		}
		return reclaimed;
	}

	/** shrink_list(): refill the inactive list from the active one when it runs low, then shrink it. */
	private shrinkType(ctx: ReclaimContext, file: boolean, n: number): number {
		const inactive = file ? INACTIVE_FILE : INACTIVE_ANON;
		const active = file ? ACTIVE_FILE : ACTIVE_ANON;
		// shrink_list(): refill the inactive list when it is low.
		if (inactiveIsLow(this.lists.size(inactive), this.lists.size(active)))
			this.shrinkActive(ctx, active, inactive, n);
		return this.shrinkInactive(ctx, inactive, active, n);
	}

	/** shrink_active_list(): scanned active pages lose their young bits and move to inactive with PG_workingset. */
	private shrinkActive(ctx: ReclaimContext, active: number, inactive: number, n: number): void {
		const flags = this.frames.flags;
		for (let i = 0; i < n; i++) {
			const frame = this.lists.tail(active);
			if (frame < 0) break;
			ctx.stats.refill++;
			flags[frame] = (flags[frame]! & ~(PG_ACTIVE | PG_YOUNG)) | PG_WORKINGSET;
			this.lists.moveHead(inactive, frame);
			ctx.stats.deactivated++;
		}
	}

	/** shrink_folio_list() with folio_check_references() deciding activate / keep / reclaim. */
	private shrinkInactive(ctx: ReclaimContext, inactive: number, active: number, n: number): number {
		const frames = this.frames;
		const flags = frames.flags;
		const lists = this.lists;
		let reclaimed = 0;
		for (let i = 0; i < n; i++) {
			const frame = lists.tail(inactive);
			if (frame < 0) break;
			const swapBacked = frames.isSwapBacked(frame);
			if (swapBacked) ctx.stats.scannedAnon++;
			else ctx.stats.scannedFile++;
			const verdict = folioCheckReferences(flags, frame, referencedPtes(flags, frame), !swapBacked);
			if (verdict === FOLIOREF_ACTIVATE) {
				// Referenced twice (or from two mappings): activate_locked; PG_referenced stays set.
				flags[frame]! |= PG_ACTIVE;
				lists.moveHead(active, frame);
				ctx.stats.activated++;
				continue;
			}
			if (verdict === FOLIOREF_KEEP || (verdict === FOLIOREF_RECLAIM_CLEAN && flags[frame]! & PG_DIRTY)) {
				// keep_locked: back to the inactive head for another trip (no vmstat counter).
				lists.moveHead(inactive, frame);
				continue;
			}
			lists.remove(frame);
			const result = ctx.evict(frame);
			if (result === EVICTED) {
				reclaimed++;
				if (swapBacked) ctx.stats.reclaimedAnon++;
				else ctx.stats.reclaimedFile++;
			} else if (result === CANNOT) {
				// add_to_swap() failed: activate_locked.
				flags[frame]! |= PG_ACTIVE;
				lists.addHead(active, frame);
				ctx.stats.activated++;
			} else {
				// Dirty or under writeback: back to the list; writeback completion makes it reclaimable.
				lists.addHead(inactive, frame);
			}
		}
		return reclaimed;
	}

	counts(out: LruCounts): void {
		const s = this.lists.sizes;
		out.inactiveAnon = s[INACTIVE_ANON]!;
		out.activeAnon = s[ACTIVE_ANON]!;
		out.inactiveFile = s[INACTIVE_FILE]!;
		out.activeFile = s[ACTIVE_FILE]!;
		out.unevictable = s[UNEVICTABLE]!;
	}

	save(): PolicyState {
		return {prev: this.lists.prev, next: this.lists.next, listOf: this.lists.listOf, sizes: this.lists.sizes};
	}

	load(state: PolicyState): void {
		this.lists.prev.set(state.prev as Int32Array);
		this.lists.next.set(state.next as Int32Array);
		this.lists.listOf.set(state.listOf as Int8Array);
		this.lists.sizes.set(state.sizes as Int32Array);
	}
}

export const lru2Policy: PolicyInfo = {
	name: 'lru2',
	description: "the kernel's active/inactive two-list LRU with referenced bits and second chance (default)",
	traceOnly: false,
	create: () => new TwoListLru(),
};
