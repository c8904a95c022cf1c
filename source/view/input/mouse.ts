// The mouse as htop has it: a click on a row selects it, on a column title sorts by that column
// (again: the other way), on a function-bar label runs that key; the wheel scrolls. A click on a
// meter or an event line opens the explain window about it. Positions are
// worked out from the same layout the screen was drawn with.
import type {ActionEnv} from '../actions.js';
import {ACTIONS, scrollLog} from '../actions.js';
import type {ExplainTopic} from '../explain.js';
import {modeOf} from '../keymap.js';
import {headerLines, splitAt} from '../meters/header.js';
import type {MeterId} from '../meters/registry.js';
import {type ColumnId, layoutColumns} from '../panels/columns.js';
import {logRows, visibleRange} from '../panels/event-log.js';
import {barLayout} from '../panels/function-bar.js';
import {runBinding} from './dispatch.js';
import type {MousePress} from './keys.js';

/** Rows one wheel notch moves (htop's scroll-wheel amount is larger; ten rows jump too far here). */
export const WHEEL_ROWS = 3;

/** The column under x in the table's title row, if any. */
export function columnAt(env: ActionEnv, x: number): ColumnId | null {
	const view = env.view();
	const {columns, widths} = layoutColumns(view.layout.width, env.ui().config.columns);
	let at = 0;
	for (let i = 0; i < columns.length; i++) {
		const end = at + widths[i]!;
		if (x < end) return columns[i]!.id;
		// The space after a column belongs to it: a click between two titles sorts by the left one.
		if (x === end) return columns[i]!.id;
		at = end + 1;
	}
	return null;
}

function clickBar(env: ActionEnv, x: number): void {
	const ui = env.ui();
	const view = env.view();
	const {labels} = barLayout({
		mode: modeOf(view.status),
		prompt: ui.prompt,
		overlay: ui.overlay?.kind ?? null,
		tree: ui.tree,
		cgroups: ui.cgroups,
		hasCgroups: view.cgroupRows.length > 0,
		width: view.layout.width,
	});
	const label = labels.find((l) => x >= l.from && x < l.to);
	if (label) runBinding(env, label.item.binding, label.item.press);
}

/** The meter under (x, y) in the header, if any: the header's own line plan says which is where. */
export function meterAt(env: ActionEnv, x: number, y: number): MeterId | null {
	const view = env.view();
	const {layout, status} = view;
	const replay = status.mode === 'replay' && status.replay !== null;
	const lines = headerLines(env.ui().config.header, layout.width, layout.headerLines, replay);
	const line = lines[y];
	if (!line || line.meters.length === 0) return null;
	if (line.meters.length === 1) return line.meters[0]!;
	return line.meters[x < splitAt(layout.width) ? 0 : 1]!;
}

/** The event under (x, y) in the event log, if any (its id in the session's log). */
export function eventAt(env: ActionEnv, x: number, y: number): number | null {
	const {layout} = env.view();
	if (layout.logHeight <= 1 || x >= layout.logWidth) return null;
	const first = layout.bodyTop + layout.tableHeight + 1;
	const row = y - first;
	if (row < 0 || row >= layout.logHeight - 1) return null;
	const rows = logRows(env.session.getEventLog(), layout.logWidth);
	const [start, end] = visibleRange(rows, layout.logHeight - 1, env.ui().logScroll);
	return start + row < end ? rows[start + row]!.id : null;
}

/** Is (x, y) over the event log's rows or title? */
function overLog(env: ActionEnv, x: number, y: number): boolean {
	const {layout} = env.view();
	const top = layout.bodyTop + layout.tableHeight;
	return layout.logHeight > 1 && x < layout.logWidth && y >= top && y < top + layout.logHeight;
}

function wheel(env: ActionEnv, delta: number): void {
	const ui = env.ui();
	if (ui.prompt) return;
	const key = delta < 0 ? 'Up' : 'Down';
	for (let i = 0; i < WHEEL_ROWS; i++) {
		const overlay = env.ui().overlay;
		if (!overlay) ACTIONS[env.ui().cgroups ? 'cgroup-move' : 'move'](env, key);
		else if (overlay.kind === 'help' || overlay.kind === 'detail' || overlay.kind === 'explain')
			ACTIONS.scroll(env, key);
		else if (overlay.kind === 'sort' || overlay.kind === 'signal') ACTIONS['menu-move'](env, key);
		else if (overlay.kind === 'setup') ACTIONS['setup-move'](env, key);
	}
}

/** A click on a line of the cgroup view selects its cgroup (a process line, the cgroup it is in). */
function clickCgroup(env: ActionEnv, line: number): void {
	const view = env.view();
	if (line < 0 || line >= view.layout.tableHeight - 1) return;
	const rows = view.cgroupRows;
	let at = view.cgroupTop + line;
	if (at >= rows.length) return;
	while (at > 0 && rows[at]!.kind !== 'cgroup') at--;
	const row = rows[at];
	if (row?.kind !== 'cgroup') return;
	env.dispatch({type: 'cgroup-select', index: row.index, path: row.cgroup.path, top: view.cgroupTop});
}

export function handleMouse(env: ActionEnv, m: MousePress): void {
	if (m.motion) return;
	if (m.button === 'wheel-up' || m.button === 'wheel-down') {
		if (!env.ui().overlay && !env.ui().prompt && overLog(env, m.x, m.y)) {
			for (let i = 0; i < WHEEL_ROWS; i++) scrollLog(env, m.button === 'wheel-up' ? 'Up' : 'Down');
			return;
		}
		wheel(env, m.button === 'wheel-up' ? -1 : 1);
		return;
	}
	// htop acts on the press; the release that follows says nothing new.
	if (!m.press || m.button !== 'left') return;
	const view = env.view();
	const {layout} = view;
	const ui = env.ui();
	const bar = layout.bodyTop + layout.body + 1;
	if (m.y === bar) {
		clickBar(env, m.x);
		return;
	}
	if (ui.prompt || ui.overlay) return;
	// A click on a meter or an event explains it (as e does for the sort column).
	const meter = m.y < layout.headerLines ? meterAt(env, m.x, m.y) : null;
	const event = meter ? null : eventAt(env, m.x, m.y);
	if (meter || event !== null) {
		const topic: ExplainTopic = meter ? {kind: 'meter', id: meter} : {kind: 'event', id: event!};
		env.dispatch({type: 'overlay', overlay: {kind: 'explain', topic, offset: 0}});
		return;
	}
	const title = layout.bodyTop;
	if (ui.cgroups) {
		clickCgroup(env, m.y - title - 1);
		return;
	}
	if (m.y === title) {
		const column = columnAt(env, m.x);
		if (column) env.dispatch({type: 'sort-by', column});
		return;
	}
	if (m.y > title && m.y < title + layout.tableHeight) {
		const row = view.top + (m.y - title - 1);
		const pid = view.pids[row];
		if (pid !== undefined) env.dispatch({type: 'select', pid, pids: view.pids, pageSize: view.pageSize});
	}
}
