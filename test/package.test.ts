// The packed package (`npm pack`) is what `npx memtop` runs: it must hold the built binary, every
// shipped workload and trace, and nothing whose absence breaks it at run time (a built file that
// imports a dev dependency would work here and fail for every user of the package).
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	version: string;
	bin: Record<string, string>;
	dependencies: Record<string, string>;
	scripts: Record<string, string>;
};

function packedFiles(): string[] {
	// --ignore-scripts: npm test has just built dist; prepack would build it again.
	const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	return (JSON.parse(out) as {files: {path: string}[]}[])[0]!.files.map((f) => f.path);
}

describe.skipIf(!existsSync(join(root, 'dist/cli.js')))('the packed package', () => {
	const files = packedFiles();

	it('holds the binary, every shipped workload and trace, and no sources or tests', () => {
		expect(files).toContain(pkg.bin.memtop!.replace(/^\.\//, ''));
		for (const w of readdirSync(join(root, 'workloads'))) expect(files).toContain(`workloads/${w}`);
		for (const t of readdirSync(join(root, 'traces'))) expect(files).toContain(`traces/${t}`);
		expect(files.filter((f) => f.startsWith('source/') || f.startsWith('test/'))).toEqual([]);
		expect(readFileSync(join(root, 'dist/cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
		// A package built from a fresh clone: pack builds first.
		expect(pkg.scripts.prepack).toMatch(/build/);
	});

	it('imports at run time only its own files, node: modules and its dependencies', () => {
		const deps = new Set(Object.keys(pkg.dependencies));
		const bad: string[] = [];
		for (const f of files.filter((p) => p.endsWith('.js'))) {
			const text = readFileSync(join(root, f), 'utf8');
			for (const m of text.matchAll(
				/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
			)) {
				const spec = (m[1] ?? m[2])!;
				if (spec.startsWith('.') || spec.startsWith('node:')) continue;
				const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
				if (!deps.has(name)) bad.push(`${f}: ${spec}`);
			}
		}
		expect(bad).toEqual([]);
	});

	it('memtop --version prints the package version', () => {
		const r = spawnSync('node', [join(root, 'dist/cli.js'), '--version'], {encoding: 'utf8'});
		expect(r.status).toBe(0);
		expect(r.stdout.trim()).toBe(pkg.version);
	});
});
