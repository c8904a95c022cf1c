// fragmentation (workloads/fragmentation.yaml): once the batch jobs exit, half of RAM is free but in
// blocks below order 9 (bar the watermark reserve's one 4 MiB block); the nr_hugepages write at 40 s
// gets its 128 huge pages through direct compaction, and every mapped page stays mapped.
import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../../source/sim/invariants.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('fragmentation: 1 GiB free and no 2 MiB block, until direct compaction makes 128 of them', {
		timeout: 300_000,
	}, () => {
		const r = runScenario(loadWorkload('fragmentation'), 42);
		const free = at(r, 35);
		// About 1 GiB (over 200 000 pages of 524 288) free, none of it in order-9 blocks, one order-10
		// block (the reserve), the rest in orders 0..8.
		expect(free.frames.free).toBeGreaterThan(200_000);
		expect(free.buddy.free[9]).toBe(0);
		expect(free.buddy.free[10]).toBe(1);
		expect(free.buddy.unusable[9]).toBeGreaterThanOrEqual(990);
		expect(free.vmstat.compact_stall).toBe(0);
		const after = at(r, 42);
		// 128 huge pages: one from the reserve's 4 MiB block (two halves: one without compaction), the
		// others each after one successful direct compaction.
		expect(after.sysctl.nr_hugepages).toBe(128);
		expect(after.vmstat.compact_stall).toBeGreaterThan(100);
		expect(after.vmstat.compact_success).toBe(after.vmstat.compact_stall);
		expect(after.vmstat.compact_fail).toBe(0);
		expect(after.vmstat.compact_migrate_scanned).toBeGreaterThan(0);
		expect(after.vmstat.htlb_buddy_alloc_success).toBe(128);
		expect(after.oomKills).toBe(0);
		const line = r.events.find((e) => e.kind === 'command');
		expect(line && 'summary' in line ? line.summary : '').toMatch(
			/^vm\.nr_hugepages = 128: allocated 128, [\d.]+ ms in compaction and reclaim$/,
		);
		expect(checkInvariants(r.machine)).toEqual([]);
	});
});
