// The mouse, as htop's: click a row to select it, a column title to sort (again: the other way),
// a function-bar label to run it; the wheel scrolls. SGR reports, 1-based, as a terminal sends them.
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import {layoutColumns} from '../../source/view/panels/columns.js';
import {FakeSession} from '../helpers/fake-session.js';
import {KEYS} from '../helpers/ink-tty.js';
import {autoUnmount, mount} from '../helpers/render-once.js';
import {buildSnapshot} from '../helpers/snapshot-fixture.js';

autoUnmount();

/** A left click at 0-based cell (x, y): press then release. */
const click = (x: number, y: number): string[] => [
	`\x1b[<0;${x + 1};${y + 1}M`,
	`\x1b[<0;${x + 1};${y + 1}m`,
];
const wheel = (down: boolean, x = 10, y = 10): string => `\x1b[<${down ? 65 : 64};${x + 1};${y + 1}M`;

/** Where a column's title starts at this width. */
function columnX(id: string, width: number): number {
	const {columns, widths} = layoutColumns(width);
	let x = 0;
	for (let i = 0; i < columns.length; i++) {
		if (columns[i]!.id === id) return x;
		x += widths[i]! + 1;
	}
	throw new Error(id);
}

async function dashboard(width = 120, rows = 40) {
	const session = new FakeSession({snapshot: buildSnapshot()});
	const r = await mount(<App session={session} />, width, rows);
	const selected = async (): Promise<number | undefined> => {
		const before = session.sent.length;
		// k opens the signal menu on the selected process; Enter sends its first signal.
		await r.press('k', KEYS.enter);
		const kill = session.sent.slice(before).find((c) => c.kind === 'kill');
		return kill?.kind === 'kill' ? kill.pid : undefined;
	};
	return {...r, session, selected, title: () => r.lines()[7] ?? ''};
}

describe('mouse', () => {
	it('a click on a column title sorts by it, a second click turns the order round', async () => {
		const r = await dashboard();
		await r.press(...click(columnX('stall', 120) + 2, 7));
		expect(r.title()).toMatch(/STALL%▼|STALL% /);
		expect(r.lines().at(-2)).toMatch(/sorted by STALL% ▼/);
		expect(r.lines()[8]).toMatch(/^ +901 hog/);
		await r.press(...click(columnX('stall', 120) + 2, 7));
		expect(r.lines().at(-2)).toMatch(/sorted by STALL% ▲/);
		await r.press(...click(columnX('name', 120), 7));
		expect(r.lines().at(-2)).toMatch(/sorted by NAME ▲/);
	});

	it('a click on a row selects it', async () => {
		const r = await dashboard();
		const row = r.lines().findIndex((l) => /^ +412 postgres/.test(l));
		await r.press(...click(30, row));
		expect(await r.selected()).toBe(412);
	});

	it('the wheel moves the selection three rows a notch', async () => {
		const r = await dashboard();
		await r.press(wheel(true));
		const third = r.lines()[11]!.trim().split(' ')[0];
		expect(String(await r.selected())).toBe(third);
		await r.press(wheel(false));
		expect(await r.selected()).toBe(777);
	});

	it('the wheel over the event log scrolls the log, not the table', async () => {
		const r = await dashboard();
		for (let t = 1; t <= 40; t++) {
			r.session.publish(
				buildSnapshot({
					time: t,
					events: [{kind: 'process-start', tick: t * 100, pid: 3000 + t, name: `job${t}`}],
				}),
			);
		}
		await r.press(KEYS.down);
		const before = await r.selected();
		await r.press(KEYS.escape);
		const at = r.lines().findIndex((l) => l.startsWith(' Events'));
		expect(r.lines()[at]).not.toMatch(/End follows/);
		await r.press(wheel(false, 5, at + 2));
		expect(r.lines()[at]).toMatch(/End follows/);
		expect(r.lines().some((l) => l.includes('started 3040 (job40)'))).toBe(false);
		// The table's selection did not move.
		expect(await r.selected()).toBe(before);
		await r.press(wheel(true, 5, at + 2));
		expect(r.lines()[at]).not.toMatch(/End follows/);
	});

	it('a click on a function-bar label runs its key', async () => {
		const r = await dashboard();
		const bar = r.lines().length - 1;
		await r.press(...click(r.lines()[bar]!.indexOf('F5Tree') + 3, bar));
		expect(r.lines().at(-1)).toMatch(/F5List/);
		await r.press(...click(r.lines()[bar]!.indexOf('F1Help') + 1, bar));
		expect(r.lines()[7]).toMatch(/^ memtop help/);
		await r.press(KEYS.escape);
		const exited = r.waitUntilExit();
		await r.press(...click(r.lines()[bar]!.indexOf('F10Quit') + 4, bar));
		await expect(exited).resolves.toBeUndefined();
	});
});
