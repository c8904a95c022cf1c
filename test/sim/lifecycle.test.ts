// Processes come and go (lifecycle.ts): workload pids reserved in file order whatever the start
// times, later spawns after them; exit_mmap frees anon pages, page tables and swap entries but
// leaves file pages in the page cache, unmapped.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {group, MIB, workload} from '../helpers/workload.js';

describe('spawn and exit', () => {
	it('pids follow the file order (count expanded in place), then event spawns', () => {
		const w = workload([group('late', {count: 2, start: 1}), group('early', {start: 0})]);
		const m = new Machine(w, {seed: 1});
		m.step();
		expect(m.liveProcs().map((p) => [p.pid, p.name])).toEqual([[102, 'early']]);
		for (let t = 0; t < 100; t++) m.step();
		expect(m.liveProcs().map((p) => p.pid)).toEqual([100, 101, 102]);
		m.apply({kind: 'spawn', spec: group('new')});
		expect(m.liveProcs().map((p) => p.pid)).toEqual([100, 101, 102, 103]);
	});

	it('exit frees anon pages and page tables; file pages stay cached but unmapped', () => {
		const p = group('a', {
			rate: 10_000,
			regions: [
				{name: 'heap', kind: 'anon', size: 2 * MIB},
				{name: 'lib', kind: 'file', size: 1 * MIB, object: 'lib.so'},
			],
			streams: [
				{region: 'heap', pattern: 'sequential', weight: 1},
				{region: 'lib', pattern: 'sequential', weight: 1},
			],
		});
		const m = new Machine(workload([p], {ram: 64 * MIB}), {seed: 1});
		for (let t = 0; t < 100; t++) m.step();
		const before = takeSnapshot(m);
		expect(before.frames.anon).toBe(512);
		expect(before.frames.file).toBeGreaterThan(0);
		m.apply({kind: 'kill', pid: 100});
		const after = takeSnapshot(m);
		expect(after.frames.anon).toBe(0);
		expect(after.frames.kernel).toBe(before.frames.kernel - 5); // its page tables: two PTE pages (768 vpns), a PMD, a PUD and the PGD
		expect(after.frames.file).toBe(before.frames.file);
		expect(after.meminfo.Mapped).toBe(0);
		expect(after.events.some((e) => e.kind === 'process-exit' && e.reason === 'killed')).toBe(true);
	});
});
