import {describe, expect, it} from 'vitest';
import {faultPattern} from './helpers.js';

describe('lirs', () => {
	it('keeps pages with short reuse distance (worked by hand, 3 frames)', () => {
		// 3 frames: Lhirs = 1, so 2 LIR pages. S top first (x' = ghost), Q front first.
		//  1 F  LIR (LIR set not full). S [1]
		//  2 F  LIR. S [2 1]
		//  3 F  HIR. S [3 2 1], Q [3]
		//  4 F  evict Q's front 3 (stays in S as a ghost). 4 HIR: S [4 3' 2 1], Q [4]
		//  1 h  LIR at the bottom: to the top, prune (2 is LIR). S [1 4 3' 2]
		//  2 h  LIR at the bottom: to the top; prune drops 3' and 4 (HIR) from the bottom. S [2 1]
		//  3 F  no ghost left. Evict 4 (not in S: no ghost). 3 HIR: S [3 2 1], Q [3]
		//  4 F  evict 3 (ghost 3'). 4 HIR: S [4 3' 2 1], Q [4]
		//  3 F  3' is a ghost in S: taken. Evict 4 (ghost 4'). 3 becomes LIR: S [3 4' 2 1]; the bottom
		//       LIR 1 becomes HIR: Q [1]; prune: 2 is LIR. S [3 4' 2]
		//  1 h  resident HIR not in S: to S's top and Q's end. S [1 3 4' 2]
		//  2 h  LIR at the bottom: top; prune drops 4'. S [2 1 3]
		expect(faultPattern('lirs', [1, 2, 3, 4, 1, 2, 3, 4, 3, 1, 2], 3)).toBe('FFFFhhFFFhh');
	});

	it('a loop one page larger than memory: lru faults every time, lirs keeps most of it', () => {
		const loop = Array.from({length: 40}, (_, i) => (i % 5) + 1);
		expect(faultPattern('lru', loop, 4)).toBe('F'.repeat(40));
		const lirs = faultPattern('lirs', loop, 4);
		expect([...lirs].filter((c) => c === 'F').length).toBeLessThan(20);
	});
});
