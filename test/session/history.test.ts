import {describe, expect, it} from 'vitest';
import {
	EVENT_LOG_SIZE,
	HISTORY_SECONDS,
	HistoryTracker,
	PROCESS_HISTORY_SECONDS,
} from '../../source/session/history.js';
import type {SimEvent} from '../../source/sim/events.js';
import {
	buildSnapshot,
	FIXTURE_RATES,
	fixtureProcesses,
	makeProcess,
	oomKillEvent,
} from '../helpers/snapshot-fixture.js';

const start = (time: number, events: SimEvent[] = []): SimEvent[] => [
	...events,
	{kind: 'process-start', tick: Math.round(time * 100), pid: 1, name: 'init'},
];

describe('HistoryTracker samples', () => {
	it('makes one sample per simulated second with rates from vmstat deltas', () => {
		const h = new HistoryTracker();
		for (let t = 10; t <= 13; t += 0.5) h.ingest(buildSnapshot({time: t}));
		const samples = h.getHistory();
		expect(samples.map((s) => s.time)).toEqual([11, 12, 13]);
		const s = samples[1]!;
		expect(s.pgfault).toBeCloseTo(FIXTURE_RATES.pgfault);
		expect(s.pgmajfault).toBeCloseTo(FIXTURE_RATES.pgmajfault);
		expect(s.pswpin).toBeCloseTo(FIXTURE_RATES.pswpin);
		expect(s.pswpout).toBeCloseTo(FIXTURE_RATES.pswpout);
		expect(s.refaults).toBeCloseTo(
			FIXTURE_RATES.workingset_refault_anon + FIXTURE_RATES.workingset_refault_file,
		);
		const snap = buildSnapshot({time: 12});
		expect(s).toMatchObject({
			freePages: snap.frames.free,
			anonPages: snap.frames.anon,
			filePages: snap.frames.file,
			swapUsedPages: snap.swap.usedPages,
			zswapPoolPages: snap.frames.zpool,
			psiSome10: 12.34,
			psiFull10: 3.2,
			oomKills: 0,
		});
	});

	it('fills every second a publish skipped (high speed), OOM kills in the last one', () => {
		const h = new HistoryTracker();
		h.ingest(buildSnapshot({time: 100, oomKills: 1}));
		h.ingest(buildSnapshot({time: 110, oomKills: 3}));
		const samples = h.getHistory();
		expect(samples.map((s) => s.time)).toEqual([101, 102, 103, 104, 105, 106, 107, 108, 109, 110]);
		expect(samples.map((s) => s.oomKills)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
		expect(samples[0]!.pgmajfault).toBeCloseTo(120);
	});

	it('keeps the last 600 samples', () => {
		const h = new HistoryTracker();
		h.ingest(buildSnapshot({time: 0}));
		h.ingest(buildSnapshot({time: 500}));
		h.ingest(buildSnapshot({time: 1000}));
		const samples = h.getHistory();
		expect(samples).toHaveLength(HISTORY_SECONDS);
		expect(samples[0]!.time).toBe(401);
		expect(samples.at(-1)!.time).toBe(1000);
	});

	it('hands out a new array only when something changed', () => {
		const h = new HistoryTracker();
		h.ingest(buildSnapshot({time: 1}));
		h.ingest(buildSnapshot({time: 2}));
		const a = h.getHistory();
		expect(h.getHistory()).toBe(a);
		h.ingest(buildSnapshot({time: 2.5}));
		expect(h.getHistory()).toBe(a);
		h.ingest(buildSnapshot({time: 3}));
		expect(h.getHistory()).not.toBe(a);
	});
});

describe('HistoryTracker process RSS', () => {
	it('records RSS per second, at most 120 s, and drops exited pids', () => {
		const h = new HistoryTracker();
		const procs = (rss: number, withHog: boolean) => [
			makeProcess({pid: 10, name: 'a', anon: rss}),
			...(withHog ? [makeProcess({pid: 20, name: 'hog', anon: 5})] : []),
		];
		for (let t = 0; t <= 130; t++) h.ingest(buildSnapshot({time: t, processes: procs(t, t < 130)}));
		const a = h.getProcessHistory(10);
		expect(a).toHaveLength(PROCESS_HISTORY_SECONDS);
		expect(a.at(-1)).toBe(130);
		expect(a[0]).toBe(11);
		expect(h.getProcessHistory(20)).toEqual([]);
		expect(h.getProcessHistory(999)).toEqual([]);
	});

	it('treats state exited as gone', () => {
		const h = new HistoryTracker();
		h.ingest(buildSnapshot({time: 1}));
		const procs = fixtureProcesses().map((p) => (p.pid === 901 ? {...p, state: 'exited' as const} : p));
		h.ingest(buildSnapshot({time: 2, processes: procs}));
		expect(h.getProcessHistory(901)).toEqual([]);
		expect(h.getProcessHistory(777)).toHaveLength(1);
	});
});

describe('HistoryTracker event log', () => {
	it('keeps events of a second snapshot at the same tick (a command while paused), not the same one twice', () => {
		const h = new HistoryTracker();
		const first = buildSnapshot({time: 5});
		h.ingest(first);
		const command: SimEvent = {
			kind: 'command',
			tick: 500,
			command: {kind: 'set-zswap', enabled: true},
			summary: 'zswap enabled',
			origin: 'user',
		};
		const again = buildSnapshot({time: 5, events: [command]});
		h.ingest(again);
		h.ingest(again);
		expect(h.getEventLog().filter((e) => e.event.kind === 'command')).toHaveLength(1);
	});

	it('logs snapshot events with monotonic ids, newest last, at most 2000', () => {
		const h = new HistoryTracker();
		h.ingest(buildSnapshot({time: 1, events: [oomKillEvent(100)]}));
		h.ingest(buildSnapshot({time: 1}));
		for (let t = 2; t < 2 + EVENT_LOG_SIZE; t++) h.ingest(buildSnapshot({time: t, events: start(t)}));
		const log = h.getEventLog();
		expect(log).toHaveLength(EVENT_LOG_SIZE);
		expect(log[0]!.id).toBe(2);
		expect(log.at(-1)!.id).toBe(EVENT_LOG_SIZE + 1);
		for (let i = 1; i < log.length; i++) expect(log[i]!.id).toBe(log[i - 1]!.id + 1);
	});

	it('ignores a snapshot seen twice', () => {
		const h = new HistoryTracker();
		const s = buildSnapshot({time: 5, events: start(5)});
		h.ingest(s);
		h.ingest(s);
		expect(h.getEventLog()).toHaveLength(1);
	});

	it('starts over when time goes backwards (a replay seek), ids keep growing', () => {
		const h = new HistoryTracker();
		for (let t = 10; t <= 20; t++) h.ingest(buildSnapshot({time: t, events: start(t)}));
		const lastId = h.getEventLog().at(-1)!.id;
		h.ingest(buildSnapshot({time: 3, events: start(3)}));
		expect(h.getHistory()).toEqual([]);
		expect(h.getEventLog().map((e) => e.id)).toEqual([lastId + 1]);
		expect(h.getProcessHistory(777)).toEqual([]);
		h.ingest(buildSnapshot({time: 4}));
		expect(h.getHistory().map((s) => s.time)).toEqual([4]);
	});
});
