// The core stays in files a reader can hold: one kernel idea per file, no file over 400 lines,
// machine.ts (the wiring and the order of a tick) under 300, and no function over 80 lines.
import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import ts from 'typescript';
import {describe, expect, it} from 'vitest';

const SIM = new URL('../../source/sim/', import.meta.url).pathname;

function files(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
		e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
	);
}

const sources = files(SIM).map((path) => ({name: relative(SIM, path), text: readFileSync(path, 'utf8')}));
const lines = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

describe('source/sim layout', () => {
	it('has no file over 400 lines, and machine.ts under 300', () => {
		const long = sources.filter((f) => lines(f.text) > 400).map((f) => `${f.name}: ${lines(f.text)}`);
		expect(long).toEqual([]);
		expect(lines(sources.find((f) => f.name === 'machine.ts')!.text)).toBeLessThan(300);
	});

	it('has no function over 80 lines', () => {
		const long: string[] = [];
		for (const f of sources) {
			const src = ts.createSourceFile(f.name, f.text, ts.ScriptTarget.Latest, true);
			const visit = (node: ts.Node): void => {
				if (ts.isFunctionLike(node) && 'body' in node && node.body) {
					const from = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
					const to = src.getLineAndCharacterOfPosition(node.getEnd()).line;
					const name = node.name?.getText(src) ?? '(anonymous)';
					if (to - from + 1 > 80) long.push(`${f.name}:${from + 1} ${name}: ${to - from + 1} lines`);
				}
				ts.forEachChild(node, visit);
			};
			visit(src);
		}
		expect(long).toEqual([]);
	});
});
