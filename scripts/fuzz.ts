// npm run fuzz [-- --cases N] [--seed S] [--kind workload|recording|trace|argv]: hostile inputs
// through memtop's real entry functions (test/fuzz/harness.ts), with counts per outcome. Every case
// that is a stack trace, a hang or over budget is saved under test/fuzz/regressions/, which
// `npm test` replays. Exit status 1 when any was found.
import {createHash} from 'node:crypto';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import fc from 'fast-check';
import {
	anyCase,
	argvCase,
	FAILING,
	FUZZ_OPTIONS,
	type FuzzCase,
	OUTCOME_NAMES,
	OUTCOMES,
	type Outcome,
	REGRESSIONS_DIR,
	recordingCase,
	resolveArgv,
	runCase,
	traceCase,
	workloadCase,
} from '../test/fuzz/harness.js';

function flag(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	if (i >= 0) return process.argv[i + 1];
	const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
	return eq?.slice(name.length + 3);
}

function usage(message: string): never {
	process.stderr.write(
		`fuzz: ${message}\nusage: npm run fuzz -- [--cases N] [--seed S] [--kind workload|recording|trace|argv] [--minutes M]\n`,
	);
	process.exit(2);
}

const cases = Number(flag('cases') ?? 10_000);
const seed = Number(flag('seed') ?? 1);
const minutes = Number(flag('minutes') ?? Number.POSITIVE_INFINITY);
if (!Number.isSafeInteger(cases) || cases < 1) usage(`--cases: expected a positive whole number`);
if (!Number.isSafeInteger(seed)) usage(`--seed: expected a whole number`);
if (!(minutes > 0)) usage('--minutes: expected a positive number');
const kinds = {workload: workloadCase, recording: recordingCase, trace: traceCase, argv: argvCase};
const kind = flag('kind');
if (kind !== undefined && !(kind in kinds)) usage(`--kind: expected one of ${Object.keys(kinds).join(', ')}`);
const arbitrary = kind ? kinds[kind as keyof typeof kinds] : anyCase;

const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
const byKind: Record<string, Record<Outcome, number>> = {};
const failures: {file: string; outcome: Outcome; how: string; detail: string}[] = [];
const started = performance.now();
let slowest = {ms: 0, how: ''};
let done = 0;
for (let i = 0; i < cases; i++) {
	if ((performance.now() - started) / 60_000 > minutes) break;
	const [generated] = fc.sample(arbitrary, {seed: seed * 1_000_003 + i, numRuns: 1});
	const c = resolveArgv(generated as FuzzCase);
	const r = await runCase(c, FUZZ_OPTIONS);
	done++;
	counts[r.outcome]++;
	byKind[c.kind] ??= Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
	byKind[c.kind]![r.outcome]++;
	if (r.ms > slowest.ms) slowest = {ms: r.ms, how: `${c.kind}: ${c.how}`};
	if (FAILING.has(r.outcome)) {
		mkdirSync(REGRESSIONS_DIR, {recursive: true});
		const id = createHash('sha256').update(JSON.stringify(generated)).digest('hex').slice(0, 12);
		const file = join(REGRESSIONS_DIR, `${c.kind}-${r.outcome}-${id}.json`);
		writeFileSync(
			file,
			`${JSON.stringify({outcome: r.outcome, detail: r.detail.split('\n')[0], case: generated}, null, '\t')}\n`,
		);
		failures.push({file, outcome: r.outcome, how: c.how, detail: r.detail});
		process.stderr.write(
			`\n${OUTCOME_NAMES[r.outcome]}: ${c.kind}: ${c.how}\n  ${r.detail.split('\n').slice(0, 6).join('\n  ')}\n  saved to ${file}\n`,
		);
	}
	if (process.stderr.isTTY && i % 10 === 0) process.stderr.write(`\r${i + 1}/${cases}`);
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
	`\n${done} cases (seed ${seed}) in ${seconds.toFixed(1)} s; slowest ${(slowest.ms / 1000).toFixed(2)} s (${slowest.how.slice(0, 120)})\n`,
);
for (const o of OUTCOMES) process.stdout.write(`  ${OUTCOME_NAMES[o].padEnd(22)} ${counts[o]}\n`);
for (const [k, c] of Object.entries(byKind))
	process.stdout.write(`  ${k.padEnd(10)} ${OUTCOMES.map((o) => `${o} ${c[o]}`).join(', ')}\n`);
if (failures.length > 0) {
	process.stdout.write(`${failures.length} failing inputs, saved under ${REGRESSIONS_DIR}:\n`);
	for (const f of failures)
		process.stdout.write(`  ${f.file}: ${OUTCOME_NAMES[f.outcome]}: ${f.how.slice(0, 100)}\n`);
}
process.exit(failures.length > 0 ? 1 : 0);
