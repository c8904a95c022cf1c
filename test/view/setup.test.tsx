// F2 setup over the whole dashboard: columns shown and ordered, header meters, colour schemes
// and the update rate, applied at once and handed to the app to save when setup closes.
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import {type DashboardConfig, DEFAULT_CONFIG, parseConfig} from '../../source/view/config.js';
import {setupLines, setupMove, setupToggle} from '../../source/view/setup.js';
import {currentScheme, theme} from '../../source/view/theme.js';
import {FakeSession} from '../helpers/fake-session.js';
import {KEYS} from '../helpers/ink-tty.js';
import {autoUnmount, mount} from '../helpers/render-once.js';
import {buildSnapshot} from '../helpers/snapshot-fixture.js';

autoUnmount();

async function dashboard(width = 120, rows = 40, props: Partial<Parameters<typeof App>[0]> = {}) {
	const saved: DashboardConfig[] = [];
	const session = new FakeSession({snapshot: buildSnapshot()});
	const r = await mount(
		<App
			session={session}
			onConfigChange={(c) => {
				saved.push(c);
				return {text: 'settings saved to /x/config.json', tone: 'info'};
			}}
			{...props}
		/>,
		width,
		rows,
	);
	const header = () => r.lines().find((l) => /^ +PID /.test(l)) ?? '';
	return {...r, saved, header, status: () => r.lines().at(-2) ?? ''};
}

describe('setup (F2)', () => {
	it('opens on the categories, with htop-like labels on the bar', async () => {
		const r = await dashboard();
		await r.press(KEYS.f2);
		const lines = r.lines();
		expect(lines[7]).toMatch(/^ Setup +↑↓ choose · ←→ pane · Enter toggle · \[ \] move · Esc done$/);
		expect(lines[8]).toMatch(/^ Categories +Columns: the process table, in order/);
		expect(lines[9]).toMatch(/^ Columns +│ \[x\] PID +process id/);
		expect(lines[10]).toMatch(/^ Meters +│ \[x\] NAME/);
		expect(lines[11]).toMatch(/^ Colours +│/);
		expect(lines[12]).toMatch(/^ Update rate +│/);
		expect(lines.at(-1)).toBe('EnterToggle F7MoveUp F8MoveDn F10Done');
	});

	it('hides a column and moves another; the table follows at once; Esc saves', async () => {
		const r = await dashboard();
		expect(r.header()).toMatch(/^ +PID NAME +STATE +RSS▼ +ANON +FILE/);
		// Into the columns, down to ANON (PID NAME STATE RSS ANON), hide it.
		await r.press(KEYS.f2, KEYS.enter, KEYS.down, KEYS.down, KEYS.down, KEYS.down, ' ');
		expect(r.lines()[13]).toMatch(/│ \[x\] FILE/);
		expect(r.lines().some((l) => /│ \[ \] ANON/.test(l))).toBe(true);
		// The cursor went with ANON to the end of the list; FILE took ANON's place: above RSS with it.
		expect(r.lines().some((l) => /│ \[ \] ANON/.test(l))).toBe(true);
		await r.press(KEYS.home, KEYS.down, KEYS.down, KEYS.down, KEYS.down, '[');
		expect(r.lines()[12]).toMatch(/│ \[x\] FILE/);
		await r.press(KEYS.escape);
		expect(r.header()).toMatch(/^ +PID NAME +STATE +FILE +RSS▼ +SWAP/);
		expect(r.header()).not.toMatch(/ANON/);
		expect(r.saved).toHaveLength(1);
		expect(r.saved[0]!.columns.slice(0, 5)).toEqual(['pid', 'name', 'state', 'file', 'rss']);
		expect(r.status()).toBe(' settings saved to /x/config.json');
	});

	it('closing without a change saves nothing', async () => {
		const r = await dashboard();
		await r.press(KEYS.f2, KEYS.down, KEYS.escape);
		expect(r.saved).toEqual([]);
	});

	it('takes meters out of the header and moves them between columns', async () => {
		const r = await dashboard();
		expect(r.lines()[1]).toMatch(/^anon 2\.96G/);
		// Meters category, first line (Memory [L]), down to the breakdown: L → R → off.
		await r.press(KEYS.f2, KEYS.down, KEYS.enter, KEYS.down, ' ');
		// In the right column now, so the header grew a line; once more and it is off.
		expect(r.lines().some((l) => /│ \[R\] Memory breakdown/.test(l))).toBe(true);
		await r.press(' ');
		expect(r.lines().some((l) => /│ \[ \] Memory breakdown/.test(l))).toBe(true);
		await r.press(KEYS.escape);
		// The header is one line shorter and the watermarks moved up under Mem.
		expect(r.lines()[1]).toMatch(/^Wmk\[/);
		expect(r.saved[0]!.header.left).toEqual(['memory', 'watermarks', 'swap', 'zswap', 'run', 'buddy']);
	});

	it('switches the colour scheme live, and NO_COLOR keeps monochrome whatever is chosen', async () => {
		const r = await dashboard();
		await r.press(KEYS.f2, KEYS.down, KEYS.down, KEYS.enter, KEYS.down, ' ');
		expect(currentScheme()).toBe('light');
		expect(theme.value).toBe('black');
		await r.press(KEYS.down, ' ', KEYS.escape);
		expect(currentScheme()).toBe('monochrome');
		expect(theme.value).toBeUndefined();
		expect(r.saved.at(-1)!.scheme).toBe('monochrome');
		r.unmount();

		const mono = await dashboard(120, 40, {noColor: true});
		expect(currentScheme()).toBe('monochrome');
		await mono.press(KEYS.f2, KEYS.down, KEYS.down, KEYS.enter);
		expect(mono.lines()[8]).toMatch(/Colours: the colour scheme \(NO_COLOR is set: monochrome wins\)/);
		await mono.press(' ');
		expect(currentScheme()).toBe('monochrome');
	});

	it('sets the update rate', async () => {
		const r = await dashboard();
		await r.press(KEYS.f2, KEYS.end, KEYS.enter, KEYS.down, KEYS.down, KEYS.down, ' ', KEYS.f10);
		expect(r.saved[0]!.updateMs).toBe(1500);
		expect(r.lines()[7]).toMatch(/^ +PID NAME/);
	});

	it('starts from the config it is given, and shows a bad file as a notice', async () => {
		const config: DashboardConfig = {...DEFAULT_CONFIG, columns: ['pid', 'name', 'rss', 'stall']};
		const r = await dashboard(120, 40, {config, notice: 'config.json: scheme: expected a colour scheme'});
		expect(r.header()).toMatch(/^ +PID NAME +RSS▼ +STALL%$/);
		expect(r.status()).toBe(' config.json: scheme: expected a colour scheme');
	});
});

describe('setup lines', () => {
	it('list columns chosen first, then the others; keep at least one column', () => {
		const one: DashboardConfig = {...DEFAULT_CONFIG, columns: ['rss']};
		expect(
			setupLines(one, 'columns')
				.slice(0, 2)
				.map((l) => `${l.mark} ${l.name}`),
		).toEqual(['[x] RSS', '[ ] PID']);
		expect(setupToggle(one, 'columns', 0)).toEqual({config: one, index: 0});
		expect(setupToggle(one, 'columns', 1)).toEqual({config: {...one, columns: ['rss', 'pid']}, index: 1});
		// A hidden column shown again goes to the end of the chosen ones, and the cursor with it.
		expect(setupToggle(DEFAULT_CONFIG, 'columns', 4).index).toBe(16);
		expect(setupMove(one, 'columns', 0, -1)).toEqual({config: one, index: 0});
	});

	it('move meters only within their column', () => {
		// The left column's last meter (buddy, the 7th) stays put; the right column's first moves down.
		const moved = setupMove(DEFAULT_CONFIG, 'meters', 6, 1);
		expect(moved.index).toBe(6);
		expect(setupMove(DEFAULT_CONFIG, 'meters', 7, 1).config.header.right.slice(0, 2)).toEqual([
			'psi',
			'clock',
		]);
	});
});

describe('config files', () => {
	it('round-trip and say in one line what is wrong', () => {
		const good = JSON.stringify({version: 1, ...DEFAULT_CONFIG, scheme: 'light'});
		expect(parseConfig(good)).toEqual({config: {...DEFAULT_CONFIG, scheme: 'light'}, problem: null});
		const bad = (v: unknown) => parseConfig(JSON.stringify(v)).problem;
		expect(parseConfig('{').problem).toMatch(/^not JSON/);
		expect(bad({...DEFAULT_CONFIG})).toBe('version: expected version 1');
		expect(bad({version: 1, ...DEFAULT_CONFIG, scheme: 'pink'})).toBe(
			'scheme: expected a colour scheme (default, light, monochrome)',
		);
		expect(bad({version: 1, ...DEFAULT_CONFIG, columns: ['pid', 'pidd']})).toBe(
			'columns[1]: unknown column "pidd"',
		);
		expect(bad({version: 1, ...DEFAULT_CONFIG, columns: ['pid', 'pid']})).toBe(
			'columns[1]: column "pid" listed twice',
		);
		expect(bad({version: 1, ...DEFAULT_CONFIG, header: {left: ['mem'], right: []}})).toBe(
			'header.left[0]: unknown meter "mem"',
		);
		expect(bad({version: 1, ...DEFAULT_CONFIG, updateMs: 5})).toBe('updateMs: expected at least 100 ms');
		expect(bad({version: 1, ...DEFAULT_CONFIG, colour: 'x'})).toBe('the file: unknown key "colour"');
		expect(bad([1])).toMatch(/^the file: /);
		for (const v of [{...DEFAULT_CONFIG}, [1]])
			expect(parseConfig(JSON.stringify(v)).config).toBe(DEFAULT_CONFIG);
	});
});
