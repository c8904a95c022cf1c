// One terminal line as coloured spans, written by one Ink node (ink-stack.md §2: one Text per row).
// Every line is cut or padded to an exact width here, so Ink never wraps and the frame never grows.
import chalk from 'chalk';
import {Text, Transform} from 'ink';
import {memo} from 'react';
import {escapeText} from '../text/escape.js';
import type {Colour, Ink} from './theme.js';

export interface Span {
	text: string;
	colour?: Ink;
	background?: Ink;
	bold?: boolean | undefined;
	dim?: boolean | undefined;
	/** Reverse video (monochrome's bars). */
	inverse?: boolean | undefined;
}

export const span = (text: string, colour?: Ink, bold?: boolean): Span => ({text, colour, bold});

export function spansLength(spans: readonly Span[]): number {
	let n = 0;
	for (const s of spans) n += s.text.length;
	return n;
}

/**
 * Cut to `width`, dropping or shortening trailing spans. No padding: Ink trims trailing blanks
 * anyway, and every character here costs tokenizing time in Ink's output stage each frame.
 * Spans with a background (title bars, the selected row) are padded by their owners. Every span's
 * text is escaped first (text/escape.ts): names, paths and messages from files and arguments reach
 * the screen through here, and a control character in one must not drive the terminal.
 */
export function fitSpans(spans: readonly Span[], width: number): Span[] {
	const out: Span[] = [];
	let left = width;
	for (const raw of spans) {
		if (left <= 0) break;
		const text = escapeText(raw.text);
		const s = text === raw.text ? raw : {...raw, text};
		if (s.text.length <= left) {
			out.push(s);
			left -= s.text.length;
		} else {
			out.push({...s, text: s.text.slice(0, left)});
			left = 0;
		}
	}
	return out;
}

/**
 * Join groups of spans with `gap` spaces, keeping whole groups in order while they fit:
 * a meter drops its least important figures (listed last) when the terminal is narrow.
 */
export function joinFitting(groups: readonly (readonly Span[])[], width: number, gap = 2): Span[] {
	const out: Span[] = [];
	let used = 0;
	for (const group of groups) {
		const len = spansLength(group);
		const extra = out.length === 0 ? len : len + gap;
		if (used + extra > width) break;
		if (out.length > 0) out.push({text: ' '.repeat(gap)});
		out.push(...group);
		used += extra;
	}
	return out;
}

/** Merge neighbours with identical style: fewer nested Texts for Ink to lay out. */
function mergeSpans(spans: readonly Span[]): Span[] {
	const out: Span[] = [];
	for (const s of spans) {
		const last = out.at(-1);
		if (
			last &&
			last.colour === s.colour &&
			last.background === s.background &&
			!!last.bold === !!s.bold &&
			!!last.dim === !!s.dim &&
			!!last.inverse === !!s.inverse
		) {
			out[out.length - 1] = {...last, text: last.text + s.text};
		} else {
			out.push(s);
		}
	}
	return out;
}

/** chalk's method for a background colour: `bgGreen`, `bgCyanBright` (what Ink's colorize calls). */
const bgOf = (c: Colour): `bg${Capitalize<Colour>}` =>
	`bg${c[0]!.toUpperCase()}${c.slice(1)}` as `bg${Capitalize<Colour>}`;

/**
 * A span as Ink's <Text> would colour it: its transform's order (dim, colour, background, bold,
 * inverse), through the same chalk, so the bytes are the ones a nested <Text> gave.
 */
function styled(s: Span): string {
	let t = s.text;
	if (s.dim) t = chalk.dim(t);
	if (s.colour) t = chalk[s.colour](t);
	if (s.background) t = chalk[bgOf(s.background)](t);
	if (s.bold) t = chalk.bold(t);
	if (s.inverse) t = chalk.inverse(t);
	return t;
}

/**
 * Characters the dashboard draws that are one column wide but not ASCII (bars, braille, arrows,
 * ellipsis, middle dot, ×, the sort triangles): string-width measures those grapheme by grapheme,
 * printable ASCII in one regex test, so the measured stand-in swaps them for '.'.
 */
const NARROW = /[\u00b7\u00d7\u2026\u2190-\u21ff\u2500-\u25fc\u2800-\u28ff]/g;
const PRINTABLE = /^[\u0020-\u007e]*$/;

/**
 * The text Ink lays out and measures for a line: the line itself with its narrow non-ASCII
 * characters as '.', so it has the same width, or the text itself when something else is in it.
 */
function standIn(plain: string): string {
	if (PRINTABLE.test(plain)) return plain;
	const swapped = plain.replace(NARROW, '.');
	return PRINTABLE.test(swapped) ? swapped : plain;
}

/**
 * One line out of Ink's <Transform>: Ink measures and lays out the plain stand-in (one node, no
 * nested Texts to squash, printable ASCII for string-width's fast path) and writes the coloured
 * line in its place. Transform's contract holds: the coloured line is exactly as wide.
 */
const LineText = memo(function LineText({plain, coloured}: {plain: string; coloured: string}) {
	const placeholder = standIn(plain);
	// Ink hands back the stand-in as laid out. Lines are cut to width before this, so Ink never
	// wraps one; should it ever (a box narrower than the line), the piece is shown uncoloured.
	const transform = (line: string): string => {
		if (line === placeholder) return coloured;
		const at = placeholder.indexOf(line);
		return at < 0 ? line : plain.slice(at, at + line.length);
	};
	return <Transform transform={transform}>{placeholder}</Transform>;
});

/** A line of at most `width` columns. */
export function Line({spans, width}: {spans: readonly Span[]; width: number}) {
	const fitted = mergeSpans(fitSpans(spans, width));
	// An empty Text takes no row in Ink's layout; a blank line must still be one line tall.
	if (fitted.length === 0 || spansLength(fitted) === 0) return <Text> </Text>;
	let plain = '';
	let coloured = '';
	for (const s of fitted) {
		plain += s.text;
		coloured += styled(s);
	}
	return <LineText plain={plain} coloured={coloured} />;
}
