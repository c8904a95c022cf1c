// The leaves of the workload schema: each takes whatever YAML gave (unknown) and either returns the
// value or reports "expected <what>, got <value>" (load.ts prefixes FILE:LINE: and the field path), and
// the containers (strict objects, lists) every part of the schema is built from. Sizes are rounded UP
// to whole 4 KiB pages (the simulator deals only in pages); durations are seconds; rates are bytes per
// second.

import {z} from 'zod';
import {policyInfo, policyNames} from '../sim/policies/index.js';
import {FIRST_WORKLOAD_PID} from './defaults.js';
import {describeValue, didYouMean, listOr} from './hints.js';
import {formatBytes, parseDuration, parseRate, parseSize, roundUpToPages} from './quantities.js';

export class Expected {
	constructor(
		readonly what: string,
		readonly hint?: string,
	) {}
}

export type Leaf<T> = z.ZodType<T, unknown>;

export function leaf<T>(parse: (value: unknown) => T | Expected): Leaf<T> {
	return z.unknown().transform((value, ctx): T => {
		const result = parse(value);
		if (result instanceof Expected) {
			const hint = result.hint ? ` (did you mean ${result.hint}?)` : '';
			ctx.addIssue({
				code: 'custom',
				continue: false,
				message: `expected ${result.what}, got ${describeValue(value)}${hint}`,
			});
			return z.NEVER;
		}
		return result;
	});
}

function range(min: number | undefined, max: number | undefined, what: string, minExclusive = false): string {
	if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
	if (min !== undefined) return minExclusive ? `${what} above ${min}` : `${what} of at least ${min}`;
	if (max !== undefined) return `${what} of at most ${max}`;
	return what;
}

export function int(min?: number, max?: number): Leaf<number> {
	const what = range(min, max, 'an integer');
	return leaf((v) =>
		typeof v === 'number' &&
		Number.isSafeInteger(v) &&
		(min === undefined || v >= min) &&
		(max === undefined || v <= max)
			? v
			: new Expected(what),
	);
}

export function num(
	min: number,
	max: number | undefined,
	options: {minExclusive?: boolean} = {},
): Leaf<number> {
	const what = range(min, max, 'a number', options.minExclusive);
	return leaf((v) =>
		typeof v === 'number' &&
		Number.isFinite(v) &&
		(options.minExclusive ? v > min : v >= min) &&
		(max === undefined || v <= max)
			? v
			: new Expected(what),
	);
}

export function oneOf<const T extends string | number>(values: readonly T[], what?: string): Leaf<T> {
	const expected = what ?? listOr(values);
	return leaf((v) => {
		if ((values as readonly unknown[]).includes(v)) return v as T;
		const hint = typeof v === 'string' ? didYouMean(v, values.map(String)) : undefined;
		return new Expected(expected, hint);
	});
}

export const bool: Leaf<boolean> = leaf((v) => (typeof v === 'boolean' ? v : new Expected('true or false')));

export function text(what: string, pattern: RegExp, maxLength: number): Leaf<string> {
	return leaf((v) =>
		typeof v === 'string' && v.length <= maxLength && pattern.test(v) ? v : new Expected(what),
	);
}

export const SIZE_FORMS = 'a size like 512M, 4G or 64K (or a number of bytes)';

/** A size in bytes, rounded up (away from zero) to whole pages. */
export function size(
	options: {min?: number; max?: number; allowZero?: boolean; signed?: boolean} = {},
): Leaf<number> {
	return leaf((v) => {
		const bytes = parseSize(v);
		if (bytes === undefined)
			return new Expected(options.signed ? `${SIZE_FORMS}, or a negative size` : SIZE_FORMS);
		if (bytes === 0 && !options.allowZero) return new Expected('a size above 0');
		if (bytes < 0 && !options.signed)
			return new Expected(options.allowZero ? 'a size of at least 0' : 'a size above 0');
		if (options.min !== undefined && bytes < options.min)
			return new Expected(`a size of at least ${formatBytes(options.min)}`);
		if (options.max !== undefined && bytes > options.max)
			return new Expected(`a size of at most ${formatBytes(options.max)}`);
		return roundUpToPages(bytes);
	});
}

const DURATION_FORMS = 'a duration like 30s, 2m, 1h or 500ms (or a number of seconds)';

export function duration(options: {positive: boolean}): Leaf<number> {
	return leaf((v) => {
		const seconds = parseDuration(v);
		if (seconds === undefined) return new Expected(DURATION_FORMS);
		if (options.positive ? seconds <= 0 : seconds < 0)
			return new Expected(options.positive ? 'a duration above 0s' : 'a duration of at least 0s');
		return seconds;
	});
}

export const rate: Leaf<number> = leaf((v) => {
	const bytes = parseRate(v);
	if (bytes === undefined) return new Expected('a rate like 20M/s (bytes per second)');
	if (bytes <= 0) return new Expected('a rate above 0');
	return Math.round(bytes);
});

export const pid: Leaf<number> = leaf((v) =>
	typeof v === 'number' && Number.isSafeInteger(v) && v > 0
		? v
		: new Expected(
				`a pid (an integer: workload processes get pids from ${FIRST_WORKLOAD_PID} in the order they are listed)`,
			),
);

export const regionName = text(
	'a name of letters, digits and _ . - [ ] (at most 32)',
	/^[A-Za-z0-9_.[\]-]+$/,
	32,
);
export const processName = text(
	'a process name of letters, digits and _ . - : (at most 15, as comm)',
	/^[A-Za-z0-9_.:-]+$/,
	15,
);
export const objectName = text(
	'an object name without spaces or control characters (at most 255)',
	/^[^\s\p{Cc}]+$/u,
	255,
);
export const workloadName = text('a name of letters, digits and _ . - (at most 64)', /^[A-Za-z0-9_.-]+$/, 64);
/** A note is one paragraph: YAML's folded lines and runs of blanks become single spaces. */
export const descriptionText = leaf((v) =>
	typeof v === 'string' && !/\p{Cc}/u.test(v.trim()) && v.length <= 1000
		? v.trim()
		: new Expected('one line of text without control characters (at most 1000 characters)'),
);

export const policy: Leaf<string> = leaf((v) => {
	if (typeof v !== 'string' || !/^[a-z0-9-]+$/.test(v))
		return new Expected('a policy name (lowercase letters, digits and -)');
	// The registry may still be empty while policies are being written; check membership once it is not.
	const names = policyNames({includeTraceOnly: false});
	if (names.length > 0 && !names.includes(v)) {
		if (policyInfo(v)?.traceOnly)
			return new Expected(
				`a policy the machine can run (${v} needs the future, so only the trace lab runs it)`,
			);
		return new Expected(`one of the policies ${listOr(names)}`, didYouMean(v, names));
	}
	return v;
});
// ---------------------------------------------------------------------------------------------------
// Containers: strict objects (unknown keys are errors, with a did-you-mean hint) and lists.

export function strict<S extends z.ZodRawShape>(shape: S, what: string) {
	const keys = Object.keys(shape);
	return z.strictObject(shape, {
		error: (issue) => {
			if (issue.code === 'unrecognized_keys') {
				// load.ts reports the first unknown key at its own line; the message is about that key.
				const key = issue.keys[0] ?? '';
				const hint = didYouMean(key, keys);
				return hint ? `unknown key (did you mean ${hint}?)` : `unknown key (expected one of ${listOr(keys)})`;
			}
			if (issue.code === 'invalid_type') return `expected ${what}, got ${describeValue(issue.input)}`;
			return undefined;
		},
	});
}

export function list<T extends z.ZodType>(item: T, what: string, min = 0) {
	const schema = z.array(item, {
		error: (issue) =>
			issue.code === 'invalid_type'
				? `expected a list of ${what}, got ${describeValue(issue.input)}`
				: undefined,
	});
	return min > 0
		? schema.min(min, {error: () => `expected at least ${min} of ${what}, got an empty list`})
		: schema;
}
