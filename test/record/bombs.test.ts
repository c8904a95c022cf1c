// Decompression bombs (issue 18 item 3): a state decompresses within the exact bound of the header's
// machine (record/state-bound.ts), enforced while inflating, and is unshuffled in its own memory. Each
// bomb is made here: zeros compress to almost nothing.
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {deflateSync} from 'node:zlib';
import {describe, expect, it} from 'vitest';
import {brotli, shuffleBlocks, unshuffleBlocksInPlace} from '../../source/record/compression.js';
import {loadRecording} from '../../source/record/load.js';
import {Player} from '../../source/record/player.js';
import {stateBound} from '../../source/record/state-bound.js';
import {Machine} from '../../source/sim/machine.js';
import {saveMachine} from '../../source/sim/state-codec.js';
import {hogSpec, leakSpec} from '../../source/sim/templates.js';
import {MIB} from '../../source/sim/units.js';
import {recordLive, smallWorkload, tempDir} from './helpers.js';

type Line = {t: number; checkpoint?: {hash: string; state?: string; delta?: string; length?: number}};

/** Zeros of `bytes`, compressed: a bomb (64 MiB of zeros is a few kilobytes). */
const zeros = (bytes: number) => new Uint8Array(bytes);

async function recorded(): Promise<{path: string; lines: Line[]}> {
	const path = join(tempDir(), 'run.memtop.jsonl');
	await recordLive(path, {ticks: 450});
	const lines = readFileSync(path, 'utf8')
		.trimEnd()
		.split('\n')
		.map((l) => JSON.parse(l) as Line);
	return {path, lines};
}

function write(lines: object[]): string {
	const path = join(tempDir(), 'bomb.memtop.jsonl');
	writeFileSync(path, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
	return path;
}

describe('the bound of a state', () => {
	it('is at least every state the machine has, spawns and growth included, and not far above', () => {
		const w = smallWorkload();
		const spawned = [hogSpec(32 * MIB), leakSpec()];
		const bound = stateBound(w, 'lru2', spawned, false);
		const m = new Machine(w, {seed: 1});
		let largest = 0;
		for (let t = 0; t < 300; t++) {
			if (t === 50) for (const spec of spawned) m.apply({kind: 'spawn', spec});
			m.step();
			if (t % 50 === 49) largest = Math.max(largest, saveMachine(m).length);
		}
		expect(largest).toBeLessThanOrEqual(bound);
		// The leaker's 64 GiB region is most of the bound (its page table could grow to cover it).
		const withoutLeak = stateBound(w, 'lru2', [hogSpec(32 * MIB)], false);
		expect(withoutLeak).toBeLessThan(3 * largest);
		expect(bound).toBeGreaterThan(withoutLeak + ((64 * 1024 ** 3) / 4096) * 6);
	});

	it('a state is unshuffled in its own memory', () => {
		for (const n of [0, 3, 4, 1000, (1 << 20) + 7, 3 * (1 << 20)]) {
			const raw = new Uint8Array(n).map((_, i) => (i * 2654435761) >>> 24);
			const shuffled = shuffleBlocks(raw);
			expect(unshuffleBlocksInPlace(shuffled)).toBe(shuffled);
			expect(Buffer.compare(shuffled, raw), `n=${n}`).toBe(0);
		}
	});
});

describe('decompression bombs', () => {
	it('a brotli key state (format 3) inflates no further than its length, and no length beyond the bound', async () => {
		const {path, lines} = await recorded();
		const rec = loadRecording(path);
		const at = lines.findIndex((l) => l.checkpoint?.state);
		const length = lines[at]!.checkpoint!.length!;
		const bomb = brotli(zeros(64 * MIB), 5).toString('base64');
		expect(bomb.length).toBeLessThan(64 * 1024);
		const edited = lines.map((l, i) => (i === at ? {...l, checkpoint: {...l.checkpoint, state: bomb}} : l));
		const bad = loadRecording(write(edited), 'bomb.jsonl');
		expect(() => bad.restore(bad.checkpointAt(lines[at]!.t)!)).toThrow(
			`bomb.jsonl:${at + 1}: checkpoint state does not decompress: it inflates past ${length} bytes`,
		);
		// A length past what this machine's state can be is refused on reading, with the bound.
		const claimed = lines.map((l, i) =>
			i === at ? {...l, checkpoint: {...l.checkpoint, state: bomb, length: rec.maxStateBytes + 1}} : l,
		);
		expect(() => loadRecording(write(claimed), 'bomb.jsonl')).toThrow(
			`bomb.jsonl:${at + 1}: checkpoint.length: expected at most ${rec.maxStateBytes} bytes for this machine, got ${rec.maxStateBytes + 1}`,
		);
		expect(rec.maxStateBytes).toBeLessThan(16 * MIB);
	});

	it('a format 2 (brotli) and a format 1 (deflate) key state inflate no further than the bound', async () => {
		const {path, lines} = await recorded();
		const bound = loadRecording(path).maxStateBytes;
		const at = lines.findIndex((l) => l.checkpoint?.state);
		for (const [format, bomb] of [
			[2, brotli(zeros(64 * MIB), 5)],
			[1, deflateSync(zeros(64 * MIB), {level: 1})],
		] as const) {
			const old = lines.map((l, i) => {
				if (i === 0) return {...l, format};
				if (!l.checkpoint?.state && !l.checkpoint?.delta) return l;
				// Hash-only checkpoints but the bomb: format 1 has no deltas.
				return i === at
					? {t: l.t, checkpoint: {hash: l.checkpoint.hash, state: bomb.toString('base64')}}
					: {t: l.t, checkpoint: {hash: l.checkpoint.hash}};
			});
			const bad = loadRecording(write(old), 'bomb.jsonl');
			expect(bad.maxStateBytes).toBe(bound);
			expect(() => bad.restore(bad.checkpointAt(lines[at]!.t)!), `format ${format}`).toThrow(
				`bomb.jsonl:${at + 1}: checkpoint state does not decompress: it inflates past ${bound} bytes`,
			);
		}
	});

	it('a delta bomb met by a seek is reported on its line, and the seek goes on from an earlier state', async () => {
		const {path, lines} = await recorded();
		const at = lines.findIndex((l) => l.checkpoint?.delta);
		const {t, checkpoint} = lines[at]!;
		const bomb = brotli(zeros(64 * MIB), 5).toString('base64');
		const edited = lines.map((l, i) => (i === at ? {...l, checkpoint: {...checkpoint, delta: bomb}} : l));
		const bad = loadRecording(write(edited), 'bomb.jsonl');
		const good = new Player(loadRecording(path));
		good.seek(t + 20, {forceRestore: true});
		const warnings: string[] = [];
		const player = new Player(bad, {onProblem: (m) => warnings.push(m)});
		player.seek(t + 20, {forceRestore: true});
		expect(warnings.join('\n')).toMatch(
			new RegExp(
				`^bomb\\.jsonl:${at + 1}: checkpoint delta does not decompress: it inflates past \\d+ bytes`,
			),
		);
		expect(player.machine.tick).toBe(t + 20);
		expect(Buffer.compare(saveMachine(player.machine), saveMachine(good.machine))).toBe(0);
	});
});
