// Free memory against the zone watermarks, zoomed so min/low/high are visible at all: on the Mem
// bar they would be a fraction of one cell. m/l/h mark the watermarks; below low kswapd wakes,
// below min allocations enter direct reclaim. MemAvailable sits next to it because "free" and
// "available" are the two numbers people most often confuse. While a fallback's watermark boost is
// in effect the marks include it and `boost` says by how much.
import type {Snapshot} from '../../sim/snapshot-types.js';
import {formatPages} from '../format.js';
import {Line, type Span, spansLength} from '../line.js';
import {type Ink, theme} from '../theme.js';
import {barSpans, METER_CHROME, meterSpans} from './bar.js';

/** Narrowest useful bar; figures after it are dropped first. */
const MIN_BAR = 12;

export function freeColour(free: number, wm: Snapshot['watermarks']): Ink {
	if (free < wm.min) return theme.bad;
	if (free < wm.low) return theme.warn;
	if (free < wm.high) return theme.freeNearHigh;
	return theme.ok;
}

export function WatermarkMeter({snapshot, width}: {snapshot: Snapshot; width: number}) {
	const wm = snapshot.watermarks;
	const free = snapshot.frames.free;
	const freeText: Span[] = [
		{text: ' free ', colour: theme.dim},
		{text: formatPages(free), colour: freeColour(free, wm), bold: true},
	];
	const avail: Span[] = [
		{text: ' avail ', colour: theme.dim},
		{text: formatPages(Math.round(snapshot.meminfo.MemAvailable / 4)), colour: theme.value},
	];
	const marks: Span[] = [
		{text: ' m/l/h ', colour: theme.dim},
		{text: [wm.min, wm.low, wm.high].map(formatPages).join('/'), colour: theme.value},
		// boost_watermark(): the marks above include it until kswapd has reclaimed it.
		...(wm.boost > 0
			? [
					{text: ' boost ', colour: theme.dim},
					{text: formatPages(wm.boost), colour: theme.warn},
				]
			: []),
	];
	const options = [[...freeText, ...avail, ...marks], [...freeText, ...avail], freeText, []];
	const tail = options.find((o) => width - METER_CHROME - spansLength(o) >= MIN_BAR) ?? [];
	const inner = Math.max(1, width - METER_CHROME - spansLength(tail));
	// Scale to twice the high watermark: the interesting region, with room to show "plenty".
	const scale = Math.max(1, wm.high * 2);
	const at = (pages: number): number => Math.min(inner - 1, Math.floor((pages / scale) * inner));
	const bar = barSpans(
		[{value: Math.min(free, scale), colour: freeColour(free, wm)}],
		scale,
		inner,
		// No text over this bar: it would hide the watermark marks.
		'',
		[
			{at: at(wm.min), char: 'm'},
			{at: at(wm.low), char: 'l'},
			{at: at(wm.high), char: 'h'},
		],
	);
	return <Line spans={[...meterSpans('Wmk', bar), ...tail]} width={width} />;
}
