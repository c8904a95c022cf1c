// cache-flood (workloads/cache-flood.yaml): tar streams a big file through the page cache from 40 s;
// file pages are cycled through while the hot anonymous working set survives. By 70 s hundreds of
// thousands of file pages have been reclaimed and next to no anon.
import {describe, expect, it} from 'vitest';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('cache-flood: file pages are cycled through while the hot anonymous working set survives', () => {
		const r = runScenario(loadWorkload('cache-flood'), 70);
		const s = at(r, 70);
		expect(s.vmstat.pgsteal_file).toBeGreaterThan(100_000);
		expect(s.vmstat.pgsteal_anon).toBeLessThan(s.vmstat.pgsteal_file / 20);
		const api = s.processes.find((p) => p.name === 'api')!;
		expect(api.swap).toBeLessThan(api.anon * 0.05);
		expect(api.progress).toBeGreaterThan(0.9);
	});
});
