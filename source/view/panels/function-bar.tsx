// htop's bottom bar: key in plain text, caption black on cyan. While a prompt is open it shows
// the prompt instead, as htop does for search and filter.
import {Line, type Span} from '../line.js';
import {theme} from '../theme.js';
import type {PromptKind} from '../ui-state.js';

export type FunctionBarMode = 'live' | 'replay';

const LIVE: readonly [string, string][] = [
	['F1', 'Help'],
	['F3', 'Search'],
	['F4', 'Filter'],
	['F6', 'SortBy'],
	['F9', 'Kill'],
	['F10', 'Quit'],
];
const LIVE_HINTS: readonly [string, string][] = [
	['Spc', 'Pause'],
	['a', 'Hog'],
	['c', 'Cache'],
	['l', 'Leak'],
	['b', 'Balloon'],
	['g', 'Graphs'],
	['x', 'OOM'],
];
const REPLAY: readonly [string, string][] = [
	['F1', 'Help'],
	['Spc', 'Play'],
	['←→', 'Seek'],
	['n/N', 'Marker'],
	['g', 'Goto'],
	['t', 'TakeOver'],
	['F10', 'Quit'],
];
const PROMPT_KEYS: Record<PromptKind, readonly [string, string][]> = {
	search: [
		['F3', 'Next'],
		['Enter', 'Done'],
		['Esc', 'Cancel'],
	],
	filter: [
		['Enter', 'Done'],
		['Esc', 'Clear'],
	],
	goto: [
		['Enter', 'Go'],
		['Esc', 'Cancel'],
	],
};
const PROMPT_LABEL: Record<PromptKind, string> = {
	search: 'Search: ',
	filter: 'Filter: ',
	goto: 'Go to (mm:ss): ',
};

function keySpans(items: readonly [string, string][], captionWidth: number): Span[] {
	const {color, backgroundColor} = theme.fnCaption;
	return items.flatMap(([key, caption]) => [
		{text: key, colour: theme.fnKey, bold: true},
		// At least one space after a caption, so "TakeOver" does not run into "F10".
		{
			text: caption.padEnd(Math.max(captionWidth, caption.length + 1)),
			colour: color,
			background: backgroundColor,
		},
	]);
}

export interface FunctionBarProps {
	mode: FunctionBarMode;
	prompt: {kind: PromptKind; text: string} | null;
	width: number;
}

export function FunctionBar({mode, prompt, width}: FunctionBarProps) {
	if (prompt) {
		const spans = [
			...keySpans(PROMPT_KEYS[prompt.kind], 7),
			{text: ` ${PROMPT_LABEL[prompt.kind]}`, colour: theme.prompt, bold: true},
			{text: `${prompt.text}_`, colour: theme.value},
		];
		return <Line spans={spans} width={width} />;
	}
	const base = mode === 'replay' ? REPLAY : LIVE;
	// Captions get htop's padding when there is room, and shrink to their text when there is not.
	const wide = keySpans(base, 7);
	const wideLength = wide.reduce((n, s) => n + s.text.length, 0);
	const spans = wideLength <= width ? wide : keySpans(base, 0);
	if (mode === 'live') {
		let used = spans.reduce((n, s) => n + s.text.length, 0);
		for (const [key, caption] of LIVE_HINTS) {
			const add = 1 + key.length + caption.length;
			if (used + add + 1 > width) break;
			spans.push({text: ` ${key}`, colour: theme.fnKey, bold: true}, {text: caption, colour: theme.dim});
			used += add;
		}
	}
	return <Line spans={spans} width={width} />;
}
