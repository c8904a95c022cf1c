// htop's bar meter: `Mem[||||||||||      1.82G/4.00G]`, coloured segments of '|' with the value
// written over the right end of the bar.
import type {Span} from '../line.js';
import {type Ink, theme} from '../theme.js';

export interface Segment {
	value: number;
	colour: Ink;
}

/** Cell counts per segment, rounding the running total so the parts add up exactly. */
export function segmentCells(segments: readonly Segment[], total: number, cells: number): number[] {
	if (total <= 0 || cells <= 0) return segments.map(() => 0);
	const out: number[] = [];
	let sum = 0;
	let drawn = 0;
	for (const seg of segments) {
		sum += Math.max(0, seg.value);
		const upto = Math.min(cells, Math.round((sum / total) * cells));
		out.push(Math.max(0, upto - drawn));
		drawn = Math.max(drawn, upto);
	}
	return out;
}

/**
 * Without colours segments are told apart by their character, as htop's monochrome bars do
 * (BarMeterMode_characters): the first segment '|', then '#', '*', '@', '$', '%', '&', '.'.
 */
const MONO_CHARS = '|#*@$%&.';

/** The inside of a bar as spans, `width` cells, `text` right-aligned over it. */
export function barSpans(
	segments: readonly Segment[],
	total: number,
	width: number,
	text: string,
	marks: readonly {at: number; char: string}[] = [],
): Span[] {
	const cells: {char: string; colour: Ink; bold?: boolean}[] = [];
	const mono = segments.every((s) => s.colour === undefined);
	segmentCells(segments, total, width).forEach((n, i) => {
		const char = mono ? (MONO_CHARS[i] ?? '|') : '|';
		for (let k = 0; k < n; k++) cells.push({char, colour: segments[i]!.colour});
	});
	while (cells.length < width) cells.push({char: ' ', colour: undefined});
	for (const mark of marks) {
		const at = Math.max(0, Math.min(width - 1, mark.at));
		cells[at] = {char: mark.char, colour: theme.value, bold: true};
	}
	const shown = text.length > width ? text.slice(0, width) : text;
	const start = width - shown.length;
	for (let i = 0; i < shown.length; i++) {
		const cell = cells[start + i]!;
		// Text over an empty part of the bar is grey, over a filled part it takes the segment colour.
		cells[start + i] = {char: shown[i]!, colour: cell.char === ' ' ? theme.dim : cell.colour};
	}
	return cells.map((c) => ({text: c.char, colour: c.colour, bold: c.bold}));
}

/** `Lbl[` … `]` around the bar cells; label padded to three letters like htop. */
export function meterSpans(label: string, inner: Span[]): Span[] {
	return [
		{text: label.padEnd(3), colour: theme.label, bold: true},
		{text: '[', colour: theme.bracket, bold: true},
		...inner,
		{text: ']', colour: theme.bracket, bold: true},
	];
}

/** Columns a meter's frame takes around its bar: label (3) + brackets (2). */
export const METER_CHROME = 5;
