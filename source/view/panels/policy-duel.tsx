// Two reclaim policies (P) or two userspace OOM killers (K) side by side on one workload: this run and
// its twin, a second machine forked from this run's state when the duel started, under another policy
// (or running another killer), fed the same commands since (a killer duel's twin skips set-userspace-oom).
// Both cover the same span: counters count from the fork, levels (free, swap, PSI) are now; best of
// the two in green, so "which policy copes better?" is one glance.
import {Box} from 'ink';
import type {TwinStatus} from '../../session/types.js';
import type {Snapshot} from '../../sim/snapshot-types.js';
import {fitLeft, fitRight, formatBinary, formatClock, formatCount} from '../format.js';
import {Line, type Span} from '../line.js';
import {theme} from '../theme.js';
import {PanelTitle} from './panel-title.js';

export interface PolicyDuelProps {
	main: Snapshot;
	twin: TwinStatus;
	width: number;
	height: number;
}

interface Row {
	label: string;
	value: (s: Snapshot, work: number) => number;
	format: (v: number) => string;
	/** Which way is better: lower (faults, pressure) or higher (free memory, work done). */
	better: 'lower' | 'higher';
	/** A counter, shown as its growth since the duel started (work is already since then); or a level now. */
	since?: boolean;
}

const pages = (n: number): string => formatBinary(n * 4096);
const percent = (n: number): string => n.toFixed(2);

export const DUEL_ROWS: readonly Row[] = [
	{label: 'free', value: (s) => s.frames.free, format: pages, better: 'higher'},
	{label: 'swap used', value: (s) => s.swap.usedPages, format: pages, better: 'lower'},
	{
		label: 'major faults',
		value: (s) => s.vmstat.pgmajfault,
		format: formatCount,
		better: 'lower',
		since: true,
	},
	{
		label: 'refaults',
		value: (s) => s.vmstat.workingset_refault_anon + s.vmstat.workingset_refault_file,
		format: formatCount,
		better: 'lower',
		since: true,
	},
	{
		label: 'swap-outs',
		value: (s) => s.vmstat.pswpout + s.vmstat.zswpout,
		format: formatCount,
		better: 'lower',
		since: true,
	},
	{
		label: 'pages scanned',
		value: (s) => s.vmstat.pgscan_kswapd + s.vmstat.pgscan_direct,
		format: formatCount,
		better: 'lower',
		since: true,
	},
	{label: 'PSI some avg10', value: (s) => s.psi.some.avg10, format: percent, better: 'lower'},
	{label: 'PSI full avg10', value: (s) => s.psi.full.avg10, format: percent, better: 'lower'},
	{label: 'OOM kills', value: (s) => s.oomKills, format: String, better: 'lower', since: true},
	{
		label: 'userspace kills',
		value: (s) => (s.userspaceOom ? s.userspaceOom.kills['systemd-oomd'] + s.userspaceOom.kills.earlyoom : 0),
		format: String,
		better: 'lower',
		since: true,
	},
	{label: 'work done (refs)', value: (_s, work) => work, format: formatCount, better: 'higher'},
];

/** Simulated seconds as m:ss (h:mm:ss from an hour): short enough for a panel's title. */
function clock(seconds: number): string {
	const t = Math.max(0, Math.floor(seconds));
	if (t >= 3600) return formatClock(t);
	return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/** What the duel compares: over how long, from when (or why not yet). */
export function duelSpan(main: Snapshot, twin: TwinStatus): string {
	const from = clock(twin.start.time);
	if (twin.snapshot.tick !== main.tick)
		return `from ${from}; ${twin.userspaceOom ?? twin.policy} at ${clock(twin.snapshot.time)}`;
	return `${clock(main.time - twin.start.time)} since ${from}`;
}

/** What each side of the duel runs: the policies, or (K) the userspace OOM killers. */
export function duelSides(main: Snapshot, twin: TwinStatus): {kind: string; main: string; twin: string} {
	if (twin.userspaceOom === undefined) return {kind: 'Policy duel', main: main.policy, twin: twin.policy};
	return {kind: 'Userspace OOM duel', main: main.userspaceOom?.killer ?? 'none', twin: twin.userspaceOom};
}

export function duelLines(props: PolicyDuelProps): Span[][] {
	const {main, twin, width} = props;
	const sides = duelSides(main, twin);
	const labelWidth = 17;
	const col = Math.max(10, Math.floor((width - labelWidth - 2) / 2));
	const head: Span[] = [
		{text: fitRight('', labelWidth), colour: theme.dim},
		{text: fitLeft(`${sides.main} (this run)`, col), colour: theme.label, bold: true},
		{text: fitLeft(sides.twin, col), colour: theme.label, bold: true},
	];
	const lines: Span[][] = [head];
	const from = clock(twin.start.time);
	if (twin.snapshot.tick !== main.tick) {
		// Only the same moment of both runs is compared (a replay's seek moves this run alone).
		lines.push([
			{
				text: ` ${sides.twin} restarts from where this run arrives (compared at one moment only)`,
				colour: theme.warn,
			},
		]);
		return lines;
	}
	for (const row of DUEL_ROWS) {
		const base = row.since ? row.value(twin.start, 0) : 0;
		const a = row.value(main, twin.work.main) - base;
		const b = row.value(twin.snapshot, twin.work.twin) - base;
		const aWins = row.better === 'lower' ? a < b : a > b;
		const bWins = row.better === 'lower' ? b < a : b > a;
		lines.push([
			{text: fitRight(` ${row.label}`, labelWidth), colour: theme.label},
			{text: fitLeft(row.format(a), col), colour: aWins ? theme.ok : undefined, bold: aWins},
			{text: fitLeft(row.format(b), col), colour: bWins ? theme.ok : undefined, bold: bWins},
		]);
	}
	lines.push([
		{
			text: ` counts since ${from} in both; ${twin.userspaceOom === undefined ? 'P: next policy' : 'K: next killer'}, off`,
			colour: theme.dim,
		},
	]);
	return lines;
}

export function PolicyDuel(props: PolicyDuelProps) {
	const {width, height, twin, main} = props;
	const lines = duelLines(props).slice(0, Math.max(0, height - 1));
	const sides = duelSides(main, twin);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<PanelTitle
				title={`${sides.kind}: ${sides.main} vs ${sides.twin}`}
				right={duelSpan(main, twin)}
				width={width}
			/>
			{lines.map((spans, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: fixed rows in a fixed order
				<Line key={i} spans={spans} width={width} />
			))}
		</Box>
	);
}
