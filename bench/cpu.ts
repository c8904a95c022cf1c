// CPU share of the interactive dashboard at 1x speed with 500 processes: the real binary in tmux,
// its CPU time read from /proc/PID/stat over a window, median of several windows.
import {execFileSync, spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join, resolve} from 'node:path';

const root = resolve(import.meta.dirname, '..');
const socket = `memtop-cpu-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const CLK_TCK = 100;

function cpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export async function main(): Promise<void> {
	if (spawnSync('tmux', ['-V']).status !== 0) {
		console.log('cpu: tmux not found, skipped');
		return;
	}
	const cmd = `CI=false exec node ${join(root, 'dist/cli.js')} run ${join(root, 'bench/many.yaml')} --no-record`;
	tmux('new-session', '-d', '-s', 'c', '-x', '120', '-y', '40', 'bash', '-c', cmd);
	try {
		await sleep(4000);
		const pid = Number(tmux('display-message', '-p', '-t', 'c', '#{pane_pid}').trim());
		const shares: number[] = [];
		for (let i = 0; i < 5; i++) {
			const c0 = cpuSeconds(pid);
			const t0 = performance.now();
			await sleep(4000);
			shares.push((cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000));
		}
		shares.sort((a, b) => a - b);
		const median = shares[Math.floor(shares.length / 2)]!;
		const screen = tmux('capture-pane', '-p', '-t', 'c');
		const ok = screen.includes('Mem[');
		console.log('cpu: interactive dashboard, 500 processes, 1x speed, 120x40 (tmux)');
		console.log(
			`  CPU share of one core (median of 5 × 4 s): ${(median * 100).toFixed(1)}%   [target ≤ 15%]`,
		);
		console.log(
			`  windows: ${shares.map((s) => `${(s * 100).toFixed(1)}%`).join(', ')}${ok ? '' : '  (dashboard did not show!)'}`,
		);
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server']);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
