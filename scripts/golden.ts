// Golden outputs: the behaviour-freeze of the core. Runs the built CLI on every shipped workload
// (seeds 1, 2, 3), every policy on thrash, and a recorded run of test/golden/commands.yaml (every
// command kind), and keeps the SHA-256 of each output plus the recording's checkpoint hashes in
// test/golden/golden.json. test/golden/golden.test.ts checks the quick set on every `npm test`;
// `npm run golden -- --check` checks the full (300 s) set.
//
//   npm run golden -- --check     compare against golden.json (exit 1 on any difference)
//   npm run golden -- --write     regenerate golden.json: ONLY when behaviour changes on purpose
//                                 (a new kernel rule, a fixed bug), in the same commit as the change,
//                                 saying in the commit message why the outputs moved.
//   npm run golden -- --write 'commands text' ...
//                                 regenerate only the named cases (in both sets), keeping the rest:
//                                 for a change that moves some outputs only (the headless text).
import {execFile} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {type GoldenCase, type GoldenFile, goldenCases} from '../test/golden/cases.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const goldenPath = join(root, 'test/golden/golden.json');

function run(args: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			[join(root, 'dist/cli.js'), ...args],
			{cwd: root, maxBuffer: 1 << 30, env: {...process.env, NO_COLOR: '1'}},
			(error, stdout, stderr) =>
				error ? reject(new Error(`${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
		);
	});
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

/** One case's fingerprint: the output's hash, or for a recording the checkpoint hashes in order. */
export async function fingerprint(c: GoldenCase): Promise<string> {
	if (c.record) {
		const dir = mkdtempSync(join(tmpdir(), 'memtop-golden-'));
		try {
			const file = join(dir, 'run.memtop.jsonl');
			await run([...c.args, '--record', file]);
			const hashes: string[] = [];
			for (const line of readFileSync(file, 'utf8').split('\n')) {
				const m = /^\{"t":(\d+),"(checkpoint|end)":\{"hash":"([0-9a-f]+)"/.exec(line);
				if (m) hashes.push(`${m[1]}:${m[3]}`);
			}
			return hashes.join(' ');
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	}
	return sha(await run(c.args));
}

export async function fingerprints(cases: GoldenCase[], jobs = 2): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	let next = 0;
	await Promise.all(
		Array.from({length: jobs}, async () => {
			while (next < cases.length) {
				const c = cases[next++] as GoldenCase;
				out[c.name] = await fingerprint(c);
			}
		}),
	);
	return Object.fromEntries(cases.map((c) => [c.name, out[c.name] as string]));
}

async function main(): Promise<void> {
	const mode = process.argv[2];
	if (mode !== '--check' && mode !== '--write') {
		console.error('usage: npm run golden -- --check | --write');
		process.exit(2);
	}
	const started = Date.now();
	const only = process.argv.slice(3);
	if (only.length && mode === '--write') {
		const known = new Set(goldenCases('full').map((c) => c.name));
		const unknown = only.filter((n) => !known.has(n));
		if (unknown.length) {
			console.error(`no golden case named ${unknown.map((n) => `'${n}'`).join(', ')}`);
			process.exit(2);
		}
		const file = JSON.parse(readFileSync(goldenPath, 'utf8')) as GoldenFile;
		for (const set of ['quick', 'full'] as const) {
			const cases = goldenCases(set).filter((c) => only.includes(c.name));
			Object.assign(file[set], await fingerprints(cases));
		}
		writeFileSync(goldenPath, `${JSON.stringify(file, null, '\t')}\n`);
		console.log(`rewrote ${only.join(', ')} in ${goldenPath}`);
		return;
	}
	const file: GoldenFile = {
		quick: await fingerprints(goldenCases('quick')),
		full: await fingerprints(goldenCases('full')),
	};
	if (mode === '--write') {
		// Say which outputs moved, so the commit can say why each did.
		const before = JSON.parse(readFileSync(goldenPath, 'utf8')) as GoldenFile;
		for (const set of ['quick', 'full'] as const) {
			for (const [name, got] of Object.entries(file[set]))
				if (before[set][name] !== got) console.log(`${set} ${name}: changed`);
		}
		writeFileSync(goldenPath, `${JSON.stringify(file, null, '\t')}\n`);
		console.log(
			`wrote ${goldenPath} (${Object.keys(file.quick).length + Object.keys(file.full).length} cases, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
		);
		return;
	}
	const want = JSON.parse(readFileSync(goldenPath, 'utf8')) as GoldenFile;
	let bad = 0;
	for (const set of ['quick', 'full'] as const) {
		for (const [name, got] of Object.entries(file[set])) {
			if (want[set][name] !== got) {
				bad++;
				console.log(`${set} ${name}: differs`);
			}
		}
	}
	console.log(
		bad
			? `${bad} golden outputs differ`
			: `all golden outputs identical (${((Date.now() - started) / 1000).toFixed(1)} s)`,
	);
	process.exit(bad ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
