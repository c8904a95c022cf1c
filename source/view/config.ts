// The dashboard's settings, as htop's setup (F2) keeps them in htoprc: which columns in which
// order, the header meters in two columns, the colour scheme and the update rate. Saved as JSON
// in $XDG_CONFIG_HOME/memtop/config.json by the CLI; here only the shape, the defaults and the
// check a file read from disk goes through (one line on what is wrong, and the defaults).
import {z} from 'zod';
import {DEFAULT_HEADER, isMeterId, type MeterId} from './meters/ids.js';
import {COLUMNS, type ColumnId} from './panels/columns.js';
import {SCHEME_NAMES, type SchemeName} from './theme.js';

export interface DashboardConfig {
	/** Columns of the process table, in order; the narrowest terminals drop the least important. */
	columns: readonly ColumnId[];
	header: {left: readonly MeterId[]; right: readonly MeterId[]};
	scheme: SchemeName;
	/** How often the screen is redrawn, in milliseconds of real time (keys act at once). */
	updateMs: number;
}

/** The update rates setup offers (htop's delay, in tenths of a second: 2 = 0.2 s … 30 = 3 s). */
export const UPDATE_STEPS = [200, 500, 1000, 1500, 2000, 3000] as const;

export const DEFAULT_CONFIG: DashboardConfig = {
	columns: COLUMNS.filter((c) => !c.optional).map((c) => c.id),
	header: DEFAULT_HEADER,
	scheme: 'default',
	updateMs: 200,
};

const columnIds = COLUMNS.map((c) => c.id) as [ColumnId, ...ColumnId[]];

const meterId = z.string().refine(isMeterId, {error: (i) => `unknown meter ${JSON.stringify(i.input)}`});

function distinct<T>(what: string) {
	return (items: readonly T[], ctx: z.RefinementCtx): void => {
		const seen = new Set<T>();
		items.forEach((item, i) => {
			if (seen.has(item))
				ctx.addIssue({code: 'custom', path: [i], message: `${what} ${JSON.stringify(item)} listed twice`});
			seen.add(item);
		});
	};
}

const schema = z.strictObject({
	version: z.literal(1, {error: 'expected version 1'}),
	columns: z
		.array(z.enum(columnIds, {error: (i) => `unknown column ${JSON.stringify(i.input)}`}))
		.min(1, {error: 'expected at least one column'})
		.superRefine(distinct('column')),
	header: z
		.strictObject({left: z.array(meterId), right: z.array(meterId)})
		.superRefine((h, ctx) => distinct('meter')([...h.left, ...h.right], ctx)),
	scheme: z.enum(SCHEME_NAMES as [SchemeName, ...SchemeName[]], {
		error: `expected a colour scheme (${SCHEME_NAMES.join(', ')})`,
	}),
	updateMs: z
		.number()
		.int()
		.min(100, {error: 'expected at least 100 ms'})
		.max(10_000, {error: 'expected at most 10000 ms'}),
});

/** The config as written to disk. */
export function configJson(config: DashboardConfig): string {
	return `${JSON.stringify({version: 1, ...config}, null, '\t')}\n`;
}

/** A config read from disk: the config, or the defaults and one line saying what was wrong. */
export function parseConfig(text: string): {config: DashboardConfig; problem: string | null} {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return {
			config: DEFAULT_CONFIG,
			problem: `not JSON (${error instanceof Error ? error.message : String(error)})`,
		};
	}
	const result = schema.safeParse(value);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
		const key =
			issue.code === 'unrecognized_keys' ? ` ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : '';
		const message = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
		return {config: DEFAULT_CONFIG, problem: `${where.replace(/^\./, '') || 'the file'}: ${message}${key}`};
	}
	const {version: _version, ...config} = result.data;
	return {config: config as DashboardConfig, problem: null};
}
