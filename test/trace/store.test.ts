import {describe, expect, it} from 'vitest';
import {NEVER} from '../../source/trace/sim.js';
import {TraceStore} from '../../source/trace/store.js';

describe('TraceStore', () => {
	it('assigns dense ids and computes next-use indices backwards', () => {
		const store = new TraceStore();
		store.append(Float64Array.of(7, 2 ** 52, 7), 3);
		store.append(Float64Array.of(9, 2 ** 52, 99), 2);
		const {ids, nextUse} = store.finish();
		expect([...ids]).toEqual([0, 1, 0, 2, 1]);
		expect([...nextUse]).toEqual([2, 4, NEVER, NEVER, NEVER]);
		expect(store.distinct).toBe(3);
	});

	it('grows past its initial sizes', () => {
		const store = new TraceStore();
		const n = 200_000;
		const batch = new Float64Array(1000);
		for (let i = 0; i < n; i += 1000) {
			for (let j = 0; j < 1000; j++) batch[j] = (i + j) % 50_000;
			store.append(batch, 1000);
		}
		const {ids, nextUse} = store.finish();
		expect(ids.length).toBe(n);
		expect(store.distinct).toBe(50_000);
		expect(nextUse[0]).toBe(50_000);
		expect(nextUse[n - 1]).toBe(NEVER);
		expect(ids[123_456]).toBe(123_456 % 50_000);
	});
});
