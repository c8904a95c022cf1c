// htop's setup screen (F2): the categories on the left, the chosen one's lines on the right, the
// focused pane's cursor in the selection colour. What the lines say comes from setup.ts.
import {Box} from 'ink';
import type {DashboardConfig} from '../config.js';
import {fitRight} from '../format.js';
import {Line, type Span} from '../line.js';
import {SETUP_CATEGORIES, setupLines} from '../setup.js';
import {onBar, theme} from '../theme.js';
import {PanelTitle} from './panel-title.js';

export interface SetupProps {
	config: DashboardConfig;
	pane: 'categories' | 'items';
	category: number;
	cursor: number;
	width: number;
	height: number;
	/** Why the scheme chosen here is not the one in force (NO_COLOR). */
	schemeNote?: string;
}

const LEFT = 16;

export function Setup({config, pane, category, cursor, width, height, schemeNote}: SetupProps) {
	const cat = SETUP_CATEGORIES[category] ?? SETUP_CATEGORIES[0]!;
	const lines = setupLines(config, cat.id);
	const room = Math.max(0, height - 2);
	const top = Math.max(0, Math.min(cursor - room + 1, lines.length - room));
	const rightWidth = Math.max(0, width - LEFT - 1);
	const about = cat.id === 'colours' && schemeNote ? `${cat.about} (${schemeNote})` : cat.about;
	const rows: Span[][] = [
		[
			{text: fitRight(' Categories', LEFT), colour: theme.label, bold: true},
			{text: ' '},
			{text: fitRight(`${cat.title}: ${about}`, rightWidth), colour: theme.label, bold: true},
		],
	];
	for (let i = 0; i < room; i++) {
		const c = SETUP_CATEGORIES[i];
		const left: Span = c
			? pane === 'categories' && i === category
				? {text: fitRight(` ${c.title}`, LEFT), ...onBar(theme.selected)}
				: {
						text: fitRight(`${i === category ? '▶' : ' '}${c.title}`, LEFT),
						colour: i === category ? theme.value : undefined,
					}
			: {text: ' '.repeat(LEFT)};
		const line = lines[top + i];
		const right: Span[] = [];
		if (line) {
			const text = fitRight(` ${line.mark} ${line.name.padEnd(16)} ${line.about}`, rightWidth);
			right.push(
				pane === 'items' && top + i === cursor
					? {text, ...onBar(theme.selected)}
					: {text, colour: line.mark.includes(' ') && !line.mark.includes('•') ? theme.dim : undefined},
			);
		}
		rows.push([left, {text: '│', colour: theme.dim}, ...right]);
	}
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle
				title="Setup"
				right="↑↓ choose · ←→ pane · Enter toggle · [ ] move · Esc done"
				width={width}
			/>
			{rows.map((spans, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: setup lines are positional
				<Line key={i} spans={spans} width={width} />
			))}
		</Box>
	);
}
