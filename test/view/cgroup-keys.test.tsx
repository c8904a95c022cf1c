// The cgroup view's keys over the whole dashboard (a FakeSession, as test/app.test.tsx): C toggles
// it, ↑ ↓ select a cgroup, F7/H and F8/X prompt for memory.high / memory.max and send the
// recorded set-cgroup command, bad sizes and the root say so in one line, replay refuses.
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import {MIB} from '../../source/sim/units.js';
import {REPLAY_REFUSAL} from '../../source/view/actions.js';
import {NO_CGROUPS} from '../../source/view/panels/cgroup-view.js';
import {cgroupSnapshot} from '../helpers/cgroup-fixture.js';
import {FakeSession} from '../helpers/fake-session.js';
import {KEYS, waitForFrame} from '../helpers/ink-tty.js';
import {autoUnmount, mount} from '../helpers/render-once.js';
import {buildSnapshot} from '../helpers/snapshot-fixture.js';

autoUnmount();

const F7 = '\x1b[18~';
const F8 = '\x1b[19~';

async function app(session = new FakeSession({snapshot: cgroupSnapshot()}), width = 120, rows = 40) {
	const r = await mount(<App session={session} />, width, rows);
	return {
		...r,
		session,
		status: () => r.lines().at(-2) ?? '',
		bar: () => r.lines().at(-1) ?? '',
	};
}

describe('the cgroup view (C)', () => {
	it('takes the table’s place and gives it back on C or Esc', async () => {
		const r = await app();
		// The first frames of a file's first test can come a while after the key on a loaded machine
		// (React schedules the render): each step waits for the frame it expects, however long it takes.
		const LOADED_MS = 30_000;
		const lastLine = (f: string) => f.split('\n').at(-1) ?? '';
		await waitForFrame(r, (f) => /SpcPause CCgroups aHog/.test(lastLine(f)), LOADED_MS);
		expect(r.bar()).toMatch(/SpcPause CCgroups aHog/);
		await r.press('C');
		await waitForFrame(r, (f) => f.includes('· 901 hog') && /CProcs/.test(lastLine(f)), LOADED_MS);
		const lines = r.lines();
		const header = lines.findIndex((l) => l.startsWith('CGROUP '));
		expect(header).toBeGreaterThan(0);
		expect(lines[header + 1]).toMatch(/^\/ +\[/);
		expect(lines).toContainEqual(expect.stringMatching(/^│ {2}├─ pod-a +\[\|+l\|+h\|+\] +256M/));
		expect(lines).toContainEqual(expect.stringMatching(/^│ {2}│ {2}· 901 hog +reclaim/));
		expect(r.status()).toBe(
			' cgroup view: ↑ ↓ select, F7 memory.high, F8 memory.max, C back to the processes',
		);
		expect(r.bar()).toMatch(/^F1Help +F2Setup +CProcs +F7High +F8Max +F10Quit/);
		const table = (f: string) => f.split('\n').some((l) => /^ {2}PID NAME/.test(l));
		await r.press('C');
		await waitForFrame(r, table, LOADED_MS);
		expect(r.lines()).toContainEqual(expect.stringMatching(/^ {2}PID NAME/));
		await r.press('C');
		await waitForFrame(r, (f) => !table(f), LOADED_MS);
		await r.press(KEYS.escape);
		await waitForFrame(r, table, LOADED_MS);
		expect(r.lines()).toContainEqual(expect.stringMatching(/^ {2}PID NAME/));
		expect(r.session.calls).toEqual([]);
	});

	it('↑ ↓ Home End move the selection over cgroups, not their processes', async () => {
		const r = await app();
		// The prompt names the cgroup it writes to: the selection.
		await r.press('C', KEYS.down, KEYS.down, F8);
		expect(r.bar()).toMatch(/\/kubepods\/pod-a\/memory\.max \(512M, 1\.5G, max\): _$/);
		await r.press(KEYS.escape, KEYS.end, F8);
		expect(r.bar()).toMatch(/\/system\.slice\/postgres\.service\/memory\.max/);
		await r.press(KEYS.escape, KEYS.up, F7);
		expect(r.bar()).toMatch(/\/system\.slice\/memory\.high \(512M, 1\.5G, max\): _$/);
		await r.press(KEYS.escape, KEYS.home, KEYS.down, KEYS.pageDown, F8);
		expect(r.bar()).toMatch(/\/system\.slice\/postgres\.service\/memory\.max/);
		await r.press(KEYS.escape);
		expect(r.session.sent).toEqual([]);
	});

	it('F8 512M Enter sets memory.max of the selected cgroup with a set-cgroup command', async () => {
		const r = await app();
		await r.press('C', KEYS.down, KEYS.down, F8, '5', '1', '2', 'M', KEYS.enter);
		expect(r.session.sent).toEqual([
			{kind: 'set-cgroup', path: '/kubepods/pod-a', file: 'memory.max', value: 512 * MIB},
		]);
		expect(r.status()).toBe(' /kubepods/pod-a/memory.max = 512 MiB');
	});

	it('H and X are F7 and F8; max lifts the limit', async () => {
		const r = await app();
		await r.press('C', KEYS.down, KEYS.down, 'H', '2', '0', '0', 'M', KEYS.enter);
		await r.press('X', 'm', 'a', 'x', KEYS.enter);
		expect(r.session.sent).toEqual([
			{kind: 'set-cgroup', path: '/kubepods/pod-a', file: 'memory.high', value: 200 * MIB},
			{kind: 'set-cgroup', path: '/kubepods/pod-a', file: 'memory.max', value: null},
		]);
		expect(r.status()).toBe(' /kubepods/pod-a/memory.max = max');
	});

	it('a value that is not a size says so in one line and sends nothing; Esc cancels', async () => {
		const r = await app();
		await r.press('C', KEYS.down, F8, 'a', 'b', 'c', KEYS.enter);
		expect(r.status()).toBe(' /kubepods/memory.max: not a size: "abc" (512M, 1.5G, 64K, bytes, or max)');
		await r.press(F7, '1', 'G', KEYS.escape);
		expect(r.session.sent).toEqual([]);
		// Typing in the prompt is text: C and q do not leave the view or quit.
		await r.press(F7, 'C', 'q', KEYS.backspace, KEYS.backspace, '1', 'G', KEYS.enter);
		expect(r.session.sent).toEqual([
			{kind: 'set-cgroup', path: '/kubepods', file: 'memory.high', value: 1024 * MIB},
		]);
	});

	it('the root cgroup has no limits to set', async () => {
		const r = await app();
		await r.press('C', F8);
		expect(r.status()).toBe(' the root cgroup has no memory.max (cgroup v2): select a child with ↑ ↓');
		expect(r.bar()).not.toMatch(/memory\.max \(/);
		expect(r.session.sent).toEqual([]);
	});

	it('the simulation keys still work under the view; the table’s own keys wait for it', async () => {
		const r = await app();
		await r.press('C', 'a');
		expect(r.session.sent.map((c) => c.kind)).toEqual(['spawn']);
		// k (kill the selected process) belongs to the table: nothing is selected here.
		await r.press('k');
		expect(r.lines()).not.toContainEqual(expect.stringMatching(/Send signal/));
		expect(r.lines()).toContainEqual(expect.stringMatching(/^CGROUP /));
	});

	it('without a cgroup tree the view says so in one line, and F8 has nothing to set', async () => {
		const r = await app(new FakeSession({snapshot: buildSnapshot()}));
		expect(r.bar()).not.toMatch(/CCgroups/);
		await r.press('C');
		expect(r.lines()).toContain(NO_CGROUPS);
		expect(r.status()).toBe(' no cgroup tree in this workload');
		await r.press(F8);
		expect(r.session.sent).toEqual([]);
		expect(r.bar()).not.toMatch(/F8Max/);
	});

	it('replay refuses the limits until take-over', async () => {
		const session = new FakeSession({
			snapshot: cgroupSnapshot(),
			replay: {tick: 1000, endTick: 6000, markers: [], divergence: null, file: 'run.memtop'},
		});
		const r = await app(session);
		await r.press('C', KEYS.down, F8);
		expect(r.status()).toBe(` ${REPLAY_REFUSAL}`);
		expect(session.sent).toEqual([]);
	});

	it('fits 80x24: no line over 80 columns, names whole', async () => {
		const r = await app(undefined, 80, 24);
		await r.press('C');
		const lines = r.lines();
		expect(lines).toHaveLength(23);
		for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
		expect(lines).toContainEqual(expect.stringMatching(/^│ {2}├─ pod-a +\[\|+l\|+h\|+\] +256M +200M +256M/));
		expect(lines.at(-1)).toMatch(/^F1Help +F2Setup +CProcs +F7High +F8Max +F10Quit/);
	});

	it('a click on a cgroup or one of its processes selects the cgroup; the wheel moves over cgroups', async () => {
		const click = (x: number, y: number): string[] => [
			`\x1b[<0;${x + 1};${y + 1}M`,
			`\x1b[<0;${x + 1};${y + 1}m`,
		];
		const r = await app();
		await r.press('C');
		const y = r.lines().findIndex((l) => l.includes('· 530 nginx'));
		await r.press(...click(10, y), F8);
		expect(r.bar()).toMatch(/\/kubepods\/pod-b\/memory\.max/);
		// Three rows a notch: from pod-b to postgres.service, the last.
		await r.press(KEYS.escape, '\x1b[<65;11;11M', F7);
		expect(r.bar()).toMatch(/\/system\.slice\/postgres\.service\/memory\.high/);
		await r.press(KEYS.escape);
		expect(r.session.sent).toEqual([]);
	});

	it('e explains the selected cgroup in kernel terms, with its numbers', async () => {
		const r = await app();
		await r.press('C', KEYS.down, KEYS.down, 'e');
		const text = r.lines().join('\n');
		expect(text).toMatch(/cgroup \/kubepods\/pod-a/);
		expect(text).toMatch(/try_charge_memcg\(\)/);
		expect(text).toMatch(
			/memory\.max 256M \(65536 pages\): 100% used, 0 \(0 pages\) before a charge must reclaim/,
		);
		expect(text).toMatch(/memory\.events low 0 high 310 max 40 oom 1 oom_kill 1 oom_group_kill 0/);
		await r.press(KEYS.escape);
		expect(r.lines()).toContainEqual(expect.stringMatching(/^CGROUP /));
	});

	it('F1 lists the keys', async () => {
		const r = await app();
		await r.press('C', '\x1bOP');
		const text = r.lines().join('\n');
		expect(text).toMatch(/ {2}C {22}cgroup view: limits, events, PSI/);
		expect(text).toMatch(/F7 H \/ F8 X \(cgroups\) {2}set memory\.high \/ memory\.max/);
	});
});
