import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {
	decodeState,
	describeCommand,
	encodeState,
	FormatError,
	formatTickTime,
	shuffle4,
	unshuffle4,
	validateCommand,
	validateLine,
} from '../../source/record/format.js';
import {Machine} from '../../source/sim/machine.js';
import {saveMachine} from '../../source/sim/state-codec.js';
import {hogSpec} from '../../source/sim/templates.js';
import {GIB, MIB} from '../helpers/workload.js';
import {smallWorkload} from './helpers.js';

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
		expect(Buffer.compare(decodeState(text, 1 << 30), raw)).toBe(0);
		expect(() => decodeState('not base64', 1 << 30)).toThrow(FormatError);
		expect(() => decodeState('AAAA', 1 << 30)).toThrow(/does not inflate/);
		// A state that inflates beyond the limit (a deflate bomb) is refused.
		expect(() => decodeState(text, 1000)).toThrow(/does not inflate/);
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
			{kind: 'set-sysctl', name: 'min_free_kbytes', value: 65536},
			{kind: 'set-oom-score-adj', pid: 100, value: -1000},
			{kind: 'set-zswap', enabled: true},
			{kind: 'drop-caches', mode: 3},
			{kind: 'balloon', bytes: -4096},
		];
		for (const c of ok) expect(validateCommand(c, 'cmd')).toBe(c);
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
			[{kind: 'kill', pid: 1, signal: 9}, /^cmd: unknown key "signal"$/],
		];
		for (const [c, message] of bad) expect(() => validateCommand(c, 'cmd')).toThrow(message);
		expect(validateLine({t: 5, end: {hash: '0123456789abcdef'}})).toEqual({
			t: 5,
			end: {hash: '0123456789abcdef'},
		});
		expect(() => validateLine({t: 1.5, end: {hash: '0123456789abcdef'}})).toThrow(
			/^t: expected an integer of at least 0, got 1.5$/,
		);
		expect(() => validateLine({t: 5, checkpoint: {hash: '0123456789abcdef', state: ''}})).toThrow(
			/^checkpoint\.state: expected base64 text/,
		);
		expect(() => validateLine([1])).toThrow(/^line: expected an object/);
		const state = (text: string) => () =>
			validateLine({t: 5, checkpoint: {hash: '0123456789abcdef', state: text}});
		for (const good of ['AAAA', 'AA==', 'AAA=', 'ab+/09Zz']) expect(state(good)).not.toThrow();
		for (const bad of ['AA=A', 'A===', 'AAA', 'AA AA', 'AA-_', '===='])
			expect(state(bad), bad).toThrow(/expected base64 text/);
	});
});
