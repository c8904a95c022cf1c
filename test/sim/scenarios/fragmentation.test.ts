// fragmentation (workloads/fragmentation.yaml): once the batch jobs exit, half of RAM is free but in
// blocks below order 9 (bar the watermark reserve's one 4 MiB block); the balloon at 36 s falls back
// to movable pageblocks and boosts the watermarks, so kswapd reclaims clean cache with most of RAM
// free; the nr_hugepages write at 40 s gets its 128 huge pages through direct compaction, and every
// mapped page stays mapped.
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
		expect(free.zoneinfo.boost).toBe(0);
		// 36 s: the balloon's unmovable pages fall back to movable pageblocks below pageblock order:
		// boost_watermark() adds a pageblock (512 pages) to the marks, and rmqueue() wakes kswapd though
		// free is far above high (ZONE_BOOSTED_WATERMARK).
		const wake = r.events.find((e) => e.kind === 'kswapd-wake' && e.boost);
		expect(wake?.tick).toBeGreaterThanOrEqual(3600);
		expect(wake?.tick).toBeLessThan(3610);
		expect(wake && 'boost' in wake ? wake.boost : 0).toBe(512);
		expect(wake && 'free' in wake ? wake.free : 0).toBeGreaterThan(200_000);
		const ballooned = at(r, 38);
		expect(ballooned.balloonPages).toBe(16_384);
		// Each boosted pass reclaims about the boost's worth of page cache, never anon (may_swap off),
		// then clears the boost and wakes kcompactd for a pageblock.
		const stolen = ballooned.vmstat.pgsteal_kswapd - free.vmstat.pgsteal_kswapd;
		expect(stolen).toBeGreaterThan(512);
		expect(stolen).toBeLessThan(16_384);
		expect(ballooned.vmstat.pgsteal_file - free.vmstat.pgsteal_file).toBe(stolen);
		expect(ballooned.vmstat.compact_daemon_wake).toBeGreaterThan(0);
		// A boost is left only when a fallback came after kswapd's last pass (with seed 42 and the page
		// tables of the real x86-64 layout none did; zoneinfo's marks include whatever boost is left).
		expect([0, 512]).toContain(ballooned.zoneinfo.boost);
		expect(ballooned.zoneinfo.high).toBe(ballooned.watermarks.high);
		expect(ballooned.zoneinfo.high - ballooned.zoneinfo.boost).toBe(free.zoneinfo.high);
		const after = at(r, 42);
		// 128 huge pages, each after one successful direct compaction (the balloon took the reserve block).
		expect(after.sysctl.nr_hugepages).toBe(128);
		expect(after.vmstat.compact_stall).toBeGreaterThan(100);
		expect(after.vmstat.compact_success).toBe(after.vmstat.compact_stall);
		expect(after.vmstat.compact_fail).toBe(0);
		expect(after.vmstat.compact_migrate_scanned).toBeGreaterThan(0);
		expect(after.vmstat.htlb_buddy_alloc_success).toBe(128);
		// hugetlb_report_meminfo(): 128 pages, none mapped; 128 × 2048 kB of MemTotal, not in MemFree.
		expect(after.meminfo.HugePages_Total).toBe(128);
		expect(after.meminfo.HugePages_Free).toBe(128);
		expect(after.meminfo.Hugetlb).toBe(262_144);
		expect(after.meminfo.MemFree).toBe(after.frames.free * 4);
		expect(after.oomKills).toBe(0);
		const line = r.events.find((e) => e.kind === 'command' && e.command.kind === 'set-sysctl');
		expect(line && 'summary' in line ? line.summary : '').toMatch(
			/^vm\.nr_hugepages = 128: allocated 128, [\d.]+ ms in compaction and reclaim$/,
		);
		expect(checkInvariants(r.machine)).toEqual([]);
	});
});
