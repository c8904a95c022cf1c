// Regenerates docs/screenshot.svg from a real run: memtop on the thrash workload in tmux at 120x40,
// a few pressure keys, then the screen with its colours. Run: npm run screenshot
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {ansiToSvg} from '../source/text/ansi-svg.js';

const root = resolve(import.meta.dirname, '..');
const socket = `memtop-shot-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
	const state = mkdtempSync(join(tmpdir(), 'memtop-shot-'));
	const cmd = `CI=false XDG_STATE_HOME=${state} TERM=xterm-256color node ${join(root, 'dist/cli.js')} run thrash --seed 1 --speed 10 --no-record`;
	tmux('new-session', '-d', '-s', 's', '-x', '120', '-y', '40', 'bash', '-c', cmd);
	tmux('set-option', '-t', 's', 'status', 'off');
	try {
		await sleep(9000); // ~90 simulated seconds at 10x: the batch job has started thrashing
		tmux('send-keys', '-t', 's', 'a');
		await sleep(3000);
		const capture = tmux('capture-pane', '-p', '-e', '-t', 's');
		const svg = ansiToSvg(capture, 120, 'memtop running the thrash workload');
		writeFileSync(join(root, 'docs/screenshot.svg'), svg);
		writeFileSync(join(root, 'docs/screenshot.txt'), tmux('capture-pane', '-p', '-t', 's'));
		console.log('wrote docs/screenshot.svg and docs/screenshot.txt');
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
	}
}

await main();
