import {describe, expect, it} from 'vitest';
import {faultPattern} from './helpers.js';

describe('2q', () => {
	it('a page seen again soon after leaving A1in goes to Am (worked by hand, 4 frames)', () => {
		// 4 frames: Kin = 1, Kout = 2. Lists head (newest) first; A1out holds keys only.
		//  1-4 F   A1in [4 3 2 1]
		//  5 F     A1in > Kin: 1 out -> A1out [1]. A1in [5 4 3 2]
		//  1 F     1 is in A1out (ghost taken). A1in > Kin: 2 out -> A1out [2]. Am [1]. A1in [5 4 3]
		//  6 F     3 out -> A1out [3 2]. A1in [6 5 4]
		//  1 h     Am: to the head.
		//  2 F     2 in A1out (taken -> [3]). 4 out -> A1out [4 3]. Am [2 1]. A1in [6 5]
		//  3 F     3 in A1out (taken -> [4]). 5 out -> A1out [5 4]. Am [3 2 1]. A1in [6]
		//  6 h     A1in: no move.  1 h: Am [1 3 2]
		//  7 F     A1in (1) is not above Kin: Am's tail 2 goes, no ghost. A1in [7 6]
		//  2 F     not in A1out. A1in > Kin: 6 out -> A1out [6 5] (4 dropped). A1in [2 7]
		expect(faultPattern('2q', [1, 2, 3, 4, 5, 1, 6, 1, 2, 3, 6, 1, 7, 2], 4)).toBe('FFFFFFFhFFhhFF');
	});

	it('a page referenced twice in a row does not leave A1in for Am (correlated references)', () => {
		// 4 frames. 1 1 1: one A1in page, hits do nothing. 2 3 4 5: 5 pushes 1 out (A1in > Kin).
		expect(faultPattern('2q', [1, 1, 1, 2, 3, 4, 5, 1], 4)).toBe('FhhFFFFF');
	});
});
