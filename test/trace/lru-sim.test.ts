import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {createPolicy} from '../../source/sim/policies/index.js';
import {LruSim} from '../../source/trace/lru-sim.js';
import {pageIdsOf} from '../../source/trace/run.js';
import {createSimulation, TraceSim} from '../../source/trace/sim.js';
import {lruModel} from '../sim/policies/helpers.js';

const trace = fc.array(fc.integer({min: 0, max: 30}), {maxLength: 300});

/** 'F'/'h' per reference, fed in uneven batches (state carries across run() calls). */
function pattern(
	sim: {run(ids: Int32Array, from: number, to: number): void; faults: number},
	ids: Int32Array,
) {
	let out = '';
	for (let i = 0; i < ids.length; i++) {
		const before = sim.faults;
		sim.run(ids, i, i + 1);
		out += sim.faults > before ? 'F' : 'h';
	}
	return out;
}

describe('the lru fast path', () => {
	it('faults and hits reference by reference as the general driver over the lru policy', () => {
		fc.assert(
			fc.property(trace, fc.integer({min: 1, max: 40}), (pages, frames) => {
				const {ids, distinct} = pageIdsOf(pages);
				const fast = new LruSim(frames, distinct);
				const slow = new TraceSim(createPolicy('lru'), frames, distinct);
				fast.reserve(distinct);
				slow.reserve(distinct);
				const p = pattern(fast, ids);
				expect(p).toBe(pattern(slow, ids));
				expect(p).toBe(lruModel(pages, frames));
				expect(fast.resident).toBe(slow.resident);
				expect(fast.hits + fast.faults).toBe(pages.length);
				expect(fast.resident).toBeLessThanOrEqual(frames);
			}),
		);
	});

	it('whole batches give the same counts as one reference at a time', () => {
		fc.assert(
			fc.property(
				trace,
				fc.integer({min: 1, max: 40}),
				fc.integer({min: 1, max: 50}),
				(pages, frames, batch) => {
					const {ids, distinct} = pageIdsOf(pages);
					const a = new LruSim(frames, distinct);
					const b = new LruSim(frames, distinct);
					// Ids arrive while the table grows, as from a streamed text trace.
					for (let at = 0; at < ids.length; at += batch) {
						const to = Math.min(ids.length, at + batch);
						let max = 0;
						for (let i = 0; i < to; i++) max = Math.max(max, ids[i]! + 1);
						a.reserve(max);
						a.run(ids, at, to);
					}
					b.reserve(distinct);
					for (let i = 0; i < ids.length; i++) b.run(ids, i, i + 1);
					expect([a.hits, a.faults, a.resident]).toEqual([b.hits, b.faults, b.resident]);
					expect(a.order()).toEqual(b.order());
				},
			),
		);
	});

	it('worked by hand: the classic string with 3 frames, the stack after it', () => {
		// 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1: 12 faults (Silberschatz et al., figure 10.16).
		const pages = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];
		const {ids, distinct} = pageIdsOf(pages);
		const sim = new LruSim(3, distinct);
		sim.reserve(distinct);
		sim.run(ids, 0, ids.length);
		expect([sim.faults, sim.hits]).toEqual([12, 8]);
		// Most recent first: 1, 0, 7 as dense ids (7 → 0, 0 → 1, 1 → 2).
		expect(sim.order()).toEqual([2, 1, 0]);
	});

	it('a run that meets more pages than its capacity says so', () => {
		const sim = new LruSim(1 << 20, 2);
		sim.reserve(3);
		expect(() => sim.run(Int32Array.of(0, 1, 2), 0, 3)).toThrow(/more distinct pages than its capacity 2/);
	});

	it('the drivers take it for lru only', () => {
		expect(createSimulation('lru', 8, 8)).toBeInstanceOf(LruSim);
		expect(createSimulation('fifo', 8, 8)).toBeInstanceOf(TraceSim);
	});
});
