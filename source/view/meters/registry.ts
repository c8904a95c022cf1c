// The header meters, one descriptor each, like htop's MeterClass list: what the meter is called,
// its caption, what it reads from the snapshot, how it draws. The header's layout (two columns
// on a wide terminal, one on a narrow one), the setup screen and the explain panel all read this
// list; a meter is added here and nowhere else.
import {createElement, type ReactNode} from 'react';
import type {SessionStatus} from '../../session/types.js';
import type {Snapshot} from '../../sim/snapshot-types.js';
import type {Mode} from '../keymap.js';
import type {Rates} from '../rates.js';
import {ClockMeter} from './clock-meter.js';
import {FaultsMeter, SwapIoMeter} from './faults-meter.js';
import {KswapdMeter} from './kswapd-meter.js';
import {LruMeter} from './lru-meter.js';
import {MemoryBreakdown, MemoryMeter} from './memory-meter.js';
import {PsiMeter} from './psi-meter.js';
import {RunMeter} from './run-meter.js';
import {SwapMeter} from './swap-meter.js';
import {TasksMeter} from './tasks-meter.js';
import {WatermarkMeter} from './watermark-meter.js';
import {ZswapMeter} from './zswap-meter.js';

export type MeterId =
	| 'memory'
	| 'breakdown'
	| 'watermarks'
	| 'swap'
	| 'zswap'
	| 'run'
	| 'clock'
	| 'psi'
	| 'kswapd'
	| 'faults'
	| 'swapio'
	| 'tasks'
	| 'lru';

/** What every meter may read: the sample, the session's status, per-second rates. */
export interface MeterContext {
	snapshot: Snapshot;
	status: SessionStatus;
	rates: Rates;
	mode: Mode;
	/** The meters on screen now: a meter shows a neighbour's figures when that one is not. */
	shown: ReadonlySet<MeterId>;
}

export interface MeterClass {
	id: MeterId;
	/** For the setup screen. */
	name: string;
	/** The label the meter starts with (htop's caption). */
	caption: string;
	description: string;
	/** Lower is kept longer when the terminal is too short for every meter line. */
	priority: number;
	/** In a single column, two half meters next to each other share a line. */
	half?: boolean;
	/** In a single column this meter's figures are shown by `foldsInto` instead (if that is shown). */
	foldsInto?: MeterId;
	draw(ctx: MeterContext, width: number): ReactNode;
}

export const METERS: readonly MeterClass[] = [
	{
		id: 'memory',
		name: 'Memory',
		caption: 'Mem',
		description: 'RAM by use: anon, shmem, zpool, kernel, dirty and clean page cache',
		priority: 0,
		draw: (ctx, width) => createElement(MemoryMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'breakdown',
		name: 'Memory breakdown',
		caption: 'anon',
		description: "the Mem bar's segments in figures",
		priority: 7,
		draw: (ctx, width) => createElement(MemoryBreakdown, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'watermarks',
		name: 'Watermarks',
		caption: 'Wmk',
		description: 'free pages against the zone watermarks min, low, high; MemAvailable',
		priority: 2,
		half: true,
		draw: (ctx, width) => createElement(WatermarkMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'swap',
		name: 'Swap',
		caption: 'Swp',
		description: 'swap slots in use, and the swap cache',
		priority: 2,
		half: true,
		draw: (ctx, width) => createElement(SwapMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'zswap',
		name: 'zswap / zram',
		caption: 'Zsw',
		description: 'the compressed pool against its limit, its ratio, FULL while it rejects',
		priority: 6,
		draw: (ctx, width) => createElement(ZswapMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'run',
		name: 'Run',
		caption: 'Run',
		description: 'workload, seed, reclaim policy, swappiness',
		priority: 9,
		foldsInto: 'clock',
		draw: (ctx, width) => createElement(RunMeter, {snapshot: ctx.snapshot, status: ctx.status, width}),
	},
	{
		id: 'clock',
		name: 'Clock',
		caption: 'Up',
		description: 'simulated uptime, speed, running or paused (the replay position in a replay)',
		priority: 1,
		draw: (ctx, width) =>
			createElement(ClockMeter, {
				snapshot: ctx.snapshot,
				status: ctx.status,
				width,
				withRun: !ctx.shown.has('run'),
			}),
	},
	{
		id: 'psi',
		name: 'Pressure (PSI)',
		caption: 'PSI',
		description: '/proc/pressure/memory some and full, avg10/60/300',
		priority: 3,
		draw: (ctx, width) => createElement(PsiMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'kswapd',
		name: 'kswapd',
		caption: 'kswapd0',
		description: "kswapd's state, pages scanned and stolen per second, reclaim efficiency",
		priority: 4,
		draw: (ctx, width) => createElement(KswapdMeter, {snapshot: ctx.snapshot, rates: ctx.rates, width}),
	},
	{
		id: 'faults',
		name: 'Faults',
		caption: 'Flt',
		description: 'minor and major faults per second, refaults',
		priority: 8,
		draw: (ctx, width) =>
			createElement(FaultsMeter, {rates: ctx.rates, width, withSwap: !ctx.shown.has('swapio')}),
	},
	{
		id: 'swapio',
		name: 'Swap I/O',
		caption: 'Swap',
		description: 'pages swapped in and out per second, through zswap and written back',
		priority: 10,
		foldsInto: 'faults',
		draw: (ctx, width) => createElement(SwapIoMeter, {rates: ctx.rates, width}),
	},
	{
		id: 'tasks',
		name: 'Tasks',
		caption: 'Tasks',
		description: 'processes, how many run, OOM kills so far, how many are stalled',
		priority: 5,
		draw: (ctx, width) => createElement(TasksMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'lru',
		name: 'LRU lists',
		caption: 'LRU',
		description:
			'active and inactive anon and file lists, pgactivate, pgdeactivate, workingset_activate per second',
		priority: 8,
		draw: (ctx, width) => createElement(LruMeter, {snapshot: ctx.snapshot, rates: ctx.rates, width}),
	},
];

const BY_ID = new Map(METERS.map((m) => [m.id, m]));

export function meterById(id: MeterId): MeterClass {
	const meter = BY_ID.get(id);
	if (!meter) throw new Error(`unknown meter ${id}`);
	return meter;
}

export function isMeterId(id: string): id is MeterId {
	return BY_ID.has(id as MeterId);
}

/** Which meters the header shows, in two columns as htop's setup arranges them. */
export interface HeaderConfig {
	left: readonly MeterId[];
	right: readonly MeterId[];
}

export const DEFAULT_HEADER: HeaderConfig = {
	left: ['memory', 'breakdown', 'watermarks', 'swap', 'zswap', 'run'],
	// Alone on the last line, across the width.
	right: ['clock', 'psi', 'kswapd', 'faults', 'swapio', 'tasks', 'lru'],
};

/** Terminals at least this wide get two meter columns. */
export const WIDE_HEADER = 100;

/** One header line: one meter across the width, or two side by side. */
export interface HeaderRow {
	key: string;
	meters: readonly MeterId[];
	/** Lower is kept longer. */
	priority: number;
}

const rowOf = (meters: MeterId[]): HeaderRow => ({
	key: meters.join('+'),
	meters,
	priority: Math.min(...meters.map((id) => meterById(id).priority)),
});

/**
 * The header's lines for a width: the two columns side by side when wide; when narrow, one
 * column (left, then right) in which folding meters give way to their hosts and two half meters
 * in a row share a line.
 */
export function headerRows(config: HeaderConfig, width: number): HeaderRow[] {
	if (width >= WIDE_HEADER) {
		const rows: HeaderRow[] = [];
		for (let i = 0; i < Math.max(config.left.length, config.right.length); i++) {
			const pair = [config.left[i], config.right[i]].filter((m): m is MeterId => m !== undefined);
			if (pair.length > 0) rows.push(rowOf(pair));
		}
		return rows;
	}
	const all = [...config.left, ...config.right];
	const column = all.filter((id) => {
		const host = meterById(id).foldsInto;
		return host === undefined || !all.includes(host);
	});
	const rows: HeaderRow[] = [];
	for (let i = 0; i < column.length; i++) {
		const id = column[i]!;
		const next = column[i + 1];
		if (meterById(id).half && next !== undefined && meterById(next).half) {
			rows.push(rowOf([id, next]));
			i++;
		} else rows.push(rowOf([id]));
	}
	return rows;
}

/** The meters a layout draws (a folded meter is not among them). */
export function shownMeters(rows: readonly HeaderRow[]): Set<MeterId> {
	return new Set(rows.flatMap((r) => r.meters));
}
