// One (policy, frame count) run of the trace lab: a fixed set of frames, a page → frame map and the
// policy. A hit sets the frame's PG_YOUNG bit as the MMU would (and calls accessed() for policies
// that must see every access); a miss takes a free frame or asks the policy to reclaim one through
// a context whose evict() always succeeds and unmaps the page.
import {FRAME_ANON, FRAME_FREE, FrameTable, PG_YOUNG} from '../sim/frames.js';
import {needsFuture} from '../sim/policies/opt.js';
import {
	EVICTED,
	type EvictResult,
	newScanStats,
	type ReclaimContext,
	type ReplacementPolicy,
	type ScanStats,
} from '../sim/policies/policy.js';
import {PageMap} from './page-map.js';

/** A stored trace's "never referenced again". */
export const NEVER = 0x7fffffff;

class TraceReclaimContext implements ReclaimContext {
	readonly swappiness = 60;
	readonly canSwap = true;
	readonly fileIsTiny = false;
	readonly anonCost = 0;
	readonly fileCost = 0;
	/** References so far: the trace's clock. */
	tick = 0;
	readonly stats: ScanStats = newScanStats();

	constructor(
		readonly frames: FrameTable,
		private readonly sim: TraceSim,
	) {}

	evict(frame: number): EvictResult {
		this.sim.unmap(frame);
		return EVICTED;
	}
}

export class TraceSim {
	readonly policy: ReplacementPolicy;
	readonly frameCount: number;
	readonly frames: FrameTable;
	references = 0;
	hits = 0;
	faults = 0;
	private readonly map: PageMap;
	/** The page in each frame (as the map's key), for unmapping on eviction. */
	private readonly pageOf: Float64Array;
	/** Frames freed by eviction, reused first. */
	private readonly freeStack: Int32Array;
	private freeTop = 0;
	/** Frames never used yet: they fill in order. */
	private nextUnused = 0;
	private readonly ctx: TraceReclaimContext;

	constructor(policy: ReplacementPolicy, frameCount: number) {
		this.policy = policy;
		this.frameCount = frameCount;
		this.frames = new FrameTable(frameCount);
		this.map = new PageMap(frameCount);
		this.pageOf = new Float64Array(frameCount).fill(-1);
		this.freeStack = new Int32Array(frameCount);
		this.ctx = new TraceReclaimContext(this.frames, this);
		policy.attach(this.frames);
	}

	/** Replay `n` references (page numbers). */
	run(refs: Float64Array, n: number): void {
		const map = this.map;
		const flags = this.frames.flags;
		const policy = this.policy;
		const every = policy.needsEveryAccess;
		let hits = 0;
		for (let i = 0; i < n; i++) {
			const page = refs[i]!;
			const f = map.get(page);
			if (f >= 0) {
				flags[f] = flags[f]! | PG_YOUNG;
				if (every) policy.accessed(f);
				hits++;
			} else {
				this.fault(page, this.references + i);
			}
		}
		this.hits += hits;
		this.references += n;
	}

	/**
	 * Replay stored references with their next-use indices (NEVER: not used again), for policies that
	 * need the future (opt). `refs` may be dense page ids: any integer works as a key.
	 */
	runWithFuture(refs: Int32Array, nextUse: Int32Array, n: number): void {
		const policy = this.policy;
		if (!needsFuture(policy)) throw new Error(`policy ${policy.name} does not take next-use information`);
		const map = this.map;
		const flags = this.frames.flags;
		let hits = 0;
		for (let i = 0; i < n; i++) {
			const page = refs[i]!;
			const next = nextUse[i]!;
			const when = next === NEVER ? Number.POSITIVE_INFINITY : next;
			const f = map.get(page);
			if (f >= 0) {
				flags[f] = flags[f]! | PG_YOUNG;
				policy.setNextUse(f, when);
				policy.accessed(f);
				hits++;
			} else {
				const nf = this.fault(page, this.references + i, true);
				policy.setNextUse(nf, when);
				policy.inserted(nf, false);
			}
		}
		this.hits += hits;
		this.references += n;
	}

	/** Load `page` into a frame; returns the frame. `deferInsert`: the caller calls inserted(). */
	private fault(page: number, now: number, deferInsert = false): number {
		this.faults++;
		let f: number;
		if (this.nextUnused < this.frameCount) {
			f = this.nextUnused++;
		} else {
			if (this.freeTop === 0) {
				this.ctx.tick = now;
				// Priority 0 scans everything; a policy that frees nothing twice in a row is broken.
				for (let tries = 0; this.freeTop === 0; tries++) {
					if (tries === 2) throw new Error(`policy ${this.policy.name} freed no frame`);
					this.policy.reclaim(this.ctx, 1, 0);
				}
			}
			f = this.freeStack[--this.freeTop]!;
		}
		const frames = this.frames;
		frames.kind[f] = FRAME_ANON;
		frames.owner[f] = 0;
		// index is informational here (an Int32Array cannot hold every page number).
		frames.index[f] = page & 0x7fffffff;
		// The access that faulted the page in is a reference.
		frames.flags[f] = PG_YOUNG;
		this.pageOf[f] = page;
		this.map.insert(page, f);
		if (!deferInsert) this.policy.inserted(f, false);
		return f;
	}

	/** The evict() of the trivial reclaim context: drop the page and free its frame. */
	unmap(frame: number): void {
		const page = this.pageOf[frame]!;
		if (page < 0) throw new Error(`policy ${this.policy.name} evicted free frame ${frame}`);
		this.map.delete(page);
		this.pageOf[frame] = -1;
		const frames = this.frames;
		frames.kind[frame] = FRAME_FREE;
		frames.flags[frame] = 0;
		frames.owner[frame] = -1;
		this.freeStack[this.freeTop++] = frame;
	}
}
