// Reverse mapping (rmap.ts): a file page is charged to the first process that maps it; unmapping it
// for reclaim clears that process's PTE and RssFile.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {presentFrame} from '../../source/sim/page-table.js';
import {group, MIB, workload} from '../helpers/workload.js';

const mapper = (name: string, start = 0) =>
	group(name, {
		start,
		rate: 10_000,
		regions: [{name: 'f', kind: 'file', size: MIB, object: 'shared'}],
		streams: [{region: 'f', pattern: 'sequential', weight: 1}],
	});

describe('rmap', () => {
	it('charges the first mapper only; the second maps the same frames uncounted', () => {
		const m = new Machine(workload([mapper('a'), mapper('b', 1)], {ram: 64 * MIB}), {seed: 1});
		for (let t = 0; t < 200; t++) m.step();
		const [a, b] = m.liveProcs();
		expect([a!.rssFile, b!.rssFile]).toEqual([256, 0]);
		expect(m.rmap.nrMapped).toBe(256);
		expect(b!.pt.pte[5]).toBe(a!.pt.pte[5]);
		const frame = presentFrame(a!.pt.pte[5]!);
		m.rmap.unmapFile(frame, m.files.files[0]!, 5, false);
		expect(a!.pt.pte[5]).toBe(0);
		expect(a!.rssFile).toBe(255);
		expect(m.rmap.nrMapped).toBe(255);
		expect(m.zone.mapper[frame]).toBe(-1);
	});
});
