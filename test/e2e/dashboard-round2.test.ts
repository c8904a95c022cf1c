// End to end, round 2: the real binary in tmux, driven as a person would drive it. Mouse clicks
// as SGR reports (what a terminal sends with mouse reporting on), keys pasted in one chunk, and
// the layout at the sizes issue 17 names.
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {killTree} from '../helpers/process-tree.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `memtop-e2e2-${process.pid}`;
const session = 'e2e2';

function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
}

const screen = (): string => tmux('capture-pane', '-p', '-t', session);

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

/** A left click at 1-based cell (x, y): press and release, as xterm's SGR mouse mode reports it. */
function click(x: number, y: number): void {
	tmux('send-keys', '-t', session, '-l', `\x1b[<0;${x};${y}M\x1b[<0;${x};${y}m`);
}

describe.skipIf(!hasTmux || !existsSync(cli))('memtop in a terminal, round 2', () => {
	const state = mkdtempSync(join(tmpdir(), 'memtop-e2e2-'));

	beforeAll(() => {
		const env = `CI=false XDG_STATE_HOME=${state} XDG_CONFIG_HOME=${state}`;
		const command = `${env} node ${cli} run default --seed 1 --no-record; echo EXIT=$?; sleep 60`;
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

	it('clicks sort by a column and select a row; pasted text and Enter go in as keys; the layout fits what there is', async () => {
		const first = await waitFor((t) => t.includes('Mem[') && /^ +PID NAME/m.test(t), 'the dashboard');
		const lines = first.split('\n');
		const title = lines.findIndex((l) => /^ +PID NAME/.test(l));
		// Click NAME in the title row: sorted by name, ascending (a name sorts A to Z first).
		click(lines[title]!.indexOf('NAME') + 2, title + 1);
		const sorted = await waitFor((t) => /NAME▲/.test(t), 'the table sorted by NAME');
		const rows = sorted.split('\n');
		// Found again: a workload note's banner under the header (from 5 s) moves the table down a line.
		const sortedTitle = rows.findIndex((l) => /^ +PID NAME/.test(l));
		const third = rows[sortedTitle + 3]!;
		const pid = third.trim().split(/\s+/)[0]!;
		// Click the third row, then o: the status line names the process that is selected.
		click(20, sortedTitle + 4);
		await new Promise((r) => setTimeout(r, 300));
		tmux('send-keys', '-t', session, 'o');
		await waitFor((t) => t.includes(`oom_score_adj of ${pid} (`), `the selection on pid ${pid}`);

		// Issue 17.1: \ then "ngi" and Enter sent together fill the filter and close its prompt.
		tmux('send-keys', '-t', session, '\\');
		tmux('send-keys', '-t', session, 'ngi', 'Enter');
		const filtered = await waitFor((t) => /filter "ngi": 3 of \d+/.test(t), 'the filter committed');
		expect(filtered).toMatch(/^F1Help/m);
		expect(filtered).not.toMatch(/Filter: ngi/);
		tmux('send-keys', '-t', session, 'Escape');
		await waitFor((t) => !/filter "ngi"/.test(t), 'the filter cleared');

		// Issue 17.18: at 100x30 the log and the graphs take what the short table leaves.
		tmux('resize-window', '-t', session, '-x', '100', '-y', '30');
		const small = await waitFor(
			(t) => t.includes(' Events') && t.includes('History'),
			'log and graphs at 100x30',
		);
		const smallLines = small.split('\n');
		const events = smallLines.findIndex((l) => l.startsWith(' Events'));
		const tableRows = smallLines.slice(0, events).filter((l) => /^ +\d+ \S/.test(l)).length;
		// The note banner (default narrates its story) is a line of its own, not a blank table row.
		const banner = smallLines.slice(0, events).filter((l) => /^[▶◀] \d+:\d\d /.test(l)).length;
		expect(events - tableRows - banner).toBeLessThanOrEqual(8);
		// At 80x24 PROG% keeps its place.
		tmux('resize-window', '-t', session, '-x', '80', '-y', '24');
		await waitFor((t) => /^ +PID NAME.*PROG%/m.test(t), 'PROG% at 80x24');
		// At 200x60 the log gets the lines the table does not need.
		tmux('resize-window', '-t', session, '-x', '200', '-y', '60');
		const big = await waitFor(
			(t) => t.includes(' Events') && t.split('\n').length >= 59,
			'the 200x60 layout',
		);
		const bigLines = big.split('\n');
		const log = bigLines.findIndex((l) => l.startsWith(' Events'));
		expect(bigLines.slice(0, log).filter((l) => l.trim() === '')).toHaveLength(0);

		tmux('send-keys', '-t', session, 'q');
		const after = await waitFor((t) => t.includes('EXIT='), 'memtop to exit');
		expect(after).toContain('EXIT=0');
	}, 90_000);
});
