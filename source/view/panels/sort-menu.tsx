// htop's F6 "Sort by" list: every column that is on screen, the current one marked.
import {Box} from 'ink';
import {fitRight} from '../format.js';
import {Line} from '../line.js';
import {onBar, theme} from '../theme.js';
import type {Column, ColumnId} from './columns.js';
import {PanelTitle} from './panel-title.js';

export interface SortMenuProps {
	columns: readonly Column[];
	cursor: number;
	current: ColumnId;
	width: number;
	height: number;
}

export function SortMenu({columns, cursor, current, width, height}: SortMenuProps) {
	const room = Math.max(0, height - 1);
	const top = Math.max(0, Math.min(cursor - room + 1, columns.length - room));
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle title="Sort by" right="↑↓ Enter choose · Esc cancel" width={width} />
			{columns.slice(Math.max(0, top), Math.max(0, top) + room).map((c, i) => {
				const index = Math.max(0, top) + i;
				const selected = index === cursor;
				const text = fitRight(
					`${c.id === current ? '* ' : '  '}${c.title.padEnd(10)}${c.description}`,
					width,
				);
				return (
					<Line
						key={c.id}
						spans={[
							selected
								? {text, ...onBar(theme.selected)}
								: {text, colour: c.id === current ? theme.label : undefined},
						]}
						width={width}
					/>
				);
			})}
		</Box>
	);
}
