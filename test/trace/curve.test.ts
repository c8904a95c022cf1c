import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {curveGrid, runCurve} from '../../source/trace/curve.js';
import {LruStack} from '../../source/trace/lru-stack.js';
import {OptStack} from '../../source/trace/opt-stack.js';
import {pageIdsOf, simulatePages} from '../../source/trace/run.js';
import {storeIds} from '../../source/trace/store.js';

const trace = fc.array(fc.integer({min: 0, max: 24}), {maxLength: 200});

function lruCurve(pages: number[]): {stack: LruStack; distinct: number} {
	const {ids, distinct} = pageIdsOf(pages);
	const stack = new LruStack();
	// Uneven batches: state carries across push() calls.
	for (let at = 0; at < ids.length; at += 7) {
		const part = ids.slice(at, at + 7);
		stack.push(part, part.length, distinct);
	}
	return {stack, distinct};
}

function optCurve(pages: number[]): {stack: OptStack; distinct: number} {
	const {ids, distinct} = pageIdsOf(pages);
	const t = storeIds(ids, distinct);
	const stack = new OptStack(distinct);
	stack.run(t.ids, t.nextUse, 0, ids.length);
	return {stack, distinct};
}

const frameCounts = (distinct: number): number[] => Array.from({length: distinct + 2}, (_, i) => i + 1);

describe('miss-ratio curves from one pass', () => {
	it('lru stack distances equal a per-size lru run at every frame count', () => {
		fc.assert(
			fc.property(trace, (pages) => {
				const {stack, distinct} = lruCurve(pages);
				const sizes = frameCounts(distinct);
				const curve = stack.faultsAt(sizes);
				sizes.forEach((f, i) => {
					expect(curve[i]).toBe(simulatePages('lru', pages, f).faults);
					expect(stack.faults(f)).toBe(curve[i]);
				});
			}),
			{numRuns: 150},
		);
	});

	it("opt's priority stack equals a per-size opt (MIN) run at every frame count", () => {
		fc.assert(
			fc.property(trace, (pages) => {
				const {stack, distinct} = optCurve(pages);
				const sizes = frameCounts(distinct);
				const curve = stack.faultsAt(sizes);
				expect(curve).toEqual(sizes.map((f) => simulatePages('opt', pages, f).faults));
			}),
			{numRuns: 150},
		);
	});

	it('hand-worked: lru on 1 2 3 1 2 4 1 has distances 3 3 . 3 and 3 cold misses', () => {
		// 1 2 3 cold; 1: 1 2 3 since the last 1 → distance 3; 2: 2 3 1 → 3; 4 cold; 1: 1 2 4 → 3.
		const {stack} = lruCurve([1, 2, 3, 1, 2, 4, 1]);
		expect(stack.cold).toBe(4);
		expect(stack.hist[3]).toBe(3);
		expect(stack.faultsAt([1, 2, 3, 4])).toEqual([7, 7, 4, 4]);
	});

	it('lru stays exact across renumbering of its positions (a long trace)', () => {
		// 150,000 references over 5,000 pages: positions run out and are renumbered several times.
		const pages: number[] = [];
		let x = 12345;
		for (let i = 0; i < 150_000; i++) {
			x = (Math.imul(x, 1103515245) + 12345) >>> 0;
			pages.push(i % 3 === 0 ? (x >>> 8) % 5000 : (x >>> 8) % 200);
		}
		const {stack} = lruCurve(pages);
		for (const f of [1, 150, 199, 200, 1000, 4999, 5000]) {
			expect(stack.faults(f)).toBe(simulatePages('lru', pages, f).faults);
		}
	});

	it('lru keeps its counts when they are read between batches (the 32-bit counts fold into totals)', () => {
		const pages = Array.from({length: 3000}, (_, i) => (i * 7919) % 97);
		const {ids, distinct} = pageIdsOf(pages);
		const whole = new LruStack();
		whole.push(ids, ids.length, distinct);
		const parts = new LruStack();
		for (let at = 0; at < ids.length; at += 500) {
			const part = ids.slice(at, at + 500);
			parts.push(part, part.length, distinct);
			// Reading folds what was counted so far; later batches count on from zero.
			expect(parts.hist.reduce((a, b) => a + b, 0) + parts.cold).toBe(at + part.length);
		}
		expect(Array.from(parts.hist.subarray(0, 98))).toEqual(Array.from(whole.hist.subarray(0, 98)));
		expect(parts.faultsAt([1, 50, 96, 97])).toEqual(whole.faultsAt([1, 50, 96, 97]));
	});

	it('runCurve: every curve point equals the per-size run; fifo shows Belady on his string', async () => {
		const text = '1,2,3,4,1,2,5,1,2,3,4,5';
		const pages = text.split(',').map(Number);
		const report = await runCurve(
			{name: 'belady', chunks: [Buffer.from(text)], size: text.length},
			{
				policies: ['lru', 'opt', 'fifo', 'clock'],
				format: 'auto',
				pageSize: 4096,
				dataOnly: false,
				skipBad: false,
			},
		);
		expect(report.distinct).toBe(5);
		for (const curve of report.curves) {
			expect(curve.frames).toEqual([1, 2, 3, 4, 5]);
			expect(curve.faults).toEqual(curve.frames.map((f) => simulatePages(curve.policy, pages, f).faults));
		}
		const fifo = report.curves.find((c) => c.policy === 'fifo')!;
		expect(fifo.method).toBe('per-size');
		expect(fifo.belady).toEqual([{frames: 4, faults: 10, fewerFrames: 3, fewerFaults: 9}]);
		expect(report.curves.find((c) => c.policy === 'lru')!.belady).toEqual([]);
	});

	it('curveGrid: dense, then a few sizes per doubling, ending at the maximum', () => {
		expect(curveGrid(5, 8, 4)).toEqual([1, 2, 3, 4, 5]);
		expect(curveGrid(64, 8, 1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64]);
		expect(curveGrid(100, 8, 1)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64, 100]);
	});
});
