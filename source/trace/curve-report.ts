// Text and JSON output of `memtop trace --curve`: an 80-column chart of the miss ratio against
// frames (log scale) for every policy, the list of Belady's anomalies, and a table of fault counts at
// powers of two.
import type {Curve, CurveReport} from './curve.js';

const WIDTH = 80;
const HEIGHT = 16;
const group = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The curve's value with `frames` frames: its point at the largest listed size ≤ frames. */
function valueAt(curve: Curve, frames: number): number | undefined {
	let lo = 0;
	let hi = curve.frames.length - 1;
	if (hi < 0 || curve.frames[0]! > frames) return undefined;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (curve.frames[mid]! <= frames) lo = mid;
		else hi = mid - 1;
	}
	return curve.faults[lo];
}

/** 1, 2 or 5 × a power of ten, at least x (x ≤ 1). */
function niceCeil(x: number): number {
	const e = 10 ** Math.floor(Math.log10(x));
	for (const m of [1, 2, 5, 10]) if (m * e >= x - 1e-12) return Math.min(1, m * e);
	return 1;
}

function percent(x: number): string {
	const p = 100 * x;
	return `${p >= 10 ? p.toFixed(0) : p >= 1 ? p.toFixed(1).replace(/\.0$/, '') : p.toPrecision(1)}%`;
}

/** One letter per policy: its first letter not yet taken, else a digit. */
export function symbols(policies: readonly string[]): Map<string, string> {
	const out = new Map<string, string>();
	const taken = new Set<string>(['*']);
	for (const p of policies) {
		const c = [...p.replace(/[^a-z0-9]/g, ''), ...'123456789'].find((ch) => !taken.has(ch)) ?? '?';
		taken.add(c);
		out.set(p, c);
	}
	return out;
}

function method(report: CurveReport): string {
	const stack = report.curves.filter((c) => c.method === 'stack').map((c) => c.policy);
	const sized = report.curves.filter((c) => c.method === 'per-size');
	const parts: string[] = [];
	if (stack.length > 0 && report.sampling)
		parts.push(`${stack.join(' and ')} from the sample's stack distances`);
	else if (stack.length > 0)
		parts.push(
			`${stack.join(' and ')} exact at every frame count (stack algorithm${stack.length > 1 ? 's' : ''}, one pass)`,
		);
	if (sized.length > 0) {
		const c = sized[0]!;
		const every =
			c.frames.length === report.distinct || (c.frames.length > 0 && c.frames.every((f, i) => f === i + 1));
		const names = sized.map((x) => x.policy);
		const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]!;
		parts.push(
			`${list} run once per frame count, ${every ? `at every one from 1 to ${group(report.distinct)}` : `at ${c.frames.length} sizes from 1 to ${group(report.distinct)}`}`,
		);
	}
	return parts.join('; ');
}

/** The chart: miss ratio (0 to 100%) up, frames (log scale, 1 to the distinct pages) across. */
export function formatCurveChart(report: CurveReport, width = WIDTH): string {
	const curves = report.curves.filter((c) => c.frames.length > 0);
	if (curves.length === 0 || report.references === 0) return '';
	const sym = symbols(curves.map((c) => c.policy));
	const left = 7;
	const cols = width - 1 - left;
	const maxFrames = Math.max(2, report.distinct);
	const span = Math.log2(maxFrames);
	const grid: string[][] = Array.from({length: HEIGHT}, () => new Array<string>(cols).fill(' '));
	const frameAt = (x: number): number => Math.round(2 ** ((x / (cols - 1)) * span));
	// The y axis runs to a round ratio above every point from 2 frames on (1 frame is nearly always
	// all faults and would flatten the rest); higher points sit on the top row.
	let peak = 0;
	for (const c of curves) {
		c.frames.forEach((f, i) => {
			if (f >= 2 || c.frames.length === 1) peak = Math.max(peak, c.faults[i]! / report.references);
		});
	}
	const top = niceCeil(Math.max(peak, 1e-4));
	for (const c of curves) {
		const s = sym.get(c.policy)!;
		for (let x = 0; x < cols; x++) {
			const v = valueAt(c, frameAt(x));
			if (v === undefined) continue;
			const ratio = v / report.references / top;
			const y = HEIGHT - 1 - Math.min(HEIGHT - 1, Math.round(ratio * (HEIGHT - 1)));
			const cell = grid[y]![x]!;
			grid[y]![x] = cell === ' ' || cell === s ? s : '*';
		}
	}
	const lines = ['miss ratio (faults / references) against frames, log scale'];
	grid.forEach((row, y) => {
		const label =
			y === 0 ? percent(top) : y === HEIGHT - 1 ? '0%' : y === (HEIGHT - 1) >> 1 ? percent(top / 2) : '';
		lines.push(`${label.padStart(left - 2)} |${row.join('')}`.trimEnd());
	});
	lines.push(`${''.padStart(left - 2)} +${'-'.repeat(cols)}`);
	// Tick labels at powers of 4 (or 2 for short axes), placed where they fall.
	const axis = new Array<string>(cols + left).fill(' ');
	const stepExp = span > 24 ? 3 : span > 12 ? 2 : 1;
	let lastEnd = -1;
	for (let e = 0; e <= span; e += stepExp) {
		const label = group(2 ** e);
		const x = left + Math.round((e / span) * (cols - 1));
		const start = Math.max(0, Math.min(x - (label.length >> 1), cols + left - label.length));
		if (start <= lastEnd + 1) continue;
		for (let i = 0; i < label.length; i++) axis[start + i] = label[i]!;
		lastEnd = start + label.length - 1;
	}
	lines.push(axis.join('').trimEnd());
	const legend = curves.map((c) => `${sym.get(c.policy)} ${c.policy}`).join('  ');
	lines.push(`${''.padStart(left)}frames; ${legend}  * several`);
	return lines.join('\n');
}

/** Belady's anomalies, one line each (at most `limit`, then a count). */
export function formatBelady(report: CurveReport, limit = 8): string {
	const all = report.curves.flatMap((c) => c.belady.map((b) => ({policy: c.policy, ...b})));
	const sized = report.curves.filter((c) => c.method === 'per-size');
	if (sized.length === 0) return '';
	if (all.length === 0) {
		return `no Belady's anomaly: more frames never gave ${sized.map((c) => c.policy).join(', ')} more faults at the sizes run`;
	}
	const lines = [
		`Belady's anomaly (more frames, more faults) in ${all.length} place${all.length === 1 ? '' : 's'}:`,
	];
	for (const b of all.slice(0, limit)) {
		lines.push(
			`  ${b.policy} with ${group(b.frames)} frames: ${group(b.faults)} faults, ${group(b.fewerFaults)} with ${group(b.fewerFrames)}`,
		);
	}
	if (all.length > limit) lines.push(`  ... and ${all.length - limit} more (--json lists them all)`);
	return lines.join('\n');
}

/** Faults at every frame count up to 16, then powers of two, the distinct page count and any
 * --frames; six policies a block. */
export function formatCurveTable(report: CurveReport, extra: readonly number[] = []): string {
	const curves = report.curves.filter((c) => c.frames.length > 0);
	if (curves.length === 0) return '';
	const rows: number[] = [];
	const d = Math.max(1, report.distinct);
	const first = Math.min(...curves.map((c) => c.frames[0]!));
	for (let f = 1; f < d; f = f < 16 && d <= 16 ? f + 1 : f * 2) if (f >= first) rows.push(f);
	rows.push(d);
	const sizes = [...new Set([...rows, ...extra.filter((f) => f <= d)])].sort((a, b) => a - b);
	const blocks: string[] = [];
	for (let at = 0; at < curves.length; at += 6) {
		const part = curves.slice(at, at + 6);
		const head = ['frames', ...part.map((c) => c.policy)];
		const body = sizes.map((f) => [
			group(f),
			...part.map((c) => {
				const v = valueAt(c, f);
				return v === undefined ? '-' : group(v);
			}),
		]);
		const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
		const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
		blocks.push([line(head), ...body.map(line)].join('\n'));
	}
	return `faults by frame count (of ${group(report.references)} references)\n${blocks.join('\n\n')}`;
}

export function formatCurveTitle(report: CurveReport): string {
	const s = report.sampling;
	const what = s
		? `about ${group(report.distinct)} pages (${report.format}), sampled`
		: `${group(report.distinct)} pages (${report.format})`;
	return `${report.file}: ${group(report.references)} references to ${what}`;
}

export function formatSampling(report: CurveReport): string {
	const s = report.sampling;
	if (!s) return '';
	const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
	return [
		`SHARDS spatial sampling at rate ${s.rate.toPrecision(3)} (1 page in ${Math.round(1 / s.rate).toLocaleString('en-US')}): ${group(s.sampledReferences)} references to ${group(s.sampledPages)} pages simulated; counts scaled by ${Math.round(1 / s.rate).toLocaleString('en-US')}.`,
		`Estimated error of the lru miss ratio (two half-samples): ${pct(s.error.mean)} on average, ${pct(s.error.max)} at worst.`,
	].join('\n');
}

export function formatCurveReport(report: CurveReport, extra: readonly number[] = []): string {
	const parts = [
		`${formatCurveTitle(report)}\n${method(report).split('; ').join('\n')}`,
		formatSampling(report),
		formatCurveChart(report),
		formatBelady(report),
		formatCurveTable(report, extra),
	].filter((p) => p.length > 0);
	return `${parts.join('\n\n')}\n`;
}

export function curveJson(report: CurveReport): object {
	return {
		file: report.file,
		format: report.format,
		references: report.references,
		distinct: report.distinct,
		sampling: report.sampling ?? null,
		curves: report.curves.map((c) => ({
			policy: c.policy,
			method: c.method,
			frames: c.frames,
			faults: c.faults.map((x) => Math.round(x)),
			belady: c.belady,
		})),
		unavailable: report.unavailable,
	};
}
