// Flag parsing for every subcommand: meow does the parsing, we keep control of exiting, so a bad
// flag is one line and exit code 2 instead of meow's process.exit.
import meow from 'meow';
import {UserError} from '../common/user-error.js';
import type {CommandIo} from './io.js';

type FlagType = 'string' | 'number' | 'boolean';
export interface FlagSpec {
	type: FlagType;
	shortFlag?: string;
	default?: string | number | boolean;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export interface ParsedArgs<F extends Record<string, FlagSpec>> {
	input: string[];
	flags: {
		[K in keyof F]: F[K]['type'] extends 'number'
			? number | undefined
			: F[K]['type'] extends 'boolean'
				? boolean | undefined
				: string | undefined;
	};
}

/** Parse argv; returns undefined after printing --help. Unknown flags and malformed numbers throw UserError. */
export function parseArgs<F extends Record<string, FlagSpec>>(
	command: string,
	help: string,
	argv: readonly string[],
	io: CommandIo,
	flags: F,
): ParsedArgs<F> | undefined {
	const known = new Set<string>(['--help', '-h']);
	for (const [name, spec] of Object.entries(flags)) {
		known.add(`--${kebab(name)}`);
		known.add(`--${name}`);
		if (spec.type === 'boolean') known.add(`--no-${kebab(name)}`);
		if (spec.shortFlag) known.add(`-${spec.shortFlag}`);
	}
	const separator = argv.indexOf('--');
	const head = separator === -1 ? argv : argv.slice(0, separator);
	const takesValue = new Set<string>();
	for (const [name, spec] of Object.entries(flags))
		if (spec.type !== 'boolean') for (const f of [`--${kebab(name)}`, `--${name}`]) takesValue.add(f);
	for (const [i, arg] of head.entries()) {
		// A negative number is an argument (meow reads it so); -5M or -1e5 alone would be read as short
		// flags. After a flag that takes a value, it is that value (checked below).
		if (!arg.startsWith('-') || arg === '-' || /^-\d+(\.\d+)?$/.test(arg)) continue;
		if (/^-\d/.test(arg) && i > 0 && takesValue.has(head[i - 1]!)) continue;
		const name = arg.split('=')[0]!;
		if (!known.has(name))
			throw new UserError(`${command}: unknown option ${name} (see memtop ${command} --help)`);
	}
	// A flag given twice is a mistake to point out, not to resolve silently (meow would throw).
	const given = new Map<string, number>();
	for (const arg of head) {
		const flag = arg.split('=', 1)[0]!;
		for (const [name, spec] of Object.entries(flags)) {
			const forms = [`--${kebab(name)}`, `--${name}`, ...(spec.shortFlag ? [`-${spec.shortFlag}`] : [])];
			if (spec.type === 'boolean') forms.push(`--no-${kebab(name)}`);
			if (forms.includes(flag)) given.set(name, (given.get(name) ?? 0) + 1);
		}
	}
	for (const [name, times] of given) {
		if (times > 1)
			throw new UserError(
				`${command}: --${kebab(name)} given ${times} times; give it once (see memtop ${command} --help)`,
			);
	}
	// String flags need their value: "--policies" at the end, or before another flag, is not a list.
	for (const [name, spec] of Object.entries(flags)) {
		if (spec.type !== 'string') continue;
		const forms = [`--${kebab(name)}`, `--${name}`, ...(spec.shortFlag ? [`-${spec.shortFlag}`] : [])];
		head.forEach((arg, i) => {
			const [flag, inline] = arg.split('=', 2);
			if (!forms.includes(flag!)) return;
			const value = inline ?? head[i + 1];
			if (
				value === undefined ||
				value.trim() === '' ||
				(inline === undefined && value.startsWith('-') && value !== '-')
			)
				throw new UserError(
					`${command}: --${kebab(name)} expects a value, got ${value === undefined ? 'nothing' : `'${value}'`}`,
				);
		});
	}
	// Number flags: check the raw text ourselves so "--seed abc" names the flag and the value.
	for (const [name, spec] of Object.entries(flags)) {
		if (spec.type !== 'number') continue;
		const forms = [`--${kebab(name)}`, `--${name}`, ...(spec.shortFlag ? [`-${spec.shortFlag}`] : [])];
		head.forEach((arg, i) => {
			const [flag, inline] = arg.split('=', 2);
			if (!forms.includes(flag!)) return;
			const value = inline ?? head[i + 1];
			if (value === undefined || value.trim() === '' || !Number.isFinite(Number(value))) {
				throw new UserError(
					`${command}: --${kebab(name)} expects a number, got ${value === undefined ? 'nothing' : `'${value}'`}`,
				);
			}
		});
	}
	const cli = meow(help, {
		importMeta: import.meta,
		argv,
		autoHelp: false,
		autoVersion: false,
		allowUnknownFlags: true,
		description: false,
		pkg: {name: 'memtop'},
		flags: {help: {type: 'boolean', shortFlag: 'h'}, ...(flags as Record<string, never>)},
	});
	if (cli.flags.help) {
		io.stdout.write(`${help.replace(/^\n/, '')}\n`);
		return undefined;
	}
	return {input: cli.input, flags: cli.flags as ParsedArgs<F>['flags']};
}
