// Recordings, flags and files from strangers (issue 18): each case generated here, each refused with
// one line (a UserError, exit 2) or bounded, never an internal error, a hang or raw escapes.
import {execFileSync} from 'node:child_process';
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {parseArgs} from '../../source/cli/args.js';
import {checkPositive} from '../../source/cli/run.js';
import {UserError} from '../../source/common/user-error.js';
import {decodeState, encodeState} from '../../source/record/compression.js';
import {FORMAT_VERSION, RECORDING_MAGIC} from '../../source/record/format.js';
import {loadRecording} from '../../source/record/load.js';
import {JsonlRecorder} from '../../source/record/recorder.js';
import {listRuns} from '../../source/record/runs-dir.js';
import {validateWorkload} from '../../source/record/validate.js';
import {Machine} from '../../source/sim/machine.js';
import {hashBytes, stateHeaderText} from '../../source/sim/state-codec.js';
import {escapeText} from '../../source/text/escape.js';
import {parseWorkload, resolveWorkload} from '../../source/workload/load.js';
import {FAST, recordLive, smallWorkload, tempDir} from './helpers.js';

const io = {stdout: {write: () => true}, stderr: {write: () => true}};

function userError(f: () => unknown): string {
	try {
		f();
	} catch (error) {
		if (error instanceof UserError) return error.message;
		throw error;
	}
	throw new Error('expected a UserError');
}

function header(workload: unknown = smallWorkload()): string {
	return JSON.stringify({
		memtop: RECORDING_MAGIC,
		format: FORMAT_VERSION,
		version: '0.0.0-test',
		created: '2026-11-21T23:40:12.000Z',
		workload,
		seed: 1,
		policy: 'lru2',
		sysctl: smallWorkload().machine.sysctl,
		parent: null,
	});
}

function file(lines: string[]): string {
	const path = join(tempDir(), 'x.memtop.jsonl');
	writeFileSync(path, `${lines.join('\n')}\n`);
	return path;
}

describe('hostile recordings', () => {
	it('escapes control characters, so a name cannot retitle or clear the terminal', () => {
		expect(escapeText('\u001b]0;PWNED\u0007\u001b[2J')).toBe('\\e]0;PWNED\\a\\e[2J');
		expect(escapeText('caf\u00e9 \u202e')).toBe('caf\u00e9 \\u202e');
		expect(escapeText('plain')).toBe('plain');
	});

	it('refuses an end line far past its last checkpoint (a 2 KB file cannot ask for 2^53 ticks)', () => {
		const path = file([header(), `{"t":${2 ** 53 - 1},"end":{"hash":"0123456789abcdef"}}`]);
		expect(userError(() => loadRecording(path))).toMatch(/:2: t: expected at most \d+/);
		const near = file([
			header(),
			'{"t":400,"checkpoint":{"hash":"0123456789abcdef"}}',
			'{"t":99999,"end":{"hash":"0123456789abcdef"}}',
		]);
		expect(userError(() => loadRecording(near))).toMatch(
			/:3: t jumps to 99999, more than 5 s past the last checkpoint \(tick 400\)/,
		);
	});

	it('bounds commands at one tick (a flood of 20,000 took 20 s)', () => {
		const kill = '{"t":3,"cmd":{"kind":"kill","pid":100}}';
		const path = file([header(), ...Array.from({length: 20_000}, () => kill)]);
		const start = performance.now();
		expect(userError(() => loadRecording(path))).toMatch(/:102: more than 100 commands at tick 3/);
		expect(performance.now() - start).toBeLessThan(5000);
	});

	it('uses the header as the schema parses it: no swap, no zswap, text sizes, file-style events', () => {
		const w = JSON.parse(JSON.stringify(smallWorkload())) as Record<string, Record<string, unknown>>;
		delete w.machine!.swap;
		delete w.machine!.zswap;
		w.machine!.ram = '96M';
		w.events = [{at: 1, kill: 100}] as never;
		const parsed = validateWorkload(w);
		expect(parsed.machine.swap).toEqual({size: 0, device: 'ssd'});
		expect(parsed.machine.zswap.enabled).toBe(false);
		expect(parsed.machine.ram).toBe(96 * 1024 * 1024);
		expect(parsed.events).toEqual([{at: 1, command: {kind: 'kill', pid: 100}}]);
		// And a machine runs on it.
		const m = new Machine(parsed, {seed: 1});
		for (let i = 0; i < 150; i++) m.step();
		expect(m.tick).toBe(150);
	});

	it('refuses a state whose process name was edited to an escape, even with its hash recomputed', async () => {
		const path = join(tempDir(), 'run.memtop.jsonl');
		await recordLive(path, {ticks: 250});
		const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
		const at = lines.findIndex((l) => l.includes('"state":'));
		const line = JSON.parse(lines[at]!) as {
			t: number;
			checkpoint: {hash: string; state: string; length: number};
		};
		const raw = decodeState(line.checkpoint.state, 1 << 30, 3, line.checkpoint.length);
		const json = stateHeaderText(raw);
		const evil = new TextEncoder().encode(json.replace('"name":"web"', '"name":"\\u001b]0;PWNED\\u0007"'));
		const jsonAt = raw.length - 4 - new TextEncoder().encode(json).length;
		const edited = new Uint8Array(jsonAt + evil.length + 4);
		edited.set(raw.subarray(0, jsonAt));
		edited.set(evil, jsonAt);
		new DataView(edited.buffer).setUint32(edited.length - 4, evil.length, true);
		line.checkpoint.state = encodeState(edited);
		line.checkpoint.length = edited.length;
		line.checkpoint.hash = hashBytes(edited);
		lines[at] = JSON.stringify(line);
		writeFileSync(path, `${lines.join('\n')}\n`);
		const rec = loadRecording(path);
		const c = rec.checkpoints.find((k) => k.tick === line.t)!;
		expect(() => rec.restore(c)).toThrow(/procs\[\d+\]\.spec\.name: expected a process name/);
	});
});

describe('hostile files and directories', () => {
	it('memtop runs lists a FIFO and a directory named like a recording without opening them', () => {
		const dir = tempDir();
		execFileSync('mkfifo', [join(dir, 'fifo.memtop.jsonl')]);
		mkdirSync(join(dir, 'dir.memtop.jsonl'));
		const runs = listRuns(dir);
		expect(runs.map((r) => [r.name, r.problem]).sort()).toEqual([
			['dir.memtop.jsonl', 'not a regular file (a directory)'],
			['fifo.memtop.jsonl', 'not a regular file (a FIFO)'],
		]);
		expect(userError(() => loadRecording(join(dir, 'fifo.memtop.jsonl'), 'fifo'))).toBe(
			'fifo: cannot read: not a regular file (a FIFO)',
		);
	});

	it('recording under /proc fails at once, and a dangling symlink is named as one', () => {
		const machine = new Machine(smallWorkload(), {seed: 1});
		const start = performance.now();
		expect(
			userError(() => JsonlRecorder.open({path: '/proc/nope/x/run.memtop.jsonl', machine, ...FAST})),
		).toMatch(/^\/proc\/nope\/x\/run\.memtop\.jsonl: cannot record: /);
		expect(performance.now() - start).toBeLessThan(1000);
		const link = join(tempDir(), 'next.memtop.jsonl');
		symlinkSync('/nowhere/at/all', link);
		expect(userError(() => JsonlRecorder.open({path: link, machine, ...FAST}))).toMatch(
			/a symbolic link is there \(to \/nowhere\/at\/all\); a recording is never written through a link/,
		);
	});

	it('validate reads an existing path as a file, and a YAML alias bomb is one line with the file', () => {
		const readme = join(tempDir(), 'README.md');
		writeFileSync(readme, '# notes\nsome: text\n');
		expect(resolveWorkload(readme).file).toBe(readme);
		const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
		for (let i = 0; i < 8; i++)
			bomb.push(
				`${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(10)
					.fill(`*${i === 0 ? 'a' : 'bcdefghij'[i - 1]}`)
					.join(', ')}]`,
			);
		expect(userError(() => parseWorkload(bomb.join('\n'), 'bomb.yaml'))).toMatch(
			/^bomb\.yaml: invalid YAML: too many YAML aliases/,
		);
	});
});

describe('hostile flags', () => {
	const flags = {seed: {type: 'number'}, policies: {type: 'string'}, json: {type: 'boolean'}} as const;

	it('a repeated flag, a string flag without its value, and an endless duration are one line each', () => {
		expect(userError(() => parseArgs('run', '', ['--seed', '1', '--seed', '2'], io, flags))).toBe(
			'run: --seed given 2 times; give it once (see memtop run --help)',
		);
		expect(userError(() => parseArgs('compare', '', ['thrash', '--policies'], io, flags))).toBe(
			'compare: --policies expects a value, got nothing',
		);
		expect(userError(() => parseArgs('compare', '', ['--policies', '--json'], io, flags))).toBe(
			"compare: --policies expects a value, got '--json'",
		);
		expect(userError(() => checkPositive('--duration', 1e308))).toBe(
			'--duration: expected at most 604800 seconds, got 1e+308',
		);
		expect(parseArgs('run', '', ['--seed', '3'], io, flags)?.flags.seed).toBe(3);
	});

	it('-5M alone is an unknown option, not the short flags -5 and -M (issue 15 fuzz)', () => {
		expect(userError(() => parseArgs('run', '', ['-5M'], io, flags))).toBe(
			'run: unknown option -5M (see memtop run --help)',
		);
		expect(userError(() => parseArgs('run', '', ['-1e5'], io, flags))).toMatch(/unknown option -1e5/);
		expect(userError(() => parseArgs('run', '', ['--seed', '-5x'], io, flags))).toBe(
			"run: --seed expects a number, got '-5x'",
		);
		expect(parseArgs('run', '', ['--seed', '-1'], io, flags)?.flags.seed).toBe(-1);
		expect(parseArgs('run', '', ['-1.5'], io, flags)?.input).toEqual(['-1.5']);
	});
});
