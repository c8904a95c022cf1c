// zswap (workloads/zswap.yaml, its timed events left out): the pool compresses 2-3:1, and swapping
// through it costs far fewer disk reads and less pressure than without it. All of that is clear by
// 60 s (swapping starts at ~25 s).
import {describe, expect, it} from 'vitest';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('zswap: compresses in the expected range, and swapping costs far fewer disk faults than without it', () => {
		const w = loadWorkload('zswap');
		const noEvents = {...w, events: []};
		const on = runScenario(noEvents, 60);
		const s = at(on, 60);
		const ratio = (s.meminfo.Zswapped * 1024) / s.zswap.poolBytes;
		expect(s.vmstat.zswpout).toBeGreaterThan(10_000);
		expect(ratio).toBeGreaterThan(1.8);
		expect(ratio).toBeLessThan(4.5);
		// ffmpeg's incompressible pages are rejected (compressed length >= PAGE_SIZE) and written to the SSD.
		expect(s.vmstat.zswap_reject_compress_poor).toBeGreaterThan(500);
		expect(s.vmstat.pswpout).toBeGreaterThanOrEqual(s.vmstat.zswap_reject_compress_poor);
		const ffmpeg = s.processes.find((p) => p.name === 'ffmpeg')!;
		expect(ffmpeg.swap - ffmpeg.zswap).toBeGreaterThan(0);
		expect(ffmpeg.zswap).toBe(0);
		const off = runScenario(
			{...noEvents, machine: {...w.machine, zswap: {...w.machine.zswap, enabled: false}}},
			60,
		);
		const o = at(off, 60);
		// Major faults that had to read the disk: pswpin (zswap hits are zswpin, a decompression).
		expect(s.vmstat.pswpin).toBeLessThan(o.vmstat.pswpin / 2);
		// Waiting for a decompression instead of the SSD: far less time stalled.
		const stall = (x: typeof s) => x.processes.reduce((sum, p) => sum + p.stall, 0);
		expect(stall(s)).toBeLessThan(stall(o) / 2);
		expect(on.machine.totalRefs).toBeGreaterThan(off.machine.totalRefs);
	});
});
