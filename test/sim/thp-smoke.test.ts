import {expect, it} from 'vitest';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {group, MIB, workload} from '../helpers/workload.js';

it('smoke', () => {
	const m = new Machine(workload([group('db', {regions: [{name: 'heap', kind: 'anon', size: 200 * MIB}]})]), {
		seed: 1,
	});
	for (let i = 0; i < 3000; i++) {
		m.step();
		if (i === 500)
			m.apply({
				kind: 'fork',
				pid: m.liveProcs()[0]!.pid,
				streams: [{region: 'heap', pattern: 'random', weight: 1, write_ratio: 0.5}],
			});
		if (i % 500 === 0) expect(checkInvariants(m)).toEqual([]);
	}
	const s = takeSnapshot(m);
	const v = s.vmstat;
	console.log(
		s.meminfo.AnonHugePages,
		s.meminfo.AnonPages,
		v.thp_fault_alloc,
		v.thp_fault_fallback,
		v.thp_split_pmd,
		v.thp_split_page,
		v.thp_collapse_alloc,
		v.compact_stall,
		m.khugepaged.pagesCollapsed,
	);
	expect(checkInvariants(m)).toEqual([]);
});
