// memtop validate <workload>...: check workload files and say what each describes.

import {UserError} from '../common/user-error.js';
import {loadWorkloadFile, resolveWorkload} from '../workload/load.js';
import {summarizeWorkload} from '../workload/summary.js';
import {parseArgs} from './args.js';
import type {CommandIo} from './io.js';

export type {CommandIo};

export const validateHelp = `
  Usage
    $ memtop validate <workload>...

  Checks workload files (or shipped workloads, by name) and prints one line for each:
  FILE: ok (name: N processes, RAM ..., swap ..., zswap ...). The first bad file stops
  with one line naming the file, the line and the field: FILE:LINE: field: expected ..., got ...
  The format is described in docs/workloads.md.

  Options
    --help, -h  Show this help

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
	const inputs = parseCommandArgs('validate', validateHelp, argv, io);
	if (inputs === undefined) return 0;
	if (inputs.length === 0)
		throw new UserError('validate: expected at least one workload file or name (see memtop validate --help)');
	for (const input of inputs) {
		const {file, label} = resolveWorkload(input);
		const workload = loadWorkloadFile(file, label);
		io.stdout.write(`${label}: ok (${summarizeWorkload(workload)})\n`);
	}
	return 0;
}
