// Curves of policies that are not stack algorithms (FIFO, CLOCK and every policy but LRU and OPT):
// one simulation per frame count over the stored trace, spread over worker threads (one per core)
// that read the trace's ids in place from shared memory. Under a TypeScript runner (tests) there is
// no compiled worker file, and small jobs are not worth a thread: then they run here, one by one.
import {availableParallelism} from 'node:os';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {createSimulation} from './sim.js';

export interface SizeJob {
	policy: string;
	/** Frames simulated. */
	frames: number;
}

export interface SizeWork {
	/** Dense page ids on a SharedArrayBuffer (or any Int32Array when run in this thread). */
	ids: Int32Array;
	distinct: number;
	seed: number;
	jobs: SizeJob[];
}

/** Faults of one job. */
export function runJob(ids: Int32Array, distinct: number, seed: number, job: SizeJob): number {
	const sim = createSimulation(job.policy, job.frames, distinct, seed);
	sim.reserve(distinct);
	sim.run(ids, 0, ids.length);
	return sim.faults;
}

/** Below this many simulated references in all, threads cost more than they save. */
const THREAD_WORK = 1 << 22;

/** Faults of every job, in the jobs' order. */
export async function runSizes(work: SizeWork, threads = availableParallelism()): Promise<number[]> {
	const {ids, distinct, seed, jobs} = work;
	const compiled = import.meta.url.endsWith('.js');
	const slots = Math.max(1, Math.min(threads, jobs.length));
	if (!compiled || slots === 1 || ids.length * jobs.length < THREAD_WORK) {
		return jobs.map((job) => runJob(ids, distinct, seed, job));
	}
	// Biggest first (they take longest: more frames, more state), dealt out as workers ask.
	const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.frames - jobs[a]!.frames);
	const faults: number[] = new Array(jobs.length).fill(0);
	let next = 0;
	const url = fileURLToPath(new URL('./per-size-worker.js', import.meta.url));
	await Promise.all(
		Array.from(
			{length: slots},
			() =>
				new Promise<void>((resolve, reject) => {
					const worker = new Worker(url, {workerData: {ids, distinct, seed}});
					const give = (): void => {
						if (next >= order.length) {
							void worker.terminate();
							resolve();
							return;
						}
						const i = order[next++]!;
						worker.postMessage({index: i, job: jobs[i]});
					};
					worker.on('message', (m: {index: number; faults: number}) => {
						faults[m.index] = m.faults;
						give();
					});
					worker.once('error', reject);
					worker.once('exit', (code) => {
						if (code !== 0 && code !== 1) reject(new Error(`curve worker exited with ${code}`));
					});
					give();
				}),
		),
	);
	return faults;
}
