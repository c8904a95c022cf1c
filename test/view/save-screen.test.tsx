// `S` over the whole dashboard: the app is handed an SVG picture of the screen as it is (every line's
// text at its column, the colours kept), and the status line says where the app put it.
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import {FakeSession} from '../helpers/fake-session.js';
import {KEYS} from '../helpers/ink-tty.js';
import {autoUnmount, mount} from '../helpers/render-once.js';
import {buildSnapshot} from '../helpers/snapshot-fixture.js';

autoUnmount();

const unescapeXml = (s: string): string =>
	s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&amp;/g, '&');

/** The SVG's text back as lines: each <text> at its column (x = 12 + 8.4 × column), rows by baseline. */
function svgLines(svg: string): string[] {
	const rows = new Map<number, string[]>();
	for (const m of svg.matchAll(/<text x="([\d.]+)" y="(\d+)"[^>]*>([^<]*)<\/text>/g)) {
		const column = Math.round((Number(m[1]) - 12) / 8.4);
		const y = Number(m[2]);
		const row = rows.get(y) ?? [];
		const text = [...unescapeXml(m[3]!)];
		text.forEach((ch, i) => {
			row[column + i] = ch;
		});
		rows.set(y, row);
	}
	const ys = [...rows.keys()].sort((a, b) => a - b);
	const first = ys[0] ?? 0;
	const out: string[] = [];
	for (const y of ys) out[(y - first) / 17] = Array.from(rows.get(y)!, (c) => c ?? ' ').join('');
	return Array.from(out, (l) => (l ?? '').trimEnd());
}

async function dashboard(width = 100, rows = 30) {
	const pictures: string[] = [];
	const session = new FakeSession({snapshot: buildSnapshot()});
	const r = await mount(
		<App
			session={session}
			onSaveScreen={(svg) => {
				pictures.push(svg);
				return {text: '/state/memtop/pictures/screen-1.svg', tone: 'info'};
			}}
		/>,
		width,
		rows,
	);
	return {...r, pictures};
}

describe('S saves the screen as SVG', () => {
	it('hands the app an SVG whose text is the screen, line for line, and says where it went', async () => {
		const r = await dashboard();
		const before = r.lines().map((l) => l.trimEnd());
		await r.press('S');
		expect(r.pictures).toHaveLength(1);
		const svg = r.pictures[0]!;
		expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
		expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
		const lines = svgLines(svg);
		// The picture is the frame before the key: the status line then said nothing.
		const first = before.findIndex((l) => / PID /.test(l));
		expect(first).toBeGreaterThan(0);
		expect(lines.slice(0, before.length - 2)).toEqual(before.slice(0, before.length - 2));
		expect(r.lines().at(-2)).toContain('/state/memtop/pictures/screen-1.svg');
	});

	it('works over a window too (the help screen stays open)', async () => {
		const r = await dashboard();
		await r.press(KEYS.f1);
		const before = r.lines().map((l) => l.trimEnd());
		await r.press('S');
		expect(r.pictures).toHaveLength(1);
		expect(svgLines(r.pictures[0]!).slice(0, 10)).toEqual(before.slice(0, 10));
		expect(r.lines()[8]).toBe(before[8]);
	});

	it('says so when the app keeps no pictures', async () => {
		const session = new FakeSession({snapshot: buildSnapshot()});
		const r = await mount(<App session={session} />, 100, 30);
		await r.press('S');
		expect(r.lines().at(-2)).toContain('pictures cannot be saved here');
	});
});
