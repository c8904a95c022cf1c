// End to end: the dashboard when its state directory cannot take a recording (issue 15). The real
// built binary runs in a pseudo-terminal (tmux): it must start, run, say in its status line that it
// is not recording and why, leave earlier recordings alone, and exit 0 with the reason on stderr.
// Three ways the disk refuses: a state directory that is not a directory (any user can make one),
// a filesystem that is full before the run starts, and one that fills during the run (both tiny
// tmpfs mounts, which need root: skipped, and said so, where mounting is not allowed).
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {killTree} from '../helpers/process-tree.js';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `memtop-e2e-state-${process.pid}`;
const scratch = mkdtempSync(join(tmpdir(), 'memtop-state-'));
const mounts: string[] = [];

function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
}

/** A tmpfs of `kib` KiB at a new directory, or null where this user may not mount one. */
function tinyTmpfs(name: string, kib: number): string | null {
	const dir = join(scratch, name);
	mkdirSync(dir);
	const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], {encoding: 'utf8'});
	if (r.status !== 0) return null;
	mounts.push(dir);
	return dir;
}

const canMount = (() => {
	const ok = tinyTmpfs('probe', 4) !== null;
	if (!ok) console.warn('state-dir e2e: tmpfs mounts are not allowed here; the full-disk cases are skipped');
	return ok;
})();

async function waitFor(session: string, predicate: (t: string) => boolean, what: string, ms = 20_000) {
	const start = Date.now();
	let text = '';
	while (Date.now() - start < ms) {
		text = tmux('capture-pane', '-p', '-J', '-t', session);
		if (predicate(text)) return text;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`timed out waiting for ${what}; screen was:\n${text}`);
}

/** Start the dashboard with XDG_STATE_HOME=state in a new tmux session; returns the session name. */
function start(name: string, state: string, extra = ''): string {
	const command = `CI=false XDG_STATE_HOME=${state} node ${cli} run default --seed 1 ${extra}; echo EXIT=$?; sleep 60`;
	tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', 'bash', '-c', command);
	tmux('set-option', '-t', name, 'status', 'off');
	return name;
}

async function quit(session: string): Promise<string> {
	tmux('send-keys', '-t', session, 'q');
	return waitFor(session, (t) => t.includes('EXIT='), 'memtop to exit', 40_000);
}

afterAll(() => {
	const panes = spawnSync('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}'], {
		encoding: 'utf8',
	});
	for (const pid of (panes.stdout ?? '').split('\n').filter(Boolean)) killTree(Number(pid));
	spawnSync('tmux', ['-L', socket, 'kill-server']);
	for (const dir of mounts) spawnSync('umount', ['-l', dir]);
});

describe.skipIf(!hasTmux || !existsSync(cli))('the dashboard when recording is impossible', () => {
	it('a state directory that refuses writes: runs, says it is not recording and why, exits 0', async () => {
		const notADir = join(scratch, 'a-file');
		writeFileSync(notADir, 'not a directory\n');
		const s = start('refuses', notADir);
		const screen = await waitFor(s, (t) => t.includes('Mem[') && /not recording/.test(t), 'the status line');
		// The status line is cut to the terminal's width; stderr has the whole reason.
		expect(screen).toMatch(/not recording: .*cannot record/);
		expect(screen).toContain('postgres');
		const after = await quit(s);
		expect(after).toContain('EXIT=0');
		expect(after).toMatch(/memtop: not recording: .*not a directory/);
		expect(after).not.toMatch(/internal error|\n\s+at /);
	}, 90_000);

	it.skipIf(!canMount)(
		'a full filesystem: runs, says no space, leaves an earlier recording alone',
		async () => {
			const fs = tinyTmpfs('full', 64) as string;
			const runs = join(fs, 'memtop', 'runs');
			mkdirSync(runs, {recursive: true});
			const earlier = join(runs, '2026-01-01T00-00-00_default.memtop.jsonl');
			writeFileSync(earlier, 'an earlier run\n');
			// Fill it: dd stops with "No space left on device", which is the point.
			spawnSync('dd', ['if=/dev/zero', `of=${join(fs, 'fill')}`, 'bs=4k'], {encoding: 'utf8'});
			const s = start('full', fs);
			const screen = await waitFor(
				s,
				(t) => t.includes('Mem[') && /not recording/.test(t),
				'the status line',
			);
			expect(screen).toMatch(/not recording: .*cannot record/);
			const after = await quit(s);
			expect(after).toContain('EXIT=0');
			expect(after).toMatch(/not recording: .*no space left on the device/);
			// No empty file left behind to be listed as a run; the earlier one untouched.
			expect(readdirSync(runs)).toEqual(['2026-01-01T00-00-00_default.memtop.jsonl']);
			expect(execFileSync('cat', [earlier], {encoding: 'utf8'})).toBe('an earlier run\n');
		},
		90_000,
	);

	it.skipIf(!canMount)(
		'a filesystem that fills during the run: goes on, says recording stopped',
		async () => {
			// Room for the header (about 4 KiB with the workload text): another program then fills the
			// rest while memtop runs as fast as it goes (--speed 0), so its next write fails.
			const fs = tinyTmpfs('fills', 16) as string;
			const s = start('fills', fs, '--speed 0');
			await waitFor(s, (t) => t.includes('Mem[') && /REC/.test(t), 'the dashboard, recording');
			spawnSync('dd', ['if=/dev/zero', `of=${join(fs, 'fill')}`, 'bs=1k'], {encoding: 'utf8'});
			const screen = await waitFor(
				s,
				(t) => /not recording: write failed: no space left/.test(t),
				'the notice',
			);
			expect(screen).toContain('F10Quit');
			const after = await quit(s);
			expect(after).toContain('EXIT=0');
			expect(after).toMatch(/recording stopped: write failed: no space left on the device/);
			// What was written replays (up to its last whole line).
			const [file] = readdirSync(join(fs, 'memtop', 'runs'));
			const replay = spawnSync(
				'node',
				[cli, 'replay', join(fs, 'memtop', 'runs', file as string), '--headless', '--json'],
				{
					encoding: 'utf8',
				},
			);
			expect(replay.status).toBe(0);
			expect(replay.stdout).toMatch(/"replay":\{"ticks":\d+/);
		},
		90_000,
	);
});
