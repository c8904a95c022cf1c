// One terminal line as coloured spans inside a single <Text> (ink-stack.md §2: one Text per row).
// Every line is cut or padded to an exact width here, so Ink never wraps and the frame never grows.
import {Text} from 'ink';
import {escapeText} from '../text/escape.js';
import type {Ink} from './theme.js';

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

function SpanText({s}: {s: Span}) {
	if (!s.colour && !s.background && !s.bold && !s.dim && !s.inverse) return s.text;
	return (
		<Text color={s.colour} backgroundColor={s.background} bold={s.bold} dimColor={s.dim} inverse={s.inverse}>
			{s.text}
		</Text>
	);
}

/** A line of at most `width` columns. */
export function Line({spans, width}: {spans: readonly Span[]; width: number}) {
	const fitted = mergeSpans(fitSpans(spans, width));
	// An empty Text takes no row in Ink's layout; a blank line must still be one line tall.
	if (fitted.length === 0 || spansLength(fitted) === 0) return <Text> </Text>;
	return (
		<Text wrap="truncate">
			{fitted.map((s, i) => (
				// Spans are positional and rebuilt every frame; the index is the identity.
				// biome-ignore lint/suspicious/noArrayIndexKey: positional spans
				<SpanText key={i} s={s} />
			))}
		</Text>
	);
}
