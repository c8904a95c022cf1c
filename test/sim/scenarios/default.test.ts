// default (workloads/default.yaml): busy but healthy. The page cache fills free memory in the first
// minute; then free settles just above the low watermark with kswapd reclaiming in the background
// (bigger rounds while the backup runs); no direct reclaim, no swapping to speak of, no OOM, no
// memory pressure, everyone making progress (issue 17 item 13: the story the file tells).
import {describe, expect, it} from 'vitest';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

const MIB_PAGES = 256;

describe('shipped scenarios', () => {
	it('default: kswapd keeps free just above low from the first minute, and nothing suffers', () => {
		const r = runScenario(loadWorkload('default'), 180);
		// The first minute: the cache fills free memory and kswapd wakes before 70 s.
		const wake = r.events.find((e) => e.kind === 'kswapd-wake');
		expect(wake).toBeDefined();
		expect(wake!.tick).toBeLessThan(70 * 100);
		expect(at(r, 70).vmstat.pgscan_kswapd).toBeGreaterThan(0);
		// From 90 s on, free stays between min and twice high: just above the low watermark.
		for (let t = 90; t <= 180; t += 10) {
			const s = at(r, t);
			expect(s.frames.free).toBeGreaterThanOrEqual(s.watermarks.min);
			expect(s.frames.free).toBeLessThanOrEqual(2 * s.watermarks.high);
		}
		// A backup burst (on at 140-150 s) is a bigger kswapd round than the quiet minute before it.
		const scanned = (a: number, b: number) => at(r, b).vmstat.pgscan_kswapd - at(r, a).vmstat.pgscan_kswapd;
		expect(scanned(140, 150)).toBeGreaterThan(1.5 * scanned(120, 130));
		const s = at(r, 180);
		expect(s.vmstat.allocstall_normal).toBe(0);
		expect(s.swap.usedPages).toBeLessThan(16 * MIB_PAGES);
		expect(s.oomKills).toBe(0);
		expect(s.psi.some.avg60).toBeLessThan(1);
		for (const p of s.processes) expect(p.progress).toBeGreaterThan(0.8);
	});
});
