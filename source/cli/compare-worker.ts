// Worker thread entry for `memtop compare`: runs one policy (and userspace OOM killer) and posts the result back.
import {parentPort, workerData} from 'node:worker_threads';
import type {UserspaceOomKiller, Workload} from '../sim/spec.js';
import {runPolicy, type ThpMode} from './compare-run.js';

const {workload, seed, policy, duration, userspaceOom, thp} = workerData as {
	workload: Workload;
	seed: number;
	policy: string;
	duration: number;
	userspaceOom?: UserspaceOomKiller;
	thp?: ThpMode;
};
const port = parentPort!;
// Progress as {progress: fraction}; the result last, as {result}.
const result = runPolicy(
	workload,
	seed,
	policy,
	duration,
	(progress) => port.postMessage({progress}),
	userspaceOom,
	thp,
);
port.postMessage({result});
