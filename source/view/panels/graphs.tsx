// History graphs, btop style: braille area charts of the last few simulated minutes, one sample
// per simulated second from session.getHistory(), with OOM kills marked in red and on the axis.
import {Box} from 'ink';
import {memo} from 'react';
import type {HistorySample} from '../../session/types.js';
import {type Aggregate, brailleArea, bucket} from '../braille.js';
import {fitLeft, fitRight, formatCount, formatDuration, formatPages} from '../format.js';
import {Line, type Span} from '../line.js';
import {type Ink, theme} from '../theme.js';
import {PanelTitle} from './panel-title.js';

/** Seconds of history the graphs aim to span; each braille dot covers span / (2 × width). */
export const GRAPH_SPAN_SECONDS = 240;
const LABEL_WIDTH = 15;

/** Full scales of the graphs that have one, in pages. */
export interface GraphScale {
	totalPages: number;
	swapPages: number;
	/** The zswap pool limit (or the pool itself, if larger: zram). */
	zpoolPages: number;
}

interface GraphSpec {
	name: string;
	colour: Ink;
	value: (s: HistorySample) => number;
	agg: Aggregate;
	/** Full scale; null = the peak of what is shown (rates). */
	max: (scale: GraphScale) => number | null;
	format: (v: number) => string;
}

export const GRAPHS: readonly GraphSpec[] = [
	{
		name: 'Free',
		colour: theme.ok,
		value: (s) => s.freePages,
		agg: 'min',
		max: (scale) => scale.totalPages,
		format: formatPages,
	},
	{
		name: 'PSI some',
		colour: theme.warn,
		value: (s) => s.psiSome10,
		agg: 'max',
		max: () => 100,
		format: (v) => `${v.toFixed(1)}%`,
	},
	{
		name: 'Majflt/s',
		colour: theme.majorFaults,
		value: (s) => s.pgmajfault,
		agg: 'max',
		max: () => null,
		format: formatCount,
	},
	{
		name: 'Swap',
		colour: theme.swapUsed,
		value: (s) => s.swapUsedPages,
		agg: 'max',
		max: (scale) => scale.swapPages,
		format: formatPages,
	},
	{
		name: 'Zpool',
		colour: theme.zpool,
		value: (s) => s.zswapPoolPages,
		agg: 'max',
		max: (scale) => scale.zpoolPages,
		format: formatPages,
	},
];

export interface GraphsProps extends GraphScale {
	/** Changes identity only when a sample was added, so the memo skips most frames. */
	history: readonly HistorySample[];
	width: number;
	/** Lines including the title and the time axis. */
	height: number;
}

/** Seconds per braille dot for a chart `chartWidth` characters wide. */
export function secondsPerDot(chartWidth: number): number {
	return Math.max(1, Math.round(GRAPH_SPAN_SECONDS / Math.max(1, chartWidth * 2)));
}

/** Spans of one chart row with the columns that saw an OOM kill in red. */
function chartSpans(text: string, oomColumns: readonly boolean[], colour: Ink): Span[] {
	const spans: Span[] = [];
	for (let i = 0; i < text.length; i++) {
		const c = oomColumns[i] ? theme.oom : colour;
		const last = spans.at(-1);
		if (last && last.colour === c) last.text += text[i];
		else spans.push({text: text[i]!, colour: c});
	}
	return spans;
}

export const Graphs = memo(function Graphs({history, width, height, ...scale}: GraphsProps) {
	const chartWidth = Math.max(1, width - LABEL_WIDTH);
	const perDot = secondsPerDot(chartWidth);
	const points = chartWidth * 2;
	const span = points * perDot;
	const room = Math.max(0, height - 2);
	const count = Math.min(GRAPHS.length, room);
	const rowsEach = count > 0 ? Math.max(1, Math.floor(room / count)) : 0;

	const kills = bucket(history, points, perDot, (s) => s.oomKills, 'max');
	const oomColumns: boolean[] = [];
	for (let c = 0; c < chartWidth; c++)
		oomColumns.push((kills[c * 2] ?? 0) > 0 || (kills[c * 2 + 1] ?? 0) > 0);

	const lines: Span[][] = [];
	for (const g of GRAPHS.slice(0, count)) {
		const series = bucket(history, points, perDot, g.value, g.agg);
		let peak = 0;
		for (const v of series) if (v !== null && v > peak) peak = v;
		const max = g.max(scale) ?? peak;
		const rows = brailleArea(series, max, chartWidth, rowsEach);
		const latest = history.at(-1);
		const current = latest ? g.format(g.value(latest)) : '-';
		rows.forEach((row, r) => {
			const label =
				r === 0
					? fitRight(g.name, LABEL_WIDTH - 7) + fitLeft(current, 6)
					: r === 1 && g.max(scale) === null
						? fitLeft(`peak ${g.format(peak)}`, LABEL_WIDTH - 1)
						: ''.padEnd(LABEL_WIDTH - 1);
			lines.push([
				{text: `${fitRight(label, LABEL_WIDTH - 1)} `, colour: r === 0 ? g.colour : theme.dim, bold: r === 0},
				...chartSpans(row, oomColumns, g.colour),
			]);
		});
	}

	// Time axis: how far back the left edge is, OOM kills as X.
	const axis: Span[] = [
		{text: fitRight(history.length === 0 ? 'collecting…' : 'X = OOM kill', LABEL_WIDTH), colour: theme.dim},
	];
	const left = `-${formatDuration(span)}`;
	for (let c = 0; c < chartWidth; c++) {
		if (oomColumns[c]) axis.push({text: 'X', colour: theme.oom, bold: true});
		else if (c < left.length) axis.push({text: left[c]!, colour: theme.dim});
		else if (c >= chartWidth - 3) axis.push({text: 'now'[c - (chartWidth - 3)]!, colour: theme.dim});
		else axis.push({text: '─', colour: theme.dim});
	}

	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle title="History" right={`${formatDuration(perDot)}/dot`} width={width} />
			{lines.map((spans, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: chart rows are positional
				<Line key={i} spans={spans} width={width} />
			))}
			{height >= 2 ? <Line spans={axis} width={width} /> : null}
		</Box>
	);
});
