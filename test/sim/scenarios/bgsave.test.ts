// bgsave (workloads/bgsave.yaml): fork shares redis's 1.5 GiB without copying a page; redis's writes
// then copy the pages they touch (COW) until the child exits and frees the old copies.
import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../../source/sim/invariants.js';
import {takeSnapshot} from '../../../source/sim/snapshot.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('bgsave: the fork copies PTEs, not pages; writes copy pages until the child exits', {
		timeout: 300_000,
	}, () => {
		const r = runScenario(loadWorkload('bgsave'), 70);
		const before = at(r, 44);
		const forked = at(r, 46);
		const redis = forked.processes.find((p) => p.name === 'redis')!;
		const child = forked.processes.find((p) => p.name === 'redis-bgsave')!;
		// 1.5 GiB = 393,216 pages, all resident at the fork; the child maps every one of them.
		expect(redis.anon).toBe(393_216);
		expect(child.ppid).toBe(redis.pid);
		expect(child.anon).toBe(393_216);
		const line = r.events.find((e) => e.kind === 'command');
		expect(line && 'summary' in line ? line.summary : '').toBe(
			'fork 100 (redis): child 104 (redis-bgsave), 393,216 PTEs copied in 19.7 ms',
		);
		// In its first second the child costs only the copies redis's writes made: under 100 MiB.
		expect(forked.meminfo.AnonPages - before.meminfo.AnonPages).toBeLessThan(100 * 1024);
		// While it dumps, redis's writes copy pages: anon grows by over 500 MiB, and kswapd takes it
		// from the page cache.
		const dumping = at(r, 64);
		const grown = (dumping.meminfo.AnonPages - forked.meminfo.AnonPages) / 1024;
		expect(grown).toBeGreaterThan(500);
		expect(dumping.processes.find((p) => p.name === 'redis')!.cowFaults).toBeGreaterThan(100_000);
		expect(dumping.vmstat.pgscan_kswapd).toBeGreaterThan(0);
		expect(dumping.meminfo.Cached).toBeLessThan(forked.meminfo.Cached - 200 * 1024);
		// The child exits at 65 s: the old copies go with it.
		const after = at(r, 66);
		expect(after.processes.some((p) => p.name === 'redis-bgsave')).toBe(false);
		expect((dumping.meminfo.AnonPages - after.meminfo.AnonPages) / 1024).toBeGreaterThan(500);
		expect(after.oomKills).toBe(0);
		expect(checkInvariants(r.machine)).toEqual([]);
	});

	it('bgsave: PSS halves for pages the fork shares', {timeout: 300_000}, () => {
		const r = runScenario(loadWorkload('bgsave'), 46);
		const s = takeSnapshot(r.machine);
		const redis = s.processes.find((p) => p.name === 'redis')!;
		const child = s.processes.find((p) => p.name === 'redis-bgsave')!;
		// Shared pages count half in each one's PSS, so the two PSS add up to the frames they use.
		expect(child.smaps.Pss).toBeLessThan(child.smaps.Rss * 0.6);
		expect(child.smaps.Shared_Clean + child.smaps.Shared_Dirty).toBeGreaterThan(child.smaps.Rss * 0.8);
		expect(redis.smaps.Pss + child.smaps.Pss).toBeLessThan(redis.smaps.Rss + child.smaps.Rss);
	});
});
