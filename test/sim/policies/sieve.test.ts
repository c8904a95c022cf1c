import {describe, expect, it} from 'vitest';
import {faultPattern} from './helpers.js';

describe('sieve', () => {
	it('keeps a visited page in place and moves the hand past it (worked by hand, 3 frames)', () => {
		// Queue listed head (newest) to tail; * = visited; the hand starts at the tail.
		//  1 F  [1]
		//  2 F  [2 1]
		//  3 F  [3 2 1]
		//  1 h  [3 2 1*]
		//  4 F  hand at 1*: clear, on to 2: unvisited, evict; hand -> 3.  [4 3 1]
		//  1 h  [4 3 1*]
		//  5 F  hand at 3: evict; hand -> 4.                              [5 4 1*]
		//  2 F  hand at 4: evict; hand -> 5.                              [2 5 1*]
		//  1 h  1 survived three evictions without moving.
		expect(faultPattern('sieve', [1, 2, 3, 1, 4, 1, 5, 2, 1], 3)).toBe('FFFhFhFFh');
	});

	it('a new page starts unvisited: the fault is not a visit', () => {
		// 1 2 fill; 3: hand at 1 (unvisited) evicts it at once, though it was just loaded before 2.
		expect(faultPattern('sieve', [1, 2, 3, 2, 1], 2)).toBe('FFFhF');
	});

	it('wraps the hand from the head back to the tail', () => {
		// 2 frames. 1 2 fill, both hit (visited). 3: hand at 1* clear -> 2* clear -> past the head,
		// wrap to the tail 1: evict; hand -> 2. [3 2]. 4: hand at 2 (cleared): evict. [4 3].
		expect(faultPattern('sieve', [1, 2, 1, 2, 3, 4, 3], 2)).toBe('FFhhFFh');
	});
});
