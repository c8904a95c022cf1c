// memtop runs: the recorded runs in the runs directory, newest first.

import {UserError} from '../common/user-error.js';
import {formatTickTime} from '../record/labels.js';
import {listRuns, type RunSummary, runsDir} from '../record/runs-dir.js';
import {escapeText} from '../text/escape.js';
import {formatBytes} from '../workload/quantities.js';
import {parseArgs} from './args.js';
import type {CommandIo} from './io.js';

export const runsHelp = `
  Usage
    $ memtop runs

  Lists the runs recorded in the runs directory ($XDG_STATE_HOME/memtop/runs, else
  ~/.local/state/memtop/runs), newest first: when each started, its workload, how long it ran in
  simulated time, and its size. Interactive runs record there unless started with --no-record.
  Replay one with memtop replay FILE (the file name alone is enough).

  Options
    --help, -h  Show this help

  Examples
    $ memtop runs
    $ memtop replay 2026-11-21T23-40-12_thrash.memtop.jsonl
`;

const pad = (n: number): string => String(n).padStart(2, '0');

function localTime(d: Date): string {
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Simulated length as h:mm:ss (the centiseconds do not matter in a listing). */
function length(ticks: number): string {
	return formatTickTime(ticks).replace(/\.\d\d$/, '');
}

function note(run: RunSummary): string {
	if (run.problem) return run.problem;
	const notes: string[] = [];
	if (run.parent) {
		const parent = run.parent.file.split(/[\\/]/).pop() ?? run.parent.file;
		notes.push(`branch of ${parent} at ${length(run.parent.tick)}`);
	}
	if (!run.complete) notes.push('did not close cleanly');
	return notes.join('; ');
}

export function formatRuns(runs: readonly RunSummary[]): string[] {
	const rows = runs.map((r) => [
		r.created ? localTime(r.created) : '?',
		r.workload ?? '?',
		r.problem ? '?' : length(r.endTick - r.startTick),
		formatBytes(r.size),
		r.name,
		note(r),
	]);
	const head = ['STARTED', 'WORKLOAD', 'LENGTH', 'SIZE', 'FILE', ''];
	// Header fields and file names come from the files: escaped before they reach the terminal.
	const all = [head, ...rows.map((row) => row.map(escapeText))];
	const widths = head.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
	const right = new Set([2, 3]);
	return all.map((row) =>
		row
			.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
			.join('  ')
			.trimEnd(),
	);
}

export async function runsCommand(argv: string[], io: CommandIo): Promise<number> {
	const parsed = parseArgs('runs', runsHelp, argv, io, {});
	if (!parsed) return 0;
	if (parsed.input.length > 0) throw new UserError(`runs: expected no arguments, got '${parsed.input[0]}'`);
	const dir = runsDir();
	const runs = listRuns(dir);
	if (runs.length === 0) {
		io.stdout.write(
			`No recorded runs in ${escapeText(dir)} (interactive runs record there unless started with --no-record)\n`,
		);
		return 0;
	}
	io.stdout.write(`Recorded runs in ${escapeText(dir)}, newest first:\n`);
	for (const line of formatRuns(runs)) io.stdout.write(`${line}\n`);
	return 0;
}
