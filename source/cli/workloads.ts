// memtop workloads: the shipped scenarios, one per line.

import {UserError} from '../common/user-error.js';
import {listShippedWorkloads, loadWorkloadFile} from '../workload/load.js';
import {formatBytes} from '../workload/quantities.js';
import {describeSwap, processCount, processesText} from '../workload/summary.js';
import {type CommandIo, parseCommandArgs} from './validate.js';

export const workloadsHelp = `
  Usage
    $ memtop workloads

  Lists the workloads that ship with memtop: name, RAM, swap, how many processes they
  start, and what they show. Run one with memtop run <name>; each file opens with
  comments on what to watch for (see workloads/<name>.yaml).

  Options
    --help, -h  Show this help

  Examples
    $ memtop workloads
    $ memtop run thrash
`;

export async function workloadsCommand(argv: string[], io: CommandIo): Promise<number> {
	const inputs = parseCommandArgs('workloads', workloadsHelp, argv, io);
	if (inputs === undefined) return 0;
	if (inputs.length > 0) throw new UserError(`workloads: expected no arguments, got '${inputs[0]}'`);
	const rows = listShippedWorkloads().map(({name, description, file}) => {
		const workload = loadWorkloadFile(file, `workloads/${name}.yaml`);
		return [
			name,
			`RAM ${formatBytes(workload.machine.ram)}`,
			`swap ${describeSwap(workload.machine.swap)}`,
			processesText(processCount(workload)),
			description,
		];
	});
	const widths = [0, 1, 2, 3].map((column) => Math.max(0, ...rows.map((row) => row[column]!.length)));
	for (const row of rows) {
		const padded = row.map((cell, column) => (column < widths.length ? cell.padEnd(widths[column]!) : cell));
		io.stdout.write(`${padded.join('  ').trimEnd()}\n`);
	}
	return 0;
}
