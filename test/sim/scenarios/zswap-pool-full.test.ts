// zswap (workloads/zswap.yaml) from 2 m: a batch JVM's 1 GiB compressible heap fills the pool to
// max_pool_percent, and the shrink worker (mm/zswap.c shrink_worker) paces the writeback: stores are
// refused from the moment the pool reaches its limit until it has drained to
// accept_threshold_percent of it, the worker writes back at most a tick of work a tick (2.9 µs an
// entry with lz4: 3,449 entries) and not while the SSD's queue is congested, so each drain spans
// many ticks; then the pool accepts again, and the cycle repeats. The file's comment gives the numbers.
import {describe, expect, it} from 'vitest';
import {COMPRESSORS, ZSWAP_WRITEBACK_SUBMIT_US} from '../../../source/sim/costs.js';
import type {SimEvent} from '../../../source/sim/events.js';
import {TICK_US} from '../../../source/sim/units.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

type Ev<K extends SimEvent['kind']> = Extract<SimEvent, {kind: K}>;

describe('shipped scenarios', () => {
	it('zswap from 2 m: the pool fills to max_pool_percent at about 2:38; refused stores until the paced shrink worker drains it to 90 %, cycle after cycle', {
		timeout: 300_000,
	}, () => {
		const w = loadWorkload('zswap');
		// The timed events switch zswap off at 4 m; the story here ends before.
		const run = runScenario({...w, events: []}, 230);
		const limit = at(run, 1).zswap.limitPages;
		// 20 % of 2 GiB = 524288 pages: ⌊524288 × 20 / 100⌋ = 104857; accept at ⌊104857 × 90 / 100⌋ = 94371.
		expect(limit).toBe(104_857);
		const accept = Math.floor((limit * 90) / 100);
		expect(accept).toBe(94_371);
		// Before the batch JVM: the pool well under its limit, nothing refused, nothing written back.
		const before = at(run, 119);
		expect(before.zswap.poolPages).toBeLessThan(limit * 0.45);
		expect(before.vmstat.zswap_pool_limit_hit).toBe(0);
		expect(before.vmstat.zswpwb).toBe(0);
		const starts = run.events.filter((e): e is Ev<'process-start'> => e.kind === 'process-start');
		expect(starts.find((e) => e.name === 'java-batch')?.tick).toBe(12_000);

		// The pool reaches its limit once the batch heap has grown: at about 2:38.
		const full = run.events.filter((e): e is Ev<'zswap-pool-full'> => e.kind === 'zswap-pool-full');
		const accepting = run.events.filter((e): e is Ev<'zswap-accepting'> => e.kind === 'zswap-accepting');
		const first = full[0]!;
		expect(first.tick / 100).toBeGreaterThan(150);
		expect(first.tick / 100).toBeLessThan(170);
		expect(first.poolPages).toBeGreaterThanOrEqual(limit);
		// Never past the limit by more than the store that reached it (every second's snapshot).
		for (const s of run.snapshots) expect(s.zswap.poolPages).toBeLessThanOrEqual(limit);

		// Each time: full, then accepting again only at or below 90 % of the limit, later.
		expect(full.length).toBeGreaterThanOrEqual(10);
		expect(accepting.length).toBeGreaterThanOrEqual(full.length - 1);
		accepting.forEach((a, i) => {
			expect(a.tick).toBeGreaterThan(full[i]!.tick);
			if (full[i + 1]) expect(a.tick).toBeLessThan(full[i + 1]!.tick);
			expect(a.poolPages).toBeLessThanOrEqual(accept);
		});

		// Paced writeback: at most a tick of work a tick, 10,000 µs / (0.9 + 2) µs → 3449 entries, and
		// each drain over many ticks (the first: from its full to its accepting).
		const perEntryUs = COMPRESSORS.lz4.decompressUs + ZSWAP_WRITEBACK_SUBMIT_US;
		expect(Math.ceil(TICK_US / perEntryUs)).toBe(3449);
		const writebacks = run.events.filter((e): e is Ev<'zswap-writeback'> => e.kind === 'zswap-writeback');
		expect(Math.max(...writebacks.map((e) => e.pages))).toBeLessThanOrEqual(3449);
		const drains = full.slice(0, accepting.length).map((f, i) => {
			const during = writebacks.filter((e) => e.tick >= f.tick && e.tick <= accepting[i]!.tick);
			return {
				ticks: during.length,
				pages: during.reduce((n, e) => n + e.pages, 0),
				span: accepting[i]!.tick - f.tick,
			};
		});
		for (const d of drains) {
			expect(d.ticks).toBeGreaterThanOrEqual(4);
			expect(d.span).toBeGreaterThanOrEqual(10);
			// It wrote back at least the overshoot past the accept threshold (more, with stores freed meanwhile).
			expect(d.pages).toBeGreaterThan(limit - accept);
		}
		// The comment's figures: a typical drain writes about 31,000 entries over about 0.7 s.
		const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
		expect(median(drains.map((d) => d.pages))).toBeGreaterThan(20_000);
		expect(median(drains.map((d) => d.pages))).toBeLessThan(45_000);
		expect(median(drains.map((d) => d.span))).toBeGreaterThanOrEqual(40);
		expect(median(drains.map((d) => d.span))).toBeLessThanOrEqual(120);
		// While full, stores are refused and go to the SSD: limit hits and disk writes both grow.
		const end = at(run, 230);
		expect(end.vmstat.zswap_pool_limit_hit).toBeGreaterThan(500);
		expect(end.vmstat.zswpwb).toBeGreaterThan(300_000);
		expect(end.vmstat.pswpout).toBeGreaterThan(end.vmstat.zswpwb);
		// The machine copes: nobody is OOM-killed.
		expect(run.events.filter((e) => e.kind === 'oom-kill')).toEqual([]);
	});
});
