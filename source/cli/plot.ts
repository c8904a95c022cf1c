// memtop plot RUN --out FILE.svg: the history of a run as an SVG chart. RUN is a recording (replayed
// headlessly, a sample every --interval seconds) or the output of a headless --json run (one object
// per line). The chart: free memory, PSI some/full avg10, swap in/out, major faults, OOM kills marked.
import {readFileSync, statSync, writeFileSync} from 'node:fs';
import {basename} from 'node:path';
import {fileError} from '../common/file-error.js';
import {UserError} from '../common/user-error.js';
import {loadRecording} from '../record/load.js';
import {Player} from '../record/player.js';
import {TICKS_PER_SECOND} from '../sim/units.js';
import {type ChartMarker, type ChartPanel, chartSvg} from '../text/chart-svg.js';
import {escapeText} from '../text/escape.js';
import {parseArgs} from './args.js';
import {BUDGET_FLAGS, budgetHelp, budgetLimits} from './budget-flags.js';
import {runHeadless} from './headless.js';
import {type CommandIo, warn} from './io.js';
import {resolveRecordingPath} from './replay.js';
import {checkPositive} from './run.js';

export const plotHelp = `
  Usage
    $ memtop plot RUN --out FILE.svg [options]

  Draws the history of a run as an SVG chart, one panel above the other on one time axis (h:mm:ss):
  free memory (MemFree, MiB), memory pressure (PSI some and full avg10, %), swap-ins and swap-outs
  (pages/s: pswpin + zswpin, pswpout + zswpout), major faults (/s); every OOM kill is a red line
  across the panels, labelled with its victim.

  RUN is a recording (a path, or a name in the runs directory: memtop runs lists them; it is
  replayed without a screen) or the output of memtop run --headless --json (or memtop replay
  --headless --json): one JSON object per line.

  Options
    --out FILE        Where the SVG goes (- for standard output); required
    --interval S      Recordings: seconds between samples (default 1; for a run over an hour,
                      enough for about 3600 samples)
${budgetHelp}

  Exit status: 0; 2 for a RUN that is not a readable recording or headless JSON run.

  Examples
    $ memtop run leak --headless --json --duration 120 > leak.jsonl
    $ memtop plot leak.jsonl --out leak.svg
    $ memtop plot 2026-11-21T23-40-12_thrash.memtop.jsonl --out thrash.svg
`;

const PLOT_FLAGS = {
	out: {type: 'string'},
	interval: {type: 'number'},
	...BUDGET_FLAGS,
} as const;

/** A headless JSON file bigger than this is refused unread (an hour at 1 s is a few MiB). */
const MAX_JSON_BYTES = 512 * 1024 * 1024;

/** One sample of a run: the time in seconds and what the chart draws (counters as they count). */
export interface Sample {
	t: number;
	/** kB, as /proc/meminfo. */
	memFree: number;
	someAvg10: number;
	fullAvg10: number;
	/** Cumulative pages (vmstat). */
	swapIn: number;
	swapOut: number;
	majfault: number;
}

export interface Kill {
	t: number;
	pid: number;
	name: string;
	/** Who killed, when not the kernel's global OOM killer: a cgroup's limit (memcg) or a userspace killer. */
	constraint?: 'memcg' | 'userspace';
}

export interface History {
	title: string;
	samples: Sample[];
	kills: Kill[];
}

const NOT_A_RUN =
	'not a memtop recording or headless JSON run (expected a recording, or the output of memtop run --headless --json)';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A number at `path` of `o`, or a one-line error naming the line and the field. */
function numberAt(o: Json, path: string, where: string, optional = false): number {
	let v: unknown = o;
	for (const key of path.split('.')) v = isObject(v) ? v[key] : undefined;
	if (v === undefined && optional) return 0;
	if (typeof v !== 'number' || !Number.isFinite(v))
		throw new UserError(`${where}: ${path}: expected a number (${NOT_A_RUN})`);
	return v;
}

/** One headless JSON object as a sample, and the OOM kills in its events. */
export function sampleOf(o: Json, where: string, kills: Kill[]): Sample {
	const sample = {
		t: numberAt(o, 't', where),
		memFree: numberAt(o, 'meminfo.MemFree', where),
		someAvg10: numberAt(o, 'psi.some.avg10', where),
		fullAvg10: numberAt(o, 'psi.full.avg10', where),
		swapIn: numberAt(o, 'vmstat.pswpin', where) + numberAt(o, 'vmstat.zswpin', where, true),
		swapOut: numberAt(o, 'vmstat.pswpout', where) + numberAt(o, 'vmstat.zswpout', where, true),
		majfault: numberAt(o, 'vmstat.pgmajfault', where),
	};
	const events = o.events ?? [];
	if (!Array.isArray(events)) throw new UserError(`${where}: events: expected a list (${NOT_A_RUN})`);
	for (const e of events) {
		if (!isObject(e) || e.kind !== 'oom-kill') continue;
		if (typeof e.tick !== 'number' || typeof e.pid !== 'number' || typeof e.name !== 'string')
			throw new UserError(`${where}: an oom-kill event without its tick, pid and name`);
		const constraint = e.constraint === 'memcg' || e.constraint === 'userspace' ? e.constraint : undefined;
		kills.push({t: e.tick / TICKS_PER_SECOND, pid: e.pid, name: e.name, ...(constraint ? {constraint} : {})});
	}
	return sample;
}

/** The lines of a headless --json run; the summary line a headless replay ends with is skipped. */
export function historyFromJson(text: string, label: string): History {
	const samples: Sample[] = [];
	const kills: Kill[] = [];
	text.split('\n').forEach((line, i) => {
		if (line.trim() === '') return;
		const where = `${label}:${i + 1}`;
		let o: unknown;
		try {
			o = JSON.parse(line);
		} catch {
			throw new UserError(
				samples.length === 0 ? `${label}: ${NOT_A_RUN}` : `${where}: not a JSON line (${NOT_A_RUN})`,
			);
		}
		if (!isObject(o)) throw new UserError(`${where}: not a JSON object (${NOT_A_RUN})`);
		if ('replay' in o && !('t' in o)) return;
		const sample = sampleOf(o, where, kills);
		const prev = samples.at(-1);
		if (prev && sample.t <= prev.t)
			throw new UserError(`${where}: t: ${sample.t} does not come after ${prev.t} (lines out of order?)`);
		samples.push(sample);
	});
	if (samples.length === 0) throw new UserError(`${label}: empty file, ${NOT_A_RUN}`);
	return {title: `memtop: ${basename(label)}`, samples, kills};
}

/** Seconds between a recording's samples by default: 1, or more for a run over an hour (at most ~3600 points). */
export function autoInterval(duration: number): number {
	return Math.max(1, Math.ceil(duration / 3600));
}

/** A recording replayed without a screen, sampled as memtop replay --headless --json would print it. */
export async function historyFromRecording(
	path: string,
	label: string,
	interval: number | undefined,
	limits: ReturnType<typeof budgetLimits>,
	say: (line: string) => void,
): Promise<History> {
	const recording = loadRecording(path, label, limits);
	if (recording.notice) say(`memtop: ${recording.notice}`);
	const player = new Player(recording, {
		onDivergence: (d) => say(`memtop: ${recording.label}: ${d.message}`),
		onProblem: (message) => say(`memtop: ${message}`),
	});
	const duration = (recording.endTick - player.tick) / TICKS_PER_SECOND;
	// Samples as they come (a line each keeps every process: a long recording's lines would not fit).
	const samples: Sample[] = [];
	const kills: Kill[] = [];
	await runHeadless(player, {
		duration,
		interval: interval ?? autoInterval(duration),
		json: true,
		write: (line) => samples.push(sampleOf(JSON.parse(line) as Json, label, kills)),
	});
	if (samples.length === 0)
		throw new UserError(`${label}: nothing to plot (the recording ends where it starts)`);
	const h = recording.header;
	return {title: `memtop: workload ${h.workload.name}, seed ${h.seed}, policy ${h.policy}`, samples, kills};
}

/** Per-second rates of a counter between samples, at the later sample's time. */
function rates(samples: readonly Sample[], field: 'swapIn' | 'swapOut' | 'majfault'): [number, number][] {
	const out: [number, number][] = [];
	for (let i = 1; i < samples.length; i++) {
		const a = samples[i - 1]!;
		const b = samples[i]!;
		out.push([b.t, Math.max(0, b[field] - a[field]) / (b.t - a.t)]);
	}
	return out;
}

/** The chart of a history: the four panels and the kills. */
export function historySvg(history: History): string {
	const {samples} = history;
	const panels: ChartPanel[] = [
		{
			id: 'free',
			title: 'Free memory',
			unit: 'MiB',
			series: [
				{
					id: 'free',
					label: 'MemFree',
					colour: '#1565c0',
					points: samples.map((s) => [s.t, s.memFree / 1024]),
				},
			],
		},
		{
			id: 'psi',
			title: 'Memory pressure, PSI avg10',
			unit: '%',
			series: [
				{id: 'psi-some', label: 'some', colour: '#ef6c00', points: samples.map((s) => [s.t, s.someAvg10])},
				{id: 'psi-full', label: 'full', colour: '#c62828', points: samples.map((s) => [s.t, s.fullAvg10])},
			],
		},
		{
			id: 'swap',
			title: 'Swap',
			unit: 'pages/s',
			series: [
				{id: 'swap-in', label: 'in', colour: '#2e7d32', points: rates(samples, 'swapIn')},
				{id: 'swap-out', label: 'out', colour: '#6a1b9a', points: rates(samples, 'swapOut')},
			],
		},
		{
			id: 'majfault',
			title: 'Major faults',
			unit: '/s',
			series: [{id: 'majfault', label: 'pgmajfault', colour: '#5d4037', points: rates(samples, 'majfault')}],
		},
	];
	const markers: ChartMarker[] = history.kills.map((k) => ({
		t: k.t,
		label: `${k.constraint ? `${k.constraint} ` : ''}OOM kill: ${escapeText(k.name)} (${k.pid})`,
	}));
	const first = samples[0]!.t;
	const last = samples.at(-1)!.t;
	const subtitle = `${samples.length} samples, ${first.toFixed(1)} s to ${last.toFixed(1)} s (simulated), ${history.kills.length} OOM kill${history.kills.length === 1 ? '' : 's'}`;
	// The run began one interval before its first sample (a headless line comes at the end of one).
	const start = samples.length > 1 ? Math.max(0, first - (samples[1]!.t - first)) : first;
	return chartSvg({title: history.title, subtitle, panels, markers, start});
}

/** Read RUN: a recording if its first line is a recording's header, else headless JSON. */
async function readHistory(
	path: string,
	label: string,
	interval: number | undefined,
	limits: ReturnType<typeof budgetLimits>,
	say: (line: string) => void,
): Promise<History> {
	let size: number;
	try {
		const st = statSync(path);
		if (!st.isFile())
			throw new UserError(
				`${label}: cannot read: not a regular file${st.isDirectory() ? ' (a directory)' : ''}`,
			);
		size = st.size;
	} catch (error) {
		if (error instanceof UserError) throw error;
		throw fileError(label, error);
	}
	if (size > MAX_JSON_BYTES) return historyFromRecording(path, label, interval, limits, say);
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw fileError(label, error);
	}
	const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
	if (/^\s*\{\s*"memtop"\s*:/.test(firstLine))
		return historyFromRecording(path, label, interval, limits, say);
	return historyFromJson(text, label);
}

export async function plotCommand(argv: string[], io: CommandIo): Promise<number> {
	// meow takes a lone '-' for an input, even after a flag that wants a value: join it to --out.
	const joined = argv.flatMap((arg, i) =>
		arg === '-' && argv[i - 1] === '--out'
			? []
			: arg === '--out' && argv[i + 1] === '-'
				? ['--out=-']
				: [arg],
	);
	const parsed = parseArgs('plot', plotHelp, joined, io, PLOT_FLAGS);
	if (!parsed) return 0;
	const {input, flags} = parsed;
	if (input.length === 0)
		throw new UserError(
			'plot: expected a RUN (a recording or a headless --json output file) and --out FILE.svg',
		);
	if (input.length > 1)
		throw new UserError(`plot: expected one RUN, got ${input.length} (${input.join(' ')})`);
	if (!flags.out) throw new UserError('plot: expected --out FILE.svg (- for standard output)');
	const interval = flags.interval === undefined ? undefined : checkPositive('--interval', flags.interval);
	const label = input[0]!;
	const history = await readHistory(
		resolveRecordingPath(label),
		label,
		interval,
		budgetLimits(flags),
		(line) => warn(io, line),
	);
	const svg = historySvg(history);
	if (flags.out === '-') {
		io.stdout.write(svg);
		return 0;
	}
	try {
		writeFileSync(flags.out, svg);
	} catch (error) {
		throw fileError(flags.out, error, 'write');
	}
	warn(
		io,
		`memtop: plotted ${history.samples.length} samples and ${history.kills.length} OOM kill${history.kills.length === 1 ? '' : 's'} of ${label} to ${flags.out}`,
	);
	return 0;
}
