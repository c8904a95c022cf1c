// thp-db (workloads/thp-db.yaml): on a machine fragmented as `fragmentation` leaves it, THP always
// with defrag always makes every first touch of a 2 MiB range a direct compaction in the faulting
// process: postgres loses about a tenth of its first second to it and does 16 % less work; a sparse
// writer (sessions) holds 128 MiB for the 2 700 pages it touched (THP bloat), which kswapd takes
// from the page cache; khugepaged collapses the cache service's heap. Under madvise and never (no
// region asks for huge pages) none of it happens.
import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../../source/sim/invariants.js';
import {takeSnapshot} from '../../../source/sim/snapshot.js';
import type {Workload} from '../../../source/sim/spec.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

function withThp(mode: 0 | 1 | 2): Workload {
	const w = loadWorkload('thp-db');
	w.machine.sysctl.transparent_hugepage_enabled = mode;
	return w;
}

const proc = (s: ReturnType<typeof at>, name: string) => s.processes.find((p) => p.name === name)!;

describe('shipped scenarios', () => {
	it('thp-db: THP always stalls postgres in direct compaction at each 2 MiB it first touches; madvise and never do not', {
		timeout: 300_000,
	}, () => {
		const always = runScenario(loadWorkload('thp-db'), 60);
		expect(always.machine.sysctl.transparent_hugepage_enabled).toBe(0);
		const frag = at(always, 31);
		// 1 GiB free, none of it in a 2 MiB block.
		expect(frag.frames.free).toBeGreaterThan(250_000);
		expect(frag.buddy.free[9]! + frag.buddy.free[10]!).toBe(0);
		expect(frag.vmstat.thp_fault_alloc).toBe(0);
		// khugepaged has collapsed some of cache's heap (grown 4 KiB at a time) at 10, 20 and 30 s.
		expect(frag.vmstat.thp_collapse_alloc).toBeGreaterThan(10);
		const before = frag.vmstat.compact_stall;
		const started = at(always, 33);
		// postgres's 256 ranges and some of sessions': each a THP fault after a direct compaction.
		expect(proc(started, 'postgres').thp?.huge).toBe(256);
		expect(proc(started, 'postgres').minflt).toBe(256);
		expect(started.vmstat.thp_fault_alloc).toBeGreaterThan(300);
		expect(started.vmstat.thp_fault_fallback).toBe(0);
		expect(started.vmstat.compact_stall - before).toBeGreaterThan(300);
		expect(started.vmstat.compact_success).toBe(started.vmstat.compact_stall);
		expect(started.meminfo.AnonHugePages).toBeGreaterThan(650 * 1024);
		// The second 32..33 as the STALL column shows it at 34 s: ~98 ms in compaction, 84 % progress.
		const pg = proc(at(always, 34), 'postgres');
		expect(pg.stall).toBeGreaterThan(0.08);
		expect(pg.stall).toBeLessThan(0.12);
		expect(pg.progress).toBeLessThan(0.87);
		// sessions: all of its 128 MiB resident, ~2 700 pages touched; the rest is bloat.
		const end = takeSnapshot(always.machine, {regions: true, events: false});
		const sessions = proc(end, 'sessions');
		expect(sessions.thp?.huge).toBe(64);
		expect(sessions.rss).toBe(32_768);
		expect(sessions.thp!.bloat).toBeGreaterThan(29_000);
		expect(sessions.thp!.bloat).toBeLessThan(31_000);
		expect(end.vmstat.thp_collapse_alloc_failed).toBeGreaterThanOrEqual(1);
		expect(checkInvariants(always.machine)).toEqual([]);

		for (const mode of [1, 2] as const) {
			const r = runScenario(withThp(mode), 60);
			const s = at(r, 60);
			expect([mode, s.vmstat.compact_stall, s.vmstat.thp_fault_alloc, s.vmstat.thp_collapse_alloc]).toEqual([
				mode,
				0,
				0,
				0,
			]);
			expect(s.meminfo.AnonHugePages).toBe(0);
			const p = proc(at(r, 34), 'postgres');
			expect(p.stall).toBeLessThan(0.01);
			expect(p.progress).toBeGreaterThan(0.95);
			// sessions holds only what it touched.
			expect(proc(s, 'sessions').rss).toBeLessThan(3_000);
			// No bloat to make room for: kswapd takes a third of the page cache it took under always.
			expect(s.vmstat.pgsteal_kswapd * 2).toBeLessThan(at(always, 60).vmstat.pgsteal_kswapd);
		}
	});
});
