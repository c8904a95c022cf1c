// npm run bench -- sparse: host memory of a sparse address space. The real binary runs
// bench/sparse.yaml (four 512 GiB regions, touched sparsely) headless for 60 simulated seconds;
// the figure is the node process's peak RSS (getrusage ru_maxrss), with the simulated PageTables
// and anon memory beside it. Target: under 300 MB, whatever the virtual size.
import {spawnSync} from 'node:child_process';
import {join, resolve} from 'node:path';

const root = resolve(import.meta.dirname, '..');
const TARGET_MB = 300;

export function main(): void {
	const r = spawnSync(
		process.execPath,
		[
			'--import',
			join(root, 'bench/peak-rss.mjs'),
			join(root, 'dist/cli.js'),
			'run',
			join(root, 'bench/sparse.yaml'),
			'--headless',
			'--duration',
			'60',
			'--no-record',
			'--json',
			'--interval',
			'60',
		],
		{encoding: 'utf8', maxBuffer: 64 * 1024 * 1024},
	);
	const peak = /peak-rss-kib (\d+)/.exec(r.stderr ?? '');
	if (r.status !== 0 || !peak) {
		console.log(`sparse: the run failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n')[0]}`);
		process.exitCode = 1;
		return;
	}
	const lines = r.stdout.trim().split('\n');
	const last = JSON.parse(lines[lines.length - 1]!) as {meminfo: Record<string, number>};
	const mb = Number(peak[1]) / 1024;
	const kbToMib = (kb: number | undefined) => ((kb ?? 0) / 1024).toFixed(0);
	console.log('sparse: four 512 GiB regions in one process, 60 simulated s, headless (bench/sparse.yaml)');
	console.log(`  peak RSS of the node process: ${mb.toFixed(0)} MB   [target < ${TARGET_MB} MB]`);
	console.log(
		`  simulated: AnonPages ${kbToMib(last.meminfo.AnonPages)} MiB, PageTables ${kbToMib(last.meminfo.PageTables)} MiB of 2 TiB of address space`,
	);
}

main();
