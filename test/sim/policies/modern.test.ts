// The policies added in round 2 (ARC, 2Q, LIRS, CLOCK-Pro, S3-FIFO, SIEVE, LFU, RANDOM): registry,
// invariants on random traces, and the machine's reclaim contract (KEPT, CANNOT, mlock, no swap,
// bounded scans, save/load). Each has its own file of hand-worked strings.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {FRAME_ANON, FRAME_FILE, FRAME_FREE, FrameTable, PG_UNEVICTABLE} from '../../../source/sim/frames.js';
import {createPolicy, policyInfo, policyNames} from '../../../source/sim/policies/index.js';
import {
	CANNOT,
	EVICTED,
	type EvictResult,
	KEPT,
	type LruCounts,
	newScanStats,
	type ReclaimContext,
	type ReplacementPolicy,
} from '../../../source/sim/policies/policy.js';
import {pageIdsOf, simulatePages} from '../../../source/trace/run.js';
import {TraceSim} from '../../../source/trace/sim.js';
import {MODERN} from './helpers.js';

const trace = fc.array(fc.integer({min: 0, max: 20}), {maxLength: 150});

function counts(policy: ReplacementPolicy): LruCounts {
	const out = {activeAnon: 9, inactiveAnon: 9, activeFile: 9, inactiveFile: 9, unevictable: 9};
	policy.counts(out);
	return out;
}
const total = (c: LruCounts): number =>
	c.activeAnon + c.inactiveAnon + c.activeFile + c.inactiveFile + c.unevictable;

describe('round-2 policies on random traces', () => {
	it('are registered for the trace lab and the machine', () => {
		for (const name of MODERN) {
			expect(policyInfo(name)?.traceOnly).toBe(false);
			expect(policyNames({includeTraceOnly: false})).toContain(name);
		}
	});

	it('never hold more pages than frames, and count what they hold', () => {
		fc.assert(
			fc.property(trace, fc.integer({min: 1, max: 8}), (refs, n) => {
				const {ids, distinct} = pageIdsOf(refs);
				for (const name of MODERN) {
					const sim = new TraceSim(createPolicy(name), n, distinct);
					sim.reserve(distinct);
					for (let i = 0; i < ids.length; i++) {
						sim.run(ids, i, i + 1);
						expect(sim.resident).toBeLessThanOrEqual(n);
						expect(total(counts(sim.policy))).toBe(sim.resident);
					}
				}
			}),
			{numRuns: 60},
		);
	});

	it('random: the same seed gives the same faults, another seed may not', () => {
		const refs = Array.from({length: 400}, (_, i) => (i * 37) % 23);
		const a = simulatePages('random', refs, 8, 7).faults;
		expect(simulatePages('random', refs, 8, 7).faults).toBe(a);
		const seeds = [1, 2, 3, 4, 5, 6].map((s) => simulatePages('random', refs, 8, s).faults);
		expect(new Set(seeds).size).toBeGreaterThan(1);
	});
});

/** A tiny machine: frames loaded in order, even frames anon, odd frames file. */
function setup(name: string, count: number) {
	const frames = new FrameTable(count);
	const policy = createPolicy(name);
	policy.attach(frames);
	for (let f = 0; f < count; f++) {
		frames.kind[f] = f % 2 === 0 ? FRAME_ANON : FRAME_FILE;
		frames.owner[f] = 1;
		frames.index[f] = f;
		policy.inserted(f, false);
	}
	return {frames, policy};
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
		stats: newScanStats(),
		tick: 0,
		evict(f: number): EvictResult {
			tried.push(f);
			const r = decide(f);
			if (r === EVICTED) {
				evicted.push(f);
				frames.kind[f] = FRAME_FREE;
				frames.owner[f] = -1;
			}
			return r;
		},
	};
	return {ctx, evicted, tried};
}

describe.each(MODERN)('%s as a machine reclaim policy', (name) => {
	it('frees up to target frames through ctx.evict and counts them', () => {
		const {frames, policy} = setup(name, 8);
		const {ctx, evicted} = context(frames);
		expect(policy.reclaim(ctx, 3, 0)).toBe(3);
		expect(new Set(evicted).size).toBe(3);
		expect(ctx.stats.reclaimedAnon + ctx.stats.reclaimedFile).toBe(3);
		expect(total(counts(policy))).toBe(5);
	});

	it('leaves KEPT and CANNOT pages with the policy and frees others', () => {
		const {frames, policy} = setup(name, 6);
		const {ctx, evicted} = context(frames, (f) => (f === 0 ? KEPT : f === 1 ? CANNOT : EVICTED));
		expect(policy.reclaim(ctx, 2, 0)).toBe(2);
		expect(evicted).not.toContain(0);
		expect(evicted).not.toContain(1);
		expect(total(counts(policy))).toBe(4);
		policy.removed(0);
		expect(total(counts(policy))).toBe(3);
	});

	it('gives up after a bounded scan when nothing can go, and scans less at high priority', () => {
		const {frames, policy} = setup(name, 50);
		const stuck = context(frames, () => KEPT);
		expect(policy.reclaim(stuck.ctx, 10, 0)).toBe(0);
		expect(stuck.tried.length).toBeLessThanOrEqual(4 * 50);
		const tiny = context(frames);
		expect(policy.reclaim(tiny.ctx, 1, 12)).toBe(0);
		expect(tiny.tried).toHaveLength(0);
	});

	it('does not evict mlocked pages, nor anon pages without swap', () => {
		const {frames, policy} = setup(name, 8);
		// mlock: the page leaves the policy's lists and comes back unevictable (the interface's rule).
		policy.removed(1);
		frames.flags[1] = frames.flags[1]! | PG_UNEVICTABLE;
		policy.inserted(1, false);
		const {ctx, tried} = context(frames, () => EVICTED, false);
		policy.reclaim(ctx, 8, 0);
		expect(tried.every((f) => f % 2 === 1 && f !== 1)).toBe(true);
		expect(ctx.stats.scannedAnon).toBe(0);
		expect(counts(policy).unevictable).toBe(1);
	});

	it('save() and load() restore the same future', () => {
		const refs = Array.from({length: 300}, (_, i) => ((i * 7) % 13) + (i % 5 === 0 ? 20 + (i % 11) : 0));
		const {ids, distinct} = pageIdsOf(refs);
		const run = (sim: TraceSim, from: number, to: number): string => {
			let out = '';
			for (let i = from; i < to; i++) {
				const f = sim.faults;
				sim.run(ids, i, i + 1);
				out += sim.faults > f ? 'F' : 'h';
			}
			return out;
		};
		const a = new TraceSim(createPolicy(name, {seed: 3}), 6, distinct);
		a.reserve(distinct);
		const b = new TraceSim(createPolicy(name, {seed: 3}), 6, distinct);
		b.reserve(distinct);
		run(a, 0, 150);
		run(b, 0, 150);
		const state = a.policy.save();
		for (const v of Object.values(state)) expect(typeof v === 'number' || ArrayBuffer.isView(v)).toBe(true);
		// Scramble b's policy state (hits it never had), then restore a's checkpoint into it.
		for (let f = 0; f < 6; f++) b.policy.accessed(f);
		b.policy.load(state);
		expect(run(b, 150, ids.length)).toBe(run(a, 150, ids.length));
	});
});
