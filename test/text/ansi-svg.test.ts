// The ANSI-to-SVG renderer that `S` and docs/screenshot.svg use: colours, reverse video, escapes.
import {describe, expect, it} from 'vitest';
import {ansiToSvg, escapeXml} from '../../source/text/ansi-svg.js';

describe('ansiToSvg', () => {
	it('keeps colours: 16, 256 and true colour foregrounds, backgrounds and reverse video', () => {
		const svg = ansiToSvg(
			'\x1b[31mred\x1b[39m \x1b[38;5;46mgreen\x1b[0m \x1b[38;2;1;2;3mrgb\x1b[0m \x1b[7minv\x1b[27m',
			20,
			't',
		);
		expect(svg).toContain('fill="#cc6666"');
		expect(svg).toMatch(/<text x="12.0" y="\d+" fill="#cc6666"[^>]*>red<\/text>/);
		expect(svg).toMatch(/fill="rgb\(0,255,0\)"[^>]*>green</);
		expect(svg).toMatch(/fill="rgb\(1,2,3\)"[^>]*>rgb</);
		// Reverse video: the default foreground as a background rect, the text in the background colour.
		expect(svg).toMatch(/<rect x="[\d.]+" y="\d+" width="25.2" height="17" fill="#c5c8c6"\/>/);
		expect(svg).toMatch(/fill="#1d1f21"[^>]*>inv</);
	});

	it('escapes markup, drops control characters and hyperlinks, counts an astral character once', () => {
		const svg = ansiToSvg('a<b>&"c"\x07 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ 😀x', 20, 'a & b');
		expect(svg).toContain('<title>a &amp; b</title>');
		expect(svg).toContain('>a&lt;b&gt;&amp;&quot;c&quot; link 😀x</text>');
		expect(svg).toContain('textLength="134.4"');
		expect(escapeXml('\x00x\x1f')).toBe('x');
	});
});
