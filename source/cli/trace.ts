// `memtop trace`: replay memory reference traces through page replacement policies.
import meow from 'meow';
import {UserError} from '../common/user-error.js';
import {policyNames} from '../sim/policies/index.js';
import {openTraceInput, type TraceInput} from '../trace/input.js';
import {ProgressBar} from '../trace/progress.js';
import {formatJson, formatReport} from '../trace/report.js';
import {
	MAX_FRAMES,
	parseFormat,
	parseFrames,
	parsePolicies,
	runTrace,
	type TraceResult,
} from '../trace/run.js';

const DEFAULT_POLICIES = 'fifo,lru,clock,opt';
const DEFAULT_FRAMES = '16,64,256';

export const traceHelp = `
	Usage
	  $ memtop trace FILE... [options]

	Replays memory reference traces through page replacement policies and counts
	faults for each policy and frame count. FILE may be gzip-compressed; - reads
	standard input.

	Options
	  --policy LIST     Policies, comma-separated (default ${DEFAULT_POLICIES})
	                    Accepted: ${policyNames({includeTraceOnly: true}).join(', ')}
	  --frames LIST     Frame counts, comma-separated (default ${DEFAULT_FRAMES})
	  --format FORMAT   auto, pages, addresses or lackey (default auto)
	                      pages      page numbers, separated by commas, spaces or lines
	                      addresses  one byte address per line, 0x-hex or decimal
	                      lackey     valgrind --tool=lackey --trace-mem=yes output
	  --page-size BYTES Page size for addresses and lackey, a power of two (default 4096)
	  --data-only       lackey: leave out instruction fetches (I lines)
	  --skip-bad        Skip malformed lines (their count goes to stderr) instead of failing
	  --json            Print [{file, policy, frames, references, hits, faults}, ...]

	Examples
	  $ echo 1,2,3,4,1,2,5,1,2,3,4,5 | memtop trace - --policy fifo --frames 3,4
	  $ valgrind --tool=lackey --trace-mem=yes --log-file=ls.trace ls && gzip ls.trace
	  $ memtop trace ls.trace.gz --policy lru,clock,opt --frames 64,256,1024,4096
`;

export interface TraceIo {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	stdin: NodeJS.ReadableStream;
}

const FLAGS = new Set(['policy', 'frames', 'format', 'page-size', 'data-only', 'skip-bad', 'json', 'help']);

/** meow exits the process on an unknown flag; check first so the caller gets a UserError. */
function checkFlags(argv: readonly string[]): void {
	for (const arg of argv) {
		if (arg === '--') return;
		if (arg === '-' || !arg.startsWith('-') || /^-\d/.test(arg)) continue;
		if (arg === '-h') continue;
		const name = arg.startsWith('--') ? arg.slice(2).split('=')[0]! : '';
		const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
		if (FLAGS.has(kebab) || (kebab.startsWith('no-') && FLAGS.has(kebab.slice(3)))) continue;
		throw new UserError(
			`unknown option '${arg}' (accepted: ${[...FLAGS].map((f) => `--${f}`).join(', ')}; see memtop trace --help)`,
		);
	}
}

function parsePageSize(value: string): number {
	const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
	if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 30 || (n & (n - 1)) !== 0) {
		throw new UserError(
			`invalid page size '${value}' (accepted: a power of two from 1 to 1073741824, e.g. 4096)`,
		);
	}
	return n;
}

export async function traceCommand(argv: string[], io: TraceIo): Promise<number> {
	checkFlags(argv);
	const cli = meow(traceHelp, {
		importMeta: import.meta,
		argv,
		autoHelp: false,
		autoVersion: false,
		description: false,
		allowUnknownFlags: false,
		flags: {
			policy: {type: 'string', isMultiple: true, default: [DEFAULT_POLICIES]},
			frames: {type: 'string', isMultiple: true, default: [DEFAULT_FRAMES]},
			format: {type: 'string', default: 'auto'},
			pageSize: {type: 'string', default: '4096'},
			dataOnly: {type: 'boolean', default: false},
			skipBad: {type: 'boolean', default: false},
			json: {type: 'boolean', default: false},
			help: {type: 'boolean', shortFlag: 'h', default: false},
		},
	});
	const {flags} = cli;
	if (flags.help) {
		io.stdout.write(`${cli.help.replace(/^\n+/, '')}\n`);
		return 0;
	}

	const files = cli.input.map(String);
	if (files.length === 0) throw new UserError('no trace file given (give a path, or - for standard input)');
	if (files.filter((f) => f === '-').length > 1)
		throw new UserError('standard input (-) can be read only once');
	const policies = parsePolicies(flags.policy);
	const frames = parseFrames(flags.frames);
	const format = parseFormat(flags.format);
	const pageSize = parsePageSize(flags.pageSize);
	if (flags.dataOnly && format !== 'auto' && format !== 'lackey') {
		throw new UserError(`--data-only applies to lackey traces, not --format ${format}`);
	}
	if (frames.some((n) => n > MAX_FRAMES)) throw new UserError(`frame counts go up to ${MAX_FRAMES}`);

	// Open (stat) every file first so a typo in the last one fails before any work.
	const inputs: TraceInput[] = [];
	for (const file of files) inputs.push(await openTraceInput(file, io.stdin));

	const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
	const all: TraceResult[] = [];
	let first = true;
	for (const input of inputs) {
		const bar = tty ? new ProgressBar(io.stderr as NodeJS.WriteStream, input.name, input.size) : undefined;
		let report: Awaited<ReturnType<typeof runTrace>>;
		try {
			report = await runTrace(input, {
				policies,
				frames,
				format,
				pageSize,
				dataOnly: flags.dataOnly,
				skipBad: flags.skipBad,
				onProgress: bar ? (raw, refs) => bar.update(raw, refs) : undefined,
			});
		} finally {
			bar?.done();
		}
		if (report.skipped > 0) {
			const s = report.skipped === 1 ? '' : 's';
			io.stderr.write(
				`memtop: ${report.file}: skipped ${report.skipped} malformed line${s} (first: ${report.firstSkipped})\n`,
			);
		}
		if (flags.json) {
			all.push(...report.results);
		} else {
			io.stdout.write(`${first ? '' : '\n'}${formatReport(report)}`);
			first = false;
		}
	}
	if (flags.json) io.stdout.write(formatJson(all));
	return 0;
}
