// Where everything goes for a terminal size: the header's lines, the table, the log and graphs
// under it, side by side or stacked. Renders rows-1 lines at most (ink-stack.md §2).
import {headerHeight, WIDE_HEADER} from './meters/header.js';
import {DEFAULT_HEADER, type HeaderConfig} from './meters/registry.js';
import type {LowerPanel} from './ui-state.js';

export interface Layout {
	width: number;
	headerLines: number;
	/** Lines between header and status line. */
	body: number;
	tableHeight: number;
	lower: LowerPanel;
	lowerHeight: number;
	/** Side by side (wide) or stacked. */
	sideBySide: boolean;
	logWidth: number;
	graphsWidth: number;
	logHeight: number;
	graphsHeight: number;
}

export function computeLayout(
	width: number,
	rows: number,
	chosen: LowerPanel | null,
	replay: boolean,
	header: HeaderConfig = DEFAULT_HEADER,
): Layout {
	const total = Math.max(1, rows - 1);
	const footer = Math.min(2, total);
	// The header gives way first on very short terminals, but the table keeps a few rows.
	const headerLines = headerHeight(width, Math.max(0, total - footer - 4), replay, header);
	const body = Math.max(0, total - footer - headerLines);
	const lower: LowerPanel = chosen ?? (rows >= 32 ? 'both' : 'none');
	const sideBySide = width >= WIDE_HEADER;
	const stacked = lower === 'both' && !sideBySide;
	let lowerHeight = 0;
	if (stacked) {
		// Graphs and a few log lines under each other: most of the body, a little table left.
		lowerHeight = Math.max(0, Math.min(16, Math.max(10, Math.floor(body * 0.6)), body - 3));
	} else if (lower !== 'none') {
		lowerHeight = Math.max(0, Math.min(12, Math.max(7, Math.floor(body * 0.4)), body - 4));
	}
	const graphsWidth = lower === 'both' && sideBySide ? Math.min(72, Math.floor(width * 0.45)) : width;
	const logWidth = lower === 'both' && sideBySide ? width - graphsWidth - 1 : width;
	let logHeight = lower === 'log' || lower === 'both' ? lowerHeight : 0;
	let graphsHeight = lower === 'graphs' || lower === 'both' ? lowerHeight : 0;
	if (stacked) {
		graphsHeight = Math.min(7, Math.max(0, lowerHeight - 3));
		logHeight = lowerHeight - graphsHeight;
	}
	return {
		width,
		headerLines,
		body,
		tableHeight: body - lowerHeight,
		lower,
		lowerHeight,
		sideBySide,
		logWidth,
		graphsWidth,
		logHeight,
		graphsHeight,
	};
}
