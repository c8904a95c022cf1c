import {describe, expect, it} from 'vitest';
import {clockPolicy} from '../../../source/sim/policies/clock.js';
import {policyInfo} from '../../../source/sim/policies/index.js';
import {BELADY, CLASSIC, clockModel, faultPattern, faults} from './helpers.js';

describe('clock', () => {
	it('is registered and needs only the reference bit', () => {
		expect(policyInfo('clock')).toBe(clockPolicy);
		expect(clockPolicy.traceOnly).toBe(false);
		expect(clockPolicy.create().needsEveryAccess).toBe(false);
	});

	it('gives 14 faults on the classic 20-reference string with 3 frames (worked by hand)', () => {
		// Frames A B C, hand at A; * = reference bit set. Loaded pages get their bit set.
		//  1  7 F  A=7*                     hand A
		//  2  0 F  B=0*                     hand A
		//  3  1 F  C=1*                     hand A
		//  4  2 F  clear A B C, evict 7: A=2*, hand B
		//  5  0 h  B=0*
		//  6  3 F  clear B, evict C(1): C=3*, hand A
		//  7  0 h  B=0*
		//  8  4 F  clear A B C, evict A(2): A=4*, hand B
		//  9  2 F  B clear: evict 0: B=2*, hand C
		// 10  3 h  C=3*
		// 11  0 F  clear C A B, evict C(3): C=0*, hand A
		// 12  3 F  A clear: evict 4: A=3*, hand B
		// 13  2 h  B=2*
		// 14  1 F  clear B C A, evict B(2): B=1*, hand C
		// 15  2 F  C clear: evict 0: C=2*, hand A
		// 16  0 F  A clear: evict 3: A=0*, hand B
		// 17  1 h  B=1*
		// 18  7 F  clear B C A, evict B(1): B=7*, hand C
		// 19  0 h  A=0*
		// 20  1 F  C clear: evict 2: C=1*, hand A
		expect(faultPattern('clock', CLASSIC, 3)).toBe('FFFFhFhFFhFFhFFFhFhF');
		expect(faults('clock', CLASSIC, 3)).toBe(14);
	});

	it("on Belady's string: 9 faults with 3 frames, 10 with 4 (CLOCK is not a stack algorithm)", () => {
		// 3 frames: 1 2 3 fill; 4: clear all, evict A(1); 1 evicts B(2); 2 evicts C(3); 5: clear all,
		// evict A(4); 1, 2 hit; 3: clear B C A, evict B(1); 4 evicts C(2); 5 hits.
		expect(faultPattern('clock', BELADY, 3)).toBe('FFFFFFFhhFFh');
		expect(faults('clock', BELADY, 4)).toBe(10);
	});

	it('gives a referenced page a second chance', () => {
		// 1 2 3 fill (bits set); 4 clears all and evicts 1 (hand → B); 2 hits, setting B;
		// 5: B set → clear, C clear → evict 3. So 2 survives and 3 faults again.
		expect(faultPattern('clock', [1, 2, 3, 4, 2, 5, 2, 3], 3)).toBe('FFFFhFhF');
	});

	it('matches the array model on the golden strings', () => {
		for (const frames of [1, 2, 3, 4, 5]) {
			expect(faultPattern('clock', CLASSIC, frames)).toBe(clockModel(CLASSIC, frames));
			expect(faultPattern('clock', BELADY, frames)).toBe(clockModel(BELADY, frames));
		}
	});
});
