// The meters above the table, arranged like htop's two header columns when the terminal is wide
// and stacked (least important last, dropped first) when it is narrow or short.
import {Box} from 'ink';
import type {ReactNode} from 'react';
import type {SessionStatus} from '../../session/types.js';
import type {Snapshot} from '../../sim/snapshot-types.js';
import {Timeline} from '../panels/timeline.js';
import type {Rates} from '../rates.js';
import {ClockMeter} from './clock-meter.js';
import {FaultsMeter, SwapIoMeter} from './faults-meter.js';
import {KswapdMeter} from './kswapd-meter.js';
import {MemoryBreakdown, MemoryMeter} from './memory-meter.js';
import {PsiMeter} from './psi-meter.js';
import {RunMeter} from './run-meter.js';
import {SwapMeter} from './swap-meter.js';
import {TasksMeter} from './tasks-meter.js';
import {WatermarkMeter} from './watermark-meter.js';
import {ZswapMeter} from './zswap-meter.js';

/** Terminals at least this wide get two meter columns. */
export const WIDE_HEADER = 100;

export interface HeaderProps {
	snapshot: Snapshot;
	status: SessionStatus;
	rates: Rates;
	width: number;
	/** At most this many lines (the header gives way on short terminals). */
	maxLines: number;
}

/** Lines the header will take for this size and mode. */
export function headerHeight(width: number, maxLines: number, replay: boolean): number {
	const wanted = (width >= WIDE_HEADER ? 6 : 9) + (replay ? 1 : 0);
	return Math.max(0, Math.min(wanted, maxLines));
}

function Pair({
	left,
	right,
	width,
}: {
	left: (w: number) => ReactNode;
	right: (w: number) => ReactNode;
	width: number;
}) {
	const lw = Math.floor(width / 2);
	return (
		<Box width={width} height={1}>
			<Box width={lw}>{left(lw - 1)}</Box>
			<Box width={1} />
			<Box width={width - lw}>{right(width - lw)}</Box>
		</Box>
	);
}

interface HeaderLine {
	key: string;
	/** Lower is kept longer when the terminal is short. */
	priority: number;
	node: ReactNode;
}

export function Header({snapshot, status, rates, width, maxLines}: HeaderProps) {
	const replay = status.mode === 'replay' && status.replay !== null;
	const lines: HeaderLine[] = [];
	if (width >= WIDE_HEADER) {
		const left = [
			(w: number) => <MemoryMeter snapshot={snapshot} width={w} />,
			(w: number) => <MemoryBreakdown snapshot={snapshot} width={w} />,
			(w: number) => <WatermarkMeter snapshot={snapshot} width={w} />,
			(w: number) => <SwapMeter snapshot={snapshot} width={w} />,
			(w: number) => <ZswapMeter snapshot={snapshot} width={w} />,
			(w: number) => <RunMeter snapshot={snapshot} status={status} width={w} />,
		];
		const right = [
			(w: number) => <ClockMeter snapshot={snapshot} status={status} width={w} withRun={false} />,
			(w: number) => <PsiMeter snapshot={snapshot} width={w} />,
			(w: number) => <KswapdMeter snapshot={snapshot} rates={rates} width={w} />,
			(w: number) => <FaultsMeter rates={rates} width={w} withSwap={false} />,
			(w: number) => <SwapIoMeter rates={rates} width={w} />,
			(w: number) => <TasksMeter snapshot={snapshot} width={w} />,
		];
		left.forEach((l, i) => {
			lines.push({key: `pair${i}`, priority: i, node: <Pair left={l} right={right[i]!} width={width} />});
		});
	} else {
		const half = Math.floor(width / 2);
		lines.push(
			{key: 'mem', priority: 0, node: <MemoryMeter snapshot={snapshot} width={width} />},
			{key: 'breakdown', priority: 7, node: <MemoryBreakdown snapshot={snapshot} width={width} />},
			{
				key: 'wmk-swp',
				priority: 2,
				node: (
					<Box width={width} height={1}>
						<WatermarkMeter snapshot={snapshot} width={half - 1} />
						<Box width={1} />
						<SwapMeter snapshot={snapshot} width={width - half} />
					</Box>
				),
			},
			{key: 'zswap', priority: 6, node: <ZswapMeter snapshot={snapshot} width={width} />},
			{key: 'psi', priority: 3, node: <PsiMeter snapshot={snapshot} width={width} />},
			{key: 'kswapd', priority: 4, node: <KswapdMeter snapshot={snapshot} rates={rates} width={width} />},
			{key: 'faults', priority: 8, node: <FaultsMeter rates={rates} width={width} />},
			{key: 'tasks', priority: 5, node: <TasksMeter snapshot={snapshot} width={width} />},
			{key: 'clock', priority: 1, node: <ClockMeter snapshot={snapshot} status={status} width={width} />},
		);
	}
	if (replay && status.replay) {
		lines.push({key: 'timeline', priority: -1, node: <Timeline replay={status.replay} width={width} />});
	}
	const height = headerHeight(width, maxLines, replay);
	// On a short terminal keep the most important lines, still in their usual order.
	const kept = new Set(
		[...lines]
			.sort((a, b) => a.priority - b.priority)
			.slice(0, height)
			.map((l) => l.key),
	);
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			{lines
				.filter((l) => kept.has(l.key))
				.map((l) => (
					<Box key={l.key} width={width} height={1}>
						{l.node}
					</Box>
				))}
		</Box>
	);
}
