import {describe, expect, it} from 'vitest';
import {fifoPolicy} from '../../../source/sim/policies/fifo.js';
import {policyInfo} from '../../../source/sim/policies/index.js';
import {BELADY, CLASSIC, faultPattern, faults, fifoModel} from './helpers.js';

describe('fifo', () => {
	it('is registered as a machine-capable policy', () => {
		expect(policyInfo('fifo')).toBe(fifoPolicy);
		expect(fifoPolicy.traceOnly).toBe(false);
		expect(fifoPolicy.create().needsEveryAccess).toBe(false);
	});

	it("shows Belady's anomaly: 9 faults with 3 frames, 10 with 4", () => {
		// 3 frames: 1 2 3 fill; 4 evicts 1, 1 evicts 2, 2 evicts 3, 5 evicts 4; 1 2 hit; 3 evicts 1, 4 evicts 2; 5 hits.
		expect(faultPattern('fifo', BELADY, 3)).toBe('FFFFFFFhhFFh');
		// 4 frames: 1 2 3 4 fill; 1 2 hit; then 5 1 2 3 4 5 each evict the oldest, which is needed next.
		expect(faultPattern('fifo', BELADY, 4)).toBe('FFFFhhFFFFFF');
		expect(faults('fifo', BELADY, 3)).toBe(9);
		expect(faults('fifo', BELADY, 4)).toBe(10);
	});

	it('gives 15 faults on the classic 20-reference string with 3 frames', () => {
		// victims in order: 7 0 1 2 3 0 4 2 3 0 1 2
		expect(faultPattern('fifo', CLASSIC, 3)).toBe('FFFFhFFFFFFhhFFhhFFF');
		expect(faults('fifo', CLASSIC, 3)).toBe(15);
	});

	it('ignores use: a page used just before is still evicted first if it came first', () => {
		// 1 2 3 fill; 1 hits (no effect); 4 evicts 1 anyway; 1 faults again.
		expect(faultPattern('fifo', [1, 2, 3, 1, 4, 1], 3)).toBe('FFFhFF');
	});

	it('counts cold misses', () => {
		expect(faults('fifo', [5, 6, 7, 5, 6, 7], 3)).toBe(3);
		expect(faults('fifo', [], 3)).toBe(0);
	});

	it('matches the array model on the golden strings', () => {
		for (const frames of [1, 2, 3, 4, 5]) {
			expect(faultPattern('fifo', CLASSIC, frames)).toBe(fifoModel(CLASSIC, frames));
			expect(faultPattern('fifo', BELADY, frames)).toBe(fifoModel(BELADY, frames));
		}
	});
});
