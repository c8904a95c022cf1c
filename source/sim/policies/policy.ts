// One interface for every page replacement / reclaim policy, in the machine and in the trace lab.
// A policy owns its own ordering state (lists, generations, clock hand); the driver owns the frames.
// Hits on mapped pages only set PG_YOUNG in frames.flags, as the MMU sets the PTE accessed bit;
// policies that need to see every access (exact LRU, OPT) say so and get accessed() calls.
import type {FrameTable} from '../frames.js';

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
	/** free + file LRU ≤ Σ high watermarks (get_scan_count's file_is_tiny). */
	readonly fileIsTiny: boolean;
	/** Costs noted by lru_note_cost for anon and file (scan balance input). */
	readonly anonCost: number;
	readonly fileCost: number;
	/** File pages refaulted since the last reclaim cycle (disables get_scan_count's cache_trim_mode). */
	readonly recentFileRefaults?: boolean | undefined;
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
	/** A page was placed in `frame` (fault, readahead, swap-in). `activate`: a refault judged workingset. */
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
