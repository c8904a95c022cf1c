// /proc names and units in the snapshot (reference doc §11): meminfo and vmstat keys in /proc's
// order, sizes in kB, MemTotal without what the balloon took.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {MEMINFO_FIELDS, VMSTAT_FIELDS} from '../../source/sim/proc-names.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {runChecked, withEvents} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

describe('accounting names and units', () => {
	const w = withEvents(
		workload(
			[
				group('a', {
					rate: 10_000,
					regions: [
						{name: 'heap', kind: 'anon', size: 2 * MIB},
						{name: 'shm', kind: 'shmem', size: 1 * MIB, object: 'shm'},
					],
					streams: [
						{region: 'heap', pattern: 'random', weight: 1, write_ratio: 0.3},
						{region: 'shm', pattern: 'random', weight: 1},
					],
				}),
			],
			{ram: 32 * MIB, kernel: 8 * MIB},
		),
		[[1, {kind: 'balloon', bytes: 4 * MIB}]],
	);

	it('meminfo keys are exactly MEMINFO_FIELDS and vmstat keys exactly VMSTAT_FIELDS, in order', () => {
		const m = new Machine(w, {seed: 1});
		runChecked(m, 50);
		const s = takeSnapshot(m);
		expect(Object.keys(s.meminfo)).toEqual([...MEMINFO_FIELDS]);
		expect(Object.keys(s.vmstat)).toEqual([...VMSTAT_FIELDS]);
		for (const v of [...Object.values(s.meminfo), ...Object.values(s.vmstat)]) {
			expect(Number.isInteger(v)).toBe(true);
			expect(v).toBeGreaterThanOrEqual(0);
		}
	});

	it('MemTotal is RAM in kB minus the balloon; page counts are shown in kB', () => {
		const m = new Machine(w, {seed: 1});
		runChecked(m, 50);
		let s = takeSnapshot(m);
		// 32 MiB = 32768 kB.
		expect(s.meminfo.MemTotal).toBe(32_768);
		expect(s.meminfo.MemFree).toBe(s.frames.free * 4);
		expect(s.meminfo.Shmem).toBe(s.frames.shmem * 4);
		expect(s.meminfo.AnonPages).toBe(s.frames.anon * 4);
		expect(s.meminfo.Cached).toBe((s.frames.file + s.frames.shmem) * 4);
		expect(s.vmstat.nr_free_pages).toBe(s.frames.free);
		expect(s.vmstat.nr_anon_pages).toBe(s.frames.anon);
		expect(s.vmstat.nr_shmem).toBe(s.frames.shmem);
		// The heap and the shmem object are touched: 512 + 256 pages at most.
		expect(s.frames.anon).toBeLessThanOrEqual(512);
		expect(s.frames.shmem).toBeLessThanOrEqual(256);
		runChecked(m, 60);
		s = takeSnapshot(m);
		// The balloon took 4 MiB = 1024 pages = 4096 kB at 1 s: 32768 − 4096 = 28672 kB.
		expect(s.balloonPages).toBe(1024);
		expect(s.meminfo.MemTotal).toBe(28_672);
		// The helper machine has 256 MiB of swap: 262144 kB.
		expect(s.meminfo.SwapTotal).toBe(256 * 1024);
	});
});
