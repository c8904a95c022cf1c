// Terminal input split into the keys a person pressed: text one character at a time (a paste or
// fast typing arrives as one chunk), escape sequences of xterm, rxvt and the Linux console, SGR
// mouse reports.
import {Text} from 'ink';
import {useState} from 'react';
import {describe, expect, it} from 'vitest';
import {type Input, keySpec, parseInput} from '../../../source/view/input/keys.js';
import {useKeys} from '../../../source/view/input/use-keys.js';
import {KEYS} from '../../helpers/ink-tty.js';
import {autoUnmount, mount} from '../../helpers/render-once.js';

autoUnmount();

const specs = (event: string): string[] =>
	parseInput(event).map((i) => (i.kind === 'key' ? keySpec(i) : `mouse:${i.button}`));

describe('parseInput', () => {
	it('splits a run of text into one press per character, Enter included', () => {
		expect(specs('ngi\r')).toEqual(['n', 'g', 'i', 'Enter']);
		expect(specs('+++')).toEqual(['+', '+', '+']);
		expect(specs('a b\t\x7f')).toEqual(['a', 'Space', 'b', 'Tab', 'Backspace']);
		expect(specs('\x03\x0c')).toEqual(['C-c', 'C-l']);
		expect(specs('Pé')).toEqual(['P', 'é']);
	});

	it('knows F-keys in xterm, rxvt and Linux console spellings', () => {
		for (const [seq, name] of [
			['\x1bOP', 'F1'],
			['\x1bOQ', 'F2'],
			['\x1b[13~', 'F3'],
			['\x1b[[D', 'F4'],
			['\x1b[[E', 'F5'],
			['\x1b[15~', 'F5'],
			['\x1b[17~', 'F6'],
			['\x1b[20~', 'F9'],
			['\x1b[21~', 'F10'],
		] as const) {
			expect(specs(seq)).toEqual([name]);
		}
	});

	it('knows cursor keys with modifiers, paging, Home/End and Esc', () => {
		expect(specs(KEYS.up)).toEqual(['Up']);
		expect(specs('\x1bOB')).toEqual(['Down']);
		expect(specs(KEYS.shiftRight)).toEqual(['S-Right']);
		expect(specs('\x1b[1;5D')).toEqual(['C-Left']);
		expect(specs(KEYS.pageUp)).toEqual(['PgUp']);
		expect(specs(KEYS.pageDown)).toEqual(['PgDn']);
		expect(specs(KEYS.home)).toEqual(['Home']);
		expect(specs('\x1b[4~')).toEqual(['End']);
		expect(specs('\x1b[3~')).toEqual(['Del']);
		expect(specs('\x1b')).toEqual(['Esc']);
		expect(specs('\x1bq')).toEqual(['M-q']);
		expect(specs('\x1b[Z')).toEqual(['S-Tab']);
		expect(specs('\x1b[99~')).toEqual([]);
	});

	it('reads SGR mouse reports: button, 0-based cell, press or release, wheel', () => {
		expect(parseInput('\x1b[<0;10;5M')).toEqual([
			{kind: 'mouse', button: 'left', x: 9, y: 4, press: true, motion: false},
		]);
		expect(parseInput('\x1b[<0;10;5m')[0]).toMatchObject({button: 'left', press: false});
		expect(parseInput('\x1b[<64;1;1M')[0]).toMatchObject({button: 'wheel-up', x: 0, y: 0});
		expect(parseInput('\x1b[<65;3;7M')[0]).toMatchObject({button: 'wheel-down', x: 2, y: 6});
		expect(parseInput('\x1b[<2;3;7M')[0]).toMatchObject({button: 'right'});
		expect(parseInput('\x1b[<16;3;7M')[0]).toMatchObject({button: 'left'});
	});
});

function Presses() {
	const [seen, setSeen] = useState<string[]>([]);
	useKeys(
		(i: Input) => setSeen((s) => [...s, i.kind === 'key' ? keySpec(i) : `${i.button}@${i.x},${i.y}`]),
		true,
	);
	return <Text>{seen.join(' ') || 'none'}</Text>;
}

describe('useKeys', () => {
	it('reports every key of a chunk in order, F-keys and mouse too', async () => {
		const r = await mount(<Presses />, 80);
		await r.press(KEYS.f1, 'ngi\r', KEYS.f10, '\x1b[<0;4;2M', KEYS.escape);
		expect(r.lastFrame()).toBe('F1 n g i Enter F10 left@3,1 Esc');
	});
});
