import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {runsCommand} from '../../source/cli/runs.js';
import {JsonlRecorder} from '../../source/record/recorder.js';
import {
	defaultRecordingPath,
	listRuns,
	runsDir,
	summarizeRun,
	timeStamp,
} from '../../source/record/runs-dir.js';
import {Machine} from '../../source/sim/machine.js';
import {FAST, smallWorkload, tempDir} from './helpers.js';

function io() {
	const out: string[] = [];
	const err: string[] = [];
	return {
		out,
		err,
		io: {stdout: {write: (s: string) => out.push(s)}, stderr: {write: (s: string) => err.push(s)}},
	};
}

/** Record `ticks` of the small workload into `path`, cleanly closed or not. */
function record(path: string, ticks: number, options: {created: Date; close?: boolean; name?: string}): void {
	const w = {...smallWorkload(), name: options.name ?? 'small'};
	const m = new Machine(w, {seed: 1});
	const r = JsonlRecorder.open({path, machine: m, created: options.created, ...FAST});
	for (let i = 0; i < ticks; i++) {
		m.step();
		r.afterStep(m);
	}
	if (options.close ?? true) r.closeSync(m);
	else r.abandon();
}

afterEach(() => {
	vi.unstubAllEnvs();
});

describe('the runs directory', () => {
	it('is $XDG_STATE_HOME/memtop/runs, else ~/.local/state/memtop/runs (a relative XDG_STATE_HOME is ignored)', () => {
		const home = tempDir();
		expect(runsDir({XDG_STATE_HOME: '/xdg/state', HOME: home})).toBe('/xdg/state/memtop/runs');
		expect(runsDir({HOME: home})).toBe(join(home, '.local/state/memtop/runs'));
		expect(runsDir({XDG_STATE_HOME: '', HOME: home})).toBe(join(home, '.local/state/memtop/runs'));
		expect(runsDir({XDG_STATE_HOME: 'relative/state', HOME: home})).toBe(
			join(home, '.local/state/memtop/runs'),
		);
		vi.stubEnv('XDG_STATE_HOME', '');
		vi.stubEnv('HOME', home);
		expect(runsDir()).toBe(join(home, '.local/state/memtop/runs'));
	});

	it('names files by start time and workload, never reusing one', () => {
		const dir = tempDir();
		const date = new Date(2026, 10, 21, 23, 40, 12);
		expect(timeStamp(date)).toBe('2026-11-21T23-40-12');
		const first = defaultRecordingPath('thrash', date, dir);
		expect(first).toBe(join(dir, '2026-11-21T23-40-12_thrash.memtop.jsonl'));
		writeFileSync(first, '');
		expect(defaultRecordingPath('thrash', date, dir)).toBe(
			join(dir, '2026-11-21T23-40-12_thrash-2.memtop.jsonl'),
		);
		expect(defaultRecordingPath('a b/c', date, dir)).toBe(
			join(dir, '2026-11-21T23-40-12_a-b-c.memtop.jsonl'),
		);
	});

	it('summarizes and lists runs newest first, with length, size, branches and unclean ends', () => {
		const dir = tempDir();
		record(join(dir, 'a.memtop.jsonl'), 300, {created: new Date('2026-11-20T10:00:00Z'), name: 'older'});
		record(join(dir, 'b.memtop.jsonl'), 120, {
			created: new Date('2026-11-21T10:00:00Z'),
			close: false,
			name: 'crashed',
		});
		record(join(dir, 'c.memtop.jsonl'), 50, {created: new Date('2026-11-22T10:00:00Z'), name: 'newest'});
		writeFileSync(join(dir, 'junk.memtop.jsonl'), 'hello\n');
		writeFileSync(join(dir, 'ignored.txt'), 'not listed');
		const runs = listRuns(dir);
		expect(runs.map((r) => r.workload)).toEqual(['newest', 'crashed', 'older', null]);
		const [c, b, a, junk] = runs;
		expect(a).toMatchObject({
			endTick: 300,
			startTick: 0,
			complete: true,
			seed: 1,
			policy: 'lru2',
			problem: null,
		});
		expect(b).toMatchObject({endTick: 100, complete: false});
		expect(c).toMatchObject({endTick: 50, complete: true});
		expect(junk!.problem).toBe('not a memtop recording');
		expect(a!.size).toBeGreaterThan(1000);
		expect(listRuns(join(dir, 'missing'))).toEqual([]);
	});

	it('reads the length of a run whose last line is a long full-state checkpoint', () => {
		const dir = tempDir();
		const path = join(dir, 'long.memtop.jsonl');
		record(path, 200, {created: new Date(), close: false});
		expect(summarizeRun(path)).toMatchObject({endTick: 200, complete: false});
	});

	it('memtop runs prints the table, or where the directory is when there is none', async () => {
		const state = tempDir();
		vi.stubEnv('XDG_STATE_HOME', state);
		const dir = join(state, 'memtop', 'runs');
		const empty = io();
		expect(await runsCommand([], empty.io)).toBe(0);
		expect(empty.out.join('')).toBe(
			`No recorded runs in ${dir} (interactive runs record there unless started with --no-record)\n`,
		);
		mkdirSync(dir, {recursive: true});
		record(join(dir, '2026-11-21T23-40-12_small.memtop.jsonl'), 310, {
			created: new Date(2026, 10, 21, 23, 40, 12),
		});
		record(join(dir, '2026-11-22T08-00-00_small.memtop.jsonl'), 150, {
			created: new Date(2026, 10, 22, 8, 0, 0),
			close: false,
		});
		const listed = io();
		expect(await runsCommand([], listed.io)).toBe(0);
		const lines = listed.out.join('').trimEnd().split('\n');
		expect(lines[0]).toBe(`Recorded runs in ${dir}, newest first:`);
		expect(lines[1]).toMatch(/^STARTED\s+WORKLOAD\s+LENGTH\s+SIZE\s+FILE$/);
		expect(lines[2]).toMatch(
			/^2026-11-22 08:00:00 {2}small +0:01 +[\d.]+ KiB {2}2026-11-22T08-00-00_small\.memtop\.jsonl {2}did not close cleanly$/,
		);
		expect(lines[3]).toMatch(
			/^2026-11-21 23:40:12 {2}small +0:03 +[\d.]+ (KiB|MiB) {2}2026-11-21T23-40-12_small\.memtop\.jsonl$/,
		);
		await expect(runsCommand(['extra'], io().io)).rejects.toThrow("runs: expected no arguments, got 'extra'");
		expect(existsSync(dir) && readdirSync(dir).length).toBe(2);
	});
});
