// The process table's columns, one descriptor each, like htop's Process_fields[]. The table,
// the sort menu and the help screen all read this registry; adding a column means one entry here.

import type {ProcessSnapshot} from '../../sim/snapshot-types.js';
import {escapeText} from '../../text/escape.js';
import {fitLeft, fitRight, formatCount, formatPages, sparkline} from '../format.js';
import {type Ink, levelColour, stateColour, theme} from '../theme.js';

export type ColumnId =
	| 'pid'
	| 'name'
	| 'state'
	| 'rss'
	| 'anon'
	| 'file'
	| 'swap'
	| 'zswap'
	| 'wss'
	| 'minflt'
	| 'majflt'
	| 'stall'
	| 'progress'
	| 'oom'
	| 'adj'
	| 'history';

/** What a cell may need beyond the process itself. */
export interface ColumnContext {
	/** RSS per simulated second, newest last. */
	history(pid: number): readonly number[];
}

export interface Column {
	id: ColumnId;
	title: string;
	/** Minimum width in terminal columns; `flex` columns take what is left over. */
	width: number;
	align: 'left' | 'right';
	/** Lower is more important: when the terminal is narrow, the highest numbers go first. */
	priority: number;
	flex?: boolean;
	/** Sort descending first (sizes, rates) rather than ascending (names, pids). */
	descendingFirst: boolean;
	/** For the help screen and the sort menu. */
	description: string;
	/** Means something for one process only: blank on the tree's group lines. */
	perProcess?: boolean;
	format(p: ProcessSnapshot, ctx: ColumnContext, width: number): string;
	colour?(p: ProcessSnapshot): Ink;
	/** Ascending order; the table flips it for descending. */
	compare(a: ProcessSnapshot, b: ProcessSnapshot, ctx: ColumnContext): number;
}

const byNumber =
	(get: (p: ProcessSnapshot) => number) =>
	(a: ProcessSnapshot, b: ProcessSnapshot): number =>
		get(a) - get(b);

const size = (
	id: ColumnId,
	title: string,
	priority: number,
	description: string,
	get: (p: ProcessSnapshot) => number,
): Column => ({
	id,
	title,
	width: 6,
	align: 'right',
	priority,
	descendingFirst: true,
	description,
	format: (p) => formatPages(get(p)),
	compare: byNumber(get),
});

/** Resample a series to `points` values (last value of each bucket) so a narrow sparkline spans all of it. */
export function resample(values: readonly number[], points: number): number[] {
	if (values.length <= points) return values.slice();
	const out: number[] = [];
	for (let i = 1; i <= points; i++) out.push(values[Math.ceil((i * values.length) / points) - 1] ?? 0);
	return out;
}

/** How much a process's RSS grew over its history: sorting by it finds leaks. */
function growth(history: readonly number[]): number {
	if (history.length < 2) return 0;
	return (history.at(-1) ?? 0) - (history[0] ?? 0);
}

export const COLUMNS: readonly Column[] = [
	{
		id: 'pid',
		perProcess: true,
		title: 'PID',
		width: 5,
		align: 'right',
		priority: 0,
		descendingFirst: false,
		description: 'process id',
		format: (p) => String(p.pid),
		compare: byNumber((p) => p.pid),
	},
	{
		id: 'name',
		title: 'NAME',
		width: 10,
		align: 'left',
		priority: 1,
		flex: true,
		descendingFirst: false,
		description: 'command name',
		format: (p) => escapeText(p.name),
		compare: (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.pid - b.pid),
	},
	{
		id: 'state',
		perProcess: true,
		title: 'STATE',
		width: 9,
		align: 'left',
		priority: 2,
		descendingFirst: false,
		description: 'running, sleeping, reclaim, swapin, io (file read), throttled (dirty writeback), dying',
		format: (p) => p.state,
		colour: (p) => stateColour[p.state],
		compare: (a, b) => (a.state < b.state ? -1 : a.state > b.state ? 1 : 0),
	},
	size('rss', 'RSS', 3, 'resident set size (anon + file + shmem)', (p) => p.rss),
	size('anon', 'ANON', 10, 'resident anonymous memory', (p) => p.anon),
	size('file', 'FILE', 11, 'resident file-backed (page cache) memory', (p) => p.file),
	{
		...size('swap', 'SWAP', 4, 'swapped out, including pages held in zswap (VmSwap)', (p) => p.swap),
		colour: (p) => (p.swap > 0 ? theme.swapUsed : undefined),
	},
	size('zswap', 'ZSWAP', 14, 'of SWAP, pages whose compressed copy sits in the zswap pool', (p) => p.zswap),
	size('wss', 'WSS', 8, 'working set: distinct pages touched in the recent window', (p) => p.wss),
	{
		id: 'minflt',
		title: 'MINFLT/s',
		width: 8,
		align: 'right',
		priority: 13,
		descendingFirst: true,
		description: 'minor page faults per second (no I/O)',
		format: (p) => formatCount(p.minfltRate),
		compare: byNumber((p) => p.minfltRate),
	},
	{
		id: 'majflt',
		title: 'MAJFLT/s',
		width: 8,
		align: 'right',
		priority: 5,
		descendingFirst: true,
		description: 'major page faults per second (swap-in or file read)',
		format: (p) => formatCount(p.majfltRate),
		colour: (p) => levelColour(p.majfltRate, 1, 100),
		compare: byNumber((p) => p.majfltRate),
	},
	{
		id: 'stall',
		title: 'STALL%',
		width: 6,
		align: 'right',
		priority: 6,
		descendingFirst: true,
		description: 'share of the last second stalled on memory (reclaim, swap-in, throttling)',
		format: (p) => (p.stall * 100).toFixed(1),
		colour: (p) => levelColour(p.stall, 0.1, 0.5),
		compare: byNumber((p) => p.stall),
	},
	{
		id: 'progress',
		title: 'PROG%',
		width: 5,
		align: 'right',
		// Before ANON, FILE and ZSWAP: the column that shows thrashing keeps its place at 80 columns.
		priority: 9,
		descendingFirst: true,
		description: 'work done over work wanted in the last second',
		format: (p) => (p.progress * 100).toFixed(0),
		colour: (p) => (p.progress < 0.5 ? theme.bad : p.progress < 0.9 ? theme.warn : undefined),
		compare: byNumber((p) => p.progress),
	},
	{
		id: 'oom',
		title: 'OOM',
		width: 4,
		align: 'right',
		priority: 7,
		descendingFirst: true,
		description: 'oom_score: who the OOM killer would pick (highest first)',
		format: (p) => String(p.oomScore),
		compare: byNumber((p) => p.oomScore),
	},
	{
		id: 'adj',
		perProcess: true,
		title: 'ADJ',
		width: 5,
		align: 'right',
		priority: 15,
		descendingFirst: true,
		description: 'oom_score_adj, -1000 (never kill) .. 1000 (kill first)',
		format: (p) => String(p.oomScoreAdj),
		colour: (p) => (p.oomScoreAdj < 0 ? theme.ok : p.oomScoreAdj > 0 ? theme.bad : undefined),
		compare: byNumber((p) => p.oomScoreAdj),
	},
	{
		id: 'history',
		perProcess: true,
		title: 'RSS 2min',
		width: 8,
		align: 'left',
		priority: 12,
		descendingFirst: true,
		description: 'RSS over the last two simulated minutes (sorts by growth: finds leaks)',
		format: (p, ctx, width) => sparkline(resample(ctx.history(p.pid), width), width),
		colour: () => theme.sparkline,
		compare: (a, b, ctx) => growth(ctx.history(a.pid)) - growth(ctx.history(b.pid)),
	},
];

export const DEFAULT_SORT: ColumnId = 'rss';

export function columnById(id: ColumnId): Column {
	const column = COLUMNS.find((c) => c.id === id);
	if (!column) throw new Error(`unknown column ${id}`);
	return column;
}

export interface ColumnLayout {
	columns: readonly Column[];
	widths: readonly number[];
}

/** The widest name column worth having; beyond it the row just ends in spaces. */
const MAX_FLEX = 24;

/**
 * Which of the chosen columns (all, by default, in registry order) fit `width` with one space
 * between them, the least important dropped first, and how wide each is.
 */
export function layoutColumns(width: number, chosen?: readonly ColumnId[]): ColumnLayout {
	const candidates = chosen ? chosen.map(columnById) : COLUMNS;
	const byPriority = [...candidates].sort((a, b) => a.priority - b.priority);
	const kept = new Set<ColumnId>();
	let used = -1;
	for (const c of byPriority) {
		if (used + 1 + c.width <= width) {
			kept.add(c.id);
			used += 1 + c.width;
		}
	}
	const columns = candidates.filter((c) => kept.has(c.id));
	const spare = Math.max(0, width - used);
	const widths = columns.map((c) => (c.flex ? c.width + Math.min(spare, MAX_FLEX - c.width) : c.width));
	return {columns, widths};
}

export function formatCell(column: Column, width: number, p: ProcessSnapshot, ctx: ColumnContext): string {
	const text = column.format(p, ctx, width);
	return column.align === 'right' ? fitLeft(text, width) : fitRight(text, width);
}

export function formatTitle(column: Column, width: number): string {
	return column.align === 'right' ? fitLeft(column.title, width) : fitRight(column.title, width);
}

/** Sort processes by a column; ties broken by pid so rows don't jump between frames. */
export function sortProcesses(
	processes: readonly ProcessSnapshot[],
	columnId: ColumnId,
	descending: boolean,
	ctx: ColumnContext,
): ProcessSnapshot[] {
	const column = columnById(columnId);
	const sign = descending ? -1 : 1;
	return [...processes].sort((a, b) => sign * column.compare(a, b, ctx) || a.pid - b.pid);
}
