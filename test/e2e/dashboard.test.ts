// End to end: the real built binary in a pseudo-terminal (tmux), driven by keys, read off the screen.
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {killTree} from '../helpers/process-tree.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `memtop-e2e-${process.pid}`;
const session = 'e2e';

function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
}

function screen(): string {
	return tmux('capture-pane', '-p', '-t', session);
}

async function waitFor(
	predicate: (text: string) => boolean,
	what: string,
	timeoutMs = 15_000,
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

describe.skipIf(!hasTmux || !existsSync(cli))('memtop in a terminal', () => {
	const state = mkdtempSync(join(tmpdir(), 'memtop-e2e-'));

	beforeAll(() => {
		const command = `echo BEFORE-MEMTOP; CI=false XDG_STATE_HOME=${state} node ${cli} run default --seed 1 --no-record; echo EXIT=$?; sleep 60`;
		tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', 'bash', '-c', command);
		tmux('set-option', '-t', session, 'status', 'off');
	});

	afterAll(() => {
		// The panes' processes first (memtop and the shell around it), then the server: nothing of
		// this test may outlive it, even if memtop were to ignore the hangup kill-server sends.
		const panes = spawnSync('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}'], {
			encoding: 'utf8',
		});
		for (const pid of (panes.stdout ?? '').split('\n').filter(Boolean)) killTree(Number(pid));
		spawnSync('tmux', ['-L', socket, 'kill-server']);
	});

	it('opens the dashboard in the alternate screen, reacts to keys, and restores the terminal on q', async () => {
		const first = await waitFor((t) => t.includes('Mem[') && t.includes('PID'), 'the dashboard');
		expect(first).toContain('postgres');
		expect(first).toContain('F10Quit');
		expect(tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim()).toBe('1');

		// Pressure key: a memory hog appears in the table and the command in the event log.
		tmux('send-keys', '-t', session, 'a');
		await waitFor((t) => /\d+ hog\s/.test(t), 'the hog process');

		// Pause: the world stops.
		tmux('send-keys', '-t', session, 'Space');
		await waitFor((t) => /paused/i.test(t), 'the paused indicator');

		// Help overlay and back.
		tmux('send-keys', '-t', session, '?');
		await waitFor((t) => /swappiness/i.test(t) && /help/i.test(t), 'the help screen');
		tmux('send-keys', '-t', session, 'Escape');
		// Ink 6.8 reads "Esc q" arriving together as Alt-q: let the Esc land first.
		// The table's own title row: the help screen names PID too, so 'PID' alone can match it.
		await waitFor((t) => /^ +PID NAME/m.test(t) && !/swappiness 0/.test(t), 'the table back');
		await new Promise((r) => setTimeout(r, 300));

		tmux('send-keys', '-t', session, 'q');
		// Generous: on a loaded machine (the suite shares two cores) leaving can take seconds.
		const after = await waitFor((t) => t.includes('EXIT='), 'memtop to exit', 40_000);
		expect(after).toContain('BEFORE-MEMTOP');
		expect(after).toContain('EXIT=0');
		expect(after).not.toContain('Mem[');
		expect(tmux('display-message', '-p', '-t', session, '#{alternate_on}').trim()).toBe('0');
		expect(tmux('display-message', '-p', '-t', session, '#{cursor_flag}').trim()).toBe('1');
	}, 120_000);
});

describe.skipIf(!existsSync(cli))('memtop without a terminal', () => {
	it('says the dashboard needs a TTY and suggests --headless, exit 2', () => {
		const r = spawnSync('node', [cli, 'run', 'default', '--no-record'], {encoding: 'utf8', input: ''});
		expect(r.status).toBe(2);
		expect(r.stderr.trim()).toMatch(/needs a terminal.*--headless/);
		expect(r.stderr).not.toMatch(/\n\s+at /);
	});

	it('a bad flag and a bad workload each print one line and exit 2', () => {
		const bad = spawnSync('node', [cli, 'run', '--bogus'], {encoding: 'utf8'});
		expect(bad.status).toBe(2);
		expect(bad.stderr.trim().split('\n')).toHaveLength(1);
		const missing = spawnSync('node', [cli, 'run', 'no/such/file.yaml', '--headless'], {encoding: 'utf8'});
		expect(missing.status).toBe(2);
		expect(missing.stderr.trim().split('\n')).toHaveLength(1);
		expect(missing.stderr).toContain('no/such/file.yaml');
	});

	it('headless JSON is byte-identical for the same seed and differs for another', () => {
		const args = (seed: string) => [
			cli,
			'run',
			'thrash',
			'--headless',
			'--json',
			'--duration',
			'20',
			'--interval',
			'5',
			'--seed',
			seed,
		];
		const a = spawnSync('node', args('4'), {encoding: 'utf8'}).stdout;
		const b = spawnSync('node', args('4'), {encoding: 'utf8'}).stdout;
		const c = spawnSync('node', args('5'), {encoding: 'utf8'}).stdout;
		expect(a.split('\n').filter(Boolean)).toHaveLength(4);
		expect(a).toBe(b);
		expect(a).not.toBe(c);
	});
});
