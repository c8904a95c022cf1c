import {describe, expect, it} from 'vitest';
import {faultPattern, faults} from './helpers.js';

describe('arc', () => {
	it('adapts p on ghost hits (worked by hand, 2 frames)', () => {
		// c = 2, p = 0. Lists MRU first.
		//  1 F  case IV: T1 [1]
		//  2 F  T1 [2 1]
		//  1 h  T2 [1], T1 [2]
		//  3 F  IV: |T1|+|B1| = 1 < 2, all four hold 2 < 4. REPLACE: |T1| = 1 > p = 0: 2 -> B1 [2].
		//       T1 [3]
		//  2 F  2 in B1: p = min(2, 0 + max(|B2|/|B1| = 0, 1)) = 1. REPLACE: |T1| = 1 is not > p: T2's
		//       LRU 1 -> B2 [1]. T2 [2], T1 [3]
		//  4 F  IV: |T1|+|B1| = 1 < 2, all four 3 < 4. REPLACE: |T1| = 1 not > 1: 2 -> B2 [2 1].
		//       T1 [4 3]
		//  3 h  T2 [3], T1 [4]
		//  1 F  1 in B2: p = max(0, 1 - max(|B1|/|B2| = 0, 1)) = 0. REPLACE: |T1| = 1 > 0: 4 -> B1 [4].
		//       T2 [1 3]
		//  3 h  (T2 kept both pages seen twice)
		expect(faultPattern('arc', [1, 2, 1, 3, 2, 4, 3, 1, 3], 2)).toBe('FFhFFFhFh');
	});

	it('resists a scan: pages seen twice stay while a one-time scan passes through T1', () => {
		// 4 frames. 1 2 used twice (T2); a scan of 10 new pages only churns T1; 1 and 2 still hit.
		const scan = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
		expect(faultPattern('arc', [1, 2, 1, 2, ...scan, 1, 2], 4)).toBe(`FFhh${'F'.repeat(10)}hh`);
		expect(faults('lru', [1, 2, 1, 2, ...scan, 1, 2], 4)).toBe(14);
	});
});
