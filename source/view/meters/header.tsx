// The meters above the table, laid out from the meter registry: htop's two header columns when
// the terminal is wide, one column when it is narrow, and on a short terminal the least important
// lines dropped first (the rest keep their order).
import {Box} from 'ink';
import type {SessionStatus} from '../../session/types.js';
import type {Snapshot} from '../../sim/snapshot-types.js';
import {modeOf} from '../keymap.js';
import {Timeline} from '../panels/timeline.js';
import type {Rates} from '../rates.js';
import {
	DEFAULT_HEADER,
	type HeaderConfig,
	headerRows,
	type MeterContext,
	type MeterId,
	meterById,
	shownMeters,
} from './registry.js';

export {WIDE_HEADER} from './registry.js';

export interface HeaderProps {
	snapshot: Snapshot;
	status: SessionStatus;
	rates: Rates;
	width: number;
	/** At most this many lines (the header gives way on short terminals). */
	maxLines: number;
	config?: HeaderConfig;
}

/** Lines the header will take for this size, layout and mode. */
export function headerHeight(
	width: number,
	maxLines: number,
	replay: boolean,
	config: HeaderConfig = DEFAULT_HEADER,
): number {
	const wanted = headerRows(config, width).length + (replay ? 1 : 0);
	return Math.max(0, Math.min(wanted, maxLines));
}

export interface HeaderLine {
	key: string;
	/** The replay's timeline, or one or two meters. */
	timeline: boolean;
	meters: readonly MeterId[];
}

/**
 * The header's lines top to bottom, as drawn: on a short terminal the most important lines are
 * kept, still in their usual order. The mouse reads this too, to know which meter was clicked.
 */
export function headerLines(
	config: HeaderConfig,
	width: number,
	maxLines: number,
	replay: boolean,
): HeaderLine[] {
	const lines = headerRows(config, width).map((row) => ({
		key: row.key,
		priority: row.priority,
		timeline: false,
		meters: row.meters,
	}));
	if (replay) lines.push({key: 'timeline', priority: -1, timeline: true, meters: []});
	const height = headerHeight(width, maxLines, replay, config);
	const kept = new Set(
		[...lines]
			.sort((a, b) => a.priority - b.priority)
			.slice(0, height)
			.map((l) => l.key),
	);
	return lines.filter((l) => kept.has(l.key)).map(({key, timeline, meters}) => ({key, timeline, meters}));
}

/** Where the second meter of a two-meter line starts. */
export const splitAt = (width: number): number => Math.floor(width / 2);

export function Header({snapshot, status, rates, width, maxLines, config = DEFAULT_HEADER}: HeaderProps) {
	const replay = status.mode === 'replay' && status.replay !== null;
	const ctx: MeterContext = {
		snapshot,
		status,
		rates,
		mode: modeOf(status),
		shown: shownMeters(headerRows(config, width)),
	};
	const lines = headerLines(config, width, maxLines, replay);
	const half = splitAt(width);
	return (
		<Box flexDirection="column" width={width} height={lines.length} overflowY="hidden">
			{lines.map((l) => (
				<Box key={l.key} width={width} height={1}>
					{l.timeline && status.replay ? (
						<Timeline replay={status.replay} width={width} />
					) : l.meters.length === 1 ? (
						meterById(l.meters[0]!).draw(ctx, width)
					) : (
						<>
							{/* Two meters: the left one leaves a blank column before the right one. */}
							<Box width={half}>{meterById(l.meters[0]!).draw(ctx, half - 1)}</Box>
							<Box width={width - half}>{meterById(l.meters[1]!).draw(ctx, width - half)}</Box>
						</>
					)}
				</Box>
			))}
		</Box>
	);
}
