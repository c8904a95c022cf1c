// The cgroup view (C), in the process table's place: systemd-cgtop's one line per memory cgroup,
// in tree order with htop's branches, each with memory.current as a bar against its limits (m l h
// mark memory.min, memory.low and memory.high; the bar's end is memory.max, or the nearest
// limited ancestor's max, or RAM), the numbers of memory.current, memory.peak, memory.high,
// memory.max and memory.swap.current, the memory.events counts high, max and oom_kill, and
// memory.pressure's some/full avg10. The processes of each cgroup are listed under it. A cgroup whose
// unit has ManagedOOMPreference=avoid or omit says so after its name (·avoid, ·omit).
import {Box} from 'ink';
import type {CgroupSnapshot, ProcessSnapshot} from '../../sim/snapshot-types.js';
import {type CgroupRow, leafName, lowOf, minOf} from '../cgroup-rows.js';
import {fitLeft, fitRight, formatCount, formatPages} from '../format.js';
import {Line, type Span} from '../line.js';
import {type Ink, levelColour, onBar, stateColour, theme} from '../theme.js';

export interface CgroupViewProps {
	rows: readonly CgroupRow[];
	/** The selected cgroup's index among the cgroups (−1: none). */
	selected: number;
	top: number;
	width: number;
	/** Lines including the header. */
	height: number;
}

interface Column {
	title: string;
	width: number;
	/** On a narrow terminal the highest goes first (0: always shown). */
	drop: number;
	cell: (c: CgroupSnapshot) => {text: string; colour?: Ink};
	/** A process line's figure in this column, if it has one. */
	proc?: (p: ProcessSnapshot) => string;
}

const size = (pages: number | null): string => (pages === null ? 'max' : formatPages(pages));
const count = (n: number, colour: Ink) => ({text: formatCount(n), colour: n > 0 ? colour : theme.dim});
const psi = (v: number) => ({text: v.toFixed(2), colour: levelColour(v, 10, 40)});

const COLUMNS: readonly Column[] = [
	{
		title: 'CURRENT',
		width: 7,
		drop: 0,
		cell: (c) => ({
			text: size(c.current),
			colour: c.max !== null && c.current >= c.max * 0.95 ? theme.bad : theme.value,
		}),
		proc: (p) => formatPages(p.rss),
	},
	{title: 'PEAK', width: 6, drop: 6, cell: (c) => ({text: size(c.peak)})},
	{
		title: 'HIGH',
		width: 6,
		drop: 0,
		cell: (c) => ({text: size(c.high), colour: c.high === null ? theme.dim : undefined}),
	},
	{
		title: 'MAX',
		width: 6,
		drop: 0,
		cell: (c) => ({text: size(c.max), colour: c.max === null ? theme.dim : undefined}),
	},
	{
		title: 'SWAP',
		width: 6,
		drop: 5,
		cell: (c) => ({text: size(c.swapCurrent)}),
		proc: (p) => formatPages(p.swap),
	},
	{title: 'high#', width: 6, drop: 3, cell: (c) => count(c.events.high, theme.warn)},
	{title: 'max#', width: 5, drop: 0, cell: (c) => count(c.events.max, theme.warn)},
	{title: 'oomkill', width: 7, drop: 0, cell: (c) => count(c.events.oom_kill, theme.bad)},
	{title: 'SOME10', width: 6, drop: 2, cell: (c) => psi(c.pressure.some.avg10)},
	{title: 'FULL10', width: 6, drop: 4, cell: (c) => psi(c.pressure.full.avg10)},
];

const NAME_MIN = 12;
/** Names up to this long are worth dropping a column for. */
const NAME_WANT = 28;
const BAR_MIN = 8;
const BAR_MAX = 50;

export interface CgroupLayout {
	columns: readonly Column[];
	nameWidth: number;
	/** Cells inside the bar's brackets. */
	barWidth: number;
}

/** Which columns fit, and the name and bar widths: the least needed columns go first. */
export function cgroupLayout(rows: readonly CgroupRow[], width: number): CgroupLayout {
	const needed = Math.max(
		NAME_MIN,
		...rows.map(
			(r) =>
				r.prefix.length + (r.kind === 'cgroup' ? cgroupLabel(r.cgroup).length : nameOf(r.process).length),
		),
	);
	// Whole names (up to NAME_WANT) and a bar come before the least needed figures.
	const want = Math.min(needed, NAME_WANT) + BAR_MIN;
	let columns = [...COLUMNS];
	const fixed = () => columns.reduce((n, c) => n + c.width + 1, 0);
	while (width - fixed() - 1 - 2 < want && columns.some((c) => c.drop > 0)) {
		const top = Math.max(...columns.map((c) => c.drop));
		columns = columns.filter((c) => c.drop !== top);
	}
	const free = Math.max(0, width - fixed() - 1 - 2);
	const nameWidth = Math.max(Math.min(NAME_MIN, free), Math.min(needed, free - BAR_MIN));
	const barWidth = Math.max(0, Math.min(BAR_MAX, free - nameWidth));
	return {columns, nameWidth, barWidth};
}

const nameOf = (p: ProcessSnapshot): string => `${p.pid} ${p.name}`;

/**
 * The cgroup's name, with its unit's ManagedOOMPreference when oomd should avoid or omit it; cut to
 * `room` (when given) from the name, so the preference always shows.
 */
export function cgroupLabel(c: CgroupSnapshot, room?: number): string {
	const pref = c.oomd?.ManagedOOMPreference;
	const name = leafName(c.path);
	if (pref !== 'avoid' && pref !== 'omit') return room === undefined ? name : fitRight(name, room);
	const suffix = ` ·${pref}`;
	if (room === undefined) return `${name}${suffix}`;
	return room > suffix.length + 3
		? `${fitRight(name, room - suffix.length).trimEnd()}${suffix}`.padEnd(room)
		: fitRight(`${name}${suffix}`, room);
}

/** The bar's cells: usage filled in colour (protected below low, over high in red), m l h marks over it. */
export function barSpans(row: Extract<CgroupRow, {kind: 'cgroup'}>, width: number): Span[] {
	const c = row.cgroup;
	const scale = row.scale.pages;
	const at = (pages: number): number => Math.min(width - 1, Math.floor((pages / scale) * width));
	const filled = Math.min(width, Math.round((Math.max(0, c.current) / scale) * width));
	const low = lowOf(c);
	const min = minOf(c);
	const marks = new Map<number, string>();
	if (min > 0 && min < scale) marks.set(at(min), 'm');
	if (low > 0 && low < scale) marks.set(at(low), 'l');
	if (c.high !== null && c.high < scale) marks.set(at(c.high), 'h');
	const spans: Span[] = [{text: '[', colour: theme.bracket}];
	for (let i = 0; i < width; i++) {
		const pages = ((i + 0.5) / width) * scale;
		const colour =
			i >= filled
				? theme.dim
				: c.high !== null && pages > c.high
					? theme.bad
					: pages <= Math.max(low, min)
						? theme.ok
						: theme.anon;
		const mark = marks.get(i);
		spans.push({text: mark ?? (i < filled ? '|' : ' '), colour, bold: mark !== undefined});
	}
	// ']' ends at the cgroup's own max; ')' at an ancestor's or RAM (its own is max).
	spans.push({text: row.scale.from === 'max' ? ']' : ')', colour: theme.bracket});
	return spans;
}

function headerLine(layout: CgroupLayout, width: number): Span[] {
	const room = layout.barWidth + 2;
	const titles = [' CURRENT OF MAX  m l h: min low high', ' CURRENT OF MAX', ' USAGE'];
	const bar = fitRight(titles.find((t) => t.length <= room) ?? '', room);
	const text = [
		fitRight('CGROUP', layout.nameWidth),
		bar,
		...layout.columns.map((c) => fitLeft(c.title, c.width)),
	].join(' ');
	return [{text: fitRight(text, width), ...onBar(theme.tableHeader), bold: true}];
}

function cgroupLine(row: Extract<CgroupRow, {kind: 'cgroup'}>, layout: CgroupLayout): Span[] {
	const spans: Span[] = [
		{text: row.prefix, colour: theme.dim},
		{
			text: cgroupLabel(row.cgroup, Math.max(0, layout.nameWidth - row.prefix.length)),
			colour: theme.label,
			bold: true,
		},
		{text: ' '},
		...barSpans(row, layout.barWidth),
	];
	for (const col of layout.columns) {
		const cell = col.cell(row.cgroup);
		spans.push({text: ` ${fitLeft(cell.text, col.width)}`, colour: cell.colour});
	}
	return spans;
}

function processLine(row: Extract<CgroupRow, {kind: 'process'}>, layout: CgroupLayout): Span[] {
	const p = row.process;
	const spans: Span[] = [
		{text: row.prefix, colour: theme.dim},
		{text: fitRight(nameOf(p), Math.max(0, layout.nameWidth - row.prefix.length))},
		{text: `  ${fitRight(p.state, layout.barWidth + 1)}`, colour: stateColour[p.state]},
	];
	for (const col of layout.columns) {
		const text = col.proc?.(p) ?? '';
		spans.push({text: ` ${fitLeft(text, col.width)}`, colour: theme.dim});
	}
	return spans;
}

/** A line as plain text (the selection bar is one span across the width). */
const plain = (spans: readonly Span[]): string => spans.map((s) => s.text).join('');

export const NO_CGROUPS =
	'  no cgroup tree in this workload (a `cgroups:` part names them; try container-limit) · C: the processes';

const LEGENDS = [
	"  bar: memory.current of memory.max ] or of the nearest limited ancestor's max or RAM ) · # memory.events · PSI avg10 %",
	"  ] of memory.max, ) of an ancestor's max or RAM · # memory.events · PSI avg10 %",
];

export function CgroupView({rows, selected, top, width, height}: CgroupViewProps) {
	if (rows.length === 0) {
		return (
			<Box flexDirection="column" width={width} height={height} overflowY="hidden">
				<Line spans={[{text: NO_CGROUPS, colour: theme.dim}]} width={width} />
			</Box>
		);
	}
	const layout = cgroupLayout(rows, width);
	const page = Math.max(0, height - 1);
	const visible = rows.slice(top, top + page);
	const legend = rows.length + 2 <= height;
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<Line spans={headerLine(layout, width)} width={width} />
			{visible.map((row) => {
				const key = row.kind === 'cgroup' ? row.cgroup.path : `${row.cgroup}:${row.process.pid}`;
				const spans = row.kind === 'cgroup' ? cgroupLine(row, layout) : processLine(row, layout);
				if (row.kind === 'cgroup' && row.index === selected) {
					return (
						<Line
							key={key}
							spans={[{text: fitRight(plain(spans), width), ...onBar(theme.selected)}]}
							width={width}
						/>
					);
				}
				return <Line key={key} spans={spans} width={width} />;
			})}
			{legend ? (
				<Line
					spans={[{text: LEGENDS.find((l) => l.length <= width) ?? LEGENDS.at(-1)!, colour: theme.dim}]}
					width={width}
				/>
			) : null}
		</Box>
	);
}
