import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {PageMap} from '../../source/trace/page-map.js';

describe('PageMap', () => {
	it('agrees with a Map under random inserts and deletes, including huge page numbers', () => {
		const page = fc.oneof(
			fc.integer({min: 0, max: 40}),
			fc.integer({min: 0, max: Number.MAX_SAFE_INTEGER}),
			fc.constantFrom(2 ** 32, 2 ** 32 - 1, 2 ** 52, 2 ** 53 - 1, 2 ** 31),
		);
		const op = fc.record({del: fc.boolean(), page});
		fc.assert(
			fc.property(fc.array(op, {maxLength: 400}), (ops) => {
				const capacity = 32;
				const map = new PageMap(capacity);
				const model = new Map<number, number>();
				let next = 0;
				for (const {del, page: p} of ops) {
					if (del || model.size >= capacity) {
						const victim = model.has(p) ? p : model.keys().next().value;
						if (victim === undefined) continue;
						expect(map.delete(victim)).toBe(true);
						model.delete(victim);
					} else if (!model.has(p)) {
						map.insert(p, next);
						model.set(p, next++);
					}
					expect(map.size).toBe(model.size);
				}
				for (const [k, v] of model) expect(map.get(k)).toBe(v);
				expect(map.get(-5)).toBe(-1);
			}),
			{numRuns: 300},
		);
	});

	it('keeps entries reachable after deletions in the middle of probe runs', () => {
		// Many keys in a small table force collisions and wrap-around runs.
		const map = new PageMap(64);
		const keys = Array.from({length: 64}, (_, i) => i * 4096);
		keys.forEach((k, i) => {
			map.insert(k, i);
		});
		for (let i = 0; i < 64; i += 3) expect(map.delete(keys[i]!)).toBe(true);
		keys.forEach((k, i) => {
			expect(map.get(k)).toBe(i % 3 === 0 ? -1 : i);
		});
		expect(map.delete(12345)).toBe(false);
	});
});
