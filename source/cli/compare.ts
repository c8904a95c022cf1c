// memtop compare WORKLOAD --policies a,b: the same workload and seed under each reclaim policy,
// in parallel worker threads where cores allow, side by side.
import {availableParallelism} from 'node:os';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {progressOn} from '../common/progress.js';
import {UserError} from '../common/user-error.js';
import {policyNames} from '../sim/policies/index.js';
import type {Workload} from '../sim/spec.js';
import {BUDGET_USES} from '../workload/budget.js';
import {loadWorkload} from '../workload/load.js';
import {parseArgs} from './args.js';
import {BUDGET_FLAGS, budgetHelp, budgetLimits} from './budget-flags.js';
import {type CompareResult, runPolicy} from './compare-run.js';
import type {CommandIo} from './io.js';
import {checkPositive, checkSeed} from './run.js';

export const compareHelp = `
  Usage
    $ memtop compare WORKLOAD --policies lru2,mglru[,...] [options]

  Runs WORKLOAD with the same seed under each reclaim policy and prints them side by side:
  major faults, refaults, swap-outs, PSI some/full avg60 at the end, OOM kills, and the work
  done (page references completed by all processes).

  Options
    --policies LIST   Comma-separated reclaim policies (default lru2,mglru)
    --duration S      Simulated seconds (default 120)
    --seed N          Seed (default 1)
    --json            Print a JSON array instead of the table
${budgetHelp}

  Examples
    $ memtop compare thrash --policies lru2,mglru,clock --duration 180
    $ memtop compare cache-flood --json
`;

function runInWorker(
	workload: Workload,
	seed: number,
	policy: string,
	duration: number,
	onProgress: (fraction: number) => void,
): Promise<CompareResult> {
	const url = new URL('./compare-worker.js', import.meta.url);
	return new Promise((resolve, reject) => {
		const w = new Worker(fileURLToPath(url), {workerData: {workload, seed, policy, duration}});
		w.on('message', (m: {progress: number} | {result: CompareResult}) => {
			if ('result' in m) resolve(m.result);
			else onProgress(m.progress);
		});
		w.once('error', reject);
		w.once('exit', (code) => {
			if (code !== 0) reject(new Error(`compare worker for ${policy} exited with ${code}`));
		});
	});
}

/** Worker threads need the compiled .js worker; under a TypeScript runner, run in this thread. */
async function runAll(
	workload: Workload,
	seed: number,
	policies: string[],
	duration: number,
	onProgress?: (fraction: number) => void,
): Promise<CompareResult[]> {
	// Progress over all the runs: each policy's fraction, averaged.
	const each = policies.map(() => 0);
	const report = (i: number) => (f: number) => {
		each[i] = f;
		onProgress?.(each.reduce((a, b) => a + b, 0) / each.length);
	};
	const compiled = import.meta.url.endsWith('.js');
	const slots = Math.max(1, Math.min(policies.length, availableParallelism()));
	if (!compiled || slots === 1)
		return policies.map((p, i) => runPolicy(workload, seed, p, duration, onProgress && report(i)));
	const results: CompareResult[] = new Array(policies.length);
	let next = 0;
	await Promise.all(
		Array.from({length: slots}, async () => {
			while (next < policies.length) {
				const i = next++;
				results[i] = await runInWorker(workload, seed, policies[i]!, duration, report(i));
			}
		}),
	);
	return results;
}

export function compareTable(results: CompareResult[]): string[] {
	const best = Math.max(...results.map((r) => r.progress), 1);
	const rows: [string, (r: CompareResult) => string][] = [
		['major faults', (r) => String(r.majorFaults)],
		['refaults', (r) => String(r.refaults)],
		['swap-outs', (r) => String(r.swapOuts)],
		['PSI some avg60', (r) => r.psiSomeAvg60.toFixed(2)],
		['PSI full avg60', (r) => r.psiFullAvg60.toFixed(2)],
		['OOM kills', (r) => String(r.oomKills)],
		['work done (refs)', (r) => String(r.progress)],
		['work vs best', (r) => `${((r.progress / best) * 100).toFixed(1)}%`],
		['mean progress', (r) => `${(r.meanProgress * 100).toFixed(1)}%`],
	];
	const width = Math.max(10, ...results.map((r) => r.policy.length + 2));
	const head = ''.padEnd(18) + results.map((r) => r.policy.padStart(width)).join('');
	return [
		head,
		...rows.map(([label, f]) => label.padEnd(18) + results.map((r) => f(r).padStart(width)).join('')),
	];
}

export async function compareCommand(argv: string[], io: CommandIo): Promise<number> {
	const parsed = parseArgs('compare', compareHelp, argv, io, {
		policies: {type: 'string', default: 'lru2,mglru'},
		duration: {type: 'number', default: 120},
		seed: {type: 'number', default: 1},
		json: {type: 'boolean', default: false},
		...BUDGET_FLAGS,
	});
	if (!parsed) return 0;
	const {input, flags} = parsed;
	if (input.length !== 1)
		throw new UserError(
			`compare: expected one workload, got ${input.length === 0 ? 'none' : input.join(' ')}`,
		);
	const known = policyNames({includeTraceOnly: false});
	const policies = (flags.policies ?? '')
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean);
	if (policies.length === 0)
		throw new UserError(`--policies: expected a comma-separated list of ${known.join(', ')}`);
	for (const p of policies) {
		if (!known.includes(p))
			throw new UserError(`--policies: unknown policy '${p}' (expected one of ${known.join(', ')})`);
	}
	// Runs side by side: as many machines at once as there are worker slots.
	const slots = Math.max(1, Math.min(policies.length, availableParallelism()));
	const headless = BUDGET_USES.headless;
	const workload = loadWorkload(input[0]!, {
		limits: budgetLimits(flags),
		use: {...headless, label: `${slots} headless runs at once`, machines: slots},
	});
	const duration = checkPositive('--duration', flags.duration ?? 120);
	const seed = checkSeed(flags.seed ?? 1);
	// A bar on a terminal's stderr (never in the table or the --json output on stdout).
	const bar = progressOn(io.stderr, `compare ${workload.name}`);
	let results: CompareResult[];
	try {
		results = await runAll(
			workload,
			seed,
			policies,
			duration,
			bar ? (f) => bar.update(f, policies.join(' vs ')) : undefined,
		);
	} finally {
		bar?.done();
	}
	if (flags.json) {
		io.stdout.write(`${JSON.stringify(results)}\n`);
		return 0;
	}
	io.stdout.write(`memtop compare: ${workload.name}, seed ${seed}, ${duration} simulated seconds\n`);
	for (const line of compareTable(results)) io.stdout.write(`${line}\n`);
	return 0;
}
