// The layers of docs/architecture.md, checked on the import statements of source/** (static, dynamic
// and re-exports, type-only ones marked as such).
import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

const root = fileURLToPath(new URL('../../source/', import.meta.url));

interface Edge {
	from: string;
	/** A source file relative to source/ (without extension), or a package / node: name. */
	to: string;
	typeOnly: boolean;
	internal: boolean;
}

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
		e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
	);
}

const noExt = (p: string): string => p.replace(/\.(js|jsx|ts|tsx)$/, '');

/** Every import of one file's text (comments stripped so that an example in prose is not an edge). */
function importsOf(text: string): {specifier: string; typeOnly: boolean}[] {
	const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
	const out: {specifier: string; typeOnly: boolean}[] = [];
	const statement = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g;
	for (let m = statement.exec(code); m; m = statement.exec(code)) {
		// `import {type A, type B} from` is type-only too.
		const names = m[3] ?? '';
		const allTypes =
			!!m[2] ||
			(/^\{[^}]*\}$/.test(names.trim()) &&
				names
					.replace(/[{}]/g, '')
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean)
					.every((s) => s.startsWith('type ')));
		out.push({specifier: m[4]!, typeOnly: allTypes});
	}
	const bare = /(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
	for (let m = bare.exec(code); m; m = bare.exec(code)) out.push({specifier: m[1]!, typeOnly: false});
	const dynamic = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
	for (let m = dynamic.exec(code); m; m = dynamic.exec(code)) {
		// `import('x').T` in a type position is a type.
		const after = code.slice(m.index + m[0].length, m.index + m[0].length + 1);
		out.push({specifier: m[1]!, typeOnly: after === '.'});
	}
	return out;
}

function edges(): Edge[] {
	return sourceFiles(root).flatMap((file) => {
		const from = noExt(relative(root, file));
		return importsOf(readFileSync(file, 'utf8')).map(({specifier, typeOnly}) => {
			const internal = specifier.startsWith('.');
			const to = internal ? noExt(relative(root, resolve(dirname(file), specifier))) : specifier;
			return {from, to, typeOnly, internal};
		});
	});
}

const all = edges();
/**
 * Modules of sim/ a view may import as values: constants, conversions and the pressure keys' process
 * templates (plain data). None has state; none can step or change a machine (the point of "view
 * imports sim only as types").
 */
const PURE_SIM = ['sim/units', 'sim/templates'];
const layer = (path: string): string => path.split('/')[0]!;
const show = (e: Edge): string => `${e.from} -> ${e.to}${e.typeOnly ? ' (type)' : ''}`;

describe('import edges (docs/architecture.md)', () => {
	it('reads imports of every kind, and finds the ones we know are there', () => {
		expect(importsOf("import type {A} from './a.js';\nimport {type B, type C} from '../b.js';")).toEqual([
			{specifier: './a.js', typeOnly: true},
			{specifier: '../b.js', typeOnly: true},
		]);
		expect(
			importsOf("import {x, type Y} from 'z';\nexport {q} from './q.js';\nawait import('./d.js');"),
		).toEqual([
			{specifier: 'z', typeOnly: false},
			{specifier: './q.js', typeOnly: false},
			{specifier: './d.js', typeOnly: false},
		]);
		expect(importsOf("let t: import('./m.js').Machine;\n// import {x} from './comment.js';")).toEqual([
			{specifier: './m.js', typeOnly: true},
		]);
		expect(all.some((e) => e.from === 'cli' && e.to === 'cli/run')).toBe(true);
	});

	it('sim/ imports only sim/: no packages, no node:*', () => {
		expect(
			all.filter((e) => layer(e.from) === 'sim' && (!e.internal || layer(e.to) !== 'sim')).map(show),
		).toEqual([]);
	});

	it('common/ imports only common/ and node:*', () => {
		expect(
			all
				.filter(
					(e) =>
						layer(e.from) === 'common' && (e.internal ? layer(e.to) !== 'common' : !e.to.startsWith('node:')),
				)
				.map(show),
		).toEqual([]);
	});

	it('view/ and text/ import sim/ only as types (and its units), and nothing of cli/, record/, workload/, trace/ or app', () => {
		const bad = all.filter(
			(e) =>
				['view', 'text'].includes(layer(e.from)) &&
				e.internal &&
				((layer(e.to) === 'sim' && !e.typeOnly && !PURE_SIM.includes(e.to)) ||
					['cli', 'record', 'workload', 'trace', 'app', 'cli.tsx'].includes(layer(e.to))),
		);
		expect(bad.map(show)).toEqual([]);
	});

	it('text/ imports only text/, common/, sim/ types and units', () => {
		const bad = all.filter(
			(e) =>
				layer(e.from) === 'text' &&
				(!e.internal ||
					!(
						['text', 'common'].includes(layer(e.to)) ||
						(layer(e.to) === 'sim' && (e.typeOnly || PURE_SIM.includes(e.to)))
					)),
		);
		expect(bad.map(show)).toEqual([]);
	});

	it('only app imports view/', () => {
		const bad = all.filter(
			(e) => e.internal && layer(e.to) === 'view' && !['view', 'app'].includes(layer(e.from)),
		);
		expect(bad.map(show)).toEqual([]);
	});

	it('nothing imports cli/ but cli/ itself and the entry point', () => {
		const bad = all.filter(
			(e) => e.internal && (layer(e.to) === 'cli' || e.to === 'cli') && !['cli'].includes(layer(e.from)),
		);
		expect(bad.map(show)).toEqual([]);
	});

	it('record/, workload/, trace/ and session/ stay below the interface: no view, app or cli', () => {
		const bad = all.filter(
			(e) =>
				e.internal &&
				['record', 'workload', 'trace', 'session'].includes(layer(e.from)) &&
				['view', 'app', 'cli'].includes(layer(e.to)),
		);
		expect(bad.map(show)).toEqual([]);
	});

	it('workload/ and record/ do not import session/ (sessions are built on recordings, not the reverse)', () => {
		const bad = all.filter(
			(e) => e.internal && ['record', 'workload'].includes(layer(e.from)) && layer(e.to) === 'session',
		);
		expect(bad.map(show)).toEqual([]);
	});

	it('no import circles (among imports that exist at run time: type-only ones are erased)', () => {
		const next = new Map<string, string[]>();
		for (const e of all) if (e.internal && !e.typeOnly) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
		const state = new Map<string, 'open' | 'done'>();
		const circles: string[] = [];
		const path: string[] = [];
		const visit = (n: string): void => {
			if (state.get(n) === 'done') return;
			if (state.get(n) === 'open') {
				circles.push([...path.slice(path.indexOf(n)), n].join(' -> '));
				return;
			}
			state.set(n, 'open');
			path.push(n);
			for (const m of next.get(n) ?? []) visit(m);
			path.pop();
			state.set(n, 'done');
		};
		for (const n of [...next.keys()].sort()) visit(n);
		expect(circles).toEqual([]);
	});
});
