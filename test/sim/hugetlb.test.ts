// The hugetlb pool in /proc/meminfo (mm/hugetlb.c hugetlb_report_meminfo), worked by hand: counts of
// 2 MiB pages, Hugepagesize and Hugetlb in kB, and MemTotal/MemFree still adding up around the pool.
import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {MIB, workload} from '../helpers/workload.js';

describe('HugePages_* in meminfo', () => {
	it('an empty pool: all zero but Hugepagesize 2048 kB', () => {
		const m = new Machine(workload([], {ram: 64 * MIB, kernel: 4 * MIB}), {seed: 1});
		const mi = takeSnapshot(m).meminfo;
		expect([mi.HugePages_Total, mi.HugePages_Free, mi.HugePages_Rsvd, mi.HugePages_Surp]).toEqual([
			0, 0, 0, 0,
		]);
		expect(mi.Hugepagesize).toBe(2048);
		expect(mi.Hugetlb).toBe(0);
	});

	it('nr_hugepages 8 on an idle 64 MiB machine: 8 pages, all free, Hugetlb 16 384 kB out of MemFree', () => {
		// 64 MiB = 16 384 frames, 4 MiB (1024) of them kernel: 15 360 free = 61 440 kB. Eight huge pages are
		// 8 × 512 = 4096 frames: MemFree 61 440 − 16 384 = 45 056 kB, MemTotal still 65 536 kB.
		const m = new Machine(workload([], {ram: 64 * MIB, kernel: 4 * MIB}), {seed: 1});
		const before = takeSnapshot(m).meminfo;
		expect([before.MemTotal, before.MemFree]).toEqual([65_536, 61_440]);
		m.apply({kind: 'set-sysctl', name: 'nr_hugepages', value: 8});
		const mi = takeSnapshot(m).meminfo;
		expect([mi.HugePages_Total, mi.HugePages_Free, mi.HugePages_Rsvd, mi.HugePages_Surp]).toEqual([
			8, 8, 0, 0,
		]);
		// Hugetlb = nr_huge_pages × 512 pages × 4 kB = 8 × 2048 kB.
		expect(mi.Hugetlb).toBe(16_384);
		expect(mi.Hugetlb).toBe(mi.HugePages_Total * mi.Hugepagesize);
		expect(mi.MemTotal).toBe(65_536);
		expect(mi.MemFree).toBe(61_440 - 16_384);
		expect(checkInvariants(m)).toEqual([]);
		// Shrinking the pool gives the pages back to MemFree.
		m.apply({kind: 'set-sysctl', name: 'nr_hugepages', value: 3});
		const after = takeSnapshot(m).meminfo;
		expect([after.HugePages_Total, after.Hugetlb, after.MemFree]).toEqual([3, 6144, 61_440 - 6144]);
		expect(checkInvariants(m)).toEqual([]);
	});
});
