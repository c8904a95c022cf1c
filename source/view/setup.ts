// htop's setup screen (F2) as pure functions over the config: the categories, the lines each one
// lists, and what toggling or moving a line does. The panel draws these lines; actions apply them.
import type {DashboardConfig} from './config.js';
import {UPDATE_STEPS} from './config.js';
import {METERS, type MeterId, meterById} from './meters/registry.js';
import {COLUMNS, type ColumnId, columnById} from './panels/columns.js';
import {SCHEME_DESCRIPTIONS, SCHEME_NAMES} from './theme.js';

export type SetupCategory = 'columns' | 'meters' | 'colours' | 'update';

export const SETUP_CATEGORIES: readonly {id: SetupCategory; title: string; about: string}[] = [
	{
		id: 'columns',
		title: 'Columns',
		about: 'the process table, in order; narrow terminals drop the least important',
	},
	{
		id: 'meters',
		title: 'Meters',
		about: 'the header: L left column, R right column (one column when narrow)',
	},
	{id: 'colours', title: 'Colours', about: 'the colour scheme'},
	{id: 'update', title: 'Update rate', about: 'how often the screen is redrawn (keys act at once)'},
];

export interface SetupLine {
	/** '[x]', '[ ]', '[L]', '(•)'… */
	mark: string;
	name: string;
	about: string;
}

type Where = 'L' | 'R' | ' ';

/** Columns as setup lists them: the chosen ones in their order, then the others. */
function columnOrder(config: DashboardConfig): {id: ColumnId; shown: boolean}[] {
	const shown = new Set(config.columns);
	return [
		...config.columns.map((id) => ({id, shown: true})),
		...COLUMNS.filter((c) => !shown.has(c.id)).map((c) => ({id: c.id, shown: false})),
	];
}

/** Meters as setup lists them: left column, right column, then those not shown. */
function meterOrder(config: DashboardConfig): {id: MeterId; where: Where}[] {
	const used = new Set([...config.header.left, ...config.header.right]);
	return [
		...config.header.left.map((id) => ({id, where: 'L' as const})),
		...config.header.right.map((id) => ({id, where: 'R' as const})),
		...METERS.filter((m) => !used.has(m.id)).map((m) => ({id: m.id, where: ' ' as const})),
	];
}

function meterConfig(order: readonly {id: MeterId; where: Where}[]): DashboardConfig['header'] {
	return {
		left: order.filter((m) => m.where === 'L').map((m) => m.id),
		right: order.filter((m) => m.where === 'R').map((m) => m.id),
	};
}

export function formatRate(ms: number): string {
	return `${ms / 1000} s`;
}

export function setupLines(config: DashboardConfig, category: SetupCategory): SetupLine[] {
	switch (category) {
		case 'columns':
			return columnOrder(config).map(({id, shown}) => {
				const c = columnById(id);
				return {mark: shown ? '[x]' : '[ ]', name: c.title, about: c.description};
			});
		case 'meters':
			return meterOrder(config).map(({id, where}) => {
				const m = meterById(id);
				return {mark: `[${where}]`, name: m.name, about: m.description};
			});
		case 'colours':
			return SCHEME_NAMES.map((name) => ({
				mark: config.scheme === name ? '(•)' : '( )',
				name,
				about: SCHEME_DESCRIPTIONS[name],
			}));
		case 'update':
			return UPDATE_STEPS.map((ms) => ({
				mark: config.updateMs === ms ? '(•)' : '( )',
				name: formatRate(ms),
				about: ms === UPDATE_STEPS[0] ? 'every snapshot the session publishes (5 Hz)' : '',
			}));
	}
}

/**
 * Enter or Space on a line: show or hide a column, move a meter L → R → off, pick a scheme or rate.
 * Returns the new config and where the line is now (a column or meter may change places).
 */
export function setupToggle(
	config: DashboardConfig,
	category: SetupCategory,
	index: number,
): {config: DashboardConfig; index: number} {
	switch (category) {
		case 'columns': {
			const order = columnOrder(config);
			const line = order[index];
			// The table keeps at least one column.
			if (!line || (line.shown && config.columns.length === 1)) return {config, index};
			line.shown = !line.shown;
			const next = {...config, columns: order.filter((c) => c.shown).map((c) => c.id)};
			return {config: next, index: columnOrder(next).findIndex((c) => c.id === line.id)};
		}
		case 'meters': {
			const order = meterOrder(config);
			const line = order[index];
			if (!line) return {config, index};
			line.where = line.where === 'L' ? 'R' : line.where === 'R' ? ' ' : 'L';
			const next = {...config, header: meterConfig(order)};
			return {config: next, index: meterOrder(next).findIndex((m) => m.id === line.id)};
		}
		case 'colours': {
			const scheme = SCHEME_NAMES[index];
			return {config: scheme ? {...config, scheme} : config, index};
		}
		case 'update': {
			const ms = UPDATE_STEPS[index];
			return {config: ms ? {...config, updateMs: ms} : config, index};
		}
	}
}

/**
 * `[` / `]` (htop's F7/F8): move a shown column, or a meter within its column, one place up or down.
 * Returns the new config and where the moved line now is.
 */
export function setupMove(
	config: DashboardConfig,
	category: SetupCategory,
	index: number,
	delta: -1 | 1,
): {config: DashboardConfig; index: number} {
	if (category === 'columns') {
		const to = index + delta;
		if (index >= config.columns.length || to < 0 || to >= config.columns.length) return {config, index};
		const columns = [...config.columns];
		[columns[index], columns[to]] = [columns[to]!, columns[index]!];
		return {config: {...config, columns}, index: to};
	}
	if (category === 'meters') {
		const order = meterOrder(config);
		const to = index + delta;
		const a = order[index];
		const b = order[to];
		if (!a || !b || a.where === ' ' || a.where !== b.where) return {config, index};
		[order[index], order[to]] = [b, a];
		return {config: {...config, header: meterConfig(order)}, index: to};
	}
	return {config, index};
}
