import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {canonicalHash} from '../../source/record/format.js';
import {loadRecording} from '../../source/record/load.js';
import {Player} from '../../source/record/player.js';
import {validateCommand} from '../../source/record/validate.js';
import {Machine} from '../../source/sim/machine.js';
import {stateHash} from '../../source/sim/state-codec.js';
import {capture, recordLive, SCRIPT, smallWorkload, tempDir} from './helpers.js';

describe('record a live run, replay it', () => {
	it('replays to identical state hashes and snapshots at every captured tick', async () => {
		const path = join(tempDir(), 'live.memtop.jsonl');
		const {captures, machine} = await recordLive(path);
		expect(captures.size).toBeGreaterThanOrEqual(15);

		const rec = loadRecording(path);
		expect(rec.notice).toBeNull();
		expect(rec.end?.tick).toBe(machine.tick);
		expect(rec.endTick).toBe(500);
		// Every scripted command was recorded, at the tick it was applied.
		// Recorded as the schema parses them (a spawn's defaults filled in), as the session applied them.
		expect(rec.commandList.map((c) => c.command)).toEqual(
			Object.values(SCRIPT)
				.flat()
				.map((c) => validateCommand(c, 'cmd')),
		);
		expect(rec.commandList.filter((c) => c.tick < 250).map((c) => c.tick)).toEqual([0, 40, 130, 130]);

		const diverged: string[] = [];
		const player = new Player(rec, {onDivergence: (d) => diverged.push(d.message)});
		for (const [tick, live] of [...captures].sort((a, b) => a[0] - b[0])) {
			player.advanceTo(tick);
			expect(player.tick).toBe(tick);
			const replayed = capture(player.machine);
			expect(replayed.hash, `state at tick ${tick}`).toBe(live.hash);
			expect(replayed.snapshot, `snapshot at tick ${tick}`).toBe(live.snapshot);
		}
		expect(player.atEnd).toBe(true);
		expect(diverged).toEqual([]);
		// Hash checkpoints every 50 ticks (0 excluded: nothing was written at tick 0) and the end line.
		expect(player.verified).toBe(500 / 50 + 1);
		expect(stateHash(player.machine)).toBe(stateHash(machine));
	});

	it('writes the header, commands, hash and full-state checkpoints and an end line', async () => {
		const path = join(tempDir(), 'lines.memtop.jsonl');
		const {machine} = await recordLive(path, {ticks: 300});
		const lines = readFileSync(path, 'utf8')
			.trimEnd()
			.split('\n')
			.map((l) => JSON.parse(l));
		const header = lines[0];
		expect(header).toMatchObject({
			memtop: 'recording',
			format: 3,
			version: '0.0.0-test',
			seed: 7,
			policy: 'lru2',
			parent: null,
		});
		expect(header.workload).toEqual(smallWorkload());
		expect(header.sysctl).toEqual(smallWorkload().machine.sysctl);
		expect(Number.isNaN(Date.parse(header.created))).toBe(false);
		const checkpoints = lines.filter((l) => l.checkpoint);
		expect(checkpoints.map((l) => l.t)).toEqual([50, 100, 150, 200, 250, 300]);
		expect(checkpoints.filter((l) => l.checkpoint.state).map((l) => l.t)).toEqual([200]);
		expect(lines.at(-1)).toEqual({t: 300, end: {hash: canonicalHash(machine)}});
		// Ticks never go backwards.
		const ticks = lines.slice(1).map((l) => l.t);
		expect([...ticks].sort((a, b) => a - b)).toEqual(ticks);
	});

	it('a full-state checkpoint restores to the recorded state, and seeking from it matches stepping', async () => {
		const path = join(tempDir(), 'seek.memtop.jsonl');
		await recordLive(path, {ticks: 500});
		const rec = loadRecording(path);
		expect(rec.states.map((c) => c.tick)).toEqual([200, 400]);
		const restored = rec.restore(rec.states[1]!);
		expect(restored.tick).toBe(400);
		expect(canonicalHash(restored)).toBe(rec.states[1]!.hash);

		const linear = new Player(rec);
		const seeker = new Player(rec);
		for (const target of [430, 120, 260, 260, 499, 0, 400, 201, 500]) {
			linear.seek(target, {forceRestore: true});
			seeker.seek(target);
			const reference = new Player(rec);
			reference.advanceTo(target);
			expect(canonicalHash(seeker.machine), `seek to ${target}`).toBe(canonicalHash(reference.machine));
			expect(canonicalHash(linear.machine), `forced restore to ${target}`).toBe(
				canonicalHash(reference.machine),
			);
		}
	});

	it('the canonical hash leaves undelivered events out (they are drained at wall-clock times)', () => {
		const w = smallWorkload();
		const a = new Machine(w, {seed: 3});
		const b = new Machine(w, {seed: 3});
		for (let i = 0; i < 150; i++) {
			a.step();
			b.step();
			if (i % 7 === 0) a.drainEvents();
		}
		a.drainEvents();
		const before = b.drainEvents();
		expect(before.length).toBeGreaterThan(0);
		// Put b's queue back: its canonical hash must not see it, and must leave it in place.
		for (const e of before) b.events.emit(e);
		expect(stateHash(a)).not.toBe(stateHash(b));
		expect(canonicalHash(a)).toBe(canonicalHash(b));
		expect(b.drainEvents()).toEqual(before);
	});
});
