// Delta checkpoints (format 2): a full (key) state every keyInterval, deltas from the previous state
// between; reading them back, damage to them, and format-1 files (full deflated states only).
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {brotliCompressSync, deflateSync} from 'node:zlib';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {shuffle4} from '../../source/record/compression.js';
import {encodeDelta} from '../../source/record/delta.js';
import {canonicalHash} from '../../source/record/format.js';
import {loadRecording} from '../../source/record/load.js';
import {Player} from '../../source/record/player.js';
import type {CheckpointEntry, Recording} from '../../source/record/recording.js';
import {recordLive, tempDir} from './helpers.js';

type Line = {
	t: number;
	checkpoint?: {hash: string; state?: string; delta?: string; base?: number; length?: number};
};

/** 1000 ticks: states every 200 ticks, a key state every 600: 200 (key), 400, 600 (key), 800, 1000. */
async function recordDeltas(): Promise<{path: string; lines: Line[]; rec: Recording}> {
	const path = join(tempDir(), 'deltas.memtop.jsonl');
	await recordLive(path, {ticks: 1000, keyInterval: 600});
	const lines = readFileSync(path, 'utf8')
		.trimEnd()
		.split('\n')
		.map((l) => JSON.parse(l) as Line);
	return {path, lines, rec: loadRecording(path)};
}

/** Write `lines` (with `change` applied to the line of tick `t`'s checkpoint) to a new file. */
function rewrite(lines: Line[], t: number, change: (c: NonNullable<Line['checkpoint']>) => object): string {
	const path = join(tempDir(), 'bad.jsonl');
	const out = lines.map((l) =>
		JSON.stringify(l.checkpoint && l.t === t ? {t, checkpoint: change({...l.checkpoint})} : l),
	);
	writeFileSync(path, `${out.join('\n')}\n`);
	return path;
}

const lineOf = (lines: Line[], t: number) => lines.findIndex((l) => l.checkpoint && l.t === t) + 1;

function loadError(path: string): string {
	try {
		loadRecording(path, 'bad.jsonl');
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		return (error as UserError).message;
	}
	throw new Error('loaded');
}

/** The canonical hash at `tick`, by stepping from the start. */
function reference(rec: Recording, tick: number): string {
	const p = new Player(rec);
	p.advanceTo(tick);
	return canonicalHash(p.machine);
}

describe('delta checkpoints', () => {
	it('writes a key state every keyInterval and a delta from the previous state between', async () => {
		const {lines, rec} = await recordDeltas();
		const states = lines.filter((l) => l.checkpoint?.state || l.checkpoint?.delta);
		expect(states.map((l) => [l.t, l.checkpoint!.state ? 'key' : l.checkpoint!.base])).toEqual([
			[200, 'key'],
			[400, 200],
			[600, 'key'],
			[800, 600],
			[1000, 800],
		]);
		expect(rec.states.map((c) => c.tick)).toEqual([200, 400, 600, 800, 1000]);
		expect(rec.keys.map((c) => c.tick)).toEqual([200, 600]);
		expect(rec.chain(rec.checkpointAt(1000)!).map((c) => c.tick)).toEqual([600, 800, 1000]);
		// A delta is a small fraction of a full state.
		const size = (t: number) => JSON.stringify(lines.find((l) => l.t === t && l.checkpoint)).length;
		expect(size(800)).toBeLessThan(size(600) / 2);
		// Each state, read cold or after others, is the recorded one, of the recorded length.
		for (const cold of [true, false]) {
			for (const c of [...rec.states].reverse()) {
				if (cold) rec.dropCaches();
				const raw = rec.readState(c);
				if (c.delta) expect(raw.length).toBe(c.delta.length);
				const m = rec.restore(c);
				expect(m.tick).toBe(c.tick);
				expect(canonicalHash(m), `state at ${c.tick}`).toBe(c.hash);
			}
		}
	});

	it('seeks anywhere through deltas to the state stepping gives', async () => {
		const {rec} = await recordDeltas();
		const seeker = new Player(rec);
		for (const target of [950, 420, 1000, 610, 799, 805, 0, 300, 1000, 401]) {
			seeker.seek(target, {forceRestore: true});
			expect(canonicalHash(seeker.machine), `seek to ${target}`).toBe(reference(rec, target));
		}
		expect(seeker.divergence).toBeNull();
	});

	it('a delta that gives the wrong bytes is reported once, on its line, and seeks fall back before it', async () => {
		const {lines, rec} = await recordDeltas();
		// A well-formed delta at 800 that differs from the recorded state in one byte that 1000 keeps.
		const raw600 = rec.readState(rec.checkpointAt(600)!).slice();
		const raw800 = rec.readState(rec.checkpointAt(800)!).slice();
		const raw1000 = rec.readState(rec.checkpointAt(1000)!);
		let at = 64;
		while (raw800[at] !== raw1000[at]) at++;
		raw800[at] = raw800[at]! ^ 0x5a;
		const bad = rewrite(lines, 800, (c) => ({...c, delta: encodeDelta(raw800, raw600)}));
		const damaged = loadRecording(bad, 'bad.jsonl');
		const problems: string[] = [];
		const player = new Player(damaged, {onProblem: (p) => problems.push(p)});
		player.seek(1000, {forceRestore: true});
		expect(problems).toEqual([
			`bad.jsonl:${lineOf(lines, 800)}: checkpoint delta does not match its hash (the file is corrupt); seeking from an earlier checkpoint`,
		]);
		expect(canonicalHash(player.machine)).toBe(reference(rec, 1000));
		// 800 and 1000 (built on it) are unusable; 600 is used from now on, without another report.
		const entry = (t: number) => damaged.checkpointAt(t) as CheckpointEntry;
		expect([200, 400, 600, 800, 1000].map((t) => damaged.usable(entry(t)))).toEqual([
			true,
			true,
			true,
			false,
			false,
		]);
		expect(damaged.stateAtOrBefore(1000)?.tick).toBe(600);
		for (const target of [850, 1000]) {
			player.seek(target, {forceRestore: true});
			expect(canonicalHash(player.machine)).toBe(reference(rec, target));
		}
		expect(problems).toHaveLength(1);
		// A replay that plays through 800 sees the true state there: the hash verifies.
		const through = new Player(damaged);
		through.advanceTo(1000);
		expect(through.divergence).toBeNull();
	});

	it('a delta that does not decode, or a damaged key state, makes its chain unusable', async () => {
		const {lines, rec} = await recordDeltas();
		const line800 = lineOf(lines, 800);
		const words = (rec.checkpointAt(800)!.delta!.length + 3) >>> 2;
		// Payloads: no moves (the aligned base is all zeros), then the runs given.
		const varints = (...xs: number[]) => {
			const out: number[] = [0];
			for (let x of xs) {
				for (; x >= 0x80; x >>>= 7) out.push((x & 0x7f) | 0x80);
				out.push(x);
			}
			return brotliCompressSync(Buffer.from(out)).toString('base64');
		};
		const cases: [string, string, RegExp][] = [
			['not brotli', 'AAAA', /checkpoint delta does not decompress/],
			[
				'runs cut short',
				brotliCompressSync(Buffer.from([0, 0x80])).toString('base64'),
				/checkpoint delta is malformed: it ends inside its runs; seeking from an earlier checkpoint$/,
			],
			[
				'runs too long',
				varints(words, 1),
				new RegExp(`checkpoint delta is malformed: its runs cover more than the state's ${words} words`),
			],
			[
				'values missing',
				varints(0, words),
				new RegExp(`checkpoint delta is malformed: 0 bytes of values for ${words} replaced words`),
			],
			['an empty run', varints(1, 0, 5), /checkpoint delta is malformed: an empty run of replaced words/],
		];
		for (const [what, delta, message] of cases) {
			const damaged = loadRecording(
				rewrite(lines, 800, (c) => ({...c, delta})),
				'bad.jsonl',
			);
			const problems: string[] = [];
			const player = new Player(damaged, {onProblem: (p) => problems.push(p)});
			player.seek(1000, {forceRestore: true});
			expect(problems, what).toHaveLength(1);
			expect(problems[0], what).toMatch(new RegExp(`^bad\\.jsonl:${line800}: `));
			expect(problems[0], what).toMatch(message);
			expect(canonicalHash(player.machine)).toBe(reference(rec, 1000));
		}
		// A key state that does not decode: the deltas after it fall back to the chain before it.
		const key = loadRecording(
			rewrite(lines, 600, (c) => ({...c, state: 'AAAA'})),
			'bad.jsonl',
		);
		const problems: string[] = [];
		const player = new Player(key, {onProblem: (p) => problems.push(p)});
		player.seek(900, {forceRestore: true});
		expect(problems).toEqual([
			expect.stringMatching(
				new RegExp(`^bad\\.jsonl:${lineOf(lines, 600)}: checkpoint state does not decompress: `),
			),
		]);
		expect(key.stateAtOrBefore(1000)?.tick).toBe(400);
		expect(canonicalHash(player.machine)).toBe(reference(rec, 900));
	});

	it('refuses deltas whose base or length cannot be right, naming the line', async () => {
		const {lines, rec} = await recordDeltas();
		const n = lineOf(lines, 800);
		const max = rec.maxStateBytes;
		const cases: [(c: NonNullable<Line['checkpoint']>) => object, string][] = [
			[
				(c) => ({...c, base: 750}),
				`bad.jsonl:${n}: checkpoint.base: expected the tick of an earlier checkpoint with a state, got 750`,
			],
			[
				(c) => ({...c, base: 123}),
				`bad.jsonl:${n}: checkpoint.base: expected the tick of an earlier checkpoint with a state, got 123`,
			],
			[
				(c) => ({...c, base: 800}),
				`bad.jsonl:${n}: checkpoint.base: expected an integer from 0 to 799, got 800`,
			],
			[
				(c) => ({...c, length: max + 1}),
				`bad.jsonl:${n}: checkpoint.length: expected at most ${max} bytes for this machine, got ${max + 1}`,
			],
			[
				(c) => ({...c, length: 3}),
				`bad.jsonl:${n}: checkpoint.length: expected an integer from 4 to 4294967295, got 3`,
			],
			[
				({base: _, ...c}) => c,
				`bad.jsonl:${n}: checkpoint.base: expected an integer from 0 to 799, got nothing`,
			],
			[({delta: _, ...c}) => c, `bad.jsonl:${n}: checkpoint.delta: expected base64 text, got nothing`],
			[(c) => ({...c, state: c.delta}), `bad.jsonl:${n}: checkpoint: a full state and a delta at once`],
		];
		for (const [change, message] of cases) expect(loadError(rewrite(lines, 800, change))).toBe(message);
	});

	it('still reads format 1 recordings (deflated full states, no deltas)', async () => {
		const {lines, rec} = await recordDeltas();
		const v1 = lines.map((l, i) => {
			if (i === 0) return {...l, format: 1};
			const c = l.checkpoint;
			if (!c || !(c.state || c.delta)) return l;
			const raw = rec.readState(rec.checkpointAt(l.t)!);
			const state = deflateSync(shuffle4(raw), {level: 1}).toString('base64');
			return {t: l.t, checkpoint: {hash: c.hash, state}};
		});
		const path = join(tempDir(), 'v1.memtop.jsonl');
		writeFileSync(path, `${v1.map((l) => JSON.stringify(l)).join('\n')}\n`);
		const old = loadRecording(path);
		expect(old.header.format).toBe(1);
		expect(old.keys.map((c) => c.tick)).toEqual([200, 400, 600, 800, 1000]);
		for (const c of old.states) expect(canonicalHash(old.restore(c))).toBe(c.hash);
		const player = new Player(old);
		player.seek(930, {forceRestore: true});
		expect(canonicalHash(player.machine)).toBe(reference(rec, 930));
		// A delta in a format 1 file is an unknown key there.
		const mixed = v1.map((l, i) => JSON.stringify(l.t === 400 ? lines[i] : l));
		const bad = join(tempDir(), 'bad.jsonl');
		writeFileSync(bad, `${mixed.join('\n')}\n`);
		expect(loadError(bad)).toBe(`bad.jsonl:${lineOf(lines, 400)}: checkpoint: unknown key "delta"`);
	});
});
