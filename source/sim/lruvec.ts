// The lruvec: the LRU lists (owned by the replacement policy, one file each under policies/) and the
// per-list state the kernel keeps beside them: the cost balance lru_note_cost() feeds get_scan_count()
// and the nonresident age workingset.c stamps on shadow entries (include/linux/mmzone.h struct lruvec).
// One node-wide lruvec today; per-memcg lruvecs are more of these.

import type {FrameTable} from './frames.js';
import {FRAME_ANON, FRAME_FILE, FRAME_SHMEM, PG_ACTIVE} from './frames.js';
import {createPolicy} from './policies/index.js';
import type {LruCounts, PolicyState, ReplacementPolicy} from './policies/policy.js';

/** SWAP_CLUSTER_MAX: reclaim's batch, and the cost weight of one IO (mm/swap.c lru_note_cost). */
export const SWAP_CLUSTER_MAX = 32;

/** The lruvec's own saved fields (beside its policy's lists). */
export interface LruvecScalars {
	nonresidentAge: number;
	anonCost: number;
	fileCost: number;
	recentFileRefaults: boolean;
	/** Absent in states saved before it was kept. */
	recentAnonRefaults?: boolean | undefined;
}

export class Lruvec {
	readonly policy: ReplacementPolicy;
	/** The policy wants accessed() on every hit, not only the PTE accessed bit. */
	readonly needsEveryAccess: boolean;
	/** The list sizes as last counted (refresh() before relying on them). */
	readonly lru: LruCounts = {activeAnon: 0, inactiveAnon: 0, activeFile: 0, inactiveFile: 0, unevictable: 0};
	/** lruvec->anon_cost / file_cost: what reclaiming each type has cost lately. */
	anonCost = 0;
	fileCost = 0;
	/**
	 * Workingset activations since the last reclaim cycle, per type: prepare_scan_control compares
	 * WORKINGSET_ACTIVATE_* with target_lruvec->refaults[], which snapshot_refaults() sets at its end.
	 */
	recentFileRefaults = false;
	recentAnonRefaults = false;
	/** lruvec->nonresident_age: advanced by evictions and activations (workingset.c). */
	nonresidentAge = 0;

	private readonly frames: FrameTable;

	constructor(policyName: string, frames: FrameTable) {
		this.frames = frames;
		this.policy = createPolicy(policyName);
		this.needsEveryAccess = this.policy.needsEveryAccess;
		this.policy.attach(frames);
	}

	/** Count the lists afresh into `lru`. */
	refresh(): LruCounts {
		this.policy.counts(this.lru);
		return this.lru;
	}

	/** lru_note_cost(): IO and failed scans make a type dearer to reclaim; both halve once they outgrow a quarter of the LRU. */
	noteCost(anon: number, file: number): void {
		this.anonCost += anon;
		this.fileCost += file;
		const lru = this.lru;
		const lruTotal = lru.activeAnon + lru.inactiveAnon + lru.activeFile + lru.inactiveFile;
		if (this.anonCost + this.fileCost > lruTotal / 4) {
			this.anonCost /= 2;
			this.fileCost /= 2;
		}
	}

	/** A workingset restore refault (workingset_refault): the type that refaulted costs one IO more. */
	noteRefaultCost(anon: boolean): void {
		if (anon) this.anonCost += SWAP_CLUSTER_MAX;
		else this.fileCost += SWAP_CLUSTER_MAX;
	}

	/** workingset_age_nonresident(). */
	ageNonresident(pages: number): void {
		this.nonresidentAge += pages;
	}

	/** A refault was activated (WORKINGSET_ACTIVATE_ANON or _FILE went up). */
	noteActivation(anon: boolean): void {
		if (anon) this.recentAnonRefaults = true;
		else this.recentFileRefaults = true;
	}

	/** snapshot_refaults(): a reclaim cycle ran, the activations before it no longer count. */
	snapshotRefaults(): void {
		this.recentFileRefaults = false;
		this.recentAnonRefaults = false;
	}

	save() {
		return {
			nonresidentAge: this.nonresidentAge,
			anonCost: this.anonCost,
			fileCost: this.fileCost,
			recentFileRefaults: this.recentFileRefaults,
			recentAnonRefaults: this.recentAnonRefaults,
			policy: this.policy.save(),
		};
	}

	load(s: LruvecScalars & {policy: PolicyState}): void {
		this.loadScalars(s);
		this.policy.load(s.policy);
		this.refresh();
	}

	/**
	 * Take a state saved under another policy (whose lists this policy cannot read): the scalars as
	 * saved, and every page on an LRU list (anon, file, shmem: each is on one from fault to free) given
	 * to this policy afresh, in frame order, as a page just faulted in, with no history (no ghosts, no
	 * active list yet: PG_active belonged to the old policy's lists). The zone's frames must be loaded.
	 */
	adoptResident(s: LruvecScalars): void {
		this.loadScalars(s);
		const frames = this.frames;
		this.policy.attach(frames);
		for (let f = 0; f < frames.count; f++) {
			const k = frames.kind[f];
			if (k !== FRAME_ANON && k !== FRAME_FILE && k !== FRAME_SHMEM) continue;
			frames.flags[f] = frames.flags[f]! & ~PG_ACTIVE;
			this.policy.inserted(f, false);
		}
		this.refresh();
	}

	private loadScalars(s: LruvecScalars): void {
		this.nonresidentAge = s.nonresidentAge;
		this.anonCost = s.anonCost;
		this.fileCost = s.fileCost;
		this.recentFileRefaults = s.recentFileRefaults;
		this.recentAnonRefaults = s.recentAnonRefaults ?? false;
	}
}
