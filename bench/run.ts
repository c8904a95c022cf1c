// npm run bench: every benchmark, one after another, each in its own process so they do not
// disturb each other's heap. Figures are medians over several runs; the machines are shared.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join, resolve} from 'node:path';

const root = resolve(import.meta.dirname, '..');
const benches = ['core.ts', 'sparse.ts', 'trace.ts', 'render.ts', 'cpu.ts', 'seek.ts', 'recording-size.ts'];
// `npm run bench -- core --against=DIR` also measures the build in DIR (another checkout, built), side by side.
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const passThrough = args.filter((a) => a.startsWith('--'));
let failed = 0;
for (const file of benches) {
	if (only.length && !only.some((o) => file.startsWith(o))) continue;
	const path = join(root, 'bench', file);
	if (!existsSync(path)) continue;
	console.log(`\n== bench/${file}`);
	const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path, ...passThrough], {
		stdio: 'inherit',
		cwd: root,
	});
	if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
