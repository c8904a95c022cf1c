// The dashboard's files: its settings in $XDG_CONFIG_HOME/memtop/config.json (read at start,
// written when setup closes with changes) and the pictures `S` saves under the state directory.
import {mkdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, isAbsolute, join} from 'node:path';
// Types only: the parsing comes from the app, loaded after the colour environment is settled
// (chalk reads it once, when Ink loads it).
import type {DashboardConfig} from '../app.js';
import {timeStamp} from '../record/runs-dir.js';

/** The app's settings codec (view/config.ts, reached through the app: only the app imports view/). */
export interface ConfigCodec {
	DEFAULT_CONFIG: DashboardConfig;
	parseConfig(text: string): {config: DashboardConfig; problem: string | null};
	configJson(config: DashboardConfig): string;
}

type Env = Record<string, string | undefined>;

/** A settings file bigger than this is not ours: refused unread. */
const CONFIG_MAX_BYTES = 64 * 1024;

/** An XDG base directory: the variable if it is absolute (the spec ignores relative ones), else ~/`fallback`. */
function xdgDir(env: Env, variable: string, fallback: string): string {
	const value = env[variable];
	return value && isAbsolute(value) ? value : join(env.HOME || homedir(), fallback);
}

export function configPath(env: Env = process.env): string {
	return join(xdgDir(env, 'XDG_CONFIG_HOME', '.config'), 'memtop', 'config.json');
}

/** Where `S` saves screenshots: $XDG_STATE_HOME/memtop/pictures. */
export function picturesDir(env: Env = process.env): string {
	return join(xdgDir(env, 'XDG_STATE_HOME', join('.local', 'state')), 'memtop', 'pictures');
}

/** The settings, or the defaults and one line saying what was wrong with the file. A missing file is fine. */
export function loadConfig(
	path: string,
	codec: ConfigCodec,
): {config: DashboardConfig; problem: string | null} {
	const {DEFAULT_CONFIG, parseConfig} = codec;
	let text: string;
	try {
		const size = statSync(path).size;
		if (size > CONFIG_MAX_BYTES)
			return {
				config: DEFAULT_CONFIG,
				problem: `${path}: ${size} bytes, more than settings take (64 KiB); using the defaults`,
			};
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return {config: DEFAULT_CONFIG, problem: null};
		return {config: DEFAULT_CONFIG, problem: `${path}: cannot read (${code ?? 'error'}); using the defaults`};
	}
	const {config, problem} = parseConfig(text);
	return {config, problem: problem ? `${path}: ${problem}; using the defaults` : null};
}

/** Write the settings whole or not at all (a temporary file renamed over the old one). */
export function saveConfig(path: string, config: DashboardConfig, codec: ConfigCodec): void {
	mkdirSync(dirname(path), {recursive: true});
	const temporary = `${path}.${process.pid}.tmp`;
	writeFileSync(temporary, codec.configJson(config), {mode: 0o644});
	renameSync(temporary, path);
}

/**
 * Write a picture of the screen to `dir` as screen-TIME.svg (-2, -3... when that name is taken; never
 * over an existing file) and return its path.
 */
export function savePicture(svg: string, dir: string = picturesDir(), date: Date = new Date()): string {
	mkdirSync(dir, {recursive: true});
	for (let i = 1; ; i++) {
		const path = join(dir, `screen-${timeStamp(date)}${i > 1 ? `-${i}` : ''}.svg`);
		try {
			writeFileSync(path, svg, {flag: 'wx', mode: 0o644});
			return path;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || i >= 1000) throw error;
		}
	}
}
