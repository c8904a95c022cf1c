// memtop's own version, read from package.json (recordings carry it).
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {packageRoot} from '../workload/load.js';

export function packageVersion(): string {
	const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {version: string};
	return pkg.version;
}
