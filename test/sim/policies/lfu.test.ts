import {describe, expect, it} from 'vitest';
import {faultPattern} from './helpers.js';

describe('lfu', () => {
	it('evicts the least used page (worked by hand, 3 frames)', () => {
		// count in brackets.
		//  1 F 1[1]; 1 h 1[2]; 2 F 2[1]; 2 h 2[2]; 3 F 3[1]
		//  4 F  least used: 3[1] -> evict; 4[1]
		//  3 F  least used: 4[1] -> evict; 3[1] (its old count was forgotten)
		//  5 F  least used: 3[1] -> evict; 5[1]
		//  1 h  1[3]
		expect(faultPattern('lfu', [1, 1, 2, 2, 3, 4, 3, 5, 1], 3)).toBe('FhFhFFFFh');
	});

	it('breaks ties by who reached the count first', () => {
		// 2 frames. 1 F 1[1]; 2 F 2[1]; 1 h 1[2] (first at 2); 2 h 2[2]; 3 F: both at 2, 1 got there
		// first -> evict 1; 3[1]. 1 F: least used 3[1] -> evict; 1[1]. 2 h.
		expect(faultPattern('lfu', [1, 2, 1, 2, 3, 1, 2], 2)).toBe('FFhhFFh');
		// All at count 1: the oldest goes, as FIFO.
		expect(faultPattern('lfu', [1, 2, 3, 4, 1], 3)).toBe('FFFFF');
		expect(faultPattern('lfu', [1, 2, 3, 4, 2, 3], 3)).toBe('FFFFhh');
	});
});
