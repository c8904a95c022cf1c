// The workload's narration on the dashboard (issue 16, narrated scenarios): the banner under the
// header while a note is fresh, the note in the event log, n/N recalling notes live and jumping to
// them in a replay, and the layout giving the banner a line only while there is one.
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import type {LoggedEvent, ReplayStatus} from '../../source/session/types.js';
import type {SimEvent} from '../../source/sim/events.js';
import {computeLayout} from '../../source/view/layout.js';
import {currentNote, NOTE_FRESH_TICKS, recallNote} from '../../source/view/notes.js';
import {FakeSession} from '../helpers/fake-session.js';
import {autoUnmount, mount} from '../helpers/render-once.js';
import {buildSnapshot} from '../helpers/snapshot-fixture.js';

autoUnmount();

const note = (seconds: number, text: string): SimEvent => ({kind: 'note', tick: seconds * 100, text});
const THIRD = 'A third batch job starts: watch free memory fall below low and kswapd wake';
const FOURTH = 'kswapd cannot keep up: direct reclaim stalls the batch jobs';

/** A live session from 0:00:30 to `end` s, with notes at 40 s and 70 s. */
function liveSession(end: number): FakeSession {
	const session = new FakeSession({snapshot: buildSnapshot({time: 30})});
	for (let t = 31; t <= end; t++) {
		const events = t === 41 ? [note(40, THIRD)] : t === 71 ? [note(70, FOURTH)] : [];
		session.publish(buildSnapshot({time: t, events}));
	}
	return session;
}

async function app(session: FakeSession, width = 120, rows = 40) {
	const r = await mount(<App session={session} />, width, rows);
	return {...r, banner: () => r.lines().find((l) => /^[▶◀] \d/.test(l))};
}

const logged = (events: SimEvent[]): LoggedEvent[] => events.map((event, id) => ({id, event}));

describe('which note the banner shows', () => {
	const log = logged([note(40, THIRD), note(70, FOURTH)]);

	it('the latest note from the tick after it, for 20 simulated seconds or until the next', () => {
		expect(currentNote(log, 4000)).toBeNull();
		expect(currentNote(log, 4001)).toMatchObject({tick: 4000, text: THIRD, recalled: false});
		expect(currentNote(log, 4000 + NOTE_FRESH_TICKS)).toMatchObject({text: THIRD});
		expect(currentNote(log, 4001 + NOTE_FRESH_TICKS)).toBeNull();
		expect(currentNote(log, 7001)).toMatchObject({text: FOURTH});
	});

	it('a recalled note while fresh, until a newer one comes', () => {
		const recalled = {tick: 4000, text: THIRD, at: 9500};
		expect(currentNote(log, 9600, recalled)).toMatchObject({text: THIRD, recalled: true});
		expect(currentNote(log, 9500 + NOTE_FRESH_TICKS, recalled)).toBeNull();
		const early = {tick: 4000, text: THIRD, at: 6500};
		expect(currentNote(log, 7001, early)).toMatchObject({text: FOURTH, recalled: false});
	});

	it('N goes back from the note shown (or from the latest), n forward', () => {
		expect(recallNote(log, 9000, null, false)).toMatchObject({text: FOURTH});
		expect(recallNote(log, 9000, null, true)).toBeNull();
		expect(recallNote(log, 9000, {tick: 7000, text: FOURTH}, false)).toMatchObject({text: THIRD});
		expect(recallNote(log, 9000, {tick: 4000, text: THIRD}, false)).toBeNull();
		expect(recallNote(log, 9000, {tick: 4000, text: THIRD}, true)).toMatchObject({text: FOURTH});
		expect(recallNote(log, 5000, {tick: 4000, text: THIRD}, true)).toBeNull();
	});
});

describe('the notes banner', () => {
	it('shows the fresh note under the header, cut to the width, and the log lists it', async () => {
		const r = await app(liveSession(45));
		const lines = r.lines();
		const i = lines.findIndex((l) => l.startsWith('▶ 0:40 '));
		expect(i).toBeGreaterThan(0);
		expect(lines[i]).toBe(`▶ 0:40 ${THIRD}`);
		// Right under the header: the table's title follows.
		expect(lines[i + 1]).toMatch(/^ +PID /);
		expect(r.lastFrame()).toContain('[   40.00] note: A third batch job starts');
	});

	it('takes no line when there is no note, and goes once the note is stale', async () => {
		const before = await app(liveSession(39));
		expect(before.banner()).toBeUndefined();
		const titleRow = before.lines().findIndex((l) => /^ +PID /.test(l));
		before.unmount();
		const stale = await app(liveSession(65));
		expect(stale.banner()).toBeUndefined();
		expect(stale.lines().findIndex((l) => /^ +PID /.test(l))).toBe(titleRow);
	});

	it('fits 80x24 with a note: truncated with an ellipsis, status line and function bar in place', async () => {
		const r = await app(liveSession(45), 80, 24);
		const lines = r.lines();
		expect(lines.length).toBeLessThanOrEqual(23);
		const banner = r.banner()!;
		expect(banner.length).toBe(80);
		expect(banner.startsWith('▶ 0:40 A third batch job starts')).toBe(true);
		expect(banner.endsWith('…')).toBe(true);
		expect(lines.at(-1)).toMatch(/F1/);
		expect(lines.at(-2)).toMatch(/sorted by/);
		for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
	});

	it('live, N brings the earlier note back and n the later one', async () => {
		const r = await app(liveSession(80));
		expect(r.banner()).toBe(`▶ 1:10 ${FOURTH}`);
		await r.press('N');
		expect(r.banner()).toBe(`◀ 0:40 ${THIRD}`);
		await r.press('N');
		expect(r.lines().at(-2)).toMatch(/no earlier note/);
		await r.press('n');
		expect(r.banner()).toBe(`◀ 1:10 ${FOURTH}`);
		await r.press('n');
		expect(r.lines().at(-2)).toMatch(/no later note yet/);
	});

	it('a click on a row still selects it with the banner on screen', async () => {
		const session = liveSession(45);
		const r = await app(session);
		const row = r.lines().findIndex((l) => /^ +412 postgres/.test(l));
		await r.press(`\x1b[<0;31;${row + 1}M`, `\x1b[<0;31;${row + 1}m`);
		await r.press('k', '\r');
		const kill = session.sent.find((c) => c.kind === 'kill');
		expect(kill).toMatchObject({pid: 412});
	});

	it('in a replay, n seeks to the next note marker and says which', async () => {
		const replay: ReplayStatus = {
			tick: 3000,
			endTick: 60_000,
			markers: [
				{tick: 2000, kind: 'command', label: 'spawn hog'},
				{tick: 4001, kind: 'note', label: THIRD},
			],
			divergence: null,
			file: 'run.memtop',
		};
		const session = new FakeSession({snapshot: buildSnapshot({time: 30}), replay});
		const r = await app(session);
		// The timeline marks it.
		expect(r.lastFrame()).toMatch(/━●─+•─/);
		await r.press('n');
		expect(session.calls).toContainEqual({method: 'seek', tick: 4001});
		expect(r.lines().at(-2)).toContain(`0:00:40 note: ${THIRD}`);
	});
});

describe('layout', () => {
	it('gives the banner a line of the body only when there is a note', () => {
		const plain = computeLayout(80, 24, null, false);
		const noted = computeLayout(80, 24, null, false, undefined, Number.POSITIVE_INFINITY, true);
		expect(plain).toMatchObject({banner: 0, bodyTop: plain.headerLines});
		expect(noted).toMatchObject({banner: 1, headerLines: plain.headerLines, body: plain.body - 1});
		expect(noted.bodyTop).toBe(plain.headerLines + 1);
		// Too short for a banner and a table: the table keeps its rows.
		expect(computeLayout(80, 12, null, false, undefined, Number.POSITIVE_INFINITY, true).banner).toBe(0);
	});
});
