// The classic policies as machine reclaim policies: evict through ctx.evict(), respect KEPT and
// CANNOT, count scan statistics by anon/file, stay bounded, checkpoint with save()/load().
import {describe, expect, it} from 'vitest';
import {
	FRAME_ANON,
	FRAME_FILE,
	FRAME_FREE,
	FrameTable,
	PG_UNEVICTABLE,
	PG_YOUNG,
} from '../../../source/sim/frames.js';
import {createPolicy} from '../../../source/sim/policies/index.js';
import {OptPolicy} from '../../../source/sim/policies/opt.js';
import {
	CANNOT,
	EVICTED,
	type EvictResult,
	KEPT,
	type LruCounts,
	type ReclaimContext,
	type ReplacementPolicy,
	type ScanStats,
} from '../../../source/sim/policies/policy.js';

const MACHINE_POLICIES = ['fifo', 'lru', 'clock'];

function newStats(): ScanStats {
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

/** A tiny machine: frames loaded in order, even frames anon, odd frames file. */
function setup(name: string, count: number, resident = count) {
	const frames = new FrameTable(count);
	const policy = createPolicy(name);
	policy.attach(frames);
	for (let f = 0; f < resident; f++) load(frames, policy, f);
	return {frames, policy};
}

function load(frames: FrameTable, policy: ReplacementPolicy, f: number): void {
	frames.kind[f] = f % 2 === 0 ? FRAME_ANON : FRAME_FILE;
	frames.owner[f] = 1;
	frames.index[f] = f;
	frames.flags[f] = 0;
	policy.inserted(f, false);
}

function context(frames: FrameTable, decide: (f: number) => EvictResult = () => EVICTED, canSwap = true) {
	const evicted: number[] = [];
	const tried: number[] = [];
	const ctx: ReclaimContext = {
		frames,
		swappiness: 60,
		canSwap,
		cacheBelowHigh: false,
		anonCost: 0,
		fileCost: 0,
		stats: newStats(),
		tick: 0,
		evict(f: number): EvictResult {
			tried.push(f);
			const r = decide(f);
			if (r === EVICTED) {
				// As the machine does: the frame is free afterwards.
				evicted.push(f);
				frames.kind[f] = FRAME_FREE;
				frames.flags[f] = 0;
				frames.owner[f] = -1;
			}
			return r;
		},
	};
	return {ctx, evicted, tried};
}

function counts(policy: ReplacementPolicy): LruCounts {
	const out = {activeAnon: 9, inactiveAnon: 9, activeFile: 9, inactiveFile: 9, unevictable: 9};
	policy.counts(out);
	return out;
}

const total = (c: LruCounts): number =>
	c.activeAnon + c.inactiveAnon + c.activeFile + c.inactiveFile + c.unevictable;

describe.each(MACHINE_POLICIES)('%s as a reclaim policy', (name) => {
	it('frees up to target frames through ctx.evict and counts them by anon/file', () => {
		const {frames, policy} = setup(name, 8);
		const {ctx, evicted} = context(frames);
		expect(policy.reclaim(ctx, 3, 0)).toBe(3);
		expect(evicted).toHaveLength(3);
		const anon = evicted.filter((f) => f % 2 === 0).length;
		expect(ctx.stats.reclaimedAnon).toBe(anon);
		expect(ctx.stats.reclaimedFile).toBe(3 - anon);
		expect(ctx.stats.scannedAnon + ctx.stats.scannedFile).toBeGreaterThanOrEqual(3);
		expect(total(counts(policy))).toBe(5);
	});

	it('evicts the oldest page first when nothing was referenced', () => {
		const {frames, policy} = setup(name, 4);
		const {ctx, evicted} = context(frames);
		policy.reclaim(ctx, 1, 0);
		expect(evicted).toEqual([0]);
	});

	it('leaves KEPT and CANNOT pages in place and tries others', () => {
		const {frames, policy} = setup(name, 6);
		// Frames 0 and 1 cannot go now; the rest can.
		const {ctx, evicted, tried} = context(frames, (f) => (f === 0 ? KEPT : f === 1 ? CANNOT : EVICTED));
		expect(policy.reclaim(ctx, 2, 0)).toBe(2);
		expect(evicted).toEqual([2, 3]);
		expect(tried.slice(0, 2)).toEqual([0, 1]);
		expect(total(counts(policy))).toBe(4);
		// The stuck pages are still the policy's: removed() works on them and they can go later.
		policy.removed(0);
		expect(total(counts(policy))).toBe(3);
		const later = context(frames);
		expect(policy.reclaim(later.ctx, 3, 0)).toBe(3);
		expect(total(counts(policy))).toBe(0);
	});

	it('gives up when nothing can be evicted, after a bounded scan', () => {
		const {frames, policy} = setup(name, 50);
		const {ctx, tried} = context(frames, () => KEPT);
		expect(policy.reclaim(ctx, 10, 0)).toBe(0);
		expect(tried.length).toBeLessThanOrEqual(2 * 50);
		expect(total(counts(policy))).toBe(50);
	});

	it('scans size >> priority pages at most', () => {
		const {frames, policy} = setup(name, 64);
		const {ctx, tried} = context(frames, () => KEPT);
		policy.reclaim(ctx, 64, 4);
		expect(tried.length).toBeLessThanOrEqual((64 >> 4) << 1);
		const tiny = context(frames);
		expect(policy.reclaim(tiny.ctx, 1, 12)).toBe(0);
		expect(tiny.tried).toHaveLength(0);
	});

	it('does not scan anon pages without swap, nor mlocked pages', () => {
		const {frames, policy} = setup(name, 8);
		// mlock() of a resident page: the policy is told, as the kernel moves it to the unevictable list.
		policy.removed(1);
		frames.flags[1] = frames.flags[1]! | PG_UNEVICTABLE;
		policy.inserted(1, false);
		const {ctx, tried} = context(frames, () => EVICTED, false);
		expect(policy.reclaim(ctx, 8, 0)).toBe(3);
		expect(tried).toEqual(expect.arrayContaining([3, 5, 7]));
		expect(tried).toHaveLength(3);
		expect(ctx.stats.scannedAnon).toBe(0);
		expect(ctx.stats.reclaimedFile).toBe(3);
		const c = counts(policy);
		expect(c.unevictable).toBe(1);
		expect(c.activeAnon + c.inactiveAnon).toBe(4);
	});

	it('forgets pages removed by other means', () => {
		const {frames, policy} = setup(name, 4);
		policy.removed(0);
		policy.removed(2);
		frames.kind[0] = FRAME_FREE;
		frames.kind[2] = FRAME_FREE;
		const {ctx, evicted} = context(frames);
		expect(policy.reclaim(ctx, 4, 0)).toBe(2);
		expect(evicted.sort()).toEqual([1, 3]);
	});

	it('save() and load() restore the same future', () => {
		const a = setup(name, 16, 10);
		// Some history: references, a reclaim, more loads.
		for (const f of [3, 5, 3]) {
			a.frames.flags[f] = a.frames.flags[f]! | PG_YOUNG;
			if (a.policy.needsEveryAccess) a.policy.accessed(f);
		}
		a.policy.reclaim(context(a.frames).ctx, 2, 0);
		for (let f = 10; f < 14; f++) load(a.frames, a.policy, f);

		const state = a.policy.save();
		for (const v of Object.values(state)) {
			expect(typeof v === 'number' || ArrayBuffer.isView(v)).toBe(true);
		}
		const frames = new FrameTable(16);
		frames.kind.set(a.frames.kind);
		frames.flags.set(a.frames.flags);
		frames.owner.set(a.frames.owner);
		frames.index.set(a.frames.index);
		const b = createPolicy(name);
		b.attach(frames);
		b.load(state);
		// Mutating a after save must not affect the checkpoint.
		const ra = context(a.frames);
		const rb = context(frames);
		a.policy.reclaim(ra.ctx, 5, 0);
		b.reclaim(rb.ctx, 5, 0);
		expect(rb.evicted).toEqual(ra.evicted);
		expect(counts(b)).toEqual(counts(a.policy));
	});
});

describe('clock as a reclaim policy', () => {
	it('clears reference bits on the way and counts them as rotations', () => {
		const {frames, policy} = setup('clock', 4);
		frames.flags[0] = PG_YOUNG;
		frames.flags[1] = PG_YOUNG;
		const {ctx, evicted} = context(frames);
		policy.reclaim(ctx, 1, 0);
		expect(evicted).toEqual([2]);
		expect(frames.flags[0]! & PG_YOUNG).toBe(0);
		expect(ctx.stats.rotated).toBe(2);
		const c = counts(policy);
		expect(c.activeAnon + c.activeFile).toBe(0);
	});

	it('reports pages with the bit set as active', () => {
		const {frames, policy} = setup('clock', 4);
		frames.flags[0] = PG_YOUNG;
		frames.flags[1] = PG_YOUNG;
		expect(counts(policy)).toEqual({
			activeAnon: 1,
			inactiveAnon: 1,
			activeFile: 1,
			inactiveFile: 1,
			unevictable: 0,
		});
	});
});

describe('opt as a reclaim policy', () => {
	it('evicts the frame used farthest in the future, never-used first, and skips KEPT', () => {
		const frames = new FrameTable(4);
		const opt = new OptPolicy();
		opt.attach(frames);
		const next = [10, Number.POSITIVE_INFINITY, 30, 20];
		for (let f = 0; f < 4; f++) {
			frames.kind[f] = FRAME_FILE;
			opt.setNextUse(f, next[f]!);
			opt.inserted(f, false);
		}
		const {ctx, evicted} = context(frames, (f) => (f === 1 ? KEPT : EVICTED));
		expect(opt.reclaim(ctx, 2, 0)).toBe(2);
		expect(evicted).toEqual([2, 3]);
		expect(total(counts(opt))).toBe(2);
		const again = context(frames);
		opt.reclaim(again.ctx, 1, 0);
		expect(again.evicted).toEqual([1]);
	});

	it('save() and load() round-trip', () => {
		const frames = new FrameTable(8);
		const a = new OptPolicy();
		a.attach(frames);
		for (let f = 0; f < 6; f++) {
			frames.kind[f] = FRAME_ANON;
			a.setNextUse(f, (f * 7) % 5);
			a.inserted(f, false);
		}
		const b = new OptPolicy();
		b.attach(frames);
		b.load(a.save());
		const ra = context(frames);
		a.reclaim(ra.ctx, 3, 0);
		const frames2 = new FrameTable(8);
		frames2.kind.fill(FRAME_ANON, 0, 6);
		const b2 = new OptPolicy();
		b2.attach(frames2);
		b2.load(b.save());
		const rb = context(frames2);
		b2.reclaim(rb.ctx, 3, 0);
		expect(rb.evicted).toEqual(ra.evicted);
	});
});
