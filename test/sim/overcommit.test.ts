// Overcommit (mm/util.c __vm_enough_memory; reference doc §8): mode 0 refuses one request larger
// than RAM + swap, mode 1 grants everything, mode 2 holds Committed_AS under
// CommitLimit = RAM · overcommit_ratio / 100 + swap.
import {describe, expect, it} from 'vitest';
import {NO_END} from '../../source/sim/lifecycle.js';
import {Machine} from '../../source/sim/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** 16 MiB RAM (4096 pages), 8 MiB swap (2048 pages). */
function machine(mode: 0 | 1 | 2): Machine {
	const w = workload([], {
		ram: 16 * MIB,
		kernel: 4 * MIB,
		swap: {size: 8 * MIB, device: 'ssd'},
	});
	w.machine.sysctl = {...w.machine.sysctl, overcommit_memory: mode, overcommit_ratio: 50};
	return new Machine(w, {seed: 1});
}

const anon = (name: string, mib: number) =>
	group(name, {rate: 0, streams: [], regions: [{name: 'heap', kind: 'anon', size: mib * MIB}]});

describe('overcommit_memory', () => {
	it('2: CommitLimit = 4096 · 50 / 100 + 2048 = 4096 pages; the request past it is refused', () => {
		const m = machine(2);
		expect(m.overcommit.commitLimit()).toBe(4096);
		expect(m.lifecycle.spawn(anon('a', 12), NO_END)).not.toBeNull(); // 3072 pages
		expect(m.overcommit.committedAs()).toBe(3072);
		expect(m.lifecycle.spawn(anon('b', 8), NO_END)).toBeNull(); // 3072 + 2048 > 4096
		const fail = m.drainEvents().find((e) => e.kind === 'alloc-fail');
		expect(fail && 'reason' in fail ? fail.reason : '').toBe(
			'Committed_AS 3072 + 2048 pages > CommitLimit 4096 (overcommit_memory=2)',
		);
		expect(m.lifecycle.spawn(anon('c', 4), NO_END)).not.toBeNull(); // 3072 + 1024 = 4096: fits
		expect(m.overcommit.strictLimitReached()).toBe(true);
	});

	it('0: refuses only a single request larger than RAM + swap (6144 pages)', () => {
		const m = machine(0);
		expect(m.lifecycle.spawn(anon('big', 25), NO_END)).toBeNull(); // 6400 pages
		expect(m.lifecycle.spawn(anon('a', 20), NO_END)).not.toBeNull(); // 5120
		expect(m.lifecycle.spawn(anon('b', 20), NO_END)).not.toBeNull(); // each alone fits
		expect(m.overcommit.strictLimitReached()).toBe(false);
	});

	it('1: always grants', () => {
		const m = machine(1);
		expect(m.lifecycle.spawn(anon('huge', 1024), NO_END)).not.toBeNull();
	});

	it('the balloon takes its pages out of CommitLimit', () => {
		const m = machine(2);
		m.apply({kind: 'balloon', bytes: 4 * MIB});
		for (let i = 0; i < 2; i++) m.step();
		expect(m.zone.balloonPages).toBe(1024);
		expect(m.overcommit.commitLimit()).toBe(Math.floor(((4096 - 1024) * 50) / 100) + 2048);
	});
});
