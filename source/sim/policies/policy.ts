// One interface for every page replacement / reclaim policy, in the machine and in the trace lab.
// A policy owns its own ordering state (lists, generations, clock hand); the driver owns the frames.
// Hits on mapped pages only set PG_YOUNG in frames.flags, as the MMU sets the PTE accessed bit;
// policies that need to see every access (exact LRU, OPT) say so and get accessed() calls.
import {type FrameTable, PG_UNEVICTABLE, PG_YOUNG} from '../frames.js';

/** What evicting one frame came to. */
export const EVICTED = 0;
/** The page could not go now (dirty: writeback started; under writeback; device congested). */
export const KEPT = 1;
/** The page cannot be evicted at all right now (anon without swap space). */
export const CANNOT = 2;
export type EvictResult = typeof EVICTED | typeof KEPT | typeof CANNOT;

/** Counters a reclaim pass adds to; the machine turns them into /proc/vmstat. */
export interface ScanStats {
	scannedAnon: number;
	scannedFile: number;
	reclaimedAnon: number;
	reclaimedFile: number;
	/** Pages moved inactive → active by reclaim (pgactivate). */
	activated: number;
	/** Pages moved active → inactive (pgdeactivate); pgrefill counts active pages scanned. */
	deactivated: number;
	refill: number;
	/** Pages rotated back to the inactive head for another chance. */
	rotated: number;
}

export function newScanStats(): ScanStats {
	return {
		scannedAnon: 0,
		scannedFile: 0,
		reclaimedAnon: 0,
		reclaimedFile: 0,
		activated: 0,
		deactivated: 0,
		refill: 0,
		rotated: 0,
	};
}

export interface ReclaimContext {
	readonly frames: FrameTable;
	/** vm.swappiness, 0..200. */
	readonly swappiness: number;
	/** False when there is no swap space left (or none at all): anon pages cannot be reclaimed. */
	readonly canSwap: boolean;
	/** free + file LRU ≤ Σ high watermarks: the first half of prepare_scan_control's file_is_tiny. */
	readonly cacheBelowHigh: boolean;
	/** Costs noted by lru_note_cost for anon and file (scan balance input). */
	readonly anonCost: number;
	readonly fileCost: number;
	/**
	 * Workingset activations (WORKINGSET_ACTIVATE_FILE / _ANON) since the last reclaim cycle: a new
	 * workingset is forming, so prepare_scan_control sets may_deactivate for that type (which also
	 * ends cache_trim_mode for file and file_is_tiny for anon).
	 */
	readonly recentFileRefaults?: boolean | undefined;
	readonly recentAnonRefaults?: boolean | undefined;
	/** MGLRU's /sys/kernel/mm/lru_gen/min_ttl_ms: generations younger than this are never evicted. */
	readonly minTtlMs?: number | undefined;
	/** Try to free `frame`; the driver unmaps it, writes it to swap or drops it, and frees the frame. */
	evict(frame: number): EvictResult;
	readonly stats: ScanStats;
	/** Simulated time in ticks (MGLRU's min_ttl). */
	readonly tick: number;
}

export interface LruCounts {
	activeAnon: number;
	inactiveAnon: number;
	activeFile: number;
	inactiveFile: number;
	unevictable: number;
}

/** Plain data a policy can be saved to and restored from (typed arrays and numbers only). */
export type PolicyState = Record<
	string,
	Int32Array | Int8Array | Uint8Array | Uint16Array | Float64Array | number
>;

export interface ReplacementPolicy {
	readonly name: string;
	/** True when the driver must call accessed() on every hit, not only set PG_YOUNG. */
	readonly needsEveryAccess: boolean;
	/** Called once with the frame table the policy orders. */
	attach(frames: FrameTable): void;
	/** A page was placed in `frame` (fault, readahead, swap-in). `activate`: a refault judged workingset.
	 * The frame's kind and PG_unevictable stay as they are until removed(): to change them (mlock), the
	 * caller removes the page and inserts it again, as the kernel moves a folio between lists. */
	inserted(frame: number, activate: boolean): void;
	/** A hit on a resident page: every hit when needsEveryAccess; otherwise only for read(2)/fd accesses
	 * (folio_mark_accessed), which set no PTE bit. */
	accessed(frame: number): void;
	/** The page left memory by other means (exit, drop_caches, swap-in freeing the frame...). */
	removed(frame: number): void;
	/** Reclaim up to `target` frames, scanning as the kernel does at `priority` (12 → 0: size >> priority).
	 * Returns the number of frames freed. */
	reclaim(ctx: ReclaimContext, target: number, priority: number): number;
	counts(out: LruCounts): void;
	save(): PolicyState;
	load(state: PolicyState): void;
}

/** What a policy may be created with. */
export interface PolicyOptions {
	/** Seed for policies that draw random numbers (random); each has its own generator. */
	seed?: number | undefined;
}

export type PolicyFactory = (options?: PolicyOptions) => ReplacementPolicy;

export interface PolicyInfo {
	name: string;
	description: string;
	/** Needs the future (OPT): only the trace lab can run it. */
	traceOnly: boolean;
	create: PolicyFactory;
}

const NOT_COUNTED = -1;
const AS_ANON = 0;
const AS_FILE = 1;
const AS_UNEVICTABLE = 2;

/**
 * The resident pages of a policy with no active/inactive split, by what counts() reports them as
 * (anon, file, unevictable), kept as pages come and go so that counts() costs nothing. A page's class
 * is fixed when it is inserted: neither its kind nor PG_unevictable changes while it is resident.
 */
export class ResidentCounts {
	private classOf = new Int8Array(0);
	private readonly n = [0, 0, 0];

	attach(frames: number): void {
		this.classOf = new Int8Array(frames).fill(NOT_COUNTED);
		this.n.fill(0);
	}

	add(frames: FrameTable, f: number): void {
		this.remove(f);
		const c =
			(frames.flags[f]! & PG_UNEVICTABLE) !== 0 ? AS_UNEVICTABLE : frames.isSwapBacked(f) ? AS_ANON : AS_FILE;
		this.classOf[f] = c;
		this.n[c]!++;
	}

	remove(f: number): void {
		const c = this.classOf[f]!;
		if (c === NOT_COUNTED) return;
		this.classOf[f] = NOT_COUNTED;
		this.n[c]!--;
	}

	/**
	 * Split by the PTE young bit (set: "active"), for a policy whose lists are the young bits (CLOCK).
	 * The MMU sets the bits without telling the policy, so this looks at every frame, in frame order
	 * and without branching on the bit.
	 */
	fillByYoung(flags: Uint16Array, out: LruCounts): void {
		const classOf = this.classOf;
		const by = [0, 0, 0, 0, 0, 0];
		for (let f = 0; f < classOf.length; f++) {
			const c = classOf[f]!;
			if (c === NOT_COUNTED) continue;
			by[(c << 1) | ((flags[f]! & PG_YOUNG) === 0 ? 0 : 1)]!++;
		}
		out.activeAnon = by[(AS_ANON << 1) | 1]!;
		out.inactiveAnon = by[AS_ANON << 1]!;
		out.activeFile = by[(AS_FILE << 1) | 1]!;
		out.inactiveFile = by[AS_FILE << 1]!;
		out.unevictable = by[AS_UNEVICTABLE << 1]! + by[(AS_UNEVICTABLE << 1) | 1]!;
	}

	/** Everything resident is a reclaim candidate, so "inactive". */
	fill(out: LruCounts): void {
		out.activeAnon = 0;
		out.inactiveAnon = this.n[AS_ANON]!;
		out.activeFile = 0;
		out.inactiveFile = this.n[AS_FILE]!;
		out.unevictable = this.n[AS_UNEVICTABLE]!;
	}
}

/**
 * The resident pages of a policy with its own idea of "active" (ARC's T2, 2Q's Am, LIRS's LIR set,
 * CLOCK-Pro's hot pages...), by class and by that split, kept as pages come and go and move between
 * the policy's lists, so that counts() costs nothing. The class is fixed at add(), as in
 * ResidentCounts; the policy says when a page turns active or inactive.
 */
export class SplitCounts {
	/** NOT_COUNTED, or class * 2 + (active ? 1 : 0). */
	private stateOf = new Int8Array(0);
	private readonly n = [0, 0, 0, 0, 0, 0];

	attach(frames: number): void {
		this.stateOf = new Int8Array(frames).fill(NOT_COUNTED);
		this.n.fill(0);
	}

	add(frames: FrameTable, f: number, active: boolean): void {
		this.remove(f);
		const c =
			(frames.flags[f]! & PG_UNEVICTABLE) !== 0 ? AS_UNEVICTABLE : frames.isSwapBacked(f) ? AS_ANON : AS_FILE;
		const s = (c << 1) | (active ? 1 : 0);
		this.stateOf[f] = s;
		this.n[s]!++;
	}

	remove(f: number): void {
		const s = this.stateOf[f]!;
		if (s === NOT_COUNTED) return;
		this.stateOf[f] = NOT_COUNTED;
		this.n[s]!--;
	}

	/** A counted page turns active or inactive (no effect on a page not counted). */
	setActive(f: number, active: boolean): void {
		const s = this.stateOf[f]!;
		if (s === NOT_COUNTED) return;
		const t = (s & ~1) | (active ? 1 : 0);
		if (t === s) return;
		this.stateOf[f] = t;
		this.n[s]!--;
		this.n[t]!++;
	}

	/** Count afresh from the policy's own state (after load()): one pass over the frames. */
	rebuild(frames: FrameTable, resident: (f: number) => boolean, active: (f: number) => boolean): void {
		this.attach(frames.count);
		for (let f = 0; f < frames.count; f++) if (resident(f)) this.add(frames, f, active(f));
	}

	fill(out: LruCounts): void {
		out.activeAnon = this.n[(AS_ANON << 1) | 1]!;
		out.inactiveAnon = this.n[AS_ANON << 1]!;
		out.activeFile = this.n[(AS_FILE << 1) | 1]!;
		out.inactiveFile = this.n[AS_FILE << 1]!;
		out.unevictable = this.n[AS_UNEVICTABLE << 1]! + this.n[(AS_UNEVICTABLE << 1) | 1]!;
	}
}
