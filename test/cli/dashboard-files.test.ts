// The dashboard's settings file: where it is, what a missing, bad, huge or good file gives, and a
// save that writes the file whole.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import * as codec from '../../source/app.js';
import {
	configPath,
	loadConfig,
	picturesDir,
	saveConfig,
	savePicture,
} from '../../source/cli/dashboard-files.js';

const dir = mkdtempSync(join(tmpdir(), 'memtop-config-'));

describe('dashboard files', () => {
	it('live under XDG_CONFIG_HOME and XDG_STATE_HOME, or the home fallbacks', () => {
		expect(configPath({XDG_CONFIG_HOME: '/c', HOME: '/h'})).toBe('/c/memtop/config.json');
		expect(configPath({XDG_CONFIG_HOME: 'relative', HOME: '/h'})).toBe('/h/.config/memtop/config.json');
		expect(picturesDir({XDG_STATE_HOME: '/s', HOME: '/h'})).toBe('/s/memtop/pictures');
		expect(picturesDir({HOME: '/h'})).toBe('/h/.local/state/memtop/pictures');
	});

	it('a picture goes to a new file in the pictures directory, never over an older one', () => {
		const pictures = join(dir, 'state', 'memtop', 'pictures');
		const date = new Date(2026, 11, 2, 16, 50, 7);
		const first = savePicture('<svg>1</svg>', pictures, date);
		const second = savePicture('<svg>2</svg>', pictures, date);
		expect(first).toBe(join(pictures, 'screen-2026-12-02T16-50-07.svg'));
		expect(second).toBe(join(pictures, 'screen-2026-12-02T16-50-07-2.svg'));
		expect(readFileSync(first, 'utf8')).toBe('<svg>1</svg>');
		expect(readFileSync(second, 'utf8')).toBe('<svg>2</svg>');
	});

	it('a missing file is the defaults without a word; a bad one is one line and the defaults', () => {
		expect(loadConfig(join(dir, 'none.json'), codec)).toEqual({config: codec.DEFAULT_CONFIG, problem: null});
		const bad = join(dir, 'bad.json');
		writeFileSync(bad, JSON.stringify({version: 1, ...codec.DEFAULT_CONFIG, scheme: 'neon'}));
		const loaded = loadConfig(bad, codec);
		expect(loaded.config).toBe(codec.DEFAULT_CONFIG);
		expect(loaded.problem).toBe(
			`${bad}: scheme: expected a colour scheme (default, light, monochrome); using the defaults`,
		);
		expect(loaded.problem!.split('\n')).toHaveLength(1);
		const huge = join(dir, 'huge.json');
		writeFileSync(huge, ' '.repeat(70_000));
		expect(loadConfig(huge, codec).problem).toMatch(
			/more than settings take \(64 KiB\); using the defaults$/,
		);
		expect(loadConfig(dir, codec).problem).toMatch(/cannot read \(EISDIR\); using the defaults$/);
	});

	it('saves whole, creating the directory, and reads back what it saved', () => {
		const path = join(dir, 'deep', 'memtop', 'config.json');
		const config = {...codec.DEFAULT_CONFIG, scheme: 'light' as const, updateMs: 1000};
		saveConfig(path, config, codec);
		expect(JSON.parse(readFileSync(path, 'utf8')).version).toBe(1);
		expect(loadConfig(path, codec)).toEqual({config, problem: null});
	});
});
