// htop's bottom bar: key in plain text, caption black on cyan, then our hints in grey as room
// allows. The labels come from the keymap; while a prompt is open it shows the prompt instead, as
// htop does for search and filter. barLayout() also says where each label sits, for mouse clicks.
import {type BarItem, barItems, type KeyContext, type Mode} from '../keymap.js';
import {Line, type Span, spansLength} from '../line.js';
import {theme} from '../theme.js';
import type {PromptKind} from '../ui-state.js';

const PROMPT_LABEL: Record<PromptKind, string> = {
	search: 'Search: ',
	filter: 'Filter: ',
	goto: 'Go to (mm:ss): ',
};

/** A label on the bar and the columns it covers, [from, to). */
export interface PlacedLabel {
	item: BarItem;
	from: number;
	to: number;
}

function keySpans(items: readonly BarItem[], captionWidth: number): Span[] {
	const {color, backgroundColor} = theme.fnCaption;
	return items.flatMap(({key, label}) => [
		{text: key, colour: theme.fnKey, bold: true},
		// At least one space after a caption, so "TakeOver" does not run into "F10".
		{
			text: label.padEnd(Math.max(captionWidth, label.length + 1)),
			colour: color,
			background: backgroundColor,
		},
	]);
}

export interface FunctionBarProps {
	mode: Mode;
	prompt: {kind: PromptKind; text: string} | null;
	width: number;
}

/** The bar's spans and where each label went. */
export function barLayout({mode, prompt, width}: FunctionBarProps): {spans: Span[]; labels: PlacedLabel[]} {
	const context: KeyContext = prompt ? `prompt:${prompt.kind}` : 'main';
	const items = barItems(context, mode);
	const fn = items.filter((i) => i.slot === 'fn');
	const labels: PlacedLabel[] = [];
	const place = (spans: Span[], list: readonly BarItem[], perItem: number): void => {
		let at = 0;
		for (let i = 0; i < list.length; i++) {
			const length = spans[i * perItem]!.text.length + spans[i * perItem + 1]!.text.length;
			labels.push({item: list[i]!, from: at, to: at + length});
			at += length;
		}
	};
	if (prompt) {
		const keys = keySpans(fn, 7);
		place(keys, fn, 2);
		return {
			spans: [
				...keys,
				{text: ` ${PROMPT_LABEL[prompt.kind]}`, colour: theme.prompt, bold: true},
				{text: `${prompt.text}_`, colour: theme.value},
			],
			labels,
		};
	}
	// Captions get htop's padding when there is room, and shrink to their text when there is not.
	const wide = keySpans(fn, 7);
	const spans = spansLength(wide) <= width ? wide : keySpans(fn, 0);
	place(spans, fn, 2);
	let used = spansLength(spans);
	for (const hint of items.filter((i) => i.slot === 'hint')) {
		const add = 1 + hint.key.length + hint.label.length;
		if (used + add + 1 > width) break;
		spans.push(
			{text: ` ${hint.key}`, colour: theme.fnKey, bold: true},
			{text: hint.label, colour: theme.dim},
		);
		labels.push({item: hint, from: used + 1, to: used + add});
		used += add;
	}
	return {spans, labels};
}

export function FunctionBar(props: FunctionBarProps) {
	return <Line spans={barLayout(props).spans} width={props.width} />;
}
