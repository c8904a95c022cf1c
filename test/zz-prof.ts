import {Machine} from '../source/sim/machine.js';
import {takeSnapshot} from '../source/sim/snapshot.js';
import {loadWorkload} from '../source/workload/load.js';
const name = process.argv[2] ?? 'zswap';
const secs = Number(process.argv[3] ?? 60);
const m = new Machine(loadWorkload(name), {seed: 1});
const t0 = performance.now();
for (let s = 0; s < secs; s++) { for (let t = 0; t < 100; t++) m.step(); takeSnapshot(m, {regions: false}); }
console.log(name, secs, ((performance.now() - t0)/1000).toFixed(2), 's');
