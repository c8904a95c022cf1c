// memtop validate <workload>...: check workload files and say what each describes.

import {UserError} from '../common/user-error.js';
import {escapeText} from '../text/escape.js';
import {BUDGET_USES} from '../workload/budget.js';
import {loadWorkloadFile, resolveWorkload} from '../workload/load.js';
import {summarizeWorkload} from '../workload/summary.js';
import {parseArgs} from './args.js';
import {BUDGET_FLAGS, budgetHelp, budgetLimits} from './budget-flags.js';
import type {CommandIo} from './io.js';

export type {CommandIo};

export const validateHelp = `
  Usage
    $ memtop validate <workload>...

  Checks workload files (or shipped workloads, by name) and prints one line for each:
  FILE: ok (name: N processes, RAM ..., swap ..., zswap ...). The first bad file stops
  with one line naming the file, the line and the field: FILE:LINE: field: expected ..., got ...
  A workload too big to simulate (as memtop run would, recording) is refused the same way.
  The format is described in docs/workloads.md.

  Options
${budgetHelp}
    --help, -h        Show this help

  Examples
    $ memtop validate my-box.yaml
    $ memtop validate thrash workloads/leak.yaml
`;

/** Positional arguments of a command without options of its own; undefined after --help. */
export function parseCommandArgs(
	command: string,
	help: string,
	argv: readonly string[],
	io: CommandIo,
): string[] | undefined {
	return parseArgs(command, help, argv, io, {})?.input;
}

export async function validateCommand(argv: string[], io: CommandIo): Promise<number> {
	const parsed = parseArgs('validate', validateHelp, argv, io, BUDGET_FLAGS);
	if (parsed === undefined) return 0;
	const inputs = parsed.input;
	const limits = budgetLimits(parsed.flags);
	if (inputs.length === 0)
		throw new UserError('validate: expected at least one workload file or name (see memtop validate --help)');
	for (const input of inputs) {
		const {file, label} = resolveWorkload(input);
		const workload = loadWorkloadFile(file, label, {limits, use: BUDGET_USES.recorded});
		io.stdout.write(`${escapeText(`${label}: ok (${summarizeWorkload(workload)})`)}\n`);
	}
	return 0;
}
