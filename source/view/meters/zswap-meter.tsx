// The compressed swap cache: zswap's pool against its limit (or zram's, when swap is a zram
// device), what it holds versus what it costs, and FULL while the pool rejects new pages.
import type {Snapshot} from '../../sim/snapshot-types.js';
import {PAGE_SIZE} from '../../sim/units.js';
import {formatBytes, formatPages} from '../format.js';
import {keyFor, type Mode} from '../keymap.js';
import {joinFitting, Line, type Span} from '../line.js';
import {badge, theme} from '../theme.js';
import {barSpans, meterSpans} from './bar.js';

function ratio(storedBytes: number, comprBytes: number): string {
	return comprBytes > 0 ? `${(storedBytes / comprBytes).toFixed(2)}x` : '-';
}

export function ZswapMeter({snapshot, width, mode}: {snapshot: Snapshot; width: number; mode: Mode}) {
	const {zswap, zram} = snapshot;
	if (!zswap.enabled && zram) {
		const details: Span[][] = [
			[{text: `${formatPages(zram.storedPages)}→${formatBytes(zram.comprBytes)}`, colour: theme.value}],
			[{text: ratio(zram.storedPages * PAGE_SIZE, zram.comprBytes), colour: theme.zpool}],
		];
		const barWidth = Math.max(12, Math.min(32, Math.floor(width * 0.45)));
		const limit = Math.max(zram.memLimitBytes, 0);
		const text =
			limit > 0 ? `${formatBytes(zram.comprBytes)}/${formatBytes(limit)}` : formatBytes(zram.comprBytes);
		const inner = barSpans(
			[{value: zram.comprBytes, colour: theme.zpool}],
			limit || Math.max(1, zram.comprBytes),
			barWidth - 5,
			text,
		);
		return (
			<Line
				spans={[...meterSpans('Zrm', inner), {text: ' '}, ...joinFitting(details, width - barWidth - 1, 1)]}
				width={width}
			/>
		);
	}
	if (!zswap.enabled) {
		// The key's hint, as the keymap has it in this mode (none in replay: it refuses machine keys).
		const key = keyFor('zswap', mode);
		const hint = key !== null && width >= 40 && zswap.storedPages === 0 ? `  (${key} turns zswap on)` : '';
		return (
			<Line
				spans={[
					{text: 'Zsw', colour: theme.label, bold: true},
					{text: ' off', colour: theme.dim},
					// Switched off, the pool keeps what it holds until each page is read back or written out.
					...(zswap.storedPages > 0
						? [
								{
									text: ` · draining ${formatBytes(zswap.poolBytes)} (${zswap.storedPages} pages)`,
									colour: theme.value,
								},
							]
						: []),
					{text: hint, colour: theme.dim},
				]}
				width={width}
			/>
		);
	}
	const details: Span[][] = [
		[
			{text: formatPages(zswap.storedPages), colour: theme.value},
			{text: '→', colour: theme.dim},
			{text: formatBytes(zswap.poolBytes), colour: theme.value},
		],
		[{text: ratio(zswap.storedPages * PAGE_SIZE, zswap.poolBytes), colour: theme.zpool}],
		[{text: zswap.compressor, colour: theme.dim}],
	];
	const full: Span[] = zswap.full ? [{text: ' FULL ', ...badge(theme.bad), bold: true}] : [];
	const barWidth = Math.max(12, Math.min(32, Math.floor(width * 0.45)));
	const inner = barSpans(
		[{value: zswap.poolPages, colour: zswap.full ? theme.bad : theme.zpool}],
		Math.max(1, zswap.limitPages),
		barWidth - 5,
		`${formatPages(zswap.poolPages)}/${formatPages(zswap.limitPages)}`,
	);
	const room = width - barWidth - 1 - (full.length > 0 ? 7 : 0);
	return (
		<Line
			spans={[
				...meterSpans('Zsw', inner),
				{text: ' '},
				...joinFitting(details, room, 1),
				...(full.length > 0 ? [{text: ' '}, ...full] : []),
			]}
			width={width}
		/>
	);
}
