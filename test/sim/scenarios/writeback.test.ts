// writeback (workloads/writeback.yaml): dd and cp write new files to an HDD at twice its bandwidth
// from 5 s to 90 s. The flusher writes back at the disk's bandwidth with pages under writeback all the
// time, balance_dirty_pages holds Dirty + Writeback around the setpoint and below dirty_ratio's
// limit, the writers are throttled (IO waits, not memory stall), nothing is read, and once they exit
// everything is written within seconds (issue 10 rules 2 and 3, issue 17 item 16).
import {describe, expect, it} from 'vitest';
import {domainDirtyLimits} from '../../../source/sim/dirty-throttle.js';
import {checkInvariants} from '../../../source/sim/invariants.js';
import type {Snapshot} from '../../../source/sim/snapshot-types.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

/** 180 MB/s, the HDD's sequential bandwidth, in kB/s (pgpgout counts kB). */
const DISK_KBS = 180e6 / 1024;

/** The limits balance_dirty_pages sees, from the snapshot (dirtyable = free − min(free, high) + file LRU + 1). */
function limitsOf(s: Snapshot) {
	const m = s.meminfo as Record<string, number>;
	const file = (m['Active(file)']! + m['Inactive(file)']!) / 4;
	const free = s.frames.free;
	// totalreserve_pages: high as set, without a watermark boost.
	const high = s.watermarks.high - s.watermarks.boost;
	return domainDirtyLimits(free - Math.min(free, high) + file + 1, 20, 10);
}

describe('shipped scenarios', () => {
	it('writeback: writers converge to the HDD bandwidth with dirty pages at the setpoint, and no reads', () => {
		const r = runScenario(loadWorkload('writeback'), 100);
		for (let t = 15; t <= 90; t++) {
			const s = at(r, t);
			const m = s.meminfo as Record<string, number>;
			const l = limitsOf(s);
			const dirty = (m.Dirty! + m.Writeback!) / 4;
			// Around the setpoint (within 10 %), never at the limit.
			expect(Math.abs(dirty - l.setpoint)).toBeLessThan(l.setpoint * 0.1);
			expect(dirty).toBeLessThan(l.limit);
			// Writeback is a state: pages in flight the whole time the disk is busy (~17 MiB).
			expect(m.Writeback).toBeGreaterThan(8 * 1024);
			// The write-back rate is the disk's: 100 MB/s or more, at most its 180 MB/s.
			const kbs = s.vmstat.pgpgout - at(r, t - 1).vmstat.pgpgout;
			expect(kbs).toBeGreaterThan(100e6 / 1024);
			expect(kbs).toBeGreaterThan(0.85 * DISK_KBS);
			expect(kbs).toBeLessThanOrEqual(DISK_KBS * 1.001);
			// Both writers throttled, sharing the bandwidth evenly; cron untouched.
			const byName = (n: string) => s.processes.find((p) => p.name === n)!;
			for (const w of [byName('dd'), byName('cp')]) {
				expect(w.state).toBe('throttled');
				expect(w.progress).toBeLessThan(0.5);
			}
			expect(Math.abs(byName('dd').progress - byName('cp').progress)).toBeLessThan(0.05);
			expect(byName('cron').progress).toBeGreaterThan(0.95);
		}
		const end = at(r, 90);
		// Every page written was new and whole: nothing read.
		expect(end.vmstat.pgpgin).toBe(0);
		expect(end.vmstat.pgmajfault).toBe(0);
		// The pauses are IO waits: memory pressure stays near zero (kswapd's reclaim is all of it).
		expect(end.psi.some.avg10).toBeLessThan(5);
		expect(end.vmstat.allocstall_normal).toBe(0);
		// After the writers exit the flusher drains everything within a few seconds.
		const after = at(r, 95).meminfo as Record<string, number>;
		expect(after.Dirty).toBe(0);
		expect(after.Writeback).toBe(0);
		expect(at(r, 100).vmstat.pgpgout - at(r, 95).vmstat.pgpgout).toBe(0);
		expect(checkInvariants(r.machine)).toEqual([]);
	});
});
