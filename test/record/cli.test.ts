import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {replayCommand, resolveRecordingPath} from '../../source/cli/replay.js';
import {runCommand} from '../../source/cli/run.js';
import {UserError} from '../../source/common/user-error.js';
import {loadRecording} from '../../source/record/load.js';
import {Player} from '../../source/record/player.js';
import {ReplaySession} from '../../source/session/replay-session.js';
import type {SimSession} from '../../source/session/sim-session.js';
import {tempDir} from './helpers.js';

const WORKLOAD = `
machine:
  ram: 96M
  kernel: 8M
  swap: {size: 64M, device: ssd}
processes:
  - name: web
    count: 2
    rate: 20000
    regions: [{name: heap, kind: anon, size: 40M}]
    streams: [{region: heap, pattern: random, weight: 1, write_ratio: 0.3}]
  - name: cat
    rate: 20000
    regions: [{name: big, kind: file, size: 64M, access: read}]
    streams: [{region: big, pattern: stream, weight: 1}]
events:
  - {at: 2s, sysctl: {swappiness: 150}}
  - {at: 3s, drop_caches: 3}
`;

function capture() {
	const out: string[] = [];
	const err: string[] = [];
	return {
		out,
		err,
		lines: () => out.join('').trimEnd().split('\n'),
		io: {stdout: {write: (s: string) => out.push(s)}, stderr: {write: (s: string) => err.push(s)}},
	};
}

const noDashboard = {
	interactive: async (): Promise<number> => {
		throw new Error('no dashboard in this test');
	},
};

function setup(): {dir: string; workload: string} {
	const dir = tempDir();
	const workload = join(dir, 'small.yaml');
	writeFileSync(workload, WORKLOAD);
	vi.stubEnv('XDG_STATE_HOME', join(dir, 'state'));
	return {dir, workload};
}

afterEach(() => {
	vi.unstubAllEnvs();
});

describe('memtop replay --headless', () => {
	it('prints the same lines as the recorded memtop run --headless, then a verified summary', async () => {
		const {dir, workload} = setup();
		for (const json of [true, false]) {
			const file = join(dir, `run-${json}.memtop.jsonl`);
			const mode = json ? ['--json'] : [];
			const run = capture();
			const flags = ['--headless', '--duration', '12', '--interval', '0.5', '--seed', '4', ...mode];
			expect(await runCommand([workload, ...flags, '--record', file], run.io, noDashboard)).toBe(0);
			const replay = capture();
			expect(
				await replayCommand([file, '--headless', '--interval', '0.5', ...mode], replay.io, noDashboard),
			).toBe(0);
			const lines = replay.lines();
			expect(lines.slice(0, -1)).toEqual(run.lines());
			// 12 s with a hash every 5 s: checkpoints at 5 s and 10 s, and the end line.
			expect(JSON.parse(lines.at(-1)!)).toEqual({replay: {ticks: 1200, checkpoints: 3, verified: true}});
			expect(replay.err).toEqual([]);
			// An unrecorded run prints the same lines too.
			const plain = capture();
			expect(await runCommand([workload, ...flags], plain.io, noDashboard)).toBe(0);
			expect(plain.lines()).toEqual(run.lines());
		}
	});

	it('reports a divergence once, with where, on stderr; the summary says unverified and the exit code is 1', async () => {
		const {dir, workload} = setup();
		const file = join(dir, 'run.memtop.jsonl');
		await runCommand(
			[workload, '--headless', '--duration', '16', '--record', file],
			capture().io,
			noDashboard,
		);
		const tampered = join(dir, 'tampered.memtop.jsonl');
		const lines = readFileSync(file, 'utf8').split('\n');
		const at = lines.findIndex((l) => l.startsWith('{"t":1000,"checkpoint"'));
		const recorded = JSON.parse(lines[at]!).checkpoint.hash as string;
		lines[at] = JSON.stringify({t: 1000, checkpoint: {hash: '0123456789abcdef'}});
		writeFileSync(tampered, lines.join('\n'));
		const replay = capture();
		expect(
			await replayCommand([tampered, '--headless', '--json', '--interval', '4'], replay.io, noDashboard),
		).toBe(1);
		expect(replay.err).toEqual([
			`memtop: ${tampered}: state diverged at 0:10.00 (tick 1000): recorded hash 0123456789abcdef, replayed ${recorded}\n`,
		]);
		expect(JSON.parse(replay.lines().at(-1)!)).toEqual({
			replay: {ticks: 1600, checkpoints: 4, verified: false},
		});
	});

	it('says in one stderr line that a cut file replays only up to its last complete line', async () => {
		const {dir, workload} = setup();
		const file = join(dir, 'run.memtop.jsonl');
		await runCommand(
			[workload, '--headless', '--duration', '16', '--record', file],
			capture().io,
			noDashboard,
		);
		const bytes = readFileSync(file);
		const cut = join(dir, 'cut.memtop.jsonl');
		writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
		const replay = capture();
		expect(
			await replayCommand([cut, '--headless', '--json', '--interval', '5'], replay.io, noDashboard),
		).toBe(0);
		expect(replay.err).toEqual([
			`memtop: ${cut}:5: incomplete last line ignored (the recording was cut short); replaying up to 0:15.00 (tick 1500)\n`,
		]);
		expect(JSON.parse(replay.lines().at(-1)!)).toEqual({
			replay: {ticks: 1500, checkpoints: 3, verified: true},
		});
	});

	it('fails with one line for a missing file, a non-recording and bad flags', async () => {
		const {dir} = setup();
		const junk = join(dir, 'junk.txt');
		writeFileSync(junk, 'just text\n');
		await expect(replayCommand([join(dir, 'nope.jsonl')], capture().io, noDashboard)).rejects.toThrow(
			`${join(dir, 'nope.jsonl')}: cannot read: no such file`,
		);
		await expect(replayCommand([junk, '--headless'], capture().io, noDashboard)).rejects.toThrow(
			`${junk}:1: not a memtop recording`,
		);
		await expect(replayCommand([], capture().io, noDashboard)).rejects.toThrow(
			'replay: expected a recording FILE (memtop runs lists them)',
		);
		await expect(
			replayCommand([junk, '--record', 'x', '--no-record'], capture().io, noDashboard),
		).rejects.toThrow('--record and --no-record: choose one');
		await expect(replayCommand([junk, '--interval', '0'], capture().io, noDashboard)).rejects.toBeInstanceOf(
			UserError,
		);
	});

	it('finds a file by name in the runs directory', () => {
		const dir = tempDir();
		writeFileSync(join(dir, 'x.memtop.jsonl'), '');
		expect(resolveRecordingPath('x.memtop.jsonl', dir)).toBe(join(dir, 'x.memtop.jsonl'));
		expect(resolveRecordingPath('x', dir)).toBe(join(dir, 'x.memtop.jsonl'));
		expect(resolveRecordingPath('./y.jsonl', dir)).toBe('./y.jsonl');
	});
});

describe('recording interactive runs', () => {
	/** A dashboard stand-in: runs a few ticks paused, sends a command, closes. */
	const fakeDashboard = (seen: SimSession[]) => ({
		interactive: async (session: SimSession): Promise<number> => {
			seen.push(session);
			session.setPaused(true);
			for (let i = 0; i < 120; i++) session.step();
			session.send({kind: 'set-sysctl', name: 'swappiness', value: 10});
			for (let i = 0; i < 400; i++) session.step();
			await session.close();
			return 0;
		},
	});

	it('records to the runs directory by default, to --record FILE when given, and not at all with --no-record', async () => {
		const {dir, workload} = setup();
		const runs = join(dir, 'state', 'memtop', 'runs');
		const byDefault = capture();
		expect(await runCommand([workload], byDefault.io, fakeDashboard([]))).toBe(0);
		const files = readdirSync(runs);
		expect(files).toHaveLength(1);
		expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d_small\.memtop\.jsonl$/);
		const path = join(runs, files[0]!);
		expect(byDefault.err).toEqual([`memtop: recorded to ${path}; replay it with: memtop replay ${path}\n`]);
		const rec = loadRecording(path);
		expect(rec.end?.tick).toBe(520);
		expect(rec.commandList).toEqual([
			{tick: 120, command: {kind: 'set-sysctl', name: 'swappiness', value: 10}, line: 2},
		]);
		const player = new Player(rec);
		player.advanceTo(rec.endTick);
		expect(player.divergence).toBeNull();
		// The default intervals: a hash at 5 s, and the end line.
		expect(player.verified).toBe(2);

		const chosen = join(dir, 'chosen.memtop.jsonl');
		expect(await runCommand([workload, '--record', chosen], capture().io, fakeDashboard([]))).toBe(0);
		expect(loadRecording(chosen).end?.tick).toBe(520);
		// Never overwritten.
		await expect(runCommand([workload, '--record', chosen], capture().io, fakeDashboard([]))).rejects.toThrow(
			`${chosen}: cannot record: already exists`,
		);

		expect(await runCommand([workload, '--no-record'], capture().io, fakeDashboard([]))).toBe(0);
		expect(readdirSync(runs)).toHaveLength(1);
	});

	it('says where the run was recorded once, also when the dashboard exits on a signal', async () => {
		const {dir, workload} = setup();
		const path = join(dir, 'signalled.memtop.jsonl');
		const out = capture();
		// On a signal the dashboard closes the session and says farewell itself, then exits the process
		// (here it returns instead, so the caller's own farewell must not repeat the line).
		const signalled = {
			interactive: async (session: SimSession, farewell: () => void): Promise<number> => {
				session.setPaused(true);
				for (let i = 0; i < 50; i++) session.step();
				await session.close();
				farewell();
				return 143;
			},
		};
		expect(await runCommand([workload, '--record', path], out.io, signalled)).toBe(143);
		expect(out.err).toEqual([`memtop: recorded to ${path}; replay it with: memtop replay ${path}\n`]);
	});

	it('leaves no empty recording behind when the dashboard cannot start', async () => {
		const {dir, workload} = setup();
		const failing = {
			interactive: async (): Promise<number> => {
				throw new UserError('memtop: the dashboard needs a terminal');
			},
		};
		await expect(runCommand([workload], capture().io, failing)).rejects.toThrow('needs a terminal');
		const runs = join(dir, 'state', 'memtop', 'runs');
		expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
	});

	it('memtop replay opens a replay session; a take-over records a branch that names its parent', async () => {
		const {dir, workload} = setup();
		const parent = join(dir, 'parent.memtop.jsonl');
		await runCommand([workload, '--record', parent], capture().io, fakeDashboard([]));
		const branch = join(dir, 'branch.memtop.jsonl');
		const seen: SimSession[] = [];
		const out = capture();
		const code = await replayCommand([parent, '--record', branch, '--paused'], out.io, {
			interactive: async (session) => {
				seen.push(session);
				const replay = session as ReplaySession;
				expect(replay.getStatus().mode).toBe('replay');
				replay.seek!(300);
				replay.takeOver!();
				expect(replay.getStatus()).toMatchObject({mode: 'live', recordingPath: branch, replay: null});
				replay.send({kind: 'drop-caches', mode: 1});
				for (let i = 0; i < 100; i++) replay.step();
				await replay.close();
				return 0;
			},
		});
		expect(code).toBe(0);
		expect(seen[0]).toBeInstanceOf(ReplaySession);
		expect(out.err).toEqual([
			`memtop: took over; recorded to ${branch}; replay it with: memtop replay ${branch}\n`,
		]);
		const rec = loadRecording(branch);
		expect(rec.header.parent).toEqual({file: parent, tick: 300});
		expect(rec.startTick).toBe(300);
		expect(rec.endTick).toBe(400);
	});
});
