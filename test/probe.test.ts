import {it} from 'vitest';
import {Machine} from '../source/sim/machine.js';
import {loadWorkload} from '../source/workload/load.js';

it('probe', () => {
	const w = loadWorkload('noisy-neighbour');
	console.log(JSON.stringify(w.cgroups));
	const m = new Machine(w, {seed: 1});
	console.log(m.memcg.nodes.map((n) => [n.path, n.low]));
	for (let i = 0; i < 3200; i++) m.step();
	const prot = m.vmscan.protection;
	prot.begin(0);
	console.log(prot.active, [...prot.elow], [...m.memcg.usage]);
});
