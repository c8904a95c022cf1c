import {describe, expect, it} from 'vitest';
import {policyInfo} from '../../../source/sim/policies/index.js';
import {needsFuture, optPolicy} from '../../../source/sim/policies/opt.js';
import {BELADY, CLASSIC, faultPattern, faults, optModel} from './helpers.js';

describe('opt', () => {
	it('is registered as trace-only and takes next-use information', () => {
		expect(policyInfo('opt')).toBe(optPolicy);
		expect(optPolicy.traceOnly).toBe(true);
		const p = optPolicy.create();
		expect(p.needsEveryAccess).toBe(true);
		expect(needsFuture(p)).toBe(true);
		expect(needsFuture(policyInfo('lru')!.create())).toBe(false);
	});

	it('gives 9 faults on the classic 20-reference string with 3 frames', () => {
		// victims: 7 (0, 1 used sooner), 1, 0, 4 (never again), 3 (never again before 7), 2
		expect(faultPattern('opt', CLASSIC, 3)).toBe('FFFFhFhFhhFhhFhhhFhh');
		expect(faults('opt', CLASSIC, 3)).toBe(9);
	});

	it("on Belady's string: 7 faults with 3 frames, 6 with 4", () => {
		expect(faults('opt', BELADY, 3)).toBe(7);
		expect(faults('opt', BELADY, 4)).toBe(6);
	});

	it('evicts a page never used again before one used later', () => {
		// 1 2 fill; 3 must evict: 1 is used again, 2 never → evict 2; then 1 hits.
		expect(faultPattern('opt', [1, 2, 3, 1], 2)).toBe('FFFh');
	});

	it('matches the brute-force model on the golden strings', () => {
		for (const frames of [1, 2, 3, 4, 5]) {
			expect(faultPattern('opt', CLASSIC, frames)).toBe(optModel(CLASSIC, frames));
			expect(faultPattern('opt', BELADY, frames)).toBe(optModel(BELADY, frames));
		}
	});
});
