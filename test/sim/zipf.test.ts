// The zipf stream's sampler (zipf.ts): the inverse CDF with its per-stream constants worked out once
// gives the same pages as the formula in one piece.
import {describe, expect, it} from 'vitest';
import {zipfConstants, zipfOffset} from '../../source/sim/zipf.js';

function direct(u: number, n: number, skew: number): number {
	const x = Math.abs(skew - 1) < 1e-9 ? n ** u : ((n ** (1 - skew) - 1) * u + 1) ** (1 / (1 - skew));
	return Math.min(n - 1, Math.max(0, Math.floor(x) - 1));
}

describe('zipfOffset', () => {
	it('matches the one-piece formula for every skew, and stays in [0, n)', () => {
		const k = new Float64Array(2);
		for (const skew of [0.2, 0.6, 1, 1.2, 2]) {
			for (const n of [1, 7, 1024, 262_144]) {
				zipfConstants(n, skew, k, 0);
				const us = Array.from({length: 200}, (_, i) => i / 200);
				const got = us.map((u) => zipfOffset(u, n, k, 0));
				expect(got).toEqual(us.map((u) => direct(u, n, skew)));
				expect(got.every((off) => off >= 0 && off < n)).toBe(true);
			}
		}
	});

	it('skew 1: offset ⌊n^u⌋ − 1, so half the samples fall in the first √n pages', () => {
		const k = new Float64Array(2);
		zipfConstants(10_000, 1, k, 0);
		expect(zipfOffset(0.5, 10_000, k, 0)).toBe(99);
		expect(zipfOffset(0, 10_000, k, 0)).toBe(0);
	});
});
