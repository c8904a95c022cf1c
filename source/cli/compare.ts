// memtop compare WORKLOAD --policies a,b [--userspace-oom none,systemd-oomd,earlyoom]: the same
// workload and seed under each reclaim policy (and each userspace OOM killer, if asked: every
// policy with every killer), in parallel worker threads where cores allow, side by side.
import {availableParallelism} from 'node:os';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import {progressOn} from '../common/progress.js';
import {UserError} from '../common/user-error.js';
import {policyNames} from '../sim/policies/index.js';
import {USERSPACE_OOM_KILLERS, type UserspaceOomKiller, type Workload} from '../sim/spec.js';
import {BUDGET_USES} from '../workload/budget.js';
import {loadWorkload} from '../workload/load.js';
import {parseArgs} from './args.js';
import {BUDGET_FLAGS, budgetHelp, budgetLimits} from './budget-flags.js';
import {type CompareKill, type CompareResult, runPolicy, THP_MODES, type ThpMode} from './compare-run.js';
import type {CommandIo} from './io.js';
import {checkPositive, checkSeed} from './run.js';

export const compareHelp = `
  Usage
    $ memtop compare WORKLOAD --policies lru2,mglru[,...] [options]
    $ memtop compare WORKLOAD --userspace-oom none,systemd-oomd,earlyoom [options]

  Runs WORKLOAD with the same seed under each reclaim policy and prints them side by side:
  major faults, refaults, swap-outs, PSI some/full avg60 at the end, the kernel's OOM kills and
  the userspace killers' kills, when the first kill came, the work done (page references
  completed by all processes), then every kill: when, by whom, of what.

  Options
    --policies LIST       Comma-separated reclaim policies (default lru2,mglru; with
                          --userspace-oom, the workload's own policy)
    --userspace-oom LIST  Comma-separated userspace OOM killers to run from boot, each a run of
                          its own (none, systemd-oomd, earlyoom; default: the workload's
                          userspace_oom, one run). With several policies, every pair runs
    --thp LIST            Comma-separated transparent_hugepage/enabled modes (always, madvise,
                          never), each a run of its own with THP figures in the table
    --duration S      Simulated seconds (default 120)
    --seed N          Seed (default 1)
    --json            Print a JSON array instead of the table
${budgetHelp}

  Examples
    $ memtop compare thrash --policies lru2,mglru,clock --duration 180
    $ memtop compare cache-flood --json
    $ memtop compare desktop-freeze --userspace-oom none,systemd-oomd,earlyoom
    $ memtop compare thp-db --thp always,madvise,never --duration 60
`;

/** One run: a policy, and the userspace OOM killer it boots with (undefined: the workload's). */
export interface CompareRun {
	policy: string;
	userspaceOom?: UserspaceOomKiller | undefined;
	thp?: ThpMode | undefined;
}

function runInWorker(
	workload: Workload,
	seed: number,
	run: CompareRun,
	duration: number,
	onProgress: (fraction: number) => void,
): Promise<CompareResult> {
	const url = new URL('./compare-worker.js', import.meta.url);
	const {policy, userspaceOom, thp} = run;
	return new Promise((resolve, reject) => {
		const w = new Worker(fileURLToPath(url), {
			workerData: {workload, seed, policy, duration, userspaceOom, thp},
		});
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
	runs: CompareRun[],
	duration: number,
	onProgress?: (fraction: number) => void,
): Promise<CompareResult[]> {
	// Progress over all the runs: each run's fraction, averaged.
	const each = runs.map(() => 0);
	const report = (i: number) => (f: number) => {
		each[i] = f;
		onProgress?.(each.reduce((a, b) => a + b, 0) / each.length);
	};
	const compiled = import.meta.url.endsWith('.js');
	const slots = Math.max(1, Math.min(runs.length, availableParallelism()));
	if (!compiled || slots === 1)
		return runs.map((r, i) =>
			runPolicy(workload, seed, r.policy, duration, onProgress && report(i), r.userspaceOom, r.thp),
		);
	const results: CompareResult[] = new Array(runs.length);
	let next = 0;
	await Promise.all(
		Array.from({length: slots}, async () => {
			while (next < runs.length) {
				const i = next++;
				results[i] = await runInWorker(workload, seed, runs[i]!, duration, report(i));
			}
		}),
	);
	return results;
}

/** A run's column heading: its policy, its killer, or both when both vary; its THP mode with --thp. */
export function runLabels(results: readonly CompareResult[], byKiller: boolean): string[] {
	const policies = new Set(results.map((r) => r.policy)).size;
	return results.map((r) => {
		const base = !byKiller ? r.policy : policies > 1 ? `${r.policy}+${r.userspaceOom}` : r.userspaceOom;
		if (!r.thp) return base;
		return policies > 1 || byKiller ? `${base}+${r.thp.mode}` : `THP ${r.thp.mode}`;
	});
}

/** --thp's list: each one of THP_MODES. */
export function parseThpModes(list: string): ThpMode[] {
	const names = list
		.split(',')
		.map((k) => k.trim())
		.filter(Boolean);
	const expected = THP_MODES.join(', ');
	if (names.length === 0)
		throw new UserError(`--thp: expected a comma-separated list of ${expected}, got nothing`);
	for (const k of names)
		if (!(THP_MODES as readonly string[]).includes(k))
			throw new UserError(`--thp: unknown transparent_hugepage mode '${k}' (expected one of ${expected})`);
	return names as ThpMode[];
}

const seconds = (t: number) => `${t.toFixed(2)} s`;

export function compareTable(results: CompareResult[], labels = runLabels(results, false)): string[] {
	const best = Math.max(...results.map((r) => r.progress), 1);
	const rows: [string, (r: CompareResult) => string][] = [
		['major faults', (r) => String(r.majorFaults)],
		['refaults', (r) => String(r.refaults)],
		['swap-outs', (r) => String(r.swapOuts)],
		['PSI some avg60', (r) => r.psiSomeAvg60.toFixed(2)],
		['PSI full avg60', (r) => r.psiFullAvg60.toFixed(2)],
		['OOM kills', (r) => String(r.oomKills)],
		['userspace kills', (r) => String(r.userspaceKills)],
		['first kill', (r) => (r.kills[0] ? seconds(r.kills[0].time) : '-')],
		['work done (refs)', (r) => String(r.progress)],
		['work vs best', (r) => `${((r.progress / best) * 100).toFixed(1)}%`],
		['mean progress', (r) => `${(r.meanProgress * 100).toFixed(1)}%`],
	];
	// --thp: what huge pages cost (direct compaction stalls) and gave.
	if (results.some((r) => r.thp))
		rows.push(
			['compact stalls', (r) => String(r.thp?.compactStall ?? '-')],
			['THP faults', (r) => String(r.thp?.faultAlloc ?? '-')],
			['THP fallbacks', (r) => String(r.thp?.faultFallback ?? '-')],
			['THP collapses', (r) => String(r.thp?.collapseAlloc ?? '-')],
			['AnonHugePages', (r) => (r.thp ? `${Math.round(r.thp.anonHugePages / 1024)} MiB` : '-')],
		);
	const width = Math.max(10, ...labels.map((l) => l.length + 2));
	const head = ''.padEnd(18) + labels.map((l) => l.padStart(width)).join('');
	return [
		head,
		...rows.map(([label, f]) => label.padEnd(18) + results.map((r) => f(r).padStart(width)).join('')),
	];
}

/** What was killed: the cgroup systemd-oomd or the memcg OOM killer acted on, and the process. */
function victim(k: CompareKill): string {
	const proc = `${k.name} (pid ${k.pid})`;
	return k.cgroup !== undefined ? `${k.cgroup}, first ${proc}` : proc;
}

/** Who got killed and when, run by run: one line a kill, or "no kills". */
export function killLines(results: readonly CompareResult[], labels: readonly string[]): string[] {
	const width = Math.max(...labels.map((l) => l.length));
	const out = ['kills:'];
	results.forEach((r, i) => {
		const label = labels[i]!.padEnd(width);
		if (r.kills.length === 0) out.push(`  ${label}  no kills`);
		for (const k of r.kills)
			out.push(`  ${label}  ${seconds(k.time).padStart(9)}  ${k.by.padEnd(12)}  ${victim(k)}`);
	});
	return out;
}

/** --userspace-oom's list: each one of USERSPACE_OOM_KILLERS. */
export function parseKillers(list: string): UserspaceOomKiller[] {
	const names = list
		.split(',')
		.map((k) => k.trim())
		.filter(Boolean);
	const expected = USERSPACE_OOM_KILLERS.join(', ');
	if (names.length === 0)
		throw new UserError(`--userspace-oom: expected a comma-separated list of ${expected}, got nothing`);
	for (const k of names)
		if (!(USERSPACE_OOM_KILLERS as readonly string[]).includes(k))
			throw new UserError(
				`--userspace-oom: unknown userspace OOM killer '${k}' (expected one of ${expected})`,
			);
	return names as UserspaceOomKiller[];
}

export async function compareCommand(argv: string[], io: CommandIo): Promise<number> {
	const parsed = parseArgs('compare', compareHelp, argv, io, {
		policies: {type: 'string'},
		userspaceOom: {type: 'string'},
		thp: {type: 'string'},
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
	// Checked before the workload loads: a bad list is the user's first mistake to hear about.
	const killers = flags.userspaceOom === undefined ? undefined : parseKillers(flags.userspaceOom);
	const thpModes = flags.thp === undefined ? undefined : parseThpModes(flags.thp);
	const policies = (flags.policies ?? (killers || thpModes ? '' : 'lru2,mglru'))
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean);
	if (policies.length === 0 && (flags.policies !== undefined || !(killers || thpModes)))
		throw new UserError(`--policies: expected a comma-separated list of ${known.join(', ')}`);
	for (const p of policies) {
		if (!known.includes(p))
			throw new UserError(`--policies: unknown policy '${p}' (expected one of ${known.join(', ')})`);
	}
	// Runs side by side: as many machines at once as there are worker slots.
	const count = Math.max(1, policies.length) * (killers?.length ?? 1) * (thpModes?.length ?? 1);
	const slots = Math.max(1, Math.min(count, availableParallelism()));
	const headless = BUDGET_USES.headless;
	const workload = loadWorkload(input[0]!, {
		limits: budgetLimits(flags),
		use: {...headless, label: `${slots} headless runs at once`, machines: slots},
	});
	const duration = checkPositive('--duration', flags.duration ?? 120);
	const seed = checkSeed(flags.seed ?? 1);
	// --userspace-oom alone: the workload's own policy, once per killer.
	const runs: CompareRun[] = (policies.length > 0 ? policies : [workload.machine.policy])
		.flatMap((policy): CompareRun[] =>
			killers ? killers.map((userspaceOom) => ({policy, userspaceOom})) : [{policy}],
		)
		.flatMap((run) => (thpModes ? thpModes.map((thp) => ({...run, thp})) : [run]));
	const labels = (rs: CompareResult[]) => runLabels(rs, killers !== undefined);
	// A bar on a terminal's stderr (never in the table or the --json output on stdout).
	const bar = progressOn(io.stderr, `compare ${workload.name}`);
	let results: CompareResult[];
	try {
		results = await runAll(
			workload,
			seed,
			runs,
			duration,
			bar
				? (f) => bar.update(f, runs.map((r) => r.thp ?? r.userspaceOom ?? r.policy).join(' vs '))
				: undefined,
		);
	} finally {
		bar?.done();
	}
	if (flags.json) {
		io.stdout.write(`${JSON.stringify(results)}\n`);
		return 0;
	}
	io.stdout.write(`memtop compare: ${workload.name}, seed ${seed}, ${duration} simulated seconds\n`);
	for (const line of compareTable(results, labels(results))) io.stdout.write(`${line}\n`);
	for (const line of killLines(results, labels(results))) io.stdout.write(`${line}\n`);
	return 0;
}
