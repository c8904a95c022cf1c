// A protection fault in a recording (x86-fault.ts): the segfault event and the exit are in the
// headless JSON of a recorded run and of its replay alike, and the replay verifies.
import {join} from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {replayCommand} from '../../source/cli/replay.js';
import {runCommand} from '../../source/cli/run.js';
import {tempDir} from './helpers.js';

function capture() {
	const out: string[] = [];
	return {
		lines: () => out.join('').trimEnd().split('\n'),
		io: {stdout: {write: (s: string) => out.push(s)}, stderr: {write: (_: string) => {}}},
	};
}

const noDashboard = {
	interactive: async (): Promise<number> => {
		throw new Error('no dashboard in this test');
	},
};

afterEach(() => {
	vi.unstubAllEnvs();
});

describe('segfault in record and replay', () => {
	it('the recorded run and its replay print the same segfault event and exit', {
		timeout: 120_000,
	}, async () => {
		const dir = tempDir();
		vi.stubEnv('XDG_STATE_HOME', join(dir, 'state'));
		const file = join(dir, 'segv.memtop.jsonl');
		const flags = ['--headless', '--json', '--duration', '16', '--interval', '1', '--seed', '1'];
		const run = capture();
		expect(await runCommand(['segfault', ...flags, '--record', file], run.io, noDashboard)).toBe(0);
		const replay = capture();
		expect(
			await replayCommand([file, '--headless', '--json', '--interval', '1'], replay.io, noDashboard),
		).toBe(0);
		expect(replay.lines().slice(0, -1)).toEqual(run.lines());
		const events = run
			.lines()
			.flatMap((l) => (JSON.parse(l).events ?? []) as {kind: string; line?: string; reason?: string}[]);
		const segv = events.filter((e) => e.kind === 'segfault').map((e) => e.line);
		expect(segv).toEqual([
			'parser[100]: segfault at deadbeef ip 0000555555554169 sp 00007fffffffe000 error 4 in parser[555555554000+10000]',
			'recurse[101]: segfault at 7ffffe0fe000 ip 0000555555554139 sp 00007ffffe0fe000 error 6 in recurse[555555554000+10000]',
		]);
		expect(events.filter((e) => e.kind === 'process-exit').map((e) => e.reason)).toEqual([
			'segfault',
			'segfault',
		]);
		expect(JSON.parse(replay.lines().at(-1)!).replay.verified).toBe(true);
	});
});
