// Where everything goes for a terminal size: the header's lines, the table, the log and graphs
// under it, side by side or stacked. Renders rows-1 lines at most (ink-stack.md §2).
import {headerHeight, WIDE_HEADER} from './meters/header.js';
import {DEFAULT_HEADER, type HeaderConfig} from './meters/ids.js';
import type {LowerPanel} from './ui-state.js';

export interface Layout {
	width: number;
	headerLines: number;
	/** The note banner under the header: 1 while a note is shown (and there is room), else 0. */
	banner: number;
	/** The first line under the header and the banner: the table's title, or a window's top. */
	bodyTop: number;
	/** Lines between the banner (or header) and the status line. */
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

/** The table keeps at least its header and three rows. */
const MIN_TABLE = 4;
/** Spare lines under the table worth opening the log and graphs for, unasked (or the log alone). */
const WORTH_A_PANEL = 8;
const WORTH_A_LOG = 4;

/**
 * `tableRows`: how many rows the table has to show. Lines it does not need go to the event log and
 * the graphs (issue 17.18: no screen of blank table rows while the log is cut short).
 */
export function computeLayout(
	width: number,
	rows: number,
	chosen: LowerPanel | null,
	replay: boolean,
	header: HeaderConfig = DEFAULT_HEADER,
	tableRows: number = Number.POSITIVE_INFINITY,
	/** A note to show under the header: it takes a line of the body, if the table keeps its rows. */
	note = false,
): Layout {
	const total = Math.max(1, rows - 1);
	const footer = Math.min(2, total);
	// The header gives way first on very short terminals, but the table keeps a few rows.
	const headerLines = headerHeight(width, Math.max(0, total - footer - MIN_TABLE), replay, header);
	const under = Math.max(0, total - footer - headerLines);
	const banner = note && under > MIN_TABLE ? 1 : 0;
	const body = under - banner;
	const spare = body - Math.max(MIN_TABLE, tableRows + 1);
	// Unasked on a short terminal, the log and graphs take only lines the table does not need.
	const onlySpare = chosen === null && rows < 32;
	const lower: LowerPanel =
		chosen ?? (rows >= 32 || spare >= WORTH_A_PANEL ? 'both' : spare >= WORTH_A_LOG ? 'log' : 'none');
	const sideBySide = width >= WIDE_HEADER;
	const stacked = lower === 'both' && !sideBySide;
	let lowerHeight = 0;
	if (stacked) {
		// Graphs and a few log lines under each other: most of the body, a little table left.
		const share = Math.min(16, Math.max(10, Math.floor(body * 0.6)));
		lowerHeight = Math.max(0, Math.min(onlySpare ? spare : Math.max(share, spare), body - 3));
	} else if (lower !== 'none') {
		const share = Math.min(12, Math.max(7, Math.floor(body * 0.4)));
		lowerHeight = Math.max(0, Math.min(onlySpare ? spare : Math.max(share, spare), body - MIN_TABLE));
	}
	const graphsWidth = lower === 'both' && sideBySide ? Math.min(72, Math.floor(width * 0.45)) : width;
	const logWidth = lower === 'both' && sideBySide ? width - graphsWidth - 1 : width;
	let logHeight = lower === 'log' || lower === 'both' ? lowerHeight : 0;
	let graphsHeight = lower === 'graphs' || lower === 'both' ? lowerHeight : 0;
	if (stacked) {
		// Up to 16 lines: 7 of graphs and the rest log; beyond that they share.
		graphsHeight =
			lowerHeight <= 16 ? Math.min(7, Math.max(0, lowerHeight - 3)) : Math.floor(lowerHeight / 2);
		logHeight = lowerHeight - graphsHeight;
	}
	return {
		width,
		headerLines,
		banner,
		bodyTop: headerLines + banner,
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
