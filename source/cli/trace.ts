// `memtop trace`: replay memory reference traces through page replacement policies.
import meow from 'meow';
import {formatCount, progressOn} from '../common/progress.js';
import {UserError} from '../common/user-error.js';
import {policyNames} from '../sim/policies/index.js';
import {convertTrace} from '../trace/convert.js';
import {runCurve} from '../trace/curve.js';
import {curveJson, formatCurveReport} from '../trace/curve-report.js';
import {openTraceInput, type TraceInput} from '../trace/input.js';
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

/** A comma list broken into lines of at most `width` characters. */
function wrapList(items: readonly string[], width: number, joiner: string): string {
	const lines: string[] = [];
	let line = '';
	for (const item of items) {
		const next = line ? `${line}, ${item}` : item;
		if (next.length > width && line) {
			lines.push(`${line},`);
			line = item;
		} else line = next;
	}
	lines.push(line);
	return lines.join(joiner);
}

export const traceHelp = `
	Usage
	  $ memtop trace FILE... [options]
	  $ memtop trace FILE --curve [--sample RATE] [options]
	  $ memtop trace --convert FILE OUT [--format ...]

	Replays memory reference traces through page replacement policies and counts
	faults for each policy and frame count. FILE may be gzip-compressed, or a
	binary trace made by --convert; - reads standard input.

	Options
	  --policy LIST     Policies, comma-separated (default ${DEFAULT_POLICIES})
	                    Accepted: ${wrapList(policyNames({includeTraceOnly: true}), 56, '\n\t                              ')}
	  --frames LIST     Frame counts, comma-separated (default ${DEFAULT_FRAMES})
	  --curve           Faults for every frame count: a chart and a table (lru and
	                    opt exact from one pass, other policies once per size)
	  --sample RATE     With --curve: SHARDS spatial sampling of pages, e.g. 0.01
	  --seed N          Seed for the random policy (default 1)
	  --convert         Write FILE as a binary trace OUT (loads with no parsing)
	  --format FORMAT   auto, pages, addresses or lackey (default auto)
	                      pages      page numbers, separated by commas, spaces or lines
	                      addresses  one byte address per line, 0x-hex or decimal
	                      lackey     valgrind --tool=lackey --trace-mem=yes output
	  --page-size BYTES Page size for addresses and lackey, a power of two (default 4096)
	  --data-only       lackey: leave out instruction fetches (I lines)
	  --skip-bad        Skip malformed lines (their count goes to stderr) instead of failing
	  --json            Print [{file, policy, frames, references, hits, faults}, ...]
	                    (with --curve: [{file, references, distinct, curves}, ...])

	Examples
	  $ echo 1,2,3,4,1,2,5,1,2,3,4,5 | memtop trace - --policy fifo --frames 3,4
	  $ valgrind --tool=lackey --trace-mem=yes --log-file=ls.trace ls && gzip ls.trace
	  $ memtop trace ls.trace.gz --policy lru,clock,opt --frames 64,256,1024,4096
	  $ memtop trace traces/sort.trace.gz --curve
	  $ memtop trace --convert ls.trace.gz ls.mtrace && memtop trace ls.mtrace --curve
`;

export interface TraceIo {
	stdout: NodeJS.WritableStream;
	stderr: NodeJS.WritableStream;
	stdin: NodeJS.ReadableStream;
}

/** Flags that take a value, with an example for the message when the value is missing. */
const VALUE_FLAGS = new Map([
	['policy', 'lru,opt'],
	['frames', '16,64,256'],
	['format', 'lackey'],
	['page-size', '4096'],
	['sample', '0.01'],
	['seed', '1'],
]);
const FLAGS = new Set([...VALUE_FLAGS.keys(), 'curve', 'convert', 'data-only', 'skip-bad', 'json', 'help']);

/**
 * meow exits the process on an unknown flag and quietly gives a flag with no value its default;
 * check first so the caller gets one line and exit 2.
 */
function checkFlags(argv: readonly string[]): void {
	// meow throws (an internal error) on a flag given twice, but for the ones that may repeat.
	const given = new Map<string, number>();
	const once = (kebab: string): void => {
		const name = kebab.startsWith('no-') ? kebab.slice(3) : kebab;
		if (name === 'policy' || name === 'frames') return;
		const times = (given.get(name) ?? 0) + 1;
		given.set(name, times);
		if (times > 1)
			throw new UserError(`option --${name} given ${times} times; give it once (see memtop trace --help)`);
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--') return;
		// A negative number is an argument (meow reads it so); -5M would be short flags, which meow
		// answers by exiting the process.
		if (arg === '-' || !arg.startsWith('-') || /^-\d+(\.\d+)?$/.test(arg)) continue;
		if (arg === '-h') continue;
		const [raw, value] = arg.startsWith('--')
			? [arg.slice(2).split('=')[0]!, arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : undefined]
			: ['', undefined];
		const kebab = raw.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
		const example = VALUE_FLAGS.get(kebab);
		if (FLAGS.has(kebab) || (kebab.startsWith('no-') && FLAGS.has(kebab.slice(3)))) once(kebab);
		if (example !== undefined) {
			const next = value ?? argv[i + 1];
			// meow takes a following -5M or -x as flags, not as the value (a plain negative number it takes).
			const flagLike = value === undefined && next !== undefined && next.startsWith('-') && next !== '-';
			if (next === undefined || next === '' || (flagLike && !/^-\d+(\.\d+)?$/.test(next))) {
				throw new UserError(`option --${kebab} needs a value (for example --${kebab} ${example})`);
			}
			if (value === undefined) i++;
			continue;
		}
		if (FLAGS.has(kebab) || (kebab.startsWith('no-') && FLAGS.has(kebab.slice(3)))) continue;
		throw new UserError(
			`unknown option '${arg}' (accepted: ${[...FLAGS].map((f) => `--${f}`).join(', ')}; see memtop trace --help)`,
		);
	}
}

function parseSample(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const n = /^(\d+(\.\d*)?|\.\d+)(e-?\d+)?$/i.test(value) ? Number(value) : Number.NaN;
	if (!(n > 0 && n <= 1)) {
		throw new UserError(
			`invalid sampling rate '${value}' (accepted: a number above 0 and at most 1, e.g. 0.01)`,
		);
	}
	if (n < 2 ** -24)
		throw new UserError(
			`sampling rate '${value}' is below the smallest, 2^-24 (${(2 ** -24).toExponential(2)})`,
		);
	return n;
}

function parseSeed(value: string): number {
	const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
	if (!Number.isSafeInteger(n) || n > 0xffffffff) {
		throw new UserError(`invalid seed '${value}' (accepted: whole numbers 0 to 4294967295)`);
	}
	return n;
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
			policy: {type: 'string', isMultiple: true},
			frames: {type: 'string', isMultiple: true},
			curve: {type: 'boolean', default: false},
			sample: {type: 'string'},
			seed: {type: 'string', default: '1'},
			convert: {type: 'boolean', default: false},
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
	const format = parseFormat(flags.format);
	const pageSize = parsePageSize(flags.pageSize);
	if (flags.dataOnly && format !== 'auto' && format !== 'lackey') {
		throw new UserError(`--data-only applies to lackey traces, not --format ${format}`);
	}
	/** Runs `run` over `input` with a progress bar on a terminal's stderr, closed however it ends. */
	const withProgress = async <T>(
		input: TraceInput,
		run: (onProgress: ((raw: number, refs: number) => void) | undefined) => Promise<T>,
	): Promise<T> => {
		const bar = progressOn(io.stderr, input.name);
		const total = input.size;
		try {
			return await run(
				bar
					? (raw, refs) =>
							total
								? bar.update(raw / total, `${formatCount(refs)} refs`)
								: bar.update(null, `${formatCount(raw)}B read, ${formatCount(refs)} refs`)
					: undefined,
			);
		} finally {
			bar?.done();
		}
	};
	// How every input is read, whatever is then done with it.
	const reading = {format, pageSize, dataOnly: flags.dataOnly, skipBad: flags.skipBad};
	const skippedLine = (file: string, skipped: number, first: string | undefined): void => {
		if (skipped === 0) return;
		const s = skipped === 1 ? '' : 's';
		io.stderr.write(`memtop: ${file}: skipped ${skipped} malformed line${s} (first: ${first})\n`);
	};

	if (flags.convert) {
		if (files.length !== 2) {
			throw new UserError(
				`--convert: expected FILE OUT, got ${files.length === 0 ? 'nothing' : files.join(' ')}`,
			);
		}
		for (const f of ['policy', 'frames', 'curve', 'sample', 'json'] as const) {
			if (argv.some((a) => a === `--${f}` || a.startsWith(`--${f}=`)))
				throw new UserError(`--convert does not take --${f}`);
		}
		const input = await openTraceInput(files[0]!, io.stdin);
		const done = await withProgress(input, (onProgress) =>
			convertTrace(input, files[1]!, {...reading, onProgress}),
		);
		skippedLine(input.name, done.skipped, done.firstSkipped);
		io.stdout.write(
			`${files[1]}: ${done.references.toLocaleString('en-US')} references to ${done.distinct.toLocaleString('en-US')} pages, ${done.bytes.toLocaleString('en-US')} bytes (from ${done.format})\n`,
		);
		return 0;
	}

	if (files.length === 0) throw new UserError('no trace file given (give a path, or - for standard input)');
	if (files.filter((f) => f === '-').length > 1)
		throw new UserError('standard input (-) can be read only once');
	const curve = flags.curve;
	const policies = parsePolicies(
		flags.policy?.length ? flags.policy : [curve ? 'lru,opt,fifo,clock' : DEFAULT_POLICIES],
	);
	const frames = flags.frames?.length
		? parseFrames(flags.frames)
		: curve
			? []
			: parseFrames([DEFAULT_FRAMES]);
	const sample = parseSample(flags.sample);
	if (sample !== undefined && !curve) throw new UserError('--sample goes with --curve');
	const seed = parseSeed(flags.seed);
	if (frames.some((n) => n > MAX_FRAMES)) throw new UserError(`frame counts go up to ${MAX_FRAMES}`);

	// Open (stat) every file first so a typo in the last one fails before any work.
	const inputs: TraceInput[] = [];
	for (const file of files) inputs.push(await openTraceInput(file, io.stdin));

	const unavailable: string[] = [];
	if (curve) {
		const reports: object[] = [];
		let first = true;
		for (const input of inputs) {
			const report = await withProgress(input, (onProgress) =>
				runCurve(input, {...reading, policies, frames, seed, sample, onProgress}),
			);
			skippedLine(report.file, report.skipped, report.firstSkipped);
			for (const u of report.unavailable)
				unavailable.push(`${report.file}: no ${u.policy} curve: ${u.reason}`);
			if (flags.json) reports.push(curveJson(report));
			else {
				io.stdout.write(`${first ? '' : '\n'}${formatCurveReport(report, frames)}`);
				first = false;
			}
		}
		if (flags.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
	} else {
		const all: TraceResult[] = [];
		let first = true;
		for (const input of inputs) {
			const report = await withProgress(input, (onProgress) =>
				runTrace(input, {...reading, policies, frames, seed, onProgress}),
			);
			skippedLine(report.file, report.skipped, report.firstSkipped);
			const missing = new Map<string, string>();
			for (const u of report.unavailable) missing.set(u.policy, u.reason);
			for (const [policy, reason] of missing)
				unavailable.push(`${report.file}: no ${policy} results: ${reason}`);
			if (flags.json) {
				all.push(...report.results);
			} else {
				io.stdout.write(`${first ? '' : '\n'}${formatReport(report)}`);
				first = false;
			}
		}
		if (flags.json) io.stdout.write(formatJson(all));
	}
	// Like grep: what could be done is printed, what could not gets a line, and the exit status says so.
	for (const line of unavailable) io.stderr.write(`memtop: ${line}\n`);
	return unavailable.length > 0 ? 2 : 0;
}
