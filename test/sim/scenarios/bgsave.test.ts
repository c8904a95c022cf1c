// bgsave (workloads/bgsave.yaml): fork shares redis's 1.5 GiB without copying a page; redis's writes
// then copy the pages they touch (COW) until the child exits and frees the old copies.
import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../../source/sim/invariants.js';
import {takeSnapshot} from '../../../source/sim/snapshot.js';
import {shellImage} from '../../../source/sim/templates.js';
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

	it('bgsave: overcommit_memory 0 and 1 run the same (the fork is granted); 2 refuses the fork', {
		timeout: 300_000,
	}, () => {
		const w = loadWorkload('bgsave');
		const withMode = (mode: 0 | 1 | 2) =>
			runScenario(
				{...w, machine: {...w.machine, sysctl: {...w.machine.sysctl, overcommit_memory: mode}}},
				60,
			);
		const [guess, always, never] = [withMode(0), withMode(1), withMode(2)];
		const summary = (r: ReturnType<typeof runScenario>) =>
			r.events.flatMap((e) => (e.kind === 'command' ? [e.summary] : []));
		// 0: __vm_enough_memory's guess refuses only one request larger than RAM + swap (5 GiB); the
		// child's 1.5 GiB is granted as under 1, and the two runs are the same run.
		expect(summary(guess)).toEqual(summary(always));
		expect(summary(guess)[0]).toMatch(/child 104 \(redis-bgsave\)/);
		expect(at(always, 50).meminfo).toEqual(at(guess, 50).meminfo);
		const procs = (r: ReturnType<typeof runScenario>) => at(r, 50).processes.map(({smaps: _, ...p}) => p);
		expect(procs(always)).toEqual(procs(guess));
		// After the fork Committed_AS (3.8 GiB) is past CommitLimit (3.5 GiB): overcommitted.
		const m = at(guess, 46).meminfo;
		expect(m.Committed_AS).toBe(3_964_928);
		expect(m.CommitLimit).toBe(3_670_016);
		// 2: Committed_AS 598,016 pages + the child's 393,216 reach CommitLimit less the admin reserve:
		// no child, no copies (anon 500 MiB lower at 60 s), and the page cache they took stays.
		expect(summary(never)).toEqual(['fork 100 (redis): Cannot allocate memory (overcommit)']);
		const refused = never.events.find((e) => e.kind === 'alloc-fail');
		expect(refused && 'reason' in refused ? refused.reason : '').toBe(
			'mmap data: Committed_AS 598016 + 393216 pages >= CommitLimit 917504 less reserves = 915456 (overcommit_memory=2)',
		);
		expect(at(never, 50).processes.some((p) => p.name === 'redis-bgsave')).toBe(false);
		expect(at(never, 60).meminfo.AnonPages).toBeLessThan(at(guess, 60).meminfo.AnonPages - 500 * 1024);
		expect(at(never, 60).meminfo.Cached).toBeGreaterThan(at(guess, 60).meminfo.Cached + 300 * 1024);
	});

	it('bgsave with fork + exec: the child execs a shell at 46 s, redis gets its pages back and stops copying', {
		timeout: 300_000,
	}, () => {
		const w = loadWorkload('bgsave');
		const exec = {kind: 'exec' as const, pid: 104, image: shellImage()};
		const r = runScenario({...w, events: [...w.events, {at: 46, command: exec}]}, 56);
		const line = r.events.flatMap((e) =>
			e.kind === 'command' && e.command.kind === 'exec' ? [e.summary] : [],
		);
		// One second of copies (about 12,000 pages) went to redis; the other shared pages stay, its alone.
		expect(line[0]).toMatch(
			/^exec 104 \(redis-bgsave\) → sh: old mm freed [\d,]+ anon pages, [\d,]+ left to the processes still sharing them$/,
		);
		const redis = (s: number) => at(r, s).processes.find((p) => p.name === 'redis')!;
		expect(at(r, 47).processes.find((p) => p.pid === 104)!.name).toBe('sh');
		// From the exec on, every redis write reuses its page (wp_page_reuse): no COW copy, no growth.
		expect(redis(56).cowFaults).toBe(redis(47).cowFaults);
		// Anon grows by the api servers' heaps and the shell's, not by ~47 MiB/s of copies.
		expect(at(r, 56).meminfo.AnonPages - at(r, 47).meminfo.AnonPages).toBeLessThan(64 * 1024);
		expect(at(r, 56).vmstat.pgscan_kswapd).toBe(0);
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
