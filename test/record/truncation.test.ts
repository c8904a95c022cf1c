import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {canonicalHash} from '../../source/record/format.js';
import {loadRecording} from '../../source/record/load.js';
import {Player} from '../../source/record/player.js';
import type {Recording} from '../../source/record/recording.js';
import {recordLive, tempDir} from './helpers.js';

/** Byte offsets at which each line starts, and at which its content ends (its newline). */
function lineBounds(bytes: Buffer): {starts: number[]; ends: number[]} {
	const starts = [0];
	const ends: number[] = [];
	for (let i = 0; i < bytes.length; i++) {
		if (bytes[i] !== 10) continue;
		ends.push(i);
		if (i + 1 < bytes.length) starts.push(i + 1);
	}
	return {starts, ends};
}

function tryLoad(path: string): Recording | UserError {
	try {
		return loadRecording(path, 'cut.jsonl');
	} catch (error) {
		if (error instanceof UserError) return error;
		throw error;
	}
}

describe('a recording cut short', () => {
	it('replays its valid prefix, or fails with one clear line, at every cut in its last lines and its header', async () => {
		const dir = tempDir();
		const full = join(dir, 'full.memtop.jsonl');
		await recordLive(full, {ticks: 260});
		const bytes = readFileSync(full);
		const {starts, ends} = lineBounds(bytes);
		const ticks = bytes
			.toString('utf8')
			.trimEnd()
			.split('\n')
			.map((l, i) => (i === 0 ? -1 : (JSON.parse(l) as {t: number}).t));
		// Every byte of the header and of the last six lines, but inside the long full-state line only
		// its first and last 64 bytes and every 4999th (each cut is a file to write and read).
		const cuts = new Set<number>();
		for (let i = 0; i <= starts[1]!; i++) cuts.add(i);
		for (let line = starts.length - 6; line < starts.length; line++) {
			const from = starts[line]!;
			const to = (ends[line] ?? bytes.length) + 1;
			for (let i = from; i <= Math.min(to, bytes.length); i++) {
				if (to - from < 2000 || i - from < 64 || to - i < 64 || (i - from) % 4999 === 0) cuts.add(i);
			}
		}
		for (let i = starts[1]!; i < starts[starts.length - 6]!; i += 4999) cuts.add(i);

		const cut = join(dir, 'cut.jsonl');
		const replayedPrefix = new Map<number, string>();
		let failures = 0;
		for (const at of [...cuts].sort((a, b) => a - b)) {
			writeFileSync(cut, bytes.subarray(0, at));
			const result = tryLoad(cut);
			// Lines whose whole content is in the prefix (a last line missing only its newline still counts).
			const complete = ends.filter((e) => e <= at).length;
			if (result instanceof UserError) {
				failures++;
				// Only a cut header fails; the message is one line naming the file and line 1.
				expect(complete, `cut at ${at}: ${result.message}`).toBe(0);
				expect(result.message).toMatch(/^cut\.jsonl(:1)?: /);
				expect(result.message).not.toContain('\n');
				expect(result.message).toMatch(/empty file|header line is incomplete|not a memtop recording/);
				continue;
			}
			expect(complete, `cut at ${at}`).toBeGreaterThanOrEqual(1);
			// It replays up to the last complete line...
			const lastTick = Math.max(0, ...ticks.slice(1, complete));
			expect(result.endTick, `cut at ${at}`).toBe(lastTick);
			// ...and says so, unless the end line made it.
			if (complete === ends.length) expect(result.notice).toBeNull();
			else {
				expect(result.notice, `cut at ${at}`).toMatch(
					/^cut\.jsonl(:\d+)?: (incomplete last line ignored|no end line)/,
				);
				expect(result.notice).toContain(`(tick ${lastTick})`);
			}
			// The prefix replays, verified, to the same state as the full recording at that tick.
			if (!replayedPrefix.has(complete)) {
				const diverged: string[] = [];
				const player = new Player(result, {onDivergence: (d) => diverged.push(d.message)});
				player.advanceTo(result.endTick);
				expect(diverged, `cut at ${at}`).toEqual([]);
				replayedPrefix.set(complete, canonicalHash(player.machine));
			}
		}
		expect(failures).toBeGreaterThan(100);
		expect(replayedPrefix.size).toBeGreaterThan(6);
		// The whole file and a prefix ending at the same tick agree.
		const whole = new Player(loadRecording(full));
		whole.advanceTo(whole.recording.endTick);
		expect(replayedPrefix.get(starts.length)).toBe(canonicalHash(whole.machine));
	});

	it('names the first bad line of a file damaged in the middle', async () => {
		const dir = tempDir();
		const full = join(dir, 'full.memtop.jsonl');
		await recordLive(full, {ticks: 120});
		const lines = readFileSync(full, 'utf8').split('\n');
		const bad = join(dir, 'bad.jsonl');
		const variants: [number, string, RegExp][] = [
			[
				2,
				'{"t":40,"cmd":{"kind":"kill","pid":"x"}}',
				/^bad\.jsonl:2: cmd\.pid: expected an integer from 1 to \d+, got "x"$/,
			],
			[
				2,
				'{"t":40,"cmd":{"kind":"mremap"}}',
				/^bad\.jsonl:2: cmd\.kind: expected one of spawn, fork, exec, kill/,
			],
			[2, 'garbage', /^bad\.jsonl:2: invalid JSON/],
			[
				2,
				'{"t":40,"checkpoint":{"hash":"zz"}}',
				/^bad\.jsonl:2: checkpoint\.hash: expected a state hash of 16 hex digits, got "zz"$/,
			],
			[
				2,
				'{"t":40,"checkpoint":{"hash":"0123456789abcdef","state":"not base64!"}}',
				/^bad\.jsonl:2: checkpoint\.state: expected base64 text/,
			],
			[
				2,
				'{"t":40,"cmd":{"kind":"spawn","spec":{"name":"x","rate":-1,"regions":[]}}}',
				/^bad\.jsonl:2: cmd\.spec\.rate: expected a number from 0 to 1000000, got -1$/,
			],
			[2, '{"t":40,"cmd":{"kind":"kill","pid":101},"extra":1}', /^bad\.jsonl:2: line: unknown key "extra"$/],
			[2, '{"t":40,"cmd":{"kind":"kill","pid":101}', /^bad\.jsonl:2: invalid JSON/],
			[5, '{"t":1,"cmd":{"kind":"kill","pid":101}}', /^bad\.jsonl:5: t goes backwards \(1 after 50\)$/],
			[2, '{"t":40,"hello":1}', /^bad\.jsonl:2: line: expected one of "cmd", "checkpoint" or "end"/],
		];
		for (const [index, text, message] of variants) {
			const copy = [...lines];
			copy[index - 1] = text;
			writeFileSync(bad, copy.join('\n'));
			expect(() => loadRecording(bad, 'bad.jsonl'), text).toThrow(message);
		}
		// A line after the end line.
		writeFileSync(bad, `${lines.join('\n')}${lines[1]}\n`);
		expect(() => loadRecording(bad, 'bad.jsonl')).toThrow(/^bad\.jsonl:\d+: a line after the end line$/);
	});

	it('rejects files that are not recordings, newer formats and invalid workloads with FILE:LINE messages', async () => {
		const dir = tempDir();
		const full = join(dir, 'full.memtop.jsonl');
		await recordLive(full, {ticks: 60});
		const text = readFileSync(full, 'utf8');
		const [head, ...rest] = text.split('\n');
		const header = JSON.parse(head!);
		const file = join(dir, 'x.jsonl');
		const check = (content: string, message: RegExp) => {
			writeFileSync(file, content);
			let error: unknown;
			try {
				loadRecording(file, 'x.jsonl');
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(UserError);
			expect((error as UserError).exitCode).toBe(2);
			expect((error as UserError).message).toMatch(message);
		};
		const withHeader = (h: object) => [JSON.stringify(h), ...rest].join('\n');
		check('', /^x\.jsonl: empty file, not a memtop recording/);
		check('{"t":0,"cmd":{}}\n', /^x\.jsonl:1: not a memtop recording/);
		check('PK\u0003\u0004binary junk', /^x\.jsonl:1: not a memtop recording/);
		check('{"memtop":"something-else"}\n', /^x\.jsonl:1: not a memtop recording/);
		check(
			withHeader({...header, format: 4}),
			/^x\.jsonl:1: recording format 4 \(written by memtop 0\.0\.0-test\) is newer than this memtop reads \(format 3\); upgrade memtop/,
		);
		check(
			withHeader({...header, format: 'one'}),
			/^x\.jsonl:1: format: expected an integer of at least 1, got "one"$/,
		);
		check(withHeader({...header, seed: -1}), /^x\.jsonl:1: seed: expected an integer of at least 0, got -1$/);
		check(withHeader({...header, policy: 'nope'}), /^x\.jsonl:1: policy: expected one of the policies/);
		check(withHeader({...header, extra: true}), /^x\.jsonl:1: header: unknown key "extra"$/);
		const w = header.workload;
		check(
			withHeader({...header, workload: {...w, machine: {...w.machine, ram: 'lots'}}}),
			/^x\.jsonl:1: workload\.machine\.ram: expected a size/,
		);
		check(
			withHeader({
				...header,
				workload: {
					...w,
					processes: [{...w.processes[0], streams: [{region: 'nowhere', pattern: 'random', weight: 1}]}],
				},
			}),
			/^x\.jsonl:1: workload\.processes\[0\]\.streams\[0\]\.region: expected one of this process's regions/,
		);
		check(
			withHeader({...header, workload: {...w, events: [{at: 1, command: {kind: 'kill', pid: 5}}]}}),
			/^x\.jsonl:1: workload\.events\[0\]\.command: expected the pid of a workload process/,
		);
		check(
			withHeader({...header, workload: {...w, machine: {...w.machine, hacked: 1}}}),
			/^x\.jsonl:1: workload\.machine\.hacked: unknown key/,
		);
		check(
			withHeader({...header, parent: {file: 'p.jsonl', tick: 500}}),
			/^x\.jsonl:2: a branch recording must start with a full-state checkpoint/,
		);
		// A header cut short, and a header alone.
		check(
			head!.slice(0, 40),
			/^x\.jsonl:1: the header line is incomplete \(the file was cut short\); nothing to replay$/,
		);
		writeFileSync(file, `${head}\n`);
		const alone = loadRecording(file, 'x.jsonl');
		expect(alone.endTick).toBe(0);
		expect(alone.notice).toBe(
			'x.jsonl: no end line (the run did not close cleanly); replaying up to 0:00.00 (tick 0)',
		);
	});

	it('a checkpoint whose state was tampered with is refused when a seek needs it', async () => {
		const dir = tempDir();
		const full = join(dir, 'full.memtop.jsonl');
		await recordLive(full, {ticks: 260});
		const lines = readFileSync(full, 'utf8').split('\n');
		const index = lines.findIndex((l) => l.includes('"state"'));
		const line = JSON.parse(lines[index]!);
		// Same hash, different (but well-formed) state: the 200-tick state replaced by a copy with one byte flipped.
		const raw = Buffer.from(line.checkpoint.state, 'base64');
		raw[raw.length - 10] = raw[raw.length - 10]! ^ 0xff;
		lines[index] = JSON.stringify({...line, checkpoint: {...line.checkpoint, state: raw.toString('base64')}});
		const bad = join(dir, 'bad.jsonl');
		writeFileSync(bad, lines.join('\n'));
		const rec = loadRecording(bad, 'bad.jsonl');
		const problems: string[] = [];
		const player = new Player(rec, {onProblem: (p) => problems.push(p)});
		player.seek(250, {forceRestore: true});
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(
			new RegExp(`^bad\\.jsonl:${index + 1}: checkpoint state (does not decompress|does not match its hash)`),
		);
		// It fell back to replaying from the start, and got there all the same.
		const reference = new Player(loadRecording(full));
		reference.advanceTo(250);
		expect(canonicalHash(player.machine)).toBe(canonicalHash(reference.machine));
	});
});
