// The process list: a header row from the column registry, then only the rows that fit. Each row
// is one memoised <Text> keyed by pid whose props are preformatted strings, so a frame where a
// process's numbers did not change costs React nothing for that row (ink-stack.md §2).
import {Box, Text} from 'ink';
import {memo} from 'react';
import {fitRight} from '../format.js';
import {Line, type Span} from '../line.js';
import {type Ink, onBar, theme} from '../theme.js';
import type {TableRow} from '../tree.js';
import {type Column, type ColumnContext, type ColumnId, formatCell, layoutColumns} from './columns.js';

export interface ProcessTableProps {
	/** Already filtered and sorted (a flat list or the tree's lines). */
	rows: readonly TableRow[];
	selectedIndex: number;
	scrollTop: number;
	width: number;
	/** Lines including the header. */
	height: number;
	sortColumn: ColumnId;
	descending: boolean;
	context: ColumnContext;
	/** Shown instead of rows when there are none. */
	emptyText?: string;
	/** The columns chosen in setup, in order (default: all). */
	columns?: readonly ColumnId[];
}

interface RowProps {
	cells: readonly string[];
	colours: readonly Ink[];
	selected: boolean;
}

const sameArray = <T,>(a: readonly T[], b: readonly T[]): boolean =>
	a.length === b.length && a.every((v, i) => v === b[i]);

/** Strings in, one line out; the comparator looks inside the arrays, so it is as cheap as primitives. */
const ProcessRow = memo(
	function ProcessRow({cells, colours, selected}: RowProps) {
		if (selected) {
			const bar: Span = {
				text: cells.join(' '),
				colour: theme.selected.color,
				background: theme.selected.backgroundColor,
				inverse: theme.selected.inverse,
			};
			return <Line spans={[bar]} width={spansWidth(cells)} />;
		}
		const spans: Span[] = [];
		cells.forEach((text, i) => {
			spans.push({text: i === 0 ? text : ` ${text}`, colour: colours[i]});
		});
		return <Line spans={spans} width={spansWidth(cells)} />;
	},
	(a, b) => a.selected === b.selected && sameArray(a.cells, b.cells) && sameArray(a.colours, b.colours),
);

function spansWidth(cells: readonly string[]): number {
	let n = Math.max(0, cells.length - 1);
	for (const c of cells) n += c.length;
	return n;
}

export function headerSpans(
	columns: readonly Column[],
	widths: readonly number[],
	sortColumn: ColumnId,
	descending: boolean,
	width: number,
): Span[] {
	const spans: Span[] = [];
	columns.forEach((c, i) => {
		const w = widths[i]!;
		const sorted = c.id === sortColumn;
		// The sort column gets an arrow when its title leaves room for one.
		const title = sorted && c.title.length < w ? `${c.title}${descending ? '▼' : '▲'}` : c.title;
		const text = c.align === 'right' ? title.padStart(w) : title.padEnd(w);
		const style = sorted ? theme.sortedHeader : theme.tableHeader;
		spans.push({
			text: i === 0 ? text : ` ${text}`,
			...onBar(style),
			bold: true,
		});
	});
	const used = spans.reduce((n, s) => n + s.text.length, 0);
	if (used < width) {
		spans.push({text: ' '.repeat(width - used), ...onBar(theme.tableHeader)});
	}
	return spans;
}

export function ProcessTable(props: ProcessTableProps) {
	const {rows, selectedIndex, scrollTop, width, height, sortColumn, descending, context} = props;
	const {columns, widths} = layoutColumns(width, props.columns);
	const pageSize = Math.max(0, height - 1);
	const visible = rows.slice(scrollTop, scrollTop + pageSize);
	const used = widths.reduce((n, w) => n + w, 0) + Math.max(0, widths.length - 1);
	const tail = Math.max(0, width - used);
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<Line spans={headerSpans(columns, widths, sortColumn, descending, width)} width={width} />
			{visible.length === 0 && pageSize > 0 ? (
				<Text color={theme.dim}>{fitRight(props.emptyText ?? '  no processes', width)}</Text>
			) : null}
			{visible.map((row, i) => {
				const p = row.process;
				const cells = columns.map((c, k) => {
					// A group line has no pid, state, adj or RSS history of its own.
					if (row.group && c.perProcess) return ' '.repeat(widths[k]!);
					if (c.id === 'name' && row.prefix) return fitRight(row.prefix + p.name, widths[k]!);
					return formatCell(c, widths[k]!, p, context);
				});
				const selected = scrollTop + i === selectedIndex;
				// Only the selection bar needs the full width; other rows end where their text does.
				if (selected && tail > 0) cells[cells.length - 1] += ' '.repeat(tail);
				return (
					<ProcessRow
						key={row.id}
						cells={cells}
						colours={columns.map((c) =>
							row.group ? (c.id === 'name' ? theme.label : undefined) : c.colour?.(p),
						)}
						selected={selected}
					/>
				);
			})}
		</Box>
	);
}
