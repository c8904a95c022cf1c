// The screen as the last frame drew it, as an SVG picture (`S`): the same Screen rendered again to a
// string (the colours are the theme's, through the same chalk as the terminal's), then ansi-svg.
import {renderToString} from 'ink';
import {createElement} from 'react';
import {ansiToSvg} from '../text/ansi-svg.js';
import {Screen} from './screen.js';
import type {Dashboard} from './use-dashboard.js';

export function screenSvg(d: Dashboard): string {
	const ansi = renderToString(createElement(Screen, {d}), {columns: d.width});
	const title = `memtop at ${d.snapshot.time.toFixed(1)} s (simulated)`;
	return ansiToSvg(ansi, d.width, title);
}
