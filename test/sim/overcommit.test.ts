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
	it('2: CommitLimit = 4096 · 50 / 100 + 2048 = 4096 pages, less the reserves; the request reaching it is refused', () => {
		// Boot: 12 MiB free (16 − 4 of kernel) = 12288 kB; init_admin_reserve = min(12288 / 32, 8192) = 384 kB
		// = 96 pages, init_user_reserve = min(384, 131072) kB = 96 pages. A uid-1000 process's first
		// mapping (total_vm 0): allowed = 4096 − 96 − min(0 / 32, 96) = 4000.
		const m = machine(2);
		expect(m.overcommit.commitLimit()).toBe(4096);
		expect([m.overcommit.adminReservePages(), m.overcommit.userReservePages()]).toEqual([96, 96]);
		expect(m.lifecycle.spawn(anon('a', 12), NO_END)).not.toBeNull(); // 0 + 3072 < 4000
		expect(m.overcommit.committedAs()).toBe(3072);
		expect(m.lifecycle.spawn(anon('b', 8), NO_END)).toBeNull(); // 3072 + 2048 >= 4000
		const fail = m.drainEvents().find((e) => e.kind === 'alloc-fail');
		expect(fail && 'reason' in fail ? fail.reason : '').toBe(
			'mmap heap: Committed_AS 3072 + 2048 pages >= CommitLimit 4096 less reserves = 4000 (overcommit_memory=2)',
		);
		// 3072 + 1024 = 4096 would have fitted CommitLimit itself; the admin reserve and the strict < refuse it.
		expect(m.lifecycle.spawn(anon('c', 4), NO_END)).toBeNull();
		const d = m.lifecycle.spawn(anon('d', 3.5), NO_END); // 3072 + 896 = 3968 < 4000
		expect(d).not.toBeNull();
		// One more page: 3968 + 1 < 4096 − 96 − min(896 / 32 = 28, 96) = 3972: granted, until 3971.
		expect(m.overcommit.strictLimitReached(d!)).toBe(false);
		expect(m.overcommit.allowed({uid: d!.uid, totalVm: 896})).toBe(3972);
	});

	it('2: root keeps the admin reserve; a large total_vm takes the user reserve', () => {
		const m = machine(2);
		const root = group('root', {
			uid: 0,
			rate: 0,
			streams: [],
			regions: [{name: 'heap', kind: 'anon', size: 15.75 * MIB}],
		});
		// 15.75 MiB = 4032 pages. uid 0: allowed = 4096 − 0 − 0 = 4096, granted; uid 1000: 4000, refused.
		expect(m.lifecycle.spawn({...root, uid: 1000}, NO_END)).toBeNull();
		expect(m.lifecycle.spawn(root, NO_END)).not.toBeNull();
		const m2 = machine(2);
		// A 64 MiB file mapping first (16384 pages of total_vm, nothing committed), then 15.25 MiB of heap
		// (3904 pages): allowed = 4096 − 96 − min(16384 / 32 = 512, 96) = 3904, and 3904 < 3904 fails.
		const big = group('big', {
			rate: 0,
			streams: [],
			regions: [
				{name: 'data', kind: 'file', size: 64 * MIB, object: '/data/big'},
				{name: 'heap', kind: 'anon', size: 15.25 * MIB},
			],
		});
		expect(m2.lifecycle.spawn(big, NO_END)).toBeNull();
		const fail = m2.drainEvents().find((e) => e.kind === 'alloc-fail');
		expect(fail && 'reason' in fail ? fail.reason : '').toMatch(
			/^mmap heap: .* = 3904 \(overcommit_memory=2\)$/,
		);
	});

	it('2: the reserves are sysctls', () => {
		const w = workload([], {ram: 16 * MIB, kernel: 4 * MIB, swap: {size: 8 * MIB, device: 'ssd'}});
		w.machine.sysctl = {
			...w.machine.sysctl,
			overcommit_memory: 2,
			overcommit_ratio: 50,
			admin_reserve_kbytes: 0,
			user_reserve_kbytes: 0,
		};
		const m = new Machine(w, {seed: 1});
		expect(m.lifecycle.spawn(anon('a', 15.75), NO_END)).not.toBeNull(); // 4032 < 4096
		expect(m.lifecycle.spawn(anon('b', 0.25), NO_END)).toBeNull(); // 4032 + 64 = 4096: not below
	});

	it('0: each mapping is checked alone against RAM + swap, not the process', () => {
		const m = machine(0);
		const two = group('two', {
			rate: 0,
			streams: [],
			regions: [
				{name: 'a', kind: 'anon', size: 20 * MIB},
				{name: 'b', kind: 'anon', size: 20 * MIB},
			],
		});
		// 5120 + 5120 pages in all, more than 6144, but each mmap asks for 5120 <= 6144.
		expect(m.lifecycle.spawn(two, NO_END)).not.toBeNull();
	});

	it('0: refuses only a single request larger than RAM + swap (6144 pages)', () => {
		const m = machine(0);
		expect(m.lifecycle.spawn(anon('big', 25), NO_END)).toBeNull(); // 6400 pages
		expect(m.lifecycle.spawn(anon('a', 20), NO_END)).not.toBeNull(); // 5120
		expect(m.lifecycle.spawn(anon('b', 20), NO_END)).not.toBeNull(); // each alone fits
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
