// The resource budget (workload/budget.ts) applied to recordings: the header's workload and every
// recorded spawn when the file is read, and a restored state's processes before it is used. A
// recording from a stranger cannot ask for more host memory or CPU than a workload file could.
import {UserError} from '../common/user-error.js';
import type {ProcessSpec, Workload} from '../sim/spec.js';
import {TICKS_PER_SECOND} from '../sim/units.js';
import {
	BUDGET_USES,
	type BudgetLimits,
	budgetProblem,
	estimate,
	type Spawn,
	workloadSpawns,
} from '../workload/budget.js';
import {formatPath} from '../workload/load.js';
import type {RecordingHeader} from './format.js';
import type {CommandEntry} from './recording.js';

const inWorkload = (s: Spawn): Spawn => ({
	...s,
	path: ['workload', ...s.path],
	countPath: s.countPath && ['workload', ...s.countPath],
	line: 1,
});

/** The recorded spawns, each from its tick to the end (a kill is not counted: a bound, not a replay). */
function commandSpawns(commands: readonly CommandEntry[], after = -1): Spawn[] {
	const spawns: Spawn[] = [];
	for (const c of commands) {
		if (c.command.kind !== 'spawn' || c.tick <= after) continue;
		spawns.push({
			spec: c.command.spec,
			count: c.command.count ?? 1,
			start: c.tick / TICKS_PER_SECOND,
			end:
				c.command.spec.lifetime === undefined
					? undefined
					: c.tick / TICKS_PER_SECOND + c.command.spec.lifetime,
			path: ['cmd', 'spec'],
			countPath: ['cmd', 'count'],
			line: c.line,
		});
	}
	return spawns;
}

function message(path: readonly PropertyKey[], text: string): string {
	const field = formatPath(path);
	return `${field ? `${field}: ` : ''}${text}`;
}

/** Refuse (one line, exit 2) a recording whose replay would exceed `limits`. */
export function checkRecordingBudget(
	label: string,
	header: RecordingHeader,
	commands: readonly CommandEntry[],
	limits: BudgetLimits,
): void {
	const use = BUDGET_USES.replay;
	const spawns = [...workloadSpawns(header.workload).map(inWorkload), ...commandSpawns(commands)];
	const problem = budgetProblem(
		estimate(header.workload.machine, header.policy, spawns, use, ['workload', 'machine']),
		limits,
		use,
	);
	if (problem)
		throw new UserError(`${label}:${problem.line ?? 1}: ${message(problem.path, problem.message)}`);
}

/**
 * What is wrong with a restored state whose processes, with what the recording starts after it,
 * would exceed `limits` (reported at the checkpoint's line); null when it fits.
 */
export function checkRestoredBudget(
	workload: Workload,
	policy: string,
	procs: readonly ({index: number; spec: ProcessSpec} | null)[],
	tick: number,
	commands: readonly CommandEntry[],
	limits: BudgetLimits,
): string | null {
	const use = BUDGET_USES.replay;
	const now = tick / TICKS_PER_SECOND;
	const spawns: Spawn[] = [];
	for (const p of procs) {
		if (p) spawns.push({spec: p.spec, count: 1, start: now, path: ['procs', p.index, 'spec']});
	}
	for (const s of workloadSpawns(workload)) if (s.start > now) spawns.push(inWorkload(s));
	spawns.push(...commandSpawns(commands, tick));
	const problem = budgetProblem(estimate(workload.machine, policy, spawns, use, ['machine']), limits, use);
	return problem ? `checkpoint state ${message(problem.path, problem.message)}` : null;
}
