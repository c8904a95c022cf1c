// The mouse as htop has it: a click on a row selects it, on a column title sorts by that column
// (again: the other way), on a function-bar label runs that key; the wheel scrolls. Positions are
// worked out from the same layout the screen was drawn with.
import type {ActionEnv} from '../actions.js';
import {ACTIONS} from '../actions.js';
import {modeOf} from '../keymap.js';
import {type ColumnId, layoutColumns} from '../panels/columns.js';
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
		width: view.layout.width,
	});
	const label = labels.find((l) => x >= l.from && x < l.to);
	if (label) runBinding(env, label.item.binding, label.item.press);
}

function wheel(env: ActionEnv, delta: number): void {
	const ui = env.ui();
	if (ui.prompt) return;
	const key = delta < 0 ? 'Up' : 'Down';
	for (let i = 0; i < WHEEL_ROWS; i++) {
		const overlay = env.ui().overlay;
		if (!overlay) ACTIONS.move(env, key);
		else if (overlay.kind === 'help' || overlay.kind === 'detail') ACTIONS.scroll(env, key);
		else if (overlay.kind === 'sort') ACTIONS['menu-move'](env, key);
		else if (overlay.kind === 'setup') ACTIONS['setup-move'](env, key);
	}
}

export function handleMouse(env: ActionEnv, m: MousePress): void {
	if (m.motion) return;
	if (m.button === 'wheel-up' || m.button === 'wheel-down') {
		wheel(env, m.button === 'wheel-up' ? -1 : 1);
		return;
	}
	// htop acts on the press; the release that follows says nothing new.
	if (!m.press || m.button !== 'left') return;
	const view = env.view();
	const {layout} = view;
	const ui = env.ui();
	const bar = layout.headerLines + layout.body + 1;
	if (m.y === bar) {
		clickBar(env, m.x);
		return;
	}
	if (ui.prompt || ui.overlay) return;
	const title = layout.headerLines;
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
