import {deflateSync} from 'node:zlib';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {brotli, decodeState, encodeState, shuffle4, unshuffle4} from '../../source/record/compression.js';
import {alignMoves, decodeDelta, diffStates, encodeDelta, patchState} from '../../source/record/delta.js';
import {FormatError} from '../../source/record/format.js';
import {describeCommand, formatTickTime} from '../../source/record/labels.js';
import {validateCommand, validateLine} from '../../source/record/validate.js';
import {Machine} from '../../source/sim/machine.js';
import {saveMachine} from '../../source/sim/state-codec.js';
import {hogSpec} from '../../source/sim/templates.js';
import {GIB, MIB} from '../helpers/workload.js';
import {oomWorkload, smallWorkload} from './helpers.js';

describe('recording format pieces', () => {
	it('shuffle4 and unshuffle4 are inverses, whatever the length', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 64}), (bytes) => {
				expect(unshuffle4(shuffle4(bytes))).toEqual(bytes);
			}),
		);
	});

	it('a machine state survives encodeState/decodeState, and garbage is refused', () => {
		const m = new Machine(smallWorkload(), {seed: 1});
		for (let i = 0; i < 100; i++) m.step();
		const raw = saveMachine(m);
		const text = encodeState(raw);
		expect(text.length).toBeLessThan(raw.length / 2);
		expect(Buffer.compare(decodeState(text, 1 << 30, 3, raw.length), raw)).toBe(0);
		expect(() => decodeState('not base64', 1 << 30, 3, raw.length)).toThrow(FormatError);
		expect(() => decodeState('AAAA', 1 << 30, 3, raw.length)).toThrow(/does not decompress/);
		// A state that decompresses beyond its length is refused while inflating; one that gives fewer
		// bytes than its length is refused too.
		expect(() => decodeState(text, 1 << 30, 3, raw.length - 8)).toThrow(
			`checkpoint state does not decompress: it inflates past ${raw.length - 8} bytes`,
		);
		expect(() => decodeState(text, 1 << 30, 3, raw.length + 8)).toThrow(
			`checkpoint state decompresses to ${raw.length} bytes, not its length (${raw.length + 8})`,
		);
		// Format 2: one shuffle of the whole, within the bound.
		const v2 = brotli(shuffle4(raw), 5).toString('base64');
		expect(Buffer.compare(decodeState(v2, 1 << 30, 2), raw)).toBe(0);
		expect(() => decodeState(v2, 1000, 2)).toThrow(/does not decompress: it inflates past 1000 bytes/);
	});

	it('a format 1 state (deflate) still decodes', () => {
		const m = new Machine(smallWorkload(), {seed: 1});
		for (let i = 0; i < 50; i++) m.step();
		const raw = saveMachine(m);
		const v1 = deflateSync(shuffle4(raw), {level: 1}).toString('base64');
		expect(Buffer.compare(decodeState(v1, 1 << 30, 1), raw)).toBe(0);
		expect(() => decodeState(v1, 1 << 30, 2)).toThrow(/does not decompress/);
	});

	it('diffStates and patchState turn any base into any state, in place or not', () => {
		// A state: the base, resized, with some bytes changed (so there are runs of both kinds).
		const derived = fc
			.tuple(
				fc.uint8Array({maxLength: 160}),
				fc.nat({max: 170}),
				fc.array(fc.tuple(fc.nat(), fc.integer({min: 0, max: 255})), {maxLength: 40}),
			)
			.map(([base, length, edits]) => {
				const raw = new Uint8Array(length);
				raw.set(base.subarray(0, length));
				for (const [at, value] of edits) if (length > 0) raw[at % length] = value;
				return {base, raw};
			});
		const unrelated = fc.record({base: fc.uint8Array({maxLength: 80}), raw: fc.uint8Array({maxLength: 80})});
		fc.assert(
			fc.property(fc.oneof(derived, unrelated), ({base, raw}) => {
				const payload = diffStates(raw, base);
				const words = (raw.length + 3) >>> 2;
				expect(payload.length).toBeLessThanOrEqual(words * 4 + 16);
				expect(patchState(base, raw.length, payload)).toEqual(raw);
				// In place, in memory with room to grow (bytes past the base's end must read as 0).
				const memory = new Uint8Array(256).fill(0xee);
				memory.set(base);
				const room = memory.subarray(0, base.length);
				const patched = patchState(room, raw.length, payload, true);
				expect(patched).toEqual(raw);
				expect(patched.buffer).toBe(memory.buffer);
			}),
		);
	});

	it('with moves too: the aligned base is zeros but for the words moved from the base', () => {
		const moved = fc
			.tuple(
				fc.uint8Array({maxLength: 120}),
				fc.uint8Array({maxLength: 120}),
				fc.array(fc.tuple(fc.nat({max: 8}), fc.nat({max: 40}), fc.integer({min: 1, max: 12})), {
					maxLength: 5,
				}),
			)
			.map(([base, raw, specs]) => {
				// Disjoint targets in increasing order, within the state's words.
				const words = (raw.length + 3) >>> 2;
				const moves: {to: number; from: number; count: number}[] = [];
				let end = 0;
				for (const [gap, from, count] of specs) {
					const to = end + gap;
					if (to + count > words) break;
					moves.push({to, from, count});
					end = to + count;
				}
				return {base, raw, moves};
			});
		fc.assert(
			fc.property(moved, ({base, raw, moves}) => {
				const payload = diffStates(raw, base, moves);
				expect(patchState(base, raw.length, payload)).toEqual(raw);
				expect(patchState(base.slice(), raw.length, payload, true)).toEqual(raw);
			}),
		);
		const bad = (moves: number[]) => () =>
			patchState(new Uint8Array(16), 16, Uint8Array.from([...moves, 4, 0]));
		expect(bad([1, 3, 0, 2])).toThrow(
			/^checkpoint delta is malformed: a move of 2 words to word 3, overlapping or outside/,
		);
		expect(bad([2, 0, 0, 2, 1, 0, 1])).toThrow(/a move of 1 words to word 1, overlapping/);
		expect(bad([1, 0, 0, 0])).toThrow(/a move of 0 words/);
		expect(bad([1, 0, 0, 4])).not.toThrow();
	});

	it('lines up the arrays of two machine states whose layouts differ, by their paths', () => {
		// Leakers grow their page tables (doubling them): the arrays after them move.
		const m = new Machine(oomWorkload(), {seed: 1});
		for (let i = 0; i < 50; i++) m.step();
		const before = saveMachine(m);
		for (let i = 0; i < 25; i++) m.step();
		const after = saveMachine(m);
		const moves = alignMoves(after, before);
		expect(moves.length).toBeGreaterThan(1);
		const identity = [{to: 0, from: 0, count: (Math.min(after.length, before.length) + 3) >>> 2}];
		const aligned = diffStates(after, before, moves);
		expect(aligned.length).toBeLessThan(diffStates(after, before, identity).length);
		expect(Buffer.compare(patchState(before, after.length, aligned), after)).toBe(0);
		// Not machine states: the base as it is.
		expect(alignMoves(Uint8Array.of(1, 2, 3, 4, 5), Uint8Array.of(9))).toEqual([{to: 0, from: 0, count: 1}]);
		expect(alignMoves(before, before)).toEqual([{to: 0, from: 0, count: (before.length + 3) >>> 2}]);
	});

	it('a machine state and a later one make a small delta that gives back the later one', () => {
		const m = new Machine(smallWorkload(), {seed: 1});
		for (let i = 0; i < 300; i++) m.step();
		const before = saveMachine(m);
		for (let i = 0; i < 100; i++) m.step();
		const after = saveMachine(m);
		const text = encodeDelta(after, before);
		expect(text.length).toBeLessThan(encodeState(after).length / 2);
		expect(Buffer.compare(decodeDelta(text, before, after.length), after)).toBe(0);
		// A malformed payload is refused before anything is written, even in place.
		const copy = before.slice();
		const payload = diffStates(after, before);
		expect(() => patchState(copy, after.length, payload.subarray(0, payload.length - 1), true)).toThrow(
			/^checkpoint delta is malformed: \d+ bytes of values for \d+ replaced words$/,
		);
		expect(Buffer.compare(copy, before)).toBe(0);
	});

	it('formats ticks as m:ss.cc and commands as short labels', () => {
		expect(formatTickTime(0)).toBe('0:00.00');
		expect(formatTickTime(4210)).toBe('0:42.10');
		expect(formatTickTime(6001)).toBe('1:00.01');
		expect(formatTickTime(360_000 + 6100)).toBe('1:01:01.00');
		expect(describeCommand({kind: 'spawn', spec: hogSpec(GIB), count: 3})).toBe('spawn hog ×3');
		expect(describeCommand({kind: 'balloon', bytes: -512 * MIB})).toBe('balloon -512 MiB');
		expect(describeCommand({kind: 'set-zswap', enabled: false})).toBe('zswap off');
	});

	it('validates commands and lines field by field', () => {
		const ok: unknown[] = [
			{kind: 'spawn', spec: hogSpec(GIB)},
			{kind: 'spawn', spec: hogSpec(GIB), count: 2},
			{kind: 'kill', pid: 100},
			{kind: 'kill', pid: 100, signal: 'SIGTERM'},
			{kind: 'kill', pid: 100, signal: 'SIGKILL'},
			{kind: 'set-sysctl', name: 'min_free_kbytes', value: 65536},
			{kind: 'set-oom-score-adj', pid: 100, value: -1000},
			{kind: 'set-zswap', enabled: true},
			{kind: 'drop-caches', mode: 3},
			{kind: 'balloon', bytes: -4096},
		];
		for (const c of ok.slice(2)) expect(validateCommand(c, 'cmd')).toEqual(c);
		// A spawn comes back as the schema parses it: every default filled in, and it parses to itself.
		const spawn = validateCommand(ok[0], 'cmd');
		expect(spawn).toMatchObject({kind: 'spawn', count: 1, spec: {name: 'hog', uid: 1000}});
		expect(validateCommand(JSON.parse(JSON.stringify(spawn)), 'cmd')).toEqual(spawn);
		expect(validateCommand(ok[1], 'cmd')).toMatchObject({count: 2});
		// Sizes written as text are numbers when the machine sees them (a raw "640M" once became NaN).
		const text = validateCommand(
			{kind: 'spawn', spec: {...hogSpec(GIB), regions: [{name: 'heap', kind: 'anon', size: '640M'}]}},
			'cmd',
		);
		expect(text.kind === 'spawn' && text.spec.regions[0]!.size).toBe(640 * 1024 * 1024);
		const bad: [unknown, RegExp][] = [
			[null, /^cmd: expected a command/],
			[{kind: 'set-sysctl', name: 'swapiness', value: 1}, /^cmd\.name: expected one of swappiness/],
			[
				{kind: 'set-sysctl', name: 'swappiness', value: null},
				/^cmd\.value: expected a number, got an empty value$/,
			],
			[{kind: 'drop-caches', mode: 4}, /^cmd\.mode: expected 1, 2 or 3, got 4$/],
			[{kind: 'spawn', spec: {...hogSpec(GIB), count: 2}}, /^cmd\.spec: unknown key "count"$/],
			[
				{kind: 'spawn', spec: {...hogSpec(GIB), name: 'a name far too long'}},
				/^cmd\.spec\.name: expected a process name/,
			],
			[
				{kind: 'spawn', spec: hogSpec(GIB), count: 0},
				/^cmd\.count: expected an integer from 1 to 10000, got 0$/,
			],
			[{kind: 'kill', pid: 1, signal: 9}, /^cmd\.signal: expected one of SIGTERM, SIGKILL, got 9$/],
			[{kind: 'kill', pid: 1, sig: 'SIGTERM'}, /^cmd: unknown key "sig"$/],
		];
		for (const [c, message] of bad) expect(() => validateCommand(c, 'cmd')).toThrow(message);
		expect(validateLine({t: 5, end: {hash: '0123456789abcdef'}})).toEqual({
			t: 5,
			end: {hash: '0123456789abcdef'},
		});
		expect(() => validateLine({t: 1.5, end: {hash: '0123456789abcdef'}})).toThrow(
			/^t: expected an integer of at least 0, got 1.5$/,
		);
		expect(() => validateLine({t: 5, checkpoint: {hash: '0123456789abcdef', state: ''}}, 2)).toThrow(
			/^checkpoint\.state: expected base64 text/,
		);
		expect(() => validateLine([1])).toThrow(/^line: expected an object/);
		const state = (text: string) => () =>
			validateLine({t: 5, checkpoint: {hash: '0123456789abcdef', state: text}}, 2);
		for (const good of ['AAAA', 'AA==', 'AAA=', 'ab+/09Zz']) expect(state(good)).not.toThrow();
		for (const bad of ['AA=A', 'A===', 'AAA', 'AA AA', 'AA-_', '===='])
			expect(state(bad), bad).toThrow(/expected base64 text/);
		// Format 3: a full state with its length.
		expect(() => validateLine({t: 5, checkpoint: {hash: '0123456789abcdef', state: 'AAAA'}}, 3)).toThrow(
			/^checkpoint\.length: expected an integer from 4 to 4294967295, got nothing$/,
		);
		expect(validateLine({t: 5, checkpoint: {hash: '0123456789abcdef', state: 'AAAA', length: 8}}, 3)).toEqual(
			{t: 5, checkpoint: {hash: '0123456789abcdef', state: 'AAAA', length: 8}},
		);
		expect(() =>
			validateLine({t: 5, checkpoint: {hash: '0123456789abcdef', state: 'AAAA', length: 8}}, 2),
		).toThrow(/^checkpoint: a full state and a delta at once$/);
		// Delta checkpoints: formats 2 and 3, with their base and length.
		const delta = {hash: '0123456789abcdef', delta: 'AAAA', base: 200, length: 1024};
		expect(validateLine({t: 400, checkpoint: delta})).toEqual({t: 400, checkpoint: delta});
		expect(() => validateLine({t: 400, checkpoint: delta}, 1)).toThrow(/^checkpoint: unknown key "delta"$/);
		expect(() => validateLine({t: 200, checkpoint: delta})).toThrow(
			/^checkpoint\.base: expected an integer from 0 to 199, got 200$/,
		);
		expect(() => validateLine({t: 0, checkpoint: delta})).toThrow(/^checkpoint\.base: a delta at tick 0/);
		expect(() => validateLine({t: 400, checkpoint: {...delta, length: 1.5}})).toThrow(
			/^checkpoint\.length: expected an integer from 4 to 4294967295, got 1.5$/,
		);
		expect(() => validateLine({t: 400, checkpoint: {...delta, delta: 'A A'}})).toThrow(
			/^checkpoint\.delta: expected base64 text/,
		);
	});
});
