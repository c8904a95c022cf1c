// The whole dashboard over a FakeSession: layout at 120x40 and 80x24, and every key.
import {describe, expect, it} from 'vitest';
import {App} from '../source/app.js';
import type {ReplayStatus} from '../source/session/types.js';
import {cacheFloodSpec, hogSpec, leakSpec, shellImage} from '../source/sim/templates.js';
import {GIB, MIB} from '../source/sim/units.js';
import {findMatch} from '../source/view/actions.js';
import {computeLayout} from '../source/view/layout.js';
import {flatRows} from '../source/view/tree.js';
import {FakeSession} from './helpers/fake-session.js';
import {KEYS, tick, waitForFrame} from './helpers/ink-tty.js';
import {autoUnmount, mount} from './helpers/render-once.js';
import {
	buildSnapshot,
	type FixtureOptions,
	fixtureProcesses,
	MIB_PAGES,
	oomKillEvent,
} from './helpers/snapshot-fixture.js';

autoUnmount();

/** A live session that has run from 0:01:50 to 0:02:13 with one OOM kill on the way. */
function liveSession(options: FixtureOptions = {}, end = 133): FakeSession {
	const session = new FakeSession({snapshot: buildSnapshot({...options, time: 110})});
	for (let t = 111; t <= end; t++) {
		session.publish(buildSnapshot({...options, time: t, events: t === 120 ? [oomKillEvent(12_000)] : []}));
	}
	return session;
}

const REPLAY: ReplayStatus = {
	tick: 13_300,
	endTick: 60_000,
	markers: [
		{tick: 5000, kind: 'command', label: 'spawn hog'},
		{tick: 12_000, kind: 'oom-kill', label: 'hog'},
		{tick: 20_000, kind: 'oom-kill', label: 'leaker'},
	],
	divergence: null,
	file: 'run.memtop',
};

function replaySession(): FakeSession {
	return new FakeSession({snapshot: buildSnapshot(), replay: REPLAY});
}

async function app(session: FakeSession, width = 120, rows = 40) {
	const r = await mount(<App session={session} />, width, rows);
	return {
		...r,
		status: () => r.lines().at(-2) ?? '',
		/** The row of a pid in the table (starts with its right-aligned pid). */
		row: (pid: number) => r.lines().find((l) => new RegExp(`^ *${pid} `).test(l)),
	};
}

/** The pid the next kill would go to: a cheap way to read the selection without colours. */
async function selectedPid(
	r: Awaited<ReturnType<typeof app>>,
	session: FakeSession,
): Promise<number | undefined> {
	const before = session.sent.length;
	// k opens the signal menu on the selected process; Enter sends its first signal.
	await r.press('k', KEYS.enter);
	const sent = session.sent.slice(before);
	const kill = sent.find((c) => c.kind === 'kill');
	return kill?.kind === 'kill' ? kill.pid : undefined;
}

describe('layout', () => {
	it('fills 120x40 with header, table, log and graphs, function bar last, rows-1 lines', async () => {
		// Publish once more after mounting: rates need two snapshots the view has seen.
		const session = liveSession({}, 132);
		const r = await app(session);
		session.publish(buildSnapshot({time: 133}));
		await tick();
		const lines = r.lines();
		expect(lines).toHaveLength(39);
		expect(lines[0]).toBe(`Mem[${'|'.repeat(43)}3.22G/4.00G] Up 0:02:13 ×1 running`);
		expect(lines[1]).toBe(
			'anon 2.96G cache 731M dirty 24.0M shm 128M kern 96.0M       PSI some 12.34  8.21  2.10  full  3.20  1.00  0.21',
		);
		expect(lines[2]).toBe(
			`Wmk[${'|'.repeat(10)}m||l||h${'|'.repeat(15)}] free 72.0M avail 657M kswapd0 reclaiming  scan 10.0k/s  steal 8.0k/s  eff 80%`,
		);
		expect(lines[3]).toBe(
			`Swp[${'|'.repeat(11)}${' '.repeat(28)}nvme 412M/2.00G] Flt min 12.9k/s  maj 120/s  refault 34/s`,
		);
		expect(lines[4]).toBe(
			'Zsw[|          34.0M/819M] 100M→34.0M 2.94x lz4             Swap in 80/s  out 450/s  zswap in 0/s  out 0/s  wb 0/s',
		);
		expect(lines[5]).toBe(
			'Run web-server  seed 42  policy lru  swappiness 60          Tasks 8, 2 running  OOM kills 1  3 stalled',
		);
		// Free memory by order beside the LRU lists (half a line each at 120 columns).
		expect(lines[6]).toBe(
			'Ord[▅▃▂▁▁▁▁    ] max o6 256K no 2M block                    LRU act/inact anon 2.06G/1.03G  file 292M/439M',
		);
		expect(lines[7]).toBe(
			'  PID NAME        STATE       RSS▼   ANON   FILE   SWAP  ZSWAP    WSS MINFLT/s MAJFLT/s STALL% PROG%  OOM   ADJ RSS 2min',
		);
		expect(lines[8]).toMatch(/^ {2}777 java {8}swapin {5}1\.17G/);
		const lower = lines.findIndex((l) => l.startsWith(' Events'));
		// Eight processes need nine lines: the log and graphs get the rest (issue 17.18).
		expect(lower).toBe(16);
		expect(lines[lower]).toMatch(/^ Events +x explains the last OOM kill · 1 {3}History +3s\/dot$/);
		expect(lines[lower + 1]).toMatch(/^\[ {2}120\.00\] Out of memory: Killed process 901 \(hog\)/);
		expect(lines[37]).toBe(' sorted by RSS ▼ · 8 processes · ? for help');
		expect(lines[38]).toBe(
			'F1Help   F2Setup  F3Search F4Filter F5Tree   F6SortBy F9Kill   F10Quit    SpcPause aHog cCache lLeak bBalloon gGraphs',
		);
	});

	it('stacks the meters at 80x24 and leaves the table the rest', async () => {
		const session = liveSession({}, 132);
		const r = await app(session, 80, 24);
		session.publish(buildSnapshot({time: 133}));
		await tick();
		const lines = r.lines();
		expect(lines).toHaveLength(23);
		expect(lines.slice(0, 10)).toEqual([
			`Mem[${'|'.repeat(64)}3.22G/4.00G]`,
			'    anon 2.96G  cache 731M  dirty 24.0M  shm 128M  kern 96.0M  zpool 34.0M',
			`Wmk[||||mlh|||||] free 72.0M avail 657M Swp[|||||||             nvme 412M/2.00G]`,
			'Zsw[|                34.0M/819M] 100M→34.0M 2.94x lz4',
			'Ord[▅▃▂▁▁▁▁    ] max o6 256K no 2M block blk 9.4k/2.3k/576/144/36/9/2/0/0/0/0',
			'Up 0:02:13 ×1 running  web-server  seed 42  policy lru  swappiness 60',
			'PSI some 12.34  8.21  2.10  full  3.20  1.00  0.21  % avg10/60/300',
			'kswapd0 reclaiming  scan 10.0k/s  steal 8.0k/s  eff 80%  direct 800/s',
			'Flt min 12.9k/s  maj 120/s  Swap in 80/s  out 450/s  refault 34/s',
			'Tasks 8, 2 running  OOM kills 1  3 stalled',
		]);
		expect(lines[11]).toBe(
			'  PID NAME       STATE       RSS▼   SWAP    WSS MAJFLT/s STALL% PROG%  OOM   ADJ',
		);
		expect(lines.filter((l) => /^ +\d+ \w/.test(l))).toHaveLength(8);
		expect(lines[22]).toBe('F1Help   F2Setup  F3Search F4Filter F5Tree   F6SortBy F9Kill   F10Quit');
	});

	it('gives the lines a short table does not need to the log and graphs, at 100x30 and 200x60', async () => {
		const few = new FakeSession({snapshot: buildSnapshot({processes: fixtureProcesses().slice(0, 4)})});
		const small = await app(few, 100, 30);
		const lines = small.lines();
		const events = lines.findIndex((l) => l.startsWith(' Events'));
		// Header 7 lines, the table's title and 4 rows, then the log and the graphs beside it.
		expect(events).toBe(12);
		expect(lines[events]).toMatch(/History/);
		expect(lines.slice(8, 12).every((l) => /^ +\d+ \w/.test(l))).toBe(true);
		small.unmount();

		const big = await app(liveSession(), 200, 60);
		const tall = big.lines();
		const log = tall.findIndex((l) => l.startsWith(' Events'));
		expect(log).toBe(16);
		// Every line between the log's title and the status line is the log's (and the graphs').
		expect(tall.length - 2 - log).toBe(41);
	});

	it('re-lays out on resize', async () => {
		const r = await app(liveSession());
		r.stdout.resize(80, 24);
		const frame = await waitForFrame(r, (f) => f.split('\n').length === 23);
		expect(frame.split('\n')[0]).toBe(`Mem[${'|'.repeat(64)}3.22G/4.00G]`);
	});

	it('never draws more than rows-1 lines, even on tiny terminals', async () => {
		for (const [w, h] of [
			[40, 10],
			[60, 16],
			[100, 30],
			[200, 60],
		] as const) {
			const r = await app(liveSession(), w, h);
			await r.press('g');
			const lines = r.lines();
			expect(lines.length).toBeLessThanOrEqual(h - 1);
			for (const line of lines) expect(line.length).toBeLessThanOrEqual(w);
			r.unmount();
		}
	});

	it('redraws on publish', async () => {
		const session = liveSession();
		const r = await app(session);
		session.publish(buildSnapshot({time: 3725}));
		await tick();
		expect(r.lines()[0]).toMatch(/Up 1:02:05 ×1 running$/);
	});

	it('computes sensible layouts and drops header lines on tiny terminals', () => {
		expect(computeLayout(120, 40, null, false)).toMatchObject({
			headerLines: 7,
			body: 30,
			tableHeight: 18,
			lower: 'both',
			sideBySide: true,
			logWidth: 65,
			graphsWidth: 54,
		});
		expect(computeLayout(80, 24, null, false)).toMatchObject({
			headerLines: 11,
			body: 10,
			tableHeight: 10,
			lower: 'none',
		});
		expect(computeLayout(80, 24, 'both', false)).toMatchObject({
			tableHeight: 3,
			graphsHeight: 4,
			logHeight: 3,
		});
		expect(computeLayout(80, 30, 'both', false)).toMatchObject({
			tableHeight: 6,
			graphsHeight: 7,
			logHeight: 3,
		});
		expect(computeLayout(80, 12, null, false)).toMatchObject({headerLines: 5, body: 4});
		expect(computeLayout(120, 40, null, true).headerLines).toBe(8);
	});

	it('finds name matches with wrap-around', () => {
		const rows = flatRows(buildSnapshot().processes);
		expect(findMatch(rows, 'HOG', 0)).toBe(4);
		expect(findMatch(rows, 'o', 2)).toBe(4);
		expect(findMatch(rows, 'd', 2)).toBe(5);
		expect(findMatch(rows, 'systemd', 2)).toBe(0);
		expect(findMatch(rows, 'zzz', 0)).toBe(-1);
	});
});

describe('navigation keys', () => {
	it('↑ ↓ PgUp PgDn Home End move the selection', async () => {
		const session = liveSession();
		const r = await app(session, 80, 24);
		expect(await selectedPid(r, session)).toBe(777);
		await r.press(KEYS.down, KEYS.down);
		expect(await selectedPid(r, session)).toBe(412);
		await r.press(KEYS.up);
		expect(await selectedPid(r, session)).toBe(901);
		await r.press(KEYS.end);
		expect(await selectedPid(r, session)).toBe(1);
		await r.press(KEYS.home);
		expect(await selectedPid(r, session)).toBe(777);
		await r.press(KEYS.pageDown);
		expect(await selectedPid(r, session)).toBe(1);
		await r.press(KEYS.pageUp);
		expect(await selectedPid(r, session)).toBe(777);
	});

	it('scrolls a long table so the selection stays visible', async () => {
		const many = Array.from({length: 60}, (_, i) => buildSnapshot().processes[i % 8]!).map((p, i) => ({
			...p,
			pid: 2000 + i,
		}));
		const session = new FakeSession({snapshot: buildSnapshot({processes: many})});
		const r = await app(session, 80, 24);
		await r.press(KEYS.end);
		const lines = r.lines();
		expect(lines[11]).not.toMatch(/^ +2000 /);
		expect(await selectedPid(r, session)).toBeDefined();
	});

	it('the selection follows its pid when the order changes', async () => {
		const session = liveSession();
		const r = await app(session, 80, 24);
		await r.press(KEYS.down); // hog, 2nd by RSS
		await r.press('<'); // sort by the column before RSS: STATE
		expect(r.lines()[11]).toMatch(/STATE▲/);
		expect(await selectedPid(r, session)).toBe(901);
	});

	it('Enter opens the process detail, Esc closes it', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press(KEYS.enter);
		await tick();
		expect(session.calls).toContainEqual({method: 'showRegionsOf', pid: 777});
		expect(r.lines()[7]).toMatch(/^ Process 777 \(java\) {2}swapin +Esc close$/);
		expect(r.lines()).toContain('  REGION    KIND    SIZE  RESID  ZSWAP   SWAP  UNTCH');
		await r.press(KEYS.escape);
		expect(r.lines()[7]).toMatch(/^ {2}PID NAME/);
		await tick();
		expect(session.calls.at(-1)).toEqual({method: 'showRegionsOf', pid: null});
	});
});

describe('htop keys', () => {
	for (const key of [KEYS.f1, '?', 'h']) {
		it(`${JSON.stringify(key)} opens help; any other key closes it`, async () => {
			const r = await app(liveSession());
			await r.press(key);
			expect(r.lines()[7]).toMatch(/^ memtop help/);
			await r.press('z');
			expect(r.lines()[7]).toMatch(/^ {2}PID NAME/);
		});
	}

	it('help scrolls with ↓ at 80x24', async () => {
		const r = await app(liveSession(), 80, 24);
		await r.press('?', KEYS.down, KEYS.down);
		expect(r.lines()[12]).toMatch(/^ {2}Enter|^ {2}F3 \//);
		expect(r.lines()[11]).toMatch(/↑↓ scroll/);
	});

	for (const key of [KEYS.f3, '/']) {
		it(`${JSON.stringify(key)} searches by name and F3 jumps to the next match`, async () => {
			const session = liveSession();
			const r = await app(session);
			await r.press(key, 'e');
			expect(r.lines().at(-1)).toBe('F3Next   EnterDone   EscCancel  Search: e_');
			// First match from the selection (java, at the top) is postgres.
			await r.press(KEYS.f3);
			await r.press(KEYS.enter);
			expect(await selectedPid(r, session)).toBe(903);
			await r.press('/', KEYS.escape);
			expect(r.lines().at(-1)).toMatch(/^F1Help/);
		});
	}

	it('search says so when nothing matches', async () => {
		const r = await app(liveSession());
		await r.press('/', 'q', 'q');
		expect(r.status()).toBe(' no process matches "qq"');
	});

	for (const key of [KEYS.f4, '\\']) {
		it(`${JSON.stringify(key)} filters by name; Enter keeps it, Esc clears it`, async () => {
			const r = await app(liveSession());
			await r.press(key, 'h', 'o', 'g');
			expect(r.lines().at(-1)).toBe('EnterDone   EscClear   Filter: hog_');
			expect(r.row(901)).toBeDefined();
			expect(r.row(777)).toBeUndefined();
			await r.press(KEYS.enter);
			expect(r.status()).toBe(' sorted by RSS ▼ · filter "hog": 1 of 8 · ? for help');
			await r.press(KEYS.escape);
			expect(r.row(777)).toBeDefined();
			await r.press(key, 'x', KEYS.backspace, 'j', KEYS.escape);
			expect(r.row(777)).toBeDefined();
		});
	}

	it('text and Enter arriving in one chunk (a paste, tmux send-keys) are typed one key at a time', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('\\', 'hog\r');
		expect(r.status()).toBe(' sorted by RSS ▼ · filter "hog": 1 of 8 · ? for help');
		expect(r.lines().at(-1)).toMatch(/^F1Help/);
		// A lone Esc waits a moment for a sequence to follow (Ink's parser), so it goes alone.
		await r.press(KEYS.escape);
		await r.press('/postg\rk');
		await r.press(KEYS.enter);
		expect(session.sent).toEqual([{kind: 'kill', pid: 412, signal: 'SIGTERM'}]);
	});

	it('a filter matching nothing explains the empty table', async () => {
		const r = await app(liveSession());
		await r.press('\\', 'z', 'z');
		expect(r.lines()[8]).toBe('  no process matches "zz" (Esc clears the filter)');
	});

	it('F6 opens the sort menu; ↓ and Enter sort by the chosen column', async () => {
		const r = await app(liveSession(), 80, 24);
		await r.press(KEYS.f6);
		expect(r.lines()[11]).toMatch(/^ Sort by/);
		await r.press(KEYS.down, KEYS.enter);
		expect(r.lines()[11]).toBe(
			'  PID NAME       STATE        RSS  SWAP▼    WSS MAJFLT/s STALL% PROG%  OOM   ADJ',
		);
		await r.press(KEYS.f6, KEYS.escape);
		expect(r.lines()[11]).toMatch(/SWAP▼/);
	});

	it('< and > step the sort column, M sorts by RSS, I inverts', async () => {
		const r = await app(liveSession(), 80, 24);
		await r.press('>');
		expect(r.lines()[11]).toMatch(/SWAP▼/);
		await r.press('<', '<');
		expect(r.lines()[11]).toMatch(/STATE▲/);
		await r.press('M');
		expect(r.lines()[11]).toMatch(/RSS▼/);
		await r.press('I');
		expect(r.lines()[11]).toMatch(/RSS▲/);
		expect(r.lines()[12]).toMatch(/^ {4}1 systemd/);
	});

	for (const key of [KEYS.f9, 'k']) {
		it(`${JSON.stringify(key)} opens the signal menu, SIGTERM first; Enter sends it`, async () => {
			const session = liveSession();
			const r = await app(session, 80, 24);
			await r.press(KEYS.down, key);
			expect(session.sent).toEqual([]);
			const at = r.lines().findIndex((l) => l.startsWith(' Send signal:'));
			expect(r.lines()[at]).toMatch(/^ Send signal: to 901 \(hog\) +↑↓ Enter send · Esc cancel$/);
			expect(r.lines()[at + 1]).toMatch(/^ {2}15 SIGTERM {3}shuts down, exits after 1 s/);
			expect(r.lines()[at + 2]).toMatch(/^ {3}9 SIGKILL {3}killed at once/);
			expect(r.lines().at(-1)).toMatch(/^EnterSend .*EscCancel/);
			await r.press(KEYS.enter);
			expect(session.sent).toEqual([{kind: 'kill', pid: 901, signal: 'SIGTERM'}]);
			expect(r.status()).toBe(' sent SIGTERM to 901 (hog)');
			expect(r.lines().some((l) => l.startsWith(' Send signal:'))).toBe(false);
		});
	}

	it('Tab gives the event log the keys: PgUp shows older events, new ones do not move it, End follows', async () => {
		const session = liveSession();
		for (let t = 134; t <= 180; t++) {
			session.publish(
				buildSnapshot({
					time: t,
					events: [{kind: 'process-start', tick: t * 100, pid: 2000 + t, name: `job${t}`}],
				}),
			);
		}
		const r = await app(session, 120, 40);
		const title = () => r.lines().find((l) => l.startsWith(' Events')) ?? '';
		const log = () =>
			r
				.lines()
				.filter((l) => /^\[ +\d+\.\d\d\] /.test(l))
				.join('\n');
		expect(log()).toMatch(/started 2180 \(job180\)/);
		expect(title()).toMatch(/ · lines \d+–(\d+) of \1 {3}History/);
		await r.press('\t');
		expect(title()).toMatch(/^ Events \(scrolling, Tab back\)/);
		await r.press(KEYS.pageUp);
		expect(title()).toMatch(/lines \d+–\d+ of 51 · End follows {3}History/);
		const back = log();
		expect(back).not.toMatch(/job180/);
		session.publish(
			buildSnapshot({time: 181, events: [{kind: 'process-start', tick: 18_100, pid: 2181, name: 'job181'}]}),
		);
		await r.press(KEYS.up, KEYS.down);
		expect(log()).toBe(back);
		await r.press(KEYS.home);
		expect(log()).toMatch(/Out of memory/);
		await r.press(KEYS.end);
		expect(log()).toMatch(/started 2181 \(job181\)/);
		expect(title()).not.toMatch(/End follows/);
		// Keys the log does not take are still the table's; Tab gives ↑ ↓ back to the table.
		await r.press('\t', KEYS.down, 'k');
		expect(r.lines().some((l) => l.startsWith(' Send signal:'))).toBe(true);
	});

	it('in the signal menu ↓ or j picks SIGKILL, ↑ or k goes back, Esc cancels', async () => {
		const session = liveSession();
		const r = await app(session, 80, 24);
		await r.press(KEYS.down, 'k', KEYS.down, KEYS.enter);
		expect(session.sent).toEqual([{kind: 'kill', pid: 901, signal: 'SIGKILL'}]);
		expect(r.status()).toBe(' sent SIGKILL to 901 (hog)');
		await r.press('k', 'j', 'k', KEYS.enter);
		expect(session.sent.at(-1)).toEqual({kind: 'kill', pid: 901, signal: 'SIGTERM'});
		await r.press(KEYS.f9, 'j', 'j', 'j', KEYS.enter);
		expect(session.sent.at(-1)).toEqual({kind: 'kill', pid: 901, signal: 'SIGKILL'});
		const count = session.sent.length;
		await r.press('k');
		await r.press(KEYS.escape);
		expect(session.sent).toHaveLength(count);
		expect(r.lines().some((l) => l.startsWith(' Send signal:'))).toBe(false);
	});

	for (const key of [KEYS.f10, 'q']) {
		it(`${JSON.stringify(key)} quits`, async () => {
			const r = await app(liveSession());
			const exited = r.waitUntilExit();
			await r.press(key);
			await expect(exited).resolves.toBeUndefined();
		});
	}

	it('an F-key first closes an open window', async () => {
		const r = await app(liveSession());
		await r.press('?', KEYS.f4);
		expect(r.lines()[7]).toMatch(/^ {2}PID NAME/);
		expect(r.lines().at(-1)).toMatch(/^F1Help/);
		await r.press(KEYS.enter, KEYS.f4);
		expect(r.lines()[7]).toMatch(/^ {2}PID NAME/);
		expect(r.lines().at(-1)).toBe('EnterDone   EscClear   Filter: _');
	});

	it('F7 and F8 (htop nice keys) only explain themselves', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('\x1b[18~');
		expect(r.status()).toBe(' F7 does nothing here; ? lists the keys');
		expect(session.calls).toEqual([]);
	});
});

describe('simulation keys', () => {
	it('space pauses and resumes', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press(' ');
		expect(session.calls).toEqual([{method: 'setPaused', paused: true}]);
		expect(r.lines()[0]).toMatch(/Up 0:02:13.00 ×1 paused$/);
		expect(r.status()).toBe(' paused (. steps one tick)');
		await r.press(' ');
		expect(session.calls.at(-1)).toEqual({method: 'setPaused', paused: false});
		expect(r.lines()[0]).toMatch(/running$/);
	});

	it('. steps one tick only while paused', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('.');
		expect(session.calls).toEqual([]);
		expect(r.status()).toBe(' pause first (space), then . steps one tick');
		await r.press(' ', '.');
		expect(session.calls.at(-1)).toEqual({method: 'step'});
		expect(r.status()).toBe(' stepped one tick (10 ms)');
	});

	it('+ and - walk the speed ladder up to max', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('+');
		expect(session.calls.at(-1)).toEqual({method: 'setSpeed', speed: 2});
		expect(r.lines()[0]).toMatch(/×2 running$/);
		expect(r.status()).toBe(' speed ×2');
		await r.press('-', '-', '-', '-', '-');
		expect(session.status.speed).toBe(0.1);
		for (let i = 0; i < 12; i++) await r.press('+');
		expect(session.status.speed).toBe(Number.POSITIVE_INFINITY);
		expect(r.lines()[0]).toMatch(/max running$/);
		// Fast typing arrives as one chunk: still three presses.
		await r.press('---');
		expect(session.status.speed).toBe(25);
	});

	it('a spawns hogs of the next size each time', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('a');
		expect(r.status()).toBe(' spawned hog 256 MiB');
		await r.press('a', 'a', 'a', 'a');
		expect(session.sent).toEqual([
			{kind: 'spawn', spec: hogSpec(256 * MIB)},
			{kind: 'spawn', spec: hogSpec(512 * MIB)},
			{kind: 'spawn', spec: hogSpec(GIB)},
			{kind: 'spawn', spec: hogSpec(2 * GIB)},
			{kind: 'spawn', spec: hogSpec(256 * MIB)},
		]);
		expect(r.status()).toBe(' spawned hog 256 MiB');
	});

	it('c floods the page cache and l starts a leak', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('c');
		expect(r.status()).toBe(' flooding the page cache: reader streams a 16 GiB file');
		await r.press('l');
		expect(r.status()).toBe(' started leaker: leaks 16 MiB/s');
		expect(session.sent).toEqual([
			{kind: 'spawn', spec: cacheFloodSpec()},
			{kind: 'spawn', spec: leakSpec()},
		]);
	});

	it('b takes 256 MiB with the balloon, B gives it all back', async () => {
		const session = liveSession({balloonPages: 512 * MIB_PAGES});
		const r = await app(session);
		await r.press('b');
		expect(r.status()).toBe(' balloon took 256 MiB of RAM (768 MiB in all)');
		await r.press('B');
		expect(r.status()).toBe(' balloon gave back 512 MiB');
		expect(session.sent).toEqual([
			{kind: 'balloon', bytes: 256 * MIB},
			{kind: 'balloon', bytes: -512 * MIB},
		]);
	});

	it('B with an empty balloon sends nothing', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('B');
		expect(session.sent).toEqual([]);
		expect(r.status()).toBe(' the balloon is empty');
	});

	it('d drops clean caches', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('d');
		expect(session.sent).toEqual([{kind: 'drop-caches', mode: 3}]);
		expect(r.status()).toBe(' dropped clean caches (echo 3 > drop_caches)');
	});

	it('s cycles swappiness from the current value', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('s');
		expect(session.sent).toEqual([{kind: 'set-sysctl', name: 'swappiness', value: 100}]);
		expect(r.status()).toBe(' swappiness 100');
		session.publish(buildSnapshot({time: 134, swappiness: 200}));
		await tick();
		await r.press('s');
		expect(session.sent.at(-1)).toEqual({kind: 'set-sysctl', name: 'swappiness', value: 0});
	});

	it('a replay shows its divergence or notice in the status line while nothing else is said', async () => {
		const diverged =
			'state diverged at 0:42.10 (tick 4210): recorded hash 0123456789abcdef, replayed fedcba9876543210';
		const session = new FakeSession({snapshot: buildSnapshot(), replay: {...REPLAY, divergence: diverged}});
		const r = await app(session);
		expect(r.status()).toContain('state diverged at 0:42.10 (tick 4210)');
		const cut = new FakeSession({
			snapshot: buildSnapshot(),
			replay: {
				...REPLAY,
				notice: 'run.memtop: the file ends mid-line after tick 13300; replaying up to there',
			},
		});
		const r2 = await app(cut);
		expect(r2.status()).toContain('the file ends mid-line after tick 13300');
	});

	it('P starts a policy duel (mglru first), shows both side by side, cycles, and turns it off', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('P');
		expect(session.calls.at(-1)).toEqual({method: 'setTwin', policy: 'mglru'});
		expect(r.status()).toContain('policy duel: lru vs mglru');
		session.publish(buildSnapshot({time: 134}));
		const frame = await waitForFrame(r, (f) => f.includes('Policy duel'));
		const lines = frame.split('\n');
		expect(lines.some((l) => l.includes('Policy duel: lru vs mglru'))).toBe(true);
		expect(lines.some((l) => /lru \(this run\)\s+mglru/.test(l))).toBe(true);
		expect(lines.some((l) => /work done \(refs\)\s+2\.0M\s+1\.5M/.test(l))).toBe(true);
		// Counted since P was pressed: the twin's one OOM kill more is the only one in the span.
		expect(lines.some((l) => /OOM kills\s+0\s+1/.test(l))).toBe(true);
		await r.press('P');
		expect(session.calls.at(-1)).toEqual({method: 'setTwin', policy: 'lru2'});
		for (let i = 0; i < 10 && session.twinPolicy !== null; i++) await r.press('P');
		expect(session.twinPolicy).toBeNull();
		expect(r.status()).toContain('policy duel off');
	});

	it('the duel compares equal spans: counts since both runs left the state P was pressed in, and says so', async () => {
		const session = liveSession({}, 2280);
		const r = await app(session);
		await r.press('P');
		expect(r.status()).toContain('policy duel: lru vs mglru, both from 0:38:00');
		const start = session.snapshot;
		const now = buildSnapshot({time: 2352});
		// 72 s later this run has 1000 major faults more than at the fork, the twin 400.
		session.twinSnapshot = (main) => ({
			...main,
			vmstat: {...main.vmstat, pgmajfault: start.vmstat.pgmajfault + 400},
		});
		session.publish({...now, vmstat: {...now.vmstat, pgmajfault: start.vmstat.pgmajfault + 1000}});
		const frame = await waitForFrame(r, (f) => f.includes('1:12 since 38:00'));
		const lines = frame.split('\n');
		expect(lines.some((l) => /Policy duel: lru vs mglru.*1:12 since 38:00/.test(l))).toBe(true);
		expect(lines.some((l) => /major faults\s+1\.0k\s+400\b/.test(l))).toBe(true);
		expect(lines.some((l) => l.includes('counts since 38:00 in both'))).toBe(true);
	});

	it('P with the duel off screen shows it again and goes on with it, not from now', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('P');
		expect(session.calls.at(-1)).toEqual({method: 'setTwin', policy: 'mglru'});
		const calls = session.calls.length;
		// g cycles the lower area to 'none' (from 'both'): the duel is out of sight, still running.
		await r.press('g');
		await r.press('P');
		expect(session.calls.length).toBe(calls);
		expect(session.twinPolicy).toBe('mglru');
		expect(r.status()).toContain('policy duel: lru vs mglru goes on, 0:00 since 2:13');
		const frame = await waitForFrame(r, (f) => f.includes('Policy duel'));
		expect(frame).toContain('Policy duel: lru vs mglru');
	});

	it('K starts a userspace OOM killer duel (systemd-oomd first from none), side by side, cycles, and turns it off', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('K');
		// The fixture runs no userspace killer: the twin gets systemd-oomd, under this run's policy.
		expect(session.calls.at(-1)).toEqual({method: 'setTwin', policy: 'lru', userspaceOom: 'systemd-oomd'});
		expect(r.status()).toContain('userspace OOM duel: none vs systemd-oomd');
		session.publish(buildSnapshot({time: 134}));
		const frame = await waitForFrame(r, (f) => f.includes('Userspace OOM duel'));
		const lines = frame.split('\n');
		expect(lines.some((l) => l.includes('Userspace OOM duel: none vs systemd-oomd'))).toBe(true);
		expect(lines.some((l) => /none \(this run\)\s+systemd-oomd/.test(l))).toBe(true);
		expect(lines.some((l) => /userspace kills\s+0\s+0/.test(l))).toBe(true);
		await r.press('K');
		expect(session.calls.at(-1)).toEqual({method: 'setTwin', policy: 'lru', userspaceOom: 'earlyoom'});
		await r.press('K');
		expect(session.calls.at(-1)).toEqual({method: 'setTwin', policy: null});
		expect(r.status()).toContain('userspace OOM duel off');
	});

	it('z toggles zswap', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('z');
		expect(session.sent).toEqual([{kind: 'set-zswap', enabled: false}]);
		expect(r.status()).toBe(' zswap off');
		session.publish(buildSnapshot({time: 134, zswap: {enabled: false}}));
		await tick();
		await r.press('z');
		expect(session.sent.at(-1)).toEqual({kind: 'set-zswap', enabled: true});
	});

	it('o cycles the selected process oom_score_adj', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('o');
		expect(session.sent).toEqual([{kind: 'set-oom-score-adj', pid: 777, value: 500}]);
		expect(r.status()).toBe(' oom_score_adj of 777 (java) = 500');
		await r.press(KEYS.down, 'o');
		expect(session.sent.at(-1)).toEqual({kind: 'set-oom-score-adj', pid: 901, value: 1000});
	});

	it('f forks the selected process (a snapshot child)', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('f');
		expect(session.sent).toEqual([{kind: 'fork', pid: 777}]);
		expect(r.status()).toBe(' fork 777 (java): a snapshot child');
		await r.press(KEYS.down, 'f');
		expect(session.sent.at(-1)).toEqual({kind: 'fork', pid: 901});
	});

	it('E execs a small shell in the selected process (fork + exec)', async () => {
		const session = liveSession();
		const r = await app(session);
		await r.press('E');
		expect(session.sent).toEqual([{kind: 'exec', pid: 777, image: shellImage()}]);
		expect(r.status()).toBe(' exec 777 (java) → sh: its old address space freed');
	});

	it('x explains the last OOM kill; ← goes to older kills', async () => {
		const session = liveSession();
		session.publish(
			buildSnapshot({time: 134, events: [{...oomKillEvent(13_400), pid: 903, name: 'leaker'}]}),
		);
		const r = await app(session);
		await r.press('x');
		expect(r.lines()[7]).toMatch(/^ OOM kill 2 of 2: 903 \(leaker\) +← → older\/newer · Esc close$/);
		await r.press(KEYS.left);
		expect(r.lines()[7]).toMatch(/^ OOM kill 1 of 2: 901 \(hog\)/);
		expect(r.lines()).toContain(
			'▶     901   262144        0      520   500    786000  1048664 hog              ████████████████████',
		);
		await r.press(KEYS.escape);
		expect(r.lines()[7]).toMatch(/^ {2}PID NAME/);
	});

	it('g and v cycle the log/graphs area', async () => {
		const r = await app(liveSession(), 80, 24);
		expect(r.lines().some((l) => l.startsWith(' Events'))).toBe(false);
		await r.press('g');
		expect(r.lines().some((l) => l.startsWith(' Events'))).toBe(true);
		await r.press('v');
		expect(r.lines().some((l) => l.startsWith(' History'))).toBe(true);
		expect(r.lines().some((l) => l.startsWith(' Events'))).toBe(false);
		await r.press('g');
		expect(r.lines().some((l) => l.startsWith(' History'))).toBe(true);
		expect(r.lines().some((l) => l.startsWith(' Events'))).toBe(true);
		await r.press('g');
		expect(r.lines().some((l) => l.startsWith(' History') || l.startsWith(' Events'))).toBe(false);
	});

	it('Esc clears a committed filter', async () => {
		const r = await app(liveSession());
		await r.press('\\', 'j', KEYS.enter);
		expect(r.row(901)).toBeUndefined();
		await r.press(KEYS.escape);
		expect(r.row(901)).toBeDefined();
		expect(r.status()).toBe(' filter cleared');
	});
});

describe('replay keys', () => {
	it('shows REPLAY, the timeline and the replay function bar', async () => {
		const r = await app(replaySession());
		const lines = r.lines();
		expect(lines[0]).toMatch(/REPLAY 0:02:13\/0:10:00 ×1 playing$/);
		expect(lines[7]).toMatch(/^\[━+\^━+X━+●─+X─+\] 0:02:13\/0:10:00$/);
		expect(lines.at(-1)).toBe('F1Help   SpcPlay   ←→Seek   n/NMarker gGoto   tTakeOver F10Quit    eExplain');
	});

	it('space plays and pauses, + and - change speed', async () => {
		const session = replaySession();
		const r = await app(session);
		await r.press(' ', '+', '-', '-');
		expect(session.calls).toEqual([
			{method: 'setPaused', paused: true},
			{method: 'setSpeed', speed: 2},
			{method: 'setSpeed', speed: 1},
			{method: 'setSpeed', speed: 0.5},
		]);
	});

	it('← → seek one second, PgUp PgDn and shift-arrows ten, Home End the ends', async () => {
		const session = replaySession();
		const r = await app(session);
		const seeks = async (key: string) => {
			await r.press(key);
			const last = session.calls.at(-1);
			return last?.method === 'seek' ? last.tick : undefined;
		};
		expect(await seeks(KEYS.right)).toBe(13_400);
		expect(await seeks(KEYS.left)).toBe(13_300);
		expect(await seeks(KEYS.pageDown)).toBe(14_300);
		expect(await seeks(KEYS.pageUp)).toBe(13_300);
		expect(await seeks(KEYS.shiftRight)).toBe(14_300);
		expect(await seeks(KEYS.shiftLeft)).toBe(13_300);
		expect(await seeks(KEYS.end)).toBe(60_000);
		expect(await seeks(KEYS.home)).toBe(0);
		expect(r.status()).toBe(' seek 0:00:00');
	});

	it('n and N go to the next and previous marker', async () => {
		const session = replaySession();
		const r = await app(session);
		await r.press('n');
		expect(session.calls.at(-1)).toEqual({method: 'seek', tick: 20_000});
		expect(r.status()).toBe(' 0:03:20 OOM kill: leaker');
		await r.press('N');
		expect(session.calls.at(-1)).toEqual({method: 'seek', tick: 12_000});
		await r.press('N', 'N');
		expect(session.calls.at(-1)).toEqual({method: 'seek', tick: 5000});
		expect(r.status()).toBe(' no earlier marker');
	});

	it('g asks for a time and seeks there', async () => {
		const session = replaySession();
		const r = await app(session);
		await r.press('g', '1', ':', '2', '3');
		expect(r.lines().at(-1)).toBe('EnterGo     EscCancel  Go to (mm:ss): 1:23_');
		await r.press(KEYS.enter);
		expect(session.calls.at(-1)).toEqual({method: 'seek', tick: 8300});
		await r.press('g', 'x', KEYS.enter);
		expect(r.status()).toBe(' not a time: "x" (use mm:ss)');
	});

	it('t takes over and the dashboard goes live', async () => {
		const session = replaySession();
		const r = await app(session);
		await r.press('t');
		expect(session.calls).toEqual([{method: 'takeOver'}]);
		expect(r.status()).toBe(' took over at 0:02:13: live from here, recording to a new file');
		expect(r.lines()[0]).toMatch(/Up 0:02:13 ×1 running$/);
		await r.press('a');
		expect(session.sent).toEqual([{kind: 'spawn', spec: hogSpec(256 * MIB)}]);
	});

	it("hints name no key replay refuses: zswap off shows 'z turns zswap on' live, not in replay", async () => {
		const off = {zswap: {enabled: false, poolPages: 0, storedPages: 0}};
		const live = await app(new FakeSession({snapshot: buildSnapshot(off)}));
		expect(live.lines().some((l) => l.includes('Zsw off  (z turns zswap on)'))).toBe(true);
		const replay = await app(new FakeSession({snapshot: buildSnapshot(off), replay: REPLAY}));
		const zsw = replay.lines().find((l) => l.includes('Zsw off'));
		expect(zsw).toBeDefined();
		expect(zsw).not.toContain('turns zswap on');
	});

	it('↑ ↓ still move the selection; machine keys ask for take-over first', async () => {
		const session = replaySession();
		const r = await app(session);
		await r.press(KEYS.down, 'o');
		expect(session.sent).toEqual([]);
		expect(r.status()).toBe(' replay: press t to take over before changing the machine');
		await r.press(KEYS.down, KEYS.enter);
		expect(r.lines()[8]).toMatch(/^ Process 412 \(postgres\)/);
	});
});
