// Explain this (e): every meter and column has an explanation in Linux terms with live numbers,
// the numbers in a formula are the core's own (they add up to what the screen shows), events are
// explained with their own numbers; and the window opens, steps, scrolls and closes as a window.
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import type {SimEvent} from '../../source/sim/events.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {explainEvent, wrapText} from '../../source/view/explain.js';
import {browsable, explainTopic, stepTopic} from '../../source/view/explain-topics.js';
import {METERS, meterById} from '../../source/view/meters/registry.js';
import {COLUMNS, columnById} from '../../source/view/panels/columns.js';
import {explainLines} from '../../source/view/panels/explain-panel.js';
import {ZERO_RATES} from '../../source/view/rates.js';
import {FakeSession} from '../helpers/fake-session.js';
import {KEYS} from '../helpers/ink-tty.js';
import {swapWorkload} from '../helpers/machine.js';
import {autoUnmount, mount} from '../helpers/render-once.js';
import {buildSnapshot, fixtureProcesses, oomKillEvent} from '../helpers/snapshot-fixture.js';

autoUnmount();

const click = (x: number, y: number): string[] => [
	`\x1b[<0;${x + 1};${y + 1}M`,
	`\x1b[<0;${x + 1};${y + 1}m`,
];

/** A small real machine with pages out in swap: the numbers come from the core. */
function realSnapshot() {
	const m = new Machine(swapWorkload('ssd', false), {seed: 1});
	for (let i = 0; i < 300; i++) m.step();
	return takeSnapshot(m);
}

const STATUS = {
	mode: 'live' as const,
	paused: false,
	speed: 1,
	workload: 'w',
	seed: 1,
	policy: 'lru',
	recordingPath: null,
	replay: null,
};

describe('explanations', () => {
	const snapshot = buildSnapshot();
	const ctx = {snapshot, status: STATUS, rates: ZERO_RATES, mode: 'live' as const, shown: new Set<never>()};

	it('every meter and every column says what it is, the rule with its kernel function, and numbers', () => {
		const all = [
			...METERS.map((m) => m.explain(ctx)),
			...COLUMNS.map((c) => c.explain(snapshot.processes[0]!, snapshot, [100, 200])),
		];
		expect(all).toHaveLength(METERS.length + COLUMNS.length);
		for (const e of all) {
			expect(e.title.length).toBeGreaterThan(2);
			expect(e.linux.length).toBeGreaterThan(20);
			// The rule names a kernel function or file (foo() or mm/...), or says it is not the kernel's.
			expect(e.rule).toMatch(/\w\(\)|[a-z_]{4,}\(| mm\/|kernel\/|Not a \/proc|[a-z]+_[a-z_]+/);
			expect(e.now.length).toBeGreaterThan(0);
			expect(e.now.join(' ')).toMatch(/\d/);
		}
	});

	it("MemAvailable's formula is the core's: its terms add up to /proc/meminfo's MemAvailable", () => {
		const s = realSnapshot();
		const e = meterById('watermarks').explain({...ctx, snapshot: s});
		const line = e.now.find((l) => l.trim().startsWith('='))!;
		const [free, high, file, cut, pages] = [...line.matchAll(/\d+(?:\.\d+)?(?= |$|\))/g)]
			.map((m) => Number(m[0]))
			.filter((_, i, a) => i < 4 || i === a.length - 1);
		expect(free).toBe(s.frames.free);
		expect(high).toBe(s.watermarks.high);
		expect(free! - high! + file! - cut!).toBe(pages);
		expect(pages).toBe(s.meminfo.MemAvailable / 4);
		expect(cut).toBe(Math.min(Math.floor(file! / 2), s.watermarks.low));
	});

	it("the OOM column shows oom_badness()'s parts as the core counted them, and the score it gives", () => {
		const s = realSnapshot();
		const p = s.processes.find((x) => x.swap > 0)!;
		expect(p).toBeDefined();
		const e = columnById('oom').explain(p, s, []);
		const c = p.oom!;
		expect(e.now[0]).toBe(
			`badness = rss ${c.rss} + swapents ${c.swapents} + pgtables ${c.pgtables} + adj 0 × ${Math.floor(s.oomTotalPages / 1000)} = ${c.badness} pages`,
		);
		expect(c.rss + c.swapents + c.pgtables + c.adjPages).toBe(c.badness);
		expect(e.now[1]).toBe(
			`oom_score = (1000 + ${c.badness} × 1000 / ${s.oomTotalPages}) × 2 / 3 = ${p.oomScore}`,
		);
		expect(Math.trunc(((1000 + Math.trunc((c.badness * 1000) / s.oomTotalPages)) * 2) / 3)).toBe(p.oomScore);
		// oom_score_adj -1000: never a victim.
		const exempt = fixtureProcesses().find((x) => x.oomScoreAdj === -1000)!;
		expect(columnById('oom').explain({...exempt, oom: null}, s, []).now).toEqual([
			'oom_score_adj −1000: never a victim; oom_score 0',
		]);
	});

	it("RSS is explained with the process's own parts, which add up", () => {
		const p = fixtureProcesses()[0]!;
		const e = columnById('rss').explain(p, snapshot, []);
		expect(p.anon + p.file + p.shmem).toBe(p.rss);
		expect(e.now[0]).toMatch(/^RSS \S+ = anon \S+ \+ file \S+ \+ shmem \S+$/);
	});

	it('events are explained with their own numbers, marked as from when they happened', () => {
		const wake: SimEvent = {kind: 'kswapd-wake', tick: 4200, free: 3050, low: 3054};
		const e = explainEvent(wake, snapshot);
		expect(e.past).toBe(true);
		expect(e.rule).toMatch(/wakeup_kswapd\(\)/);
		// Pages as well as sizes: "11.9M < 11.9M" would not read true.
		expect(e.now).toEqual(['free 11.9M (3050 pages) < low 11.9M (3054 pages)']);
		const kill = explainEvent(oomKillEvent(), snapshot);
		expect(kill.now.slice(0, oomKillEvent().lines.length)).toEqual(oomKillEvent().lines);
		expect(kill.rule).toMatch(/oom_badness\(\)/);
	});

	it('← → step through the meters, the columns of the process, then the newest events, and wrap', () => {
		const events = [
			{id: 1, event: {kind: 'swap-full', tick: 1} as SimEvent},
			{id: 2, event: {kind: 'zram-full', tick: 2} as SimEvent},
		];
		const list = browsable(412, events);
		expect(list).toHaveLength(METERS.length + COLUMNS.length + 2);
		expect(list[METERS.length]).toEqual({kind: 'column', id: COLUMNS[0]!.id, pid: 412});
		expect(list.at(-2)).toEqual({kind: 'event', id: 2});
		expect(stepTopic(list, list.at(-1)!, 1)).toEqual(list[0]);
		expect(stepTopic(list, list[0]!, -1)).toEqual(list.at(-1));
		// Without a process, no columns.
		expect(browsable(null, []).every((t) => t.kind === 'meter')).toBe(true);
	});

	it('a topic whose subject is gone explains nothing', () => {
		const input = {snapshot, status: STATUS, rates: ZERO_RATES, processes: [], history: () => [], events: []};
		expect(explainTopic({kind: 'column', id: 'rss', pid: 412}, input)).toBeNull();
		expect(explainTopic({kind: 'event', id: 9}, input)).toBeNull();
		expect(explainTopic({kind: 'meter', id: 'nope'}, input)).toBeNull();
	});

	it('text is wrapped to the window, long words split', () => {
		expect(wrapText('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
		expect(wrapText('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
		const lines = explainLines(meterById('psi').explain(ctx), 40);
		for (const l of lines) expect(l.map((s) => s.text).join('').length).toBeLessThanOrEqual(40);
	});
});

describe('the explain window', () => {
	async function dashboard(width = 120, rows = 40) {
		const session = new FakeSession({snapshot: buildSnapshot()});
		const r = await mount(<App session={session} />, width, rows);
		return {...r, session, title: () => r.lines()[7] ?? ''};
	}

	it('e explains the sort column for the selected process, with its numbers; Esc closes', async () => {
		const r = await dashboard();
		const pid = Number(r.lines()[8]!.trim().split(' ')[0]);
		await r.press('e');
		expect(r.title()).toMatch(
			new RegExp(`^ RSS: resident set size {2}\\(column RSS of ${pid} \\S+\\) +← → more · Esc close$`),
		);
		const text = r.lines().join('\n');
		expect(text).toMatch(/What it is\n +VmRSS in \/proc\/PID\/status/);
		expect(text).toMatch(/The kernel's rule\n +Grows by page faults \(handle_mm_fault\)/);
		expect(text).toMatch(/Now, on this machine\n +RSS \S+ = anon \S+ \+ file \S+ \+ shmem \S+/);
		expect(r.lines().at(-1)).toMatch(/←→Next +EscClose/);
		await r.press(KEYS.escape);
		expect(r.title()).toMatch(/^ +PID NAME/);
	});

	it('→ goes to the next column, ← back past the first column to the last meter', async () => {
		const r = await dashboard();
		await r.press('e', KEYS.right);
		expect(r.title()).toMatch(/^ ANON: resident anonymous memory/);
		await r.press(KEYS.left, KEYS.left, KEYS.left, KEYS.left);
		expect(r.title()).toMatch(/^ PID \d+ +\(column PID/);
		await r.press(KEYS.left);
		expect(r.title()).toContain(`(meter ${METERS.at(-1)!.caption})`);
		await r.press('e');
		expect(r.title()).toMatch(/^ +PID NAME/);
	});

	it('a click on a meter explains that meter; a click on an event line explains the event', async () => {
		const session = new FakeSession({snapshot: buildSnapshot()});
		session.publish(buildSnapshot({time: 134, events: [oomKillEvent(13_000)]}));
		const r = await mount(<App session={session} />, 120, 40);
		// Wmk is on the third line, left half; PSI on the second, right half.
		await r.press(...click(5, 2));
		expect(r.lines()[7]).toMatch(/^ Wmk: free memory against the watermarks/);
		expect(r.lines().join('\n')).toMatch(/MemAvailable = free − reserve \(high\)/);
		await r.press(KEYS.escape, ...click(70, 1));
		expect(r.lines()[7]).toMatch(/^ PSI: memory pressure/);
		await r.press(KEYS.escape);
		const y = r
			.lines()
			.findIndex((l) => /Out of memory: Killed process|oom-kill|killed/i.test(l) && /^\[/.test(l));
		expect(y).toBeGreaterThan(8);
		await r.press(...click(3, y));
		expect(r.lines()[7]).toMatch(/^ OOM kill: \d+ \(\S+\) {2}\(event\)/);
		expect(r.lines().join('\n')).toMatch(/When it happened/);
	});

	it('scrolls when the text is taller than the window (80x24)', async () => {
		const r = await dashboard(80, 24);
		await r.press('e', KEYS.left, KEYS.left, KEYS.left, KEYS.left);
		const before = r.lines().join('\n');
		await r.press(KEYS.pageDown);
		const after = r.lines().join('\n');
		expect(after).not.toBe(before);
		expect(after).toMatch(/Now, on this machine/);
		await r.press(KEYS.pageDown, KEYS.pageDown, KEYS.pageUp, KEYS.pageUp, KEYS.pageUp);
		expect(r.lines().join('\n')).toBe(before);
	});
});
