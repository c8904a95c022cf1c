import {describe, expect, it} from 'vitest';
import {faultPattern} from './helpers.js';

describe('s3fifo', () => {
	it('moves pages used twice in S to M, and ghosts back to M (worked by hand, 4 frames)', () => {
		// 4 frames: S's share 1, M's 3, G holds 3 keys. Queues head (newest) first, count in brackets.
		//  1-4 F  S [4 3 2 1]
		//  1 h, 1 h  1[2]
		//  5 F  M (0) not over 3 and S not empty: from S. Tail 1[2] >= 2: to M [1] with count 0.
		//       Tail 2[0]: evicted, key to G [2]. S [5 4 3]
		//  1 h  1[1]
		//  6 F  from S: tail 3 evicted -> G [3 2]. S [6 5 4]
		//  2 F  2 is in G (taken -> [3]). From S: tail 4 evicted -> G [4 3]. M [2 1]. S [6 5]
		expect(faultPattern('s3fifo', [1, 2, 3, 4, 1, 1, 5, 1, 6, 2], 4)).toBe('FFFFhhFhFF');
	});

	it('evicts from M like CLOCK with a 2-bit counter once M is over its share', () => {
		// 2 frames: S's share 1, M's 1, G holds 1 key.
		//  1 F S [1]; 2 F S [2 1]
		//  3 F  from S: 1 evicted -> G [1]. S [3 2]
		//  1 F  1 in G (taken). From S: 2 evicted -> G [2]. M [1]. S [3]
		//  1 h  1[1]
		//  2 F  2 in G (taken). M (1) not over 1: from S: 3 evicted -> G [3]. M [2 1]. S []
		//  4 F  M (2) over 1: tail 1[1] -> head with 0: M [1 2]; tail 2[0] evicted. S [4]
		//  1 h; 2 F: M (1) not over 1, S not empty: 4 evicted -> G [4]. 2 was not in G: S [2]
		expect(faultPattern('s3fifo', [1, 2, 3, 1, 1, 2, 4, 1, 2], 2)).toBe('FFFFhFFhF');
	});
});
