import {describe, expect, it} from 'vitest';
import {policyInfo} from '../../../source/sim/policies/index.js';
import {lruPolicy} from '../../../source/sim/policies/lru.js';
import {BELADY, CLASSIC, faultPattern, faults, lruModel} from './helpers.js';

describe('lru', () => {
	it('is registered and asks for every access', () => {
		expect(policyInfo('lru')).toBe(lruPolicy);
		expect(lruPolicy.traceOnly).toBe(false);
		expect(lruPolicy.create().needsEveryAccess).toBe(true);
	});

	it('gives 12 faults on the classic 20-reference string with 3 frames', () => {
		// victims in order: 7 1 2 3 0 4 0 3 2
		expect(faultPattern('lru', CLASSIC, 3)).toBe('FFFFhFhFFFFhhFhFhFhh');
		expect(faults('lru', CLASSIC, 3)).toBe(12);
	});

	it("has no Belady's anomaly on Belady's string: 10 faults with 3 frames, 8 with 4", () => {
		expect(faultPattern('lru', BELADY, 3)).toBe('FFFFFFFhhFFF');
		expect(faultPattern('lru', BELADY, 4)).toBe('FFFFhhFhhFFF');
		expect(faults('lru', BELADY, 3)).toBe(10);
		expect(faults('lru', BELADY, 4)).toBe(8);
	});

	it('keeps a recently used page: 1 2 3, 1 hit, 4 evicts 2 not 1', () => {
		expect(faultPattern('lru', [1, 2, 3, 1, 4, 1, 2], 3)).toBe('FFFhFhF');
	});

	it('matches the array model on the golden strings', () => {
		for (const frames of [1, 2, 3, 4, 5]) {
			expect(faultPattern('lru', CLASSIC, frames)).toBe(lruModel(CLASSIC, frames));
			expect(faultPattern('lru', BELADY, frames)).toBe(lruModel(BELADY, frames));
		}
	});
});
