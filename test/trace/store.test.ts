import {describe, expect, it} from 'vitest';
import {PageIds} from '../../source/trace/page-ids.js';
import {NEVER, nextUses, storeIds, TraceStore} from '../../source/trace/store.js';

describe('PageIds', () => {
	it('assigns dense ids in order of first use, huge page numbers included', () => {
		const map = new PageIds();
		const out = new Int32Array(5);
		map.map(Float64Array.of(7, 2 ** 52, 7, 9, 2 ** 53 - 1), 5, out);
		expect([...out]).toEqual([0, 1, 0, 2, 3]);
		expect(map.distinct).toBe(4);
		expect([...map.pages.subarray(0, 4)]).toEqual([7, 2 ** 52, 9, 2 ** 53 - 1]);
	});

	it('grows past its initial sizes and stops at its bound with one line', () => {
		const map = new PageIds('big', 50_000);
		const batch = new Float64Array(1000);
		const out = new Int32Array(1000);
		for (let i = 0; i < 50_000; i += 1000) {
			for (let j = 0; j < 1000; j++) batch[j] = (i + j) * 4099;
			map.map(batch, 1000, out);
			expect(out[999]).toBe(i + 999);
		}
		expect(map.distinct).toBe(50_000);
		expect(() => map.map(Float64Array.of(1), 1, out)).toThrow(/big: more than 50,000 distinct pages/);
	});
});

describe('TraceStore', () => {
	it('keeps ids across chunks and computes next-use indices backwards', () => {
		const store = new TraceStore();
		const n = 2_500_000;
		const batch = new Int32Array(1 << 15);
		for (let i = 0; i < n; i += batch.length) {
			const k = Math.min(batch.length, n - i);
			for (let j = 0; j < k; j++) batch[j] = (i + j) % 50_000;
			expect(store.append(batch, k, 50_000)).toBe(true);
		}
		const {ids, nextUse, distinct} = store.finish();
		expect(ids.length).toBe(n);
		expect(ids.buffer).toBeInstanceOf(SharedArrayBuffer);
		expect(distinct).toBe(50_000);
		expect(nextUse[0]).toBe(50_000);
		expect(nextUse[n - 1]).toBe(NEVER);
		expect(ids[1_234_567]).toBe(1_234_567 % 50_000);
	});

	it('refuses more than its limit and forgets what it had', () => {
		const store = new TraceStore(10);
		expect(store.append(Int32Array.of(0, 1, 2, 3, 4, 5), 6, 6)).toBe(true);
		expect(store.append(Int32Array.of(0, 1, 2, 3, 4, 5), 6, 6)).toBe(false);
		expect(store.overflowed).toBe(true);
		expect(() => store.finish()).toThrow(/overflowed/);
	});

	it('storeIds and nextUses agree on a small string', () => {
		const t = storeIds(Int32Array.of(0, 1, 0, 2, 1), 3);
		expect([...t.nextUse]).toEqual([2, 4, NEVER, NEVER, NEVER]);
		expect([...nextUses(Int32Array.of(0, 0, 0), 1)]).toEqual([1, 2, NEVER]);
	});
});
