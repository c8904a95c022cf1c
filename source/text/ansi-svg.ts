// Turn a terminal's text with ANSI colours (a tmux capture-pane -e, or the dashboard's own frame for
// `S`) into an SVG picture: one <text> per run of one style, a <rect> behind each coloured background.

const BASE16 = [
	'#1d1f21',
	'#cc6666',
	'#b5bd68',
	'#f0c674',
	'#81a2be',
	'#b294bb',
	'#8abeb7',
	'#c5c8c6',
	'#666666',
	'#d54e53',
	'#b9ca4a',
	'#e7c547',
	'#7aa6da',
	'#c397d8',
	'#70c0b1',
	'#eaeaea',
];
const DEFAULT_FG = '#c5c8c6';
const DEFAULT_BG = '#1d1f21';

function xterm256(n: number): string {
	if (n < 16) return BASE16[n]!;
	if (n >= 232) {
		const v = 8 + (n - 232) * 10;
		return `rgb(${v},${v},${v})`;
	}
	const i = n - 16;
	const c = (x: number): number => (x === 0 ? 0 : 55 + x * 40);
	return `rgb(${c(Math.floor(i / 36))},${c(Math.floor(i / 6) % 6)},${c(i % 6)})`;
}

interface Style {
	fg: string;
	bg: string;
	bold: boolean;
	dim: boolean;
	inverse: boolean;
}

interface Cell {
	ch: string;
	style: Style;
}

function applySgr(style: Style, params: number[]): Style {
	const s = {...style};
	for (let i = 0; i < params.length; i++) {
		const p = params[i]!;
		if (p === 0) Object.assign(s, {fg: DEFAULT_FG, bg: DEFAULT_BG, bold: false, dim: false, inverse: false});
		else if (p === 1) s.bold = true;
		else if (p === 2) s.dim = true;
		else if (p === 22) s.bold = s.dim = false;
		else if (p === 7) s.inverse = true;
		else if (p === 27) s.inverse = false;
		else if (p >= 30 && p <= 37) s.fg = BASE16[p - 30]!;
		else if (p >= 90 && p <= 97) s.fg = BASE16[p - 90 + 8]!;
		else if (p === 39) s.fg = DEFAULT_FG;
		else if (p >= 40 && p <= 47) s.bg = BASE16[p - 40]!;
		else if (p >= 100 && p <= 107) s.bg = BASE16[p - 100 + 8]!;
		else if (p === 49) s.bg = DEFAULT_BG;
		else if ((p === 38 || p === 48) && params[i + 1] === 5) {
			const colour = xterm256(params[i + 2] ?? 0);
			if (p === 38) s.fg = colour;
			else s.bg = colour;
			i += 2;
		} else if ((p === 38 || p === 48) && params[i + 1] === 2) {
			const colour = `rgb(${params[i + 2]},${params[i + 3]},${params[i + 4]})`;
			if (p === 38) s.fg = colour;
			else s.bg = colour;
			i += 4;
		}
	}
	return s;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: BEL and ESC \ end an OSC sequence
const OSC_END = /\x07|\x1b\\/;

export function parseAnsi(text: string): Cell[][] {
	let style: Style = {fg: DEFAULT_FG, bg: DEFAULT_BG, bold: false, dim: false, inverse: false};
	return text.split('\n').map((line) => {
		const cells: Cell[] = [];
		for (let i = 0; i < line.length; i++) {
			// OSC (hyperlinks, titles): skipped up to BEL or ST.
			if (line[i] === '\x1b' && line[i + 1] === ']') {
				const end = line.slice(i).search(OSC_END);
				if (end < 0) break;
				i += end + (line[i + end] === '\x07' ? 0 : 1);
				continue;
			}
			if (line[i] === '\x1b' && line[i + 1] === '[') {
				const end = line.slice(i + 2).search(/[A-Za-z]/);
				if (end < 0) break;
				const code = line[i + 2 + end];
				const params = line.slice(i + 2, i + 2 + end);
				if (code === 'm') style = applySgr(style, params === '' ? [0] : params.split(';').map(Number));
				i += 2 + end;
				continue;
			}
			const point = line.codePointAt(i)!;
			// A lone control character has no picture; an astral character is two code units, one cell.
			if (point < 0x20 || point === 0x7f) continue;
			const ch = String.fromCodePoint(point);
			i += ch.length - 1;
			cells.push({ch, style});
		}
		return cells;
	});
}

/** Text for SVG/XML content and attributes (control characters are not allowed in XML 1.0). */
export const escapeXml = (s: string): string =>
	s
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is removed
		.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');

export function ansiToSvg(text: string, columns: number, title: string): string {
	const rows = parseAnsi(text);
	const cw = 8.4;
	const lh = 17;
	const pad = 12;
	const width = Math.ceil(columns * cw + pad * 2);
	const height = rows.length * lh + pad * 2 + 24;
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">`,
		`<title>${escapeXml(title)}</title>`,
		`<rect width="100%" height="100%" rx="8" fill="${DEFAULT_BG}"/>`,
		'<circle cx="18" cy="14" r="5" fill="#ff5f56"/><circle cx="36" cy="14" r="5" fill="#ffbd2e"/><circle cx="54" cy="14" r="5" fill="#27c93f"/>',
	];
	rows.forEach((cells, y) => {
		const top = pad + 24 + y * lh;
		let x = 0;
		while (x < cells.length) {
			const start = x;
			const s = cells[x]!.style;
			const key = JSON.stringify(s);
			let chunk = '';
			while (x < cells.length && JSON.stringify(cells[x]!.style) === key) chunk += cells[x++]!.ch;
			// Cells, not code units: an astral character is one cell.
			const span = (x - start) * cw;
			const fg = s.inverse ? s.bg : s.fg;
			const bg = s.inverse ? s.fg : s.bg;
			const px = pad + start * cw;
			if (bg !== DEFAULT_BG)
				out.push(
					`<rect x="${px.toFixed(1)}" y="${top - lh + 4}" width="${span.toFixed(1)}" height="${lh}" fill="${bg}"/>`,
				);
			if (chunk.trim() === '') continue;
			const weight = s.bold ? ' font-weight="bold"' : '';
			const opacity = s.dim ? ' opacity="0.6"' : '';
			out.push(
				`<text x="${px.toFixed(1)}" y="${top}" fill="${fg}"${weight}${opacity} xml:space="preserve" textLength="${span.toFixed(1)}">${escapeXml(chunk)}</text>`,
			);
		}
	});
	out.push('</svg>');
	return out.join('\n');
}
