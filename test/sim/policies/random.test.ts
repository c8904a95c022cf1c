import {describe, expect, it} from 'vitest';
import {faultPattern} from './helpers.js';

describe('random', () => {
	it('evicts the pages its seeded generator picks (seed 1, 3 frames)', () => {
		// The generator: state = imul(seed ^ 0x9e3779b9, 0x85ebca6b) = 992153576 for seed 1; each
		// draw is xorshift32 (x ^= x << 13; x ^= x >>> 17; x ^= x << 5), u = state / 2^32, and the
		// victim is member floor(u * resident). Members are kept in an array; a removed one's place
		// is taken by the last, and a new one is appended.
		//  1 2 3 F  members [1 2 3]
		//  4 F  u = 18510439 / 2^32 = 0.0043 -> member 0 = page 1. members [3 2] + 4 -> [3 2 4]
		//  2 h, 3 h
		//  1 F  u = 0.6465 -> member 1 = page 2. members [3 4] + 1 -> [3 4 1]
		//  2 F  u = 0.1453 -> member 0 = page 3. members [1 4] + 2 -> [1 4 2]
		//  4 h, 1 h, 3 F ...
		expect(faultPattern('random', [1, 2, 3, 4, 2, 3, 1, 2, 4, 1, 3], 3, 1)).toBe('FFFFhhFFhhF');
	});

	it('is repeatable for a seed and differs between seeds', () => {
		const refs = Array.from({length: 200}, (_, i) => (i * 7) % 11);
		expect(faultPattern('random', refs, 5, 42)).toBe(faultPattern('random', refs, 5, 42));
		expect(faultPattern('random', refs, 5, 42)).not.toBe(faultPattern('random', refs, 5, 43));
	});
});
