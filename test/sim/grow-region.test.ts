// A heap that grows (brk) is mapped only as far as it has grown: a stream of random or zipf references
// over the same region must stay inside that part, or it would fault pages in past the page table
// (frames allocated and counted in RSS that no page-table entry maps: lost to the simulation).
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {presentFrame} from '../../source/sim/page-table.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {group, MIB, workload} from '../helpers/workload.js';

describe('grow regions', () => {
	it('other streams over a growing heap reference only its grown part; every resident page is mapped', () => {
		const w = workload(
			[
				group('app', {
					rate: 20_000,
					regions: [{name: 'heap', kind: 'anon', size: 512 * MIB}],
					streams: [
						{region: 'heap', pattern: 'grow', weight: 0.2, grow: 4 * MIB, write_ratio: 1},
						{region: 'heap', pattern: 'zipf', weight: 0.5, skew: 1, write_ratio: 0.3},
						{region: 'heap', pattern: 'random', weight: 0.3},
					],
				}),
			],
			{ram: 1024 * MIB},
		);
		const m = new Machine(w, {seed: 1});
		for (let t = 0; t < 500; t++) m.step();
		const proc = m.tasks.procs.find((p) => p?.name === 'app')!;
		const heap = proc.regions[0]!;
		// 5 s at 4 MiB/s = 20 MiB = 5120 pages grown (within a page of float rounding).
		expect(heap.grown).toBeGreaterThanOrEqual(5119);
		let mapped = 0;
		for (let v = 0; v < proc.pt.covered; v++)
			if (proc.pt.get(v) > 0 && presentFrame(proc.pt.get(v)) >= 0) mapped++;
		expect(proc.rssAnon).toBe(mapped);
		const snap = takeSnapshot(m).processes.find((p) => p.name === 'app')!;
		expect(snap.rss).toBeLessThanOrEqual(snap.vsize);
	});
});
