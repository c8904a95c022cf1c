// Every input `npm run fuzz` found failing (saved under test/fuzz/regressions/, one FuzzCase per
// file), replayed: each must now be a clean refusal or accepted and bounded.
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {
	FAILING,
	type FuzzCase,
	REGRESSIONS_DIR,
	removeScratch,
	resolveArgv,
	runCase,
	TEST_OPTIONS,
} from './harness.js';

const files = readdirSync(REGRESSIONS_DIR).filter((f) => f.endsWith('.json'));

afterAll(removeScratch);

describe('fuzz regressions', () => {
	it.each(files)('%s', async (file) => {
		const saved = JSON.parse(readFileSync(join(REGRESSIONS_DIR, file), 'utf8')) as {case: FuzzCase};
		const r = await runCase(resolveArgv(saved.case), TEST_OPTIONS);
		expect(FAILING.has(r.outcome), `${r.outcome}: ${r.detail}`).toBe(false);
	});

	it('a negative size alone is an unknown option, not two short flags', async () => {
		const r = await runCase({kind: 'argv', how: '', argv: ['run', '-5M', '--headless']}, TEST_OPTIONS);
		expect(r).toMatchObject({outcome: 'refused', detail: 'run: unknown option -5M (see memtop run --help)'});
		const t = await runCase({kind: 'argv', how: '', argv: ['trace', '-', '-5M']}, TEST_OPTIONS);
		expect(t.outcome).toBe('refused');
		expect(t.detail).toMatch(/^unknown option '-5M' \(accepted: /);
	});
});
