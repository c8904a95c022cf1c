// memtop validate <workload>...: check workload files and say what each describes.
import meow from 'meow';
import {loadWorkloadFile, resolveWorkload} from '../workload/load.js';
import {summarizeWorkload} from '../workload/summary.js';
import {UserError} from './user-error.js';

/** Where a command writes; process.stdout/stderr fit, and so does a test's collector. */
export interface CommandIo {
	stdout: {write(chunk: string): unknown};
	stderr: {write(chunk: string): unknown};
}

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

/**
 * Parse argv with meow without letting it exit the process: help is printed here, and unknown flags
 * become a UserError. Returns the positional arguments, or undefined when help was shown.
 */
export function parseCommandArgs(
	command: string,
	help: string,
	argv: readonly string[],
	io: CommandIo,
): string[] | undefined {
	const cli = meow(help, {
		importMeta: import.meta,
		argv,
		autoHelp: false,
		autoVersion: false,
		allowUnknownFlags: true,
		description: false,
		pkg: {name: 'memtop'},
		flags: {help: {type: 'boolean', shortFlag: 'h'}},
	});
	const separator = argv.indexOf('--');
	const flags = separator === -1 ? argv : argv.slice(0, separator);
	const unknown = flags.find(
		(arg) => arg.startsWith('-') && arg.length > 1 && !['--help', '-h'].includes(arg),
	);
	if (unknown !== undefined)
		throw new UserError(`${command}: unknown option ${unknown} (see memtop ${command} --help)`);
	if (cli.flags.help) {
		io.stdout.write(`${help.replace(/^\n/, '')}\n`);
		return undefined;
	}
	return cli.input;
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
