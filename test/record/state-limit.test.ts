// A recording's size is bounded (issue 17 item 12): once the file holds --record-limit bytes it stops
// writing states and records only commands and hashes, so it still replays exactly to its end and a
// seek past its last state steps from there.
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {checkRecordLimit, runCommand, stateLimitNote} from '../../source/cli/run.js';
import {UserError} from '../../source/common/user-error.js';
import {canonicalHash, STATE_LIMIT_BYTES} from '../../source/record/format.js';
import {loadRecording} from '../../source/record/load.js';
import {Player} from '../../source/record/player.js';
import {JsonlRecorder} from '../../source/record/recorder.js';
import {validateCommand} from '../../source/record/validate.js';
import {Machine} from '../../source/sim/machine.js';
import {hogSpec} from '../../source/sim/templates.js';
import {formatBinary} from '../../source/text/format.js';
import {MIB} from '../helpers/workload.js';
import {FAST, smallWorkload, tempDir} from './helpers.js';

/** Records `ticks` of the small workload (a hog at tick 120) with the given limit; the file's lines. */
function record(path: string, ticks: number, stateLimit?: number) {
	const machine = new Machine(smallWorkload(), {seed: 7});
	const recorder = JsonlRecorder.open({
		path,
		machine,
		...FAST,
		...(stateLimit === undefined ? {} : {stateLimit}),
	});
	while (machine.tick < ticks) {
		if (machine.tick === 120) {
			// As a session sends it: in the form the schema parses (the form a replay applies).
			const c = validateCommand({kind: 'spawn', spec: hogSpec(24 * MIB)}, 'cmd');
			recorder.command(machine.tick, c);
			machine.apply(c);
		}
		machine.step();
		recorder.afterStep(machine);
	}
	recorder.closeSync(machine);
	const text = readFileSync(path, 'utf8');
	return {machine, recorder, text, lines: text.trimEnd().split('\n')};
}

const withState = (line: string) => line.includes('"state":') || line.includes('"delta":');

describe('the recording size limit', () => {
	it('stops writing states once the file holds the limit, and the file still replays exactly to its end', () => {
		const dir = tempDir();
		const free = record(join(dir, 'free.memtop.jsonl'), 1000);
		expect(free.lines.filter(withState).length).toBe(5); // ticks 200, 400, ..., 1000
		expect(free.recorder.statesStoppedAt).toBeNull();
		expect(free.recorder.bytes).toBe(Buffer.byteLength(free.text));
		// The limit: the bytes up to and including the second state (tick 400).
		const second = free.lines.findIndex(
			(l, i) => withState(l) && free.lines.slice(0, i).filter(withState).length === 1,
		);
		const limit = Buffer.byteLength(`${free.lines.slice(0, second + 1).join('\n')}\n`);

		const path = join(dir, 'limited.memtop.jsonl');
		const limited = record(path, 1000, limit);
		const stateTicks = limited.lines.filter(withState).map((l) => JSON.parse(l).t);
		expect(stateTicks).toEqual([200, 400]);
		expect(limited.recorder.statesStoppedAt).toBe(600);
		// Every hash checkpoint is still there, and the command.
		expect(limited.lines.filter((l) => l.includes('"checkpoint"')).length).toBe(
			free.lines.filter((l) => l.includes('"checkpoint"')).length,
		);
		expect(limited.lines.filter((l) => l.includes('"cmd"')).length).toBe(1);
		expect(Buffer.byteLength(limited.text)).toBeLessThan(Buffer.byteLength(free.text));
		expect(stateLimitNote(limited.recorder)).toBe(
			`${path}: states stopped at ${formatBinary(limit)} (--record-limit), from 0:06.00 on: it replays to its end, and a seek past there steps from the last state`,
		);

		const rec = loadRecording(path);
		expect(rec.notice).toBeNull();
		expect(rec.states.map((s) => s.tick)).toEqual([200, 400]);
		const diverged: string[] = [];
		const player = new Player(rec, {onDivergence: (d) => diverged.push(d.message)});
		player.advanceTo(rec.endTick);
		expect(player.atEnd).toBe(true);
		expect(diverged).toEqual([]);
		expect(player.verified).toBe(1000 / 50 + 1);
		expect(canonicalHash(player.machine)).toBe(canonicalHash(limited.machine));
		// A seek past the last state steps from it to the same state as playing there.
		for (const target of [950, 650]) {
			const seeker = new Player(rec);
			seeker.seek(target);
			const reference = new Player(rec);
			reference.advanceTo(target);
			expect(canonicalHash(seeker.machine), `seek to ${target}`).toBe(canonicalHash(reference.machine));
		}
	});

	it("keeps a take-over's first state whatever the limit (the file cannot replay without it)", () => {
		const path = join(tempDir(), 'branch.memtop.jsonl');
		const machine = new Machine(smallWorkload(), {seed: 7});
		for (let i = 0; i < 120; i++) machine.step();
		const recorder = JsonlRecorder.open({
			path,
			machine,
			...FAST,
			stateLimit: 0,
			parent: {file: '/tmp/parent.memtop.jsonl', tick: 120},
		});
		while (machine.tick < 500) {
			machine.step();
			recorder.afterStep(machine);
		}
		recorder.closeSync(machine);
		const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
		expect(lines.filter(withState).map((l) => JSON.parse(l).t)).toEqual([120]);
		expect(recorder.statesStoppedAt).toBe(200);
		const player = new Player(loadRecording(path));
		player.advanceTo(500);
		expect(canonicalHash(player.machine)).toBe(canonicalHash(machine));
	});

	it('--record-limit takes a size, defaults to 1 GiB, and refuses anything else in one line', async () => {
		expect(checkRecordLimit(undefined)).toBe(STATE_LIMIT_BYTES);
		expect(STATE_LIMIT_BYTES).toBe(1024 ** 3);
		expect(checkRecordLimit('512M')).toBe(512 * MIB);
		expect(checkRecordLimit('2G')).toBe(2 * 1024 * MIB);
		expect(checkRecordLimit('0')).toBe(0);
		for (const bad of ['lots', '-1M', '', '1e400'])
			expect(() => checkRecordLimit(bad), bad).toThrow(
				new UserError(
					`--record-limit: expected a size like 512M or 2G (or a number of bytes), got ${JSON.stringify(bad)}`,
				),
			);
		// Through the command: a headless run that passes the limit says so on stderr, once.
		const dir = tempDir();
		const workload = join(dir, 'small.yaml');
		writeFileSync(
			workload,
			'machine: {ram: 96M, kernel: 8M, swap: {size: 64M, device: ssd}}\nprocesses:\n  - {name: web, rate: 20000, regions: [{name: heap, kind: anon, size: 40M}], streams: [{region: heap, pattern: random, weight: 1}]}\n',
		);
		const file = join(dir, 'run.memtop.jsonl');
		const err: string[] = [];
		const io = {stdout: {write: () => true}, stderr: {write: (s: string) => err.push(s)}};
		const code = await runCommand(
			[
				workload,
				'--headless',
				'--duration',
				'130',
				'--interval',
				'130',
				'--record',
				file,
				'--record-limit',
				'1K',
			],
			io as never,
			{interactive: async () => 0},
		);
		expect(code).toBe(0);
		expect(err.filter((l) => l.includes('states stopped'))).toEqual([
			`memtop: ${file}: states stopped at 1 KiB (--record-limit), from 1:00.00 on: it replays to its end, and a seek past there steps from the last state\n`,
		]);
		expect(loadRecording(file).states).toEqual([]);
	});
});
