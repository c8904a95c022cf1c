// memtop's own package: where it is installed (shipped workloads live beside it) and its version
// (recordings carry it). Every layer but the core may import this.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** The package root: the nearest directory upwards holding memtop's package.json (works from source/ and dist/). */
export function packageRoot(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const candidate = join(dir, 'package.json');
		if (existsSync(candidate)) {
			try {
				if ((JSON.parse(readFileSync(candidate, 'utf8')) as {name?: unknown}).name === 'memtop') return dir;
			} catch {
				// Not ours or unreadable: keep walking.
			}
		}
		const parent = dirname(dir);
		if (parent === dir)
			throw new Error('memtop: cannot find the package root (package.json with name "memtop")');
		dir = parent;
	}
}

let version: string | undefined;

/** memtop's version, from package.json. */
export function packageVersion(): string {
	version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {version: string})
		.version;
	return version;
}
