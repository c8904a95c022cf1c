// One (policy, frame count) run of the trace lab over dense page ids (page-ids.ts): a fixed set of
// frames, an id → frame array and the policy. A hit sets the frame's PG_YOUNG bit as the MMU would
// (and calls accessed() for policies that must see every access); a miss takes a free frame or asks
// the policy to reclaim one through a context whose evict() always succeeds and unmaps the page.
// Frames beyond the trace's distinct pages are never used, so none are allocated: the frame table
// holds min(frames, capacity) frames, where the driver passes the distinct pages when it knows them.
import {FRAME_ANON, FRAME_FREE, FrameTable, PG_YOUNG} from '../sim/frames.js';
import {pageKeyOf, type SeesFaults, seesFaults} from '../sim/policies/ghosts.js';
import {createPolicy} from '../sim/policies/index.js';
import {needsFuture} from '../sim/policies/opt.js';
import {
	EVICTED,
	type EvictResult,
	newScanStats,
	type ReclaimContext,
	type ReplacementPolicy,
	type ScanStats,
} from '../sim/policies/policy.js';
import {LruSim} from './lru-sim.js';
import {NEVER} from './store.js';

/** What the drivers need of one (policy, frame count) run: TraceSim, or a fast path (lru-sim.ts). */
export interface Simulation {
	readonly frameCount: number;
	readonly capacity: number;
	references: number;
	hits: number;
	faults: number;
	/** Make room for page ids below `distinct` (before each batch). */
	reserve(distinct: number): void;
	/** Replay the references ids[from..to). */
	run(ids: Int32Array, from: number, to: number): void;
	readonly resident: number;
}

/**
 * A run of policy `name` over `frameCount` frames: lru takes its fast path (same faults and hits,
 * checked by test/trace/lru-sim.test.ts), every other policy the general driver below.
 */
export function createSimulation(name: string, frameCount: number, capacity: number, seed = 1): Simulation {
	if (name === 'lru') return new LruSim(frameCount, capacity);
	return new TraceSim(createPolicy(name, {seed}), frameCount, capacity);
}

class TraceReclaimContext implements ReclaimContext {
	readonly swappiness = 60;
	readonly canSwap = true;
	readonly cacheBelowHigh = false;
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

export class TraceSim implements Simulation {
	readonly policy: ReplacementPolicy;
	/** Frames the run models. */
	readonly frameCount: number;
	/** Frames allocated: min(frameCount, the most distinct pages this run will see). */
	readonly capacity: number;
	readonly frames: FrameTable;
	references = 0;
	hits = 0;
	faults = 0;
	/** The frame of each page id, or -1; grown by reserve(). */
	private frameOf: Int32Array;
	/** The page id in each frame, or -1. */
	private readonly pageOf: Int32Array;
	/** Frames freed by eviction, reused first. */
	private readonly freeStack: Int32Array;
	private freeTop = 0;
	/** Frames never used yet: they fill in order. */
	private nextUnused = 0;
	private readonly ctx: TraceReclaimContext;
	/** Policies told of each fault before reclaim (ARC). */
	private readonly announce: (ReplacementPolicy & SeesFaults) | undefined;

	/** `capacity`: an upper bound on the distinct pages this run will see, when known. */
	constructor(policy: ReplacementPolicy, frameCount: number, capacity = frameCount) {
		this.policy = policy;
		this.frameCount = frameCount;
		this.capacity = Math.max(1, Math.min(frameCount, capacity));
		this.frames = new FrameTable(this.capacity);
		this.frameOf = new Int32Array(Math.min(capacity, 1 << 12)).fill(-1);
		this.pageOf = new Int32Array(this.capacity).fill(-1);
		this.freeStack = new Int32Array(this.capacity);
		this.ctx = new TraceReclaimContext(this.frames, this);
		this.announce = seesFaults(policy) ? policy : undefined;
		policy.attach(this.frames);
	}

	/** Make room for page ids below `distinct` (the driver calls it before each batch). */
	reserve(distinct: number): void {
		if (distinct <= this.frameOf.length) return;
		let size = this.frameOf.length * 2;
		while (size < distinct) size *= 2;
		const grown = new Int32Array(size).fill(-1);
		grown.set(this.frameOf);
		this.frameOf = grown;
	}

	/** Replay the references ids[from..to). */
	run(ids: Int32Array, from: number, to: number): void {
		const frameOf = this.frameOf;
		const flags = this.frames.flags;
		const policy = this.policy;
		const every = policy.needsEveryAccess;
		let hits = 0;
		const base = this.references - from;
		for (let i = from; i < to; i++) {
			const id = ids[i]!;
			const f = frameOf[id]!;
			if (f >= 0) {
				flags[f] = flags[f]! | PG_YOUNG;
				if (every) policy.accessed(f);
				hits++;
			} else {
				this.fault(id, base + i, false);
			}
		}
		this.hits += hits;
		this.references += to - from;
	}

	/**
	 * Replay stored references with their next-use indices (NEVER: not used again), for policies
	 * that need the future (opt).
	 */
	runWithFuture(ids: Int32Array, nextUse: Int32Array, from: number, to: number): void {
		const policy = this.policy;
		if (!needsFuture(policy)) throw new Error(`policy ${policy.name} does not take next-use information`);
		const frameOf = this.frameOf;
		const flags = this.frames.flags;
		let hits = 0;
		const base = this.references - from;
		for (let i = from; i < to; i++) {
			const id = ids[i]!;
			const next = nextUse[i]!;
			const when = next === NEVER ? Number.POSITIVE_INFINITY : next;
			const f = frameOf[id]!;
			if (f >= 0) {
				flags[f] = flags[f]! | PG_YOUNG;
				policy.setNextUse(f, when);
				policy.accessed(f);
				hits++;
			} else {
				const nf = this.fault(id, base + i, true);
				policy.setNextUse(nf, when);
				policy.inserted(nf, false);
			}
		}
		this.hits += hits;
		this.references += to - from;
	}

	/** Load page `id` into a frame; returns the frame. `deferInsert`: the caller calls inserted(). */
	private fault(id: number, now: number, deferInsert: boolean): number {
		this.faults++;
		// The identity fault() gives the frame below, for policies that look the page up first.
		this.announce?.faulting(pageKeyOf(FRAME_ANON, 0, id));
		let f: number;
		if (this.nextUnused < this.capacity) {
			f = this.nextUnused++;
		} else {
			if (this.capacity < this.frameCount) {
				throw new Error(`trace sim: more distinct pages than its capacity ${this.capacity}`);
			}
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
		// The page's identity for policies that remember evicted pages (ghost lists): its dense id.
		frames.owner[f] = 0;
		frames.index[f] = id;
		// The access that faulted the page in is a reference.
		frames.flags[f] = PG_YOUNG;
		this.pageOf[f] = id;
		this.frameOf[id] = f;
		if (!deferInsert) this.policy.inserted(f, false);
		return f;
	}

	/** Pages resident now. */
	get resident(): number {
		return this.nextUnused - this.freeTop;
	}

	/** The evict() of the trivial reclaim context: drop the page and free its frame. */
	unmap(frame: number): void {
		const id = this.pageOf[frame]!;
		if (id < 0) throw new Error(`policy ${this.policy.name} evicted free frame ${frame}`);
		this.frameOf[id] = -1;
		this.pageOf[frame] = -1;
		const frames = this.frames;
		frames.kind[frame] = FRAME_FREE;
		frames.flags[frame] = 0;
		frames.owner[frame] = -1;
		this.freeStack[this.freeTop++] = frame;
	}
}
