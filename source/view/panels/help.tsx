// Every key, grouped, plus what the colours mean (htop's F1 screen). The keys come from the
// keymap's help entries, so a key cannot work without being listed here.
import {Box} from 'ink';
import {fitRight} from '../format.js';
import {helpEntries} from '../keymap.js';
import {Line, type Span} from '../line.js';
import {theme} from '../theme.js';
import {PanelTitle} from './panel-title.js';

export interface KeyHelp {
	keys: string;
	action: string;
}

/** The keymap's help entries by section: what this screen lists. */
export const KEY_HELP: readonly {section: string; keys: readonly KeyHelp[]}[] = helpEntries().map((g) => ({
	section: g.section,
	keys: g.keys.map((k) => ({keys: k.keys, action: k.text})),
}));

const LEGEND: Span[][] = [
	[
		{text: 'Mem  ', colour: theme.label, bold: true},
		{text: 'anon ', colour: theme.anon},
		{text: 'shmem ', colour: theme.shmem},
		{text: 'zpool ', colour: theme.zpool},
		{text: 'kernel ', colour: theme.kernel},
		{text: 'dirty-cache ', colour: theme.fileDirty},
		{text: 'clean-cache ', colour: theme.fileClean},
		{text: 'free', colour: theme.dim},
	],
	[
		{text: 'Wmk  ', colour: theme.label, bold: true},
		{
			text: 'free pages vs watermarks m(in) l(ow) h(igh): below low kswapd wakes, below min direct reclaim',
			colour: theme.dim,
		},
	],
	[
		{text: 'Swp  ', colour: theme.label, bold: true},
		{text: 'used ', colour: theme.swapUsed},
		{text: 'swap-cache', colour: theme.swapCache},
		{text: '   PSI avg10/60/300 %   eff = pages stolen / scanned', colour: theme.dim},
	],
	[
		{text: 'Cgr  ', colour: theme.label, bold: true},
		{text: 'protected ', colour: theme.ok},
		{text: 'used ', colour: theme.anon},
		{text: 'over-high ', colour: theme.bad},
		{
			text: "(C) memory.current of memory.max ] or the nearest limited ancestor's max or RAM ), m l h: memory.min low high",
			colour: theme.dim,
		},
	],
];

function keyLines(width: number): Span[][] {
	const keyWidth = 23;
	const lines: Span[][] = [];
	for (const group of KEY_HELP) {
		lines.push([{text: group.section, colour: theme.label, bold: true}]);
		for (const k of group.keys) {
			lines.push([
				{text: `  ${fitRight(k.keys, keyWidth)}`, colour: theme.value, bold: true},
				{text: fitRight(k.action, Math.max(0, width - keyWidth - 2)), colour: undefined},
			]);
		}
	}
	return lines;
}

/** Lines the help has at this width (for clamping the scroll offset). */
export function helpLineCount(width: number): number {
	const all = keyLines(width);
	const twoColumns = width >= 110;
	const split = KEY_HELP[0]!.keys.length + 1;
	return (twoColumns ? Math.max(split, all.length - split) : all.length) + 1 + LEGEND.length;
}

export function Help({width, height, offset = 0}: {width: number; height: number; offset?: number}) {
	const twoColumns = width >= 110;
	const colWidth = twoColumns ? Math.floor(width / 2) : width;
	const all = keyLines(colWidth);
	const room = Math.max(0, height - 1);
	let body: Span[][];
	if (twoColumns) {
		// Navigation on the left, the rest on the right.
		const split = KEY_HELP[0]!.keys.length + 1;
		const left = all.slice(0, split);
		const right = all.slice(split);
		const rows = Math.max(left.length, right.length);
		body = [];
		for (let i = 0; i < rows; i++) {
			const l = left[i] ?? [];
			const pad = Math.max(0, colWidth - l.reduce((n, s) => n + s.text.length, 0));
			body.push([...l, {text: ' '.repeat(pad)}, ...(right[i] ?? [])]);
		}
	} else {
		body = all;
	}
	body = [...body, [], ...LEGEND];
	// Scrolled windows clamp here, so the reducer never needs the screen size.
	const top = Math.max(0, Math.min(offset, body.length - room));
	const more = body.length - top > room;
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle
				title="memtop help"
				right={`${top > 0 || more ? '↑↓ scroll · ' : ''}any other key closes`}
				width={width}
			/>
			{body.slice(top, top + room).map((spans, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: help lines are positional
				<Line key={i} spans={spans.length > 0 ? spans : [{text: ''}]} width={width} />
			))}
		</Box>
	);
}
