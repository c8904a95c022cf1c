// Properties over random traces, through the trace driver.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {policyNames} from '../../../source/sim/policies/index.js';
import {simulatePages} from '../../../source/trace/run.js';
import {clockModel, count, faultPattern, fifoModel, lruModel, optModel} from './helpers.js';

const trace = fc.array(fc.integer({min: 0, max: 15}), {maxLength: 120});
const frames = fc.integer({min: 1, max: 10});

describe('replacement policies on random traces', () => {
	it('opt never faults more than any other policy, and hits + faults = references', () => {
		const others = policyNames({includeTraceOnly: true}).filter((p) => p !== 'opt');
		fc.assert(
			fc.property(trace, frames, (refs, n) => {
				const opt = simulatePages('opt', refs, n);
				expect(opt.hits + opt.faults).toBe(refs.length);
				for (const policy of others) {
					const r = simulatePages(policy, refs, n);
					expect(r.references).toBe(refs.length);
					expect(r.hits + r.faults).toBe(refs.length);
					expect(opt.faults).toBeLessThanOrEqual(r.faults);
				}
			}),
			{numRuns: 300},
		);
	});

	it('every policy faults at least once per distinct page, and only then with enough frames', () => {
		fc.assert(
			fc.property(trace, (refs) => {
				const distinct = new Set(refs).size;
				for (const policy of policyNames({includeTraceOnly: true})) {
					expect(simulatePages(policy, refs, 16).faults).toBe(distinct);
					expect(simulatePages(policy, refs, 3).faults).toBeGreaterThanOrEqual(distinct);
				}
			}),
			{numRuns: 100},
		);
	});

	it('fifo, lru, clock and opt match naive array models reference by reference', () => {
		fc.assert(
			fc.property(trace, frames, (refs, n) => {
				expect(faultPattern('fifo', refs, n)).toBe(fifoModel(refs, n));
				expect(faultPattern('lru', refs, n)).toBe(lruModel(refs, n));
				expect(faultPattern('clock', refs, n)).toBe(clockModel(refs, n));
				expect(simulatePages('opt', refs, n).faults).toBe(count(optModel(refs, n)));
			}),
			{numRuns: 300},
		);
	});

	it('lru and opt are stack algorithms: more frames never means more faults', () => {
		fc.assert(
			fc.property(trace, frames, (refs, n) => {
				for (const policy of ['lru', 'opt']) {
					expect(simulatePages(policy, refs, n + 1).faults).toBeLessThanOrEqual(
						simulatePages(policy, refs, n).faults,
					);
				}
			}),
			{numRuns: 200},
		);
	});

	it('handles page numbers up to 2^53 - 1', () => {
		const big = [2 ** 52, 2 ** 53 - 1, 2 ** 32, 2 ** 32 + 1, 0, 2 ** 52, 2 ** 32 + 1, 2 ** 53 - 1];
		for (const policy of ['fifo', 'lru', 'clock', 'opt']) {
			expect(simulatePages(policy, big, 8).faults).toBe(5);
		}
		expect(faultPattern('lru', big, 2)).toBe(lruModel(big, 2));
	});
});
