// htop's bottom bar: key in plain text, caption black on cyan, then our hints in grey as room
// allows. The labels come from the keymap; while a prompt is open it shows the prompt instead, as
// htop does for search and filter. barLayout() also says where each label sits, for mouse clicks.
import {type BarItem, barItems, type KeyContext, type Mode, screenContext} from '../keymap.js';
import {Line, type Span, spansLength} from '../line.js';
import {onBar, theme} from '../theme.js';
import type {Overlay, PromptKind} from '../ui-state.js';

const PROMPT_LABEL: Record<PromptKind, string> = {
	search: 'Search: ',
	filter: 'Filter: ',
	goto: 'Go to (mm:ss): ',
	high: 'memory.high (512M, 1.5G, max): ',
	max: 'memory.max (512M, 1.5G, max): ',
};

/** The prompt's caption: a cgroup limit names the cgroup it writes to. */
function promptLabel(prompt: {kind: PromptKind; target?: string | undefined}): string {
	const label = PROMPT_LABEL[prompt.kind];
	return prompt.target === undefined ? label : `${prompt.target}/${label}`;
}

/** A label on the bar and the columns it covers, [from, to). */
export interface PlacedLabel {
	item: BarItem;
	from: number;
	to: number;
}

function keySpans(items: readonly BarItem[], captionWidth: number): Span[] {
	return items.flatMap(({key, label}) => [
		{text: key, colour: theme.fnKey, bold: true},
		// At least one space after a caption, so "TakeOver" does not run into "F10".
		{
			text: label.padEnd(Math.max(captionWidth, label.length + 1)),
			...onBar(theme.fnCaption),
		},
	]);
}

export interface FunctionBarProps {
	mode: Mode;
	prompt: {kind: PromptKind; text: string; target?: string | undefined} | null;
	/** An open window with labels of its own (setup) shows them; others keep the table's. */
	overlay?: Overlay['kind'] | null;
	/** The table is a tree (F5's label says List). */
	tree?: boolean;
	/** The cgroup view (C) is shown in the table's place. */
	cgroups?: boolean;
	/** The workload has a cgroup tree (the C hint is worth showing). */
	hasCgroups?: boolean;
	width: number;
}

/** The bar's spans and where each label went. */
export function barLayout({mode, prompt, overlay, tree, cgroups, hasCgroups, width}: FunctionBarProps): {
	spans: Span[];
	labels: PlacedLabel[];
} {
	const own = overlay ? barItems(overlay, mode) : [];
	const context: KeyContext = prompt ? `prompt:${prompt.kind}` : screenContext(tree === true, cgroups);
	const items = !prompt && own.length > 0 ? own : barItems(context, mode, hasCgroups === true);
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
				{text: ` ${promptLabel(prompt)}`, colour: theme.prompt, bold: true},
				{text: `${prompt.text}_`, colour: theme.value},
			],
			labels,
		};
	}
	// Captions get htop's padding when there is room, and shrink to their text when there is not;
	// on a very narrow bar the least needed labels go (F1 help, F9 kill and F10 quit stay).
	let shown = fn;
	let spans = keySpans(shown, 7);
	if (spansLength(spans) > width) spans = keySpans(shown, 0);
	while (spansLength(spans) > width && shown.some((i) => i.rank > 0)) {
		const top = Math.max(...shown.map((i) => i.rank));
		shown = shown.filter((i) => i.rank !== top);
		spans = keySpans(shown, 0);
	}
	place(spans, shown, 2);
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
