// The fuzz harness (issue 15): hostile workloads, recordings, traces and argument vectors, each run
// through memtop's real entry functions in this process, and each classified:
//   refused   a UserError with one line and exit code 2 (a clean refusal)
//   bounded   accepted, and ran within the time and memory bounds
//   internal  any other exception, or a UserError that is not one line with exit 2 (a stack trace)
//   hang      took longer than the per-case wall bound
//   over      accepted, but used more host memory or CPU than the budget allows
// Used by test/fuzz/*.test.ts (a few hundred seeded cases) and scripts/fuzz.ts (`npm run fuzz`).
// No vitest imports here: the script runs outside vitest.

import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough, Readable} from 'node:stream';
import {gzipSync} from 'node:zlib';
import fc from 'fast-check';
import YAML from 'yaml';
import {replayCommand} from '../../source/cli/replay.js';
import {runCommand} from '../../source/cli/run.js';
import {runsCommand} from '../../source/cli/runs.js';
import {traceCommand} from '../../source/cli/trace.js';
import {validateCommand} from '../../source/cli/validate.js';
import {workloadsCommand} from '../../source/cli/workloads.js';
import {UserError} from '../../source/common/user-error.js';
import {loadRecording} from '../../source/record/load.js';
import {Player} from '../../source/record/player.js';
import {JsonlRecorder} from '../../source/record/recorder.js';
import {CommandQueue, Stepper} from '../../source/record/stepper.js';
import {validateWorkload} from '../../source/record/validate.js';
import {Machine} from '../../source/sim/machine.js';
import {TICKS_PER_SECOND} from '../../source/sim/units.js';
import {BUDGET_USES, DEFAULT_LIMITS} from '../../source/workload/budget.js';
import {listShippedWorkloads, parseWorkload} from '../../source/workload/load.js';
import {group, MIB, workload} from '../helpers/workload.js';

export type Outcome = 'refused' | 'bounded' | 'internal' | 'hang' | 'over';
export const OUTCOMES: readonly Outcome[] = ['refused', 'bounded', 'internal', 'hang', 'over'];
export const OUTCOME_NAMES: Record<Outcome, string> = {
	refused: 'clean refusal',
	bounded: 'accepted and bounded',
	internal: 'stack trace',
	hang: 'hang',
	over: 'over budget',
};
/** The outcomes that are a bug: a regression case is saved for each. */
export const FAILING: ReadonlySet<Outcome> = new Set(['internal', 'hang', 'over']);

/** One case, as JSON (a regression file holds one). Bytes are base64. */
export type FuzzCase =
	| {kind: 'workload'; how: string; text: string}
	| {kind: 'recording'; how: string; bytes: string}
	| {kind: 'trace'; how: string; argv: string[]; stdin: string}
	| {kind: 'argv'; how: string; argv: string[]};

export interface Result {
	outcome: Outcome;
	detail: string;
	ms: number;
}

export interface HarnessOptions {
	/** Simulated seconds an accepted workload is run for. */
	simSeconds: number;
	/** Wall bound of one case, in ms: past it the case is a hang. */
	wallMs: number;
}

export const TEST_OPTIONS: HarnessOptions = {simSeconds: 0.5, wallMs: 10_000};
/** The issue's bound: 20 s of wall time for 5 simulated seconds. */
export const FUZZ_OPTIONS: HarnessOptions = {simSeconds: 2, wallMs: 20_000};

/**
 * Host CPU per simulated second an accepted run may use before it counts as over budget: the
 * budget's limit (1 host second per simulated second by default) with room for a shared machine.
 */
const CPU_SLACK = 4;

// --- the scratch directory: recordings, files named in argument vectors, the runs directory -----

interface Scratch {
	dir: string;
	recording: string;
	recordingBytes: Buffer;
	trace: string;
	fifo: string | null;
}

let scratch: Scratch | null = null;

const noIo = {stdout: {write: () => true}, stderr: {write: () => true}};

/** 48 MiB of RAM with swap and two processes: reclaim within a second, a small recording. */
export function fuzzWorkload() {
	return validateWorkload(
		JSON.parse(
			JSON.stringify(
				workload(
					[
						group('web', {count: 2, regions: [{name: 'heap', kind: 'anon', size: 20 * MIB}]}),
						group('db', {
							regions: [{name: 'data', kind: 'file', size: 16 * MIB, object: 'db'}],
							streams: [{region: 'data', pattern: 'zipf', weight: 1, write_ratio: 0.1}],
						}),
					],
					{ram: 48 * MIB, kernel: 8 * MIB, swap: {size: 32 * MIB, device: 'ssd'}},
					'fuzz',
				),
			),
		),
	);
}

/** Record 160 ticks of the fuzz workload with two commands, states every 40 ticks. */
function makeRecording(path: string): void {
	const machine = new Machine(fuzzWorkload(), {seed: 3});
	const recorder = JsonlRecorder.open({
		path,
		machine,
		hashInterval: 20,
		stateInterval: 40,
		keyInterval: 80,
		version: '0.0.0-fuzz',
		created: new Date('2026-12-01T00:00:00.000Z'),
	});
	const queue = new CommandQueue();
	const stepper = new Stepper(machine, {source: queue, recorder});
	while (machine.tick < 160) {
		if (machine.tick === 30) queue.push({kind: 'set-sysctl', name: 'swappiness', value: 100});
		if (machine.tick === 90) queue.push({kind: 'drop-caches', mode: 3});
		stepper.step();
	}
	recorder.closeSync(machine);
}

/** Remove the scratch directory (also done at exit; vitest's workers may not get there). */
export function removeScratch(): void {
	if (scratch) rmSync(scratch.dir, {recursive: true, force: true});
	scratch = null;
}

/** Made once per process; the runs directory is pointed into it so argument vectors record there. */
export function ensureScratch(): Scratch {
	if (scratch) return scratch;
	const dir = mkdtempSync(join(tmpdir(), 'memtop-fuzz-'));
	process.on('exit', removeScratch);
	process.env.XDG_STATE_HOME = join(dir, 'state');
	mkdirSync(process.env.XDG_STATE_HOME, {recursive: true});
	const recording = join(dir, 'base.memtop.jsonl');
	makeRecording(recording);
	const trace = join(dir, 'small.trace');
	writeFileSync(trace, '1,2,3,4,1,2,5,1,2,3,4,5\n');
	mkdirSync(join(dir, 'dir.yaml'));
	let fifo: string | null = null;
	try {
		// A FIFO: opening it would wait forever for a writer; every reader must refuse it first.
		execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
		fifo = join(dir, 'fifo.yaml');
	} catch {
		fifo = null;
	}
	scratch = {dir, recording, recordingBytes: readFileSync(recording), trace, fifo};
	return scratch;
}

// --- running a case --------------------------------------------------------------------------------

class Hang extends Error {}

/** A command that ends the process itself (meow does on a flag it does not know) is a bug too. */
class Exited extends Error {}

function classifyError(error: unknown): {outcome: Outcome; detail: string} {
	if (error instanceof Hang) return {outcome: 'hang', detail: error.message};
	if (error instanceof Exited) return {outcome: 'internal', detail: error.message};
	if (error instanceof UserError) {
		if (error.exitCode !== 2 || error.message.includes('\n') || error.message.length === 0)
			return {
				outcome: 'internal',
				detail: `a UserError that is not one line with exit 2 (exit ${error.exitCode}): ${JSON.stringify(error.message.slice(0, 300))}`,
			};
		return {outcome: 'refused', detail: error.message};
	}
	const text =
		error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
	return {outcome: 'internal', detail: text.slice(0, 2000)};
}

/** Steps `step` until `done`, throwing Hang past the deadline (checked every few steps). */
function boundedLoop(deadline: number, done: () => boolean, step: () => void, what: string): void {
	for (let n = 0; !done(); n++) {
		step();
		if (n % 8 === 0 && performance.now() > deadline) throw new Hang(`${what}: past the wall bound`);
	}
}

function hostBytes(): number {
	const m = process.memoryUsage();
	return m.heapUsed + m.arrayBuffers;
}

/** A workload's text: loaded as `memtop run --headless` would, then run for a few simulated seconds. */
function runWorkload(
	text: string,
	options: HarnessOptions,
	deadline: number,
): {outcome: Outcome; detail: string} {
	const w = parseWorkload(text, 'fuzz.yaml', {limits: DEFAULT_LIMITS, use: BUDGET_USES.headless});
	const before = hostBytes();
	const start = performance.now();
	const machine = new Machine(w, {seed: 1});
	const ticks = Math.round(options.simSeconds * TICKS_PER_SECOND);
	boundedLoop(
		deadline,
		() => machine.tick >= ticks,
		() => machine.step(),
		'workload run',
	);
	const seconds = (performance.now() - start) / 1000;
	const grown = hostBytes() - before;
	if (grown > DEFAULT_LIMITS.memory)
		return {outcome: 'over', detail: `grew host memory by ${grown} bytes (limit ${DEFAULT_LIMITS.memory})`};
	if (seconds > CPU_SLACK * DEFAULT_LIMITS.cpu * options.simSeconds + 0.5)
		return {
			outcome: 'over',
			detail: `${seconds.toFixed(2)} s of wall time for ${options.simSeconds} simulated s (budget ${DEFAULT_LIMITS.cpu} s/s)`,
		};
	return {outcome: 'bounded', detail: `${w.processes.length} groups, ${seconds.toFixed(2)} s`};
}

/** A recording's bytes: loaded as `memtop replay` would, replayed to its end, its states restored. */
function runRecording(bytes: Buffer, deadline: number): {outcome: Outcome; detail: string} {
	const {dir} = ensureScratch();
	const path = join(dir, 'case.memtop.jsonl');
	writeFileSync(path, bytes);
	const recording = loadRecording(path, 'case.memtop.jsonl');
	const notes: string[] = [];
	const player = new Player(recording, {
		onDivergence: (d) => notes.push(d.message),
		onProblem: (message) => notes.push(message),
	});
	boundedLoop(
		deadline,
		() => player.tick >= recording.endTick,
		() => player.step(),
		'replay',
	);
	player.arrive();
	// And a seek to every state, restoring it as the dashboard's seek would (a bad one is noted and
	// the seek goes from an earlier one).
	for (const c of recording.states) {
		if (performance.now() > deadline) throw new Hang('seeking: past the wall bound');
		player.seek(c.tick, {forceRestore: true});
	}
	return {outcome: 'bounded', detail: `${recording.endTick} ticks${notes.length ? `; ${notes[0]}` : ''}`};
}

function sink(): PassThrough {
	const s = new PassThrough();
	s.resume();
	return s;
}

async function runTrace(argv: string[], stdin: Buffer): Promise<{outcome: Outcome; detail: string}> {
	const code = await traceCommand(argv, {stdout: sink(), stderr: sink(), stdin: Readable.from([stdin])});
	return {outcome: 'bounded', detail: `exit ${code}`};
}

/** The dashboard, without a terminal: closes the session (and its recording) at once. */
const interactive = async (session: {close(): Promise<void>}): Promise<number> => {
	await session.close();
	return 0;
};

async function runArgv(argv: string[]): Promise<{outcome: Outcome; detail: string}> {
	const [first, ...rest] = argv;
	const io = noIo;
	let code: number;
	switch (first) {
		case 'run':
			code = await runCommand(rest, io, {interactive: interactive as never});
			break;
		case 'validate':
			code = await validateCommand(rest, io);
			break;
		case 'replay':
			code = await replayCommand(rest, io, {interactive: interactive as never});
			break;
		case 'runs':
			code = await runsCommand(rest, io);
			break;
		case 'workloads':
			code = await workloadsCommand(rest, io);
			break;
		case 'trace':
			code = await traceCommand(rest, {
				stdout: sink(),
				stderr: sink(),
				stdin: Readable.from([Buffer.from('1 2 3\n')]),
			});
			break;
		default:
			code = await runCommand(argv, io, {interactive: interactive as never});
	}
	return {outcome: 'bounded', detail: `exit ${code}`};
}

/** Run one case and classify it. Never throws. */
export async function runCase(c: FuzzCase, options: HarnessOptions): Promise<Result> {
	ensureScratch();
	const start = performance.now();
	const deadline = start + options.wallMs;
	let timer: NodeJS.Timeout | undefined;
	let r: {outcome: Outcome; detail: string};
	const exit = process.exit;
	process.exit = ((code?: number) => {
		throw new Exited(`process.exit(${code}) called by the command itself`);
	}) as typeof process.exit;
	try {
		const work = (async () => {
			switch (c.kind) {
				case 'workload':
					return runWorkload(c.text, options, deadline);
				case 'recording':
					return runRecording(Buffer.from(c.bytes, 'base64'), deadline);
				case 'trace':
					return runTrace(c.argv, Buffer.from(c.stdin, 'base64'));
				case 'argv':
					return runArgv(c.argv);
			}
		})();
		// Async work (traces, commands) yields: a timer catches what never finishes.
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(
				() => reject(new Hang(`${c.kind}: no answer within ${options.wallMs} ms`)),
				options.wallMs,
			);
		});
		work.catch(() => {});
		r = await Promise.race([work, timeout]);
		if (performance.now() > deadline) r = {outcome: 'hang', detail: `${c.kind}: took past the wall bound`};
	} catch (error) {
		r = classifyError(error);
	} finally {
		clearTimeout(timer);
		process.exit = exit;
	}
	return {...r, ms: performance.now() - start};
}

// --- generators ------------------------------------------------------------------------------------

const shipped = listShippedWorkloads();
const shippedTexts: string[] = shipped.map((s) => readFileSync(s.file, 'utf8'));

/** Values that break assumptions: huge, negative, fractional, the wrong type, sizes too big. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom(
		1e308,
		-1,
		0,
		-0.5,
		2 ** 53,
		2 ** 31,
		-(2 ** 63),
		Number.MAX_SAFE_INTEGER,
		0.1,
		'1024T',
		'9999999P',
		'-5M',
		'1e400',
		'NaN',
		'Infinity',
		'0x10',
		'',
		' ',
		'\u001b]0;PWNED\u0007',
		'\u202e',
		true,
		false,
		null,
		[],
		{},
		[1, 2, 3],
		{unknown: 1},
		'lru2',
		'zipf',
		'grow',
		'anon',
		'file',
	),
	fc.integer(),
	fc.double(),
	fc.string({maxLength: 40}),
	fc.string({minLength: 1000, maxLength: 5000}),
	fc.nat(60).map((n) => `${n}${'KMGTP'[n % 5]}`),
	fc.jsonValue({maxDepth: 3}),
);

type Json = unknown;

/** Every path to a value inside `doc`. */
function paths(
	doc: Json,
	at: (string | number)[] = [],
	out: (string | number)[][] = [],
): (string | number)[][] {
	out.push(at);
	if (Array.isArray(doc)) {
		for (const [i, v] of doc.entries()) paths(v, [...at, i], out);
	} else if (doc && typeof doc === 'object')
		for (const [k, v] of Object.entries(doc as Record<string, unknown>)) paths(v, [...at, k], out);
	return out;
}

function setAt(doc: Json, path: (string | number)[], value: unknown): Json {
	if (path.length === 0) return value;
	let node = doc as Record<string | number, unknown>;
	for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
	node[path[path.length - 1]!] = value;
	return doc;
}

function deleteAt(doc: Json, path: (string | number)[]): Json {
	if (path.length === 0) return doc;
	let node = doc as Record<string | number, unknown>;
	for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
	const last = path[path.length - 1]!;
	if (Array.isArray(node)) node.splice(last as number, 1);
	else delete node[last];
	return doc;
}

function nested(depth: number, leaf: unknown): unknown {
	let v = leaf;
	for (let i = 0; i < depth; i++) v = i % 2 ? {k: v} : [v];
	return v;
}

type Mutation =
	| {op: 'set'; pick: number; value: unknown}
	| {op: 'delete'; pick: number}
	| {op: 'unknown-key'; pick: number; key: string; value: unknown}
	| {op: 'nest'; pick: number; depth: number}
	| {op: 'repeat'; pick: number; times: number};

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	{weight: 5, arbitrary: fc.record({op: fc.constant('set' as const), pick: fc.nat(), value: hostileValue})},
	fc.record({op: fc.constant('delete' as const), pick: fc.nat()}),
	fc.record({
		op: fc.constant('unknown-key' as const),
		pick: fc.nat(),
		key: fc.oneof(fc.string({maxLength: 12}), fc.constantFrom('__proto__', 'constructor', '<<', 'prototype')),
		value: hostileValue,
	}),
	fc.record({op: fc.constant('nest' as const), pick: fc.nat(), depth: fc.integer({min: 2, max: 200})}),
	fc.record({op: fc.constant('repeat' as const), pick: fc.nat(), times: fc.integer({min: 2, max: 600})}),
);

function mutate(doc: Json, m: Mutation): {doc: Json; how: string} {
	const all = paths(doc);
	const path = all[m.pick % all.length]!;
	const where = path.join('.') || '(root)';
	switch (m.op) {
		case 'set':
			return {doc: setAt(doc, path, m.value), how: `set ${where}`};
		case 'delete':
			return {doc: deleteAt(doc, path), how: `delete ${where}`};
		case 'unknown-key': {
			const objects = all.filter((p) => {
				let node = doc as Record<string | number, unknown>;
				for (const k of p) node = node[k] as Record<string | number, unknown>;
				return node !== null && typeof node === 'object' && !Array.isArray(node);
			});
			const p = objects[m.pick % objects.length] ?? [];
			let node = doc as Record<string, unknown>;
			for (const k of p) node = node[k] as Record<string, unknown>;
			Object.defineProperty(node, m.key, {
				value: m.value,
				enumerable: true,
				writable: true,
				configurable: true,
			});
			return {doc, how: `unknown key at ${p.join('.') || '(root)'}`};
		}
		case 'nest': {
			let node = doc as Record<string | number, unknown>;
			for (const k of path) node = node[k] as Record<string | number, unknown>;
			return {doc: setAt(doc, path, nested(m.depth, node)), how: `nest ${where} ${m.depth} deep`};
		}
		case 'repeat': {
			// Grow the nearest array: many processes, regions, streams or events.
			const arrays = all.filter((p) => {
				let node = doc as Record<string | number, unknown>;
				for (const k of p) node = node[k] as Record<string | number, unknown>;
				return Array.isArray(node) && node.length > 0;
			});
			const p = arrays[m.pick % arrays.length];
			if (!p) return {doc, how: 'repeat (no array)'};
			let node = doc as Record<string | number, unknown>;
			for (const k of p) node = node[k] as Record<string | number, unknown>;
			const list = node as unknown as unknown[];
			const copy = JSON.stringify(list[0]);
			for (let i = 1; i < m.times; i++) list.push(JSON.parse(copy));
			return {doc, how: `repeat ${p.join('.')} ×${m.times}`};
		}
	}
}

/** A shipped workload's YAML with 1 to 4 structural mutations. */
const mutatedWorkload: fc.Arbitrary<FuzzCase> = fc
	.tuple(fc.nat(shipped.length - 1), fc.array(mutation, {minLength: 1, maxLength: 4}))
	.map(([i, ms]) => {
		let doc = YAML.parse(shippedTexts[i]!) as Json;
		const hows: string[] = [shipped[i]!.name];
		for (const m of ms) {
			const r = mutate(doc, m);
			doc = r.doc;
			hows.push(r.how);
		}
		let text: string;
		try {
			text = YAML.stringify(doc, {aliasDuplicateObjects: false});
		} catch {
			text = JSON.stringify(doc) ?? '';
		}
		return {kind: 'workload' as const, how: hows.join('; '), text};
	});

/** Text-level damage to a shipped workload: cut, spliced, characters flipped, YAML features. */
const textDamage = fc.oneof(
	fc.record({op: fc.constant('truncate' as const), at: fc.nat()}),
	fc.record({op: fc.constant('insert' as const), at: fc.nat(), text: fc.string({maxLength: 20})}),
	fc.record({
		op: fc.constant('flip' as const),
		at: fc.nat(),
		char: fc.constantFrom(
			':',
			'-',
			' ',
			'\t',
			'[',
			'{',
			'&',
			'*',
			'!',
			'|',
			'>',
			'%',
			'@',
			'`',
			'"',
			"'",
			'\n',
			'\0',
			'#',
		),
	}),
	fc.record({
		op: fc.constant('snippet' as const),
		at: fc.nat(),
		text: fc.constantFrom(
			'\n<<: *nope\n',
			'\nx: &a [1]\ny: *a\n',
			'\n!!binary aGVsbG8=\n',
			'\n? [complex, key]\n: value\n',
			'\n%YAML 1.1\n---\n',
			'\n---\nsecond: document\n',
			`\nz: ${'['.repeat(100)}${']'.repeat(100)}\n`,
			`\nlong: "${'x'.repeat(100_000)}"\n`,
			'\nram: !!float 1e400\n',
			'\n\uFEFF\n',
			'\n\u001b[2J\n',
		),
	}),
);

const damagedWorkload: fc.Arbitrary<FuzzCase> = fc
	.tuple(fc.nat(shipped.length - 1), fc.array(textDamage, {minLength: 1, maxLength: 3}))
	.map(([i, ds]) => {
		let text = shippedTexts[i]!;
		for (const d of ds) {
			const at = d.at % (text.length + 1);
			if (d.op === 'truncate') text = text.slice(0, at);
			else if (d.op === 'flip') text = text.slice(0, at) + d.char + text.slice(at + 1);
			else text = text.slice(0, at) + d.text + text.slice(at);
		}
		return {kind: 'workload' as const, how: `${shipped[i]!.name}: ${ds.map((d) => d.op).join(', ')}`, text};
	});

/** Random structure: any JSON as YAML, random text, an alias bomb, deep nesting. */
const randomWorkload: fc.Arbitrary<FuzzCase> = fc.oneof(
	fc
		.jsonValue({maxDepth: 6})
		.map((v) => ({kind: 'workload' as const, how: 'random JSON as YAML', text: YAML.stringify(v) ?? ''})),
	fc.string({maxLength: 400}).map((text) => ({kind: 'workload' as const, how: 'random text', text})),
	fc
		.record({
			ram: hostileValue,
			count: hostileValue,
			size: hostileValue,
			rate: hostileValue,
			pattern: hostileValue,
		})
		.map((r) => ({
			kind: 'workload' as const,
			how: 'machine-shaped',
			text: YAML.stringify({
				name: 'x',
				machine: {ram: r.ram, swap: {size: '64M'}},
				processes: [
					{
						name: 'p',
						count: r.count,
						rate: r.rate,
						regions: [{name: 'h', size: r.size}],
						streams: [{region: 'h', pattern: r.pattern}],
					},
				],
			}),
		})),
	fc.integer({min: 2, max: 9}).map((levels) => {
		const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
		for (let i = 1; i <= levels; i++)
			lines.push(
				`l${i}: &l${i} [${Array(10)
					.fill(i === 1 ? '*a' : `*l${i - 1}`)
					.join(', ')}]`,
			);
		return {kind: 'workload' as const, how: `alias bomb ${levels} levels`, text: lines.join('\n')};
	}),
	fc.integer({min: 60, max: 5000}).map((depth) => ({
		kind: 'workload' as const,
		how: `flow nesting ${depth}`,
		text: `name: x\nprocesses: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
	})),
	fc.integer({min: 60, max: 2000}).map((depth) => ({
		kind: 'workload' as const,
		how: `block nesting ${depth}`,
		text: Array.from({length: depth}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
	})),
);

export const workloadCase: fc.Arbitrary<FuzzCase> = fc.oneof(
	{weight: 4, arbitrary: mutatedWorkload},
	{weight: 2, arbitrary: damagedWorkload},
	{weight: 2, arbitrary: randomWorkload},
);

/** The base recording, damaged: cut at a byte, bits flipped, bytes spliced, numbers changed. */
const recordingDamage = fc.oneof(
	fc.record({op: fc.constant('truncate' as const), at: fc.nat()}),
	fc.record({op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7)}),
	fc.record({op: fc.constant('byte' as const), at: fc.nat(), value: fc.nat(255)}),
	fc.record({op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({min: 1, max: 200})}),
	fc.record({op: fc.constant('duplicate-line' as const), at: fc.nat()}),
	fc.record({op: fc.constant('drop-line' as const), at: fc.nat()}),
	fc.record({
		op: fc.constant('number' as const),
		at: fc.nat(),
		value: fc.constantFrom(
			'0',
			'-1',
			'1e308',
			'9007199254740993',
			'4294967296',
			'0.5',
			'"7"',
			'null',
			'[]',
			'{}',
			'2147483648',
		),
	}),
);

interface RecordingDamage {
	op: string;
	at: number;
	bit?: number;
	value?: number | string;
	length?: number;
}

function damageRecording(base: Buffer, ds: readonly RecordingDamage[]): {bytes: Buffer; how: string} {
	let bytes = Buffer.from(base);
	const hows: string[] = [];
	for (const d of ds) {
		const at = (d.at as number) % Math.max(1, bytes.length);
		switch (d.op) {
			case 'truncate':
				bytes = bytes.subarray(0, at);
				hows.push(`truncate at ${at}`);
				break;
			case 'flip':
				if (bytes.length) bytes[at] = bytes[at]! ^ (1 << (d.bit as number));
				hows.push(`flip bit ${d.bit as number} of byte ${at}`);
				break;
			case 'byte':
				if (bytes.length) bytes[at] = d.value as number;
				hows.push(`byte ${at} = ${d.value as number}`);
				break;
			case 'delete':
				bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + (d.length as number))]);
				hows.push(`delete ${d.length as number} at ${at}`);
				break;
			case 'duplicate-line':
			case 'drop-line': {
				const lines = bytes.toString('latin1').split('\n');
				const i = (d.at as number) % lines.length;
				if (d.op === 'drop-line') lines.splice(i, 1);
				else lines.splice(i, 0, lines[i]!);
				bytes = Buffer.from(lines.join('\n'), 'latin1');
				hows.push(`${d.op} ${i}`);
				break;
			}
			case 'number': {
				// Replace the nth number (a tick, a length, a format, a seed) with another value.
				const text = bytes.toString('latin1');
				const numbers = [...text.matchAll(/(?<=[:,[])-?\d+(\.\d+)?/g)];
				if (numbers.length === 0) break;
				const m = numbers[(d.at as number) % numbers.length]!;
				bytes = Buffer.from(
					text.slice(0, m.index) + (d.value as string) + text.slice(m.index! + m[0].length),
					'latin1',
				);
				hows.push(`number at ${m.index} = ${d.value as string}`);
				break;
			}
		}
	}
	return {bytes, how: hows.join('; ')};
}

export const recordingCase: fc.Arbitrary<FuzzCase> = fc
	.array(recordingDamage, {minLength: 1, maxLength: 3})
	.map((ds) => {
		const {recordingBytes} = ensureScratch();
		const {bytes, how} = damageRecording(recordingBytes, ds);
		return {kind: 'recording' as const, how, bytes: bytes.toString('base64')};
	});

/** Traces: garbage, huge numbers, mixed formats, compressed (and a gzip bomb), with random flags. */
const traceText = fc.oneof(
	fc
		.array(fc.oneof(fc.nat(), fc.constantFrom(2 ** 53, 2 ** 64, 1e308, -1, 0)), {maxLength: 200})
		.map((ns) => ns.join(',')),
	fc
		.array(
			fc.oneof(
				fc.nat().map((n) => `0x${n.toString(16)}`),
				fc.constantFrom('0xffffffffffffffffffff', '0x', '-0x1'),
			),
			{maxLength: 100},
		)
		.map((xs) => xs.join('\n')),
	fc
		.array(
			fc
				.tuple(fc.constantFrom('I', ' L', ' S', ' M', 'X', '=='), fc.nat(), fc.nat(64))
				.map(([k, a, s]) => `${k} ${a.toString(16)},${s}`),
			{maxLength: 100},
		)
		.map((ls) => ls.join('\n')),
	fc
		.array(
			fc.oneof(fc.nat(1000).map(String), fc.constantFrom(' L 1f,4', '0x10', '==1== lackey', 'garbage', '')),
			{maxLength: 100},
		)
		.map((ls) => ls.join('\n')),
	fc.string({maxLength: 500}),
	fc.uint8Array({maxLength: 500}).map((u) => Buffer.from(u).toString('latin1')),
	fc.integer({min: 4097, max: 20000}).map((n) => '7'.repeat(n)),
);

const traceFlags = fc
	.array(
		fc.oneof(
			fc.tuple(
				fc.constantFrom('--policy', '--frames', '--format', '--page-size', '--sample', '--seed'),
				fc.constantFrom(
					'lru',
					'fifo,opt',
					'clock',
					'nope',
					'3,4',
					'0',
					'-1',
					'-5M',
					'1e9',
					'99999999999',
					'pages',
					'addresses',
					'lackey',
					'auto',
					'4096',
					'3',
					'0.01',
					'2',
					'x',
					'',
				),
			),
			fc
				.constantFrom('--curve', '--data-only', '--skip-bad', '--json', '--bogus', '-5M', '-1', 'x')
				.map((f) => [f]),
		),
		{maxLength: 4},
	)
	.map((groups) => groups.flat());

export const traceCase: fc.Arbitrary<FuzzCase> = fc
	.record({text: traceText, flags: traceFlags, gzip: fc.constantFrom('none', 'none', 'gzip', 'bomb', 'cut')})
	.map(({text, flags, gzip}) => {
		let data: Buffer = Buffer.from(text, 'latin1');
		if (gzip === 'gzip') data = gzipSync(data);
		// 64 MiB of zeros in 64 KiB: what the reader must stop inflating.
		else if (gzip === 'bomb') data = gzipBomb();
		else if (gzip === 'cut') data = gzipSync(data).subarray(0, Math.max(2, data.length >> 1));
		const argv = ['-', ...flags];
		return {kind: 'trace' as const, how: `${gzip}; ${flags.join(' ')}`, argv, stdin: data.toString('base64')};
	});

let bomb: Buffer | null = null;
function gzipBomb(): Buffer {
	bomb ??= gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x31), {level: 9});
	return bomb;
}

/** Argument vectors from the pieces every command reads: names, paths, flags and hostile values. */
export const argvCase: fc.Arbitrary<FuzzCase> = fc
	.record({
		command: fc.constantFrom(
			'run',
			'validate',
			'replay',
			'runs',
			'workloads',
			'trace',
			'thrash',
			'--seed',
			'bogus',
		),
		rest: fc.array(
			fc.oneof(
				fc.constantFrom(
					'--headless',
					'--json',
					'--no-record',
					'--paused',
					'--help',
					'-h',
					'--',
					'--unknown',
					'-x',
					'--seed=3',
					'--duration=0.3',
					'--all',
				),
				fc.constantFrom(
					'--seed',
					'--policy',
					'--speed',
					'--duration',
					'--interval',
					'--record',
					'--record-limit',
					'--max-memory',
					'--max-cpu',
				),
				fc.constantFrom(
					'0',
					'-1',
					'1e308',
					'NaN',
					'abc',
					'',
					'0.2',
					'0.5',
					'3',
					'1G',
					'512M',
					'-5M',
					'1024T',
					'lru',
					'mglru',
					'\u001b[2J',
					'x'.repeat(5000),
				),
				fc.constantFrom(
					'thrash',
					'default',
					'leak',
					'nope',
					'/dev/zero',
					'/dev/null',
					'/tmp',
					'@scratch/dir.yaml',
					'@scratch/fifo.yaml',
					'@scratch/base.memtop.jsonl',
					'@scratch/missing.yaml',
					'@scratch/out.memtop.jsonl',
					'workloads/leak.yaml',
				),
			),
			{maxLength: 7},
		),
	})
	.map(({command, rest}) => {
		const argv = [command, ...rest];
		// A headless run must end: a short duration unless one is given (the given ones are short or refused).
		if (argv.includes('--headless') && !argv.some((a) => a.startsWith('--duration')))
			argv.push('--duration', '0.3');
		return {kind: 'argv' as const, how: argv.slice(0, 8).join(' ').slice(0, 200), argv};
	});

/** Paths in an argument vector, made real: @scratch/NAME is NAME in the scratch directory. */
export function resolveArgv(c: FuzzCase): FuzzCase {
	if (c.kind !== 'argv') return c;
	const {dir, fifo} = ensureScratch();
	let n = 0;
	return {
		...c,
		argv: c.argv.map((a) => {
			if (a === '@scratch/fifo.yaml' && !fifo) return join(dir, 'missing.yaml');
			// Each recording target a new file: a recorder never overwrites one.
			if (a === '@scratch/out.memtop.jsonl')
				return join(dir, `out-${process.pid}-${Date.now()}-${n++}.memtop.jsonl`);
			return a.startsWith('@scratch/') ? join(dir, a.slice('@scratch/'.length)) : a;
		}),
	};
}

export const anyCase: fc.Arbitrary<FuzzCase> = fc.oneof(
	{weight: 4, arbitrary: workloadCase},
	{weight: 3, arbitrary: recordingCase},
	{weight: 2, arbitrary: traceCase},
	{weight: 2, arbitrary: argvCase},
);

/** Where the regression cases are kept: each a FuzzCase as JSON, replayed by test/fuzz/regressions.test.ts. */
export const REGRESSIONS_DIR = new URL('./regressions/', import.meta.url).pathname;
