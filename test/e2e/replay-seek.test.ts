// End to end (issue 17 item 6): in a replay, a seek with `g 1:30` leaves the event log holding the
// events before that point, as a live run's would, in the real binary in tmux.
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {killTree} from '../helpers/process-tree.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `memtop-e2e-seek-${process.pid}`;
const session = 'seek';

const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const screen = (): string => tmux('capture-pane', '-p', '-t', session);

async function waitFor(
	predicate: (text: string) => boolean,
	what: string,
	timeoutMs = 20_000,
): Promise<string> {
	const start = Date.now();
	let text = '';
	while (Date.now() - start < timeoutMs) {
		text = screen();
		if (predicate(text)) return text;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`timed out waiting for ${what}; screen was:\n${text}`);
}

describe.skipIf(!hasTmux || !existsSync(cli))('a replay in a terminal', () => {
	const dir = mkdtempSync(join(tmpdir(), 'memtop-e2e-seek-'));

	afterAll(() => {
		const panes = spawnSync('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}'], {
			encoding: 'utf8',
		});
		for (const pid of (panes.stdout ?? '').split('\n').filter(Boolean)) killTree(Number(pid));
		spawnSync('tmux', ['-L', socket, 'kill-server']);
	});

	it('after g 1:30 the event log holds the dozens of events before 1:30', async () => {
		const file = join(dir, 'thrash.memtop.jsonl');
		execFileSync(
			process.execPath,
			[cli, 'run', 'thrash', '--headless', '--duration', '100', '--record', file],
			{
				stdio: 'ignore',
			},
		);
		const env = `CI=false XDG_STATE_HOME=${dir} XDG_CONFIG_HOME=${dir}`;
		tmux(
			'new-session',
			'-d',
			'-s',
			session,
			'-x',
			'120',
			'-y',
			'40',
			'bash',
			'-c',
			`${env} node ${cli} replay ${file}; sleep 30`,
		);
		tmux('set-option', '-t', session, 'status', 'off');
		await waitFor((t) => t.includes('REPLAY'), 'the replay');
		tmux('send-keys', '-t', session, 'g');
		tmux('send-keys', '-t', session, '1:30', 'Enter');
		await waitFor((t) => /REPLAY 0:01:[3-4]\d/.test(t) && t.includes('seek 0:01:30'), 'the seek');
		// The log's title counts its lines: the run's starts, its first kswapd wake, the batch job at 40 s,
		// its notes... all before 1:30. Those before the restored state come from the background indexer,
		// so they may arrive a moment after the seek.
		const logged = (t: string): number => {
			const title = t.split('\n').find((l) => l.includes(' Events')) ?? '';
			return Number(/of (\d+)/.exec(title)?.[1] ?? /Events\s+(\d+)/.exec(title)?.[1] ?? 0);
		};
		const after = await waitFor((t) => logged(t) > 20, 'the events before 1:30 in the log', 30_000);
		// Lines from before the seek's target (tens of seconds into the run) are on screen.
		expect(after).toMatch(/\[\s+[1-8]\d\.\d\d\] /);
	}, 60_000);
});
