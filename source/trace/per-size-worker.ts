// Worker thread entry for per-size curve runs (per-size.ts): the trace arrives once, in shared
// memory; each message is one (policy, frames) job, answered with its fault count.
import {parentPort, workerData} from 'node:worker_threads';
import {runJob, type SizeJob} from './per-size.js';

const {ids, distinct, seed} = workerData as {ids: Int32Array; distinct: number; seed: number};
parentPort!.on('message', (m: {index: number; job: SizeJob}) => {
	parentPort!.postMessage({index: m.index, faults: runJob(ids, distinct, seed, m.job)});
});
