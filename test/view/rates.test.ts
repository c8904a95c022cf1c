import {describe, expect, it} from 'vitest';
import {RateWindow, ratesFromSample, ZERO_RATES} from '../../source/view/rates.js';
import {buildSnapshot, FIXTURE_RATES} from '../helpers/snapshot-fixture.js';

describe('RateWindow', () => {
	it('needs two snapshots, then gives per-second rates from counter deltas', () => {
		const w = new RateWindow();
		expect(w.ingest(buildSnapshot({time: 10}))).toEqual(ZERO_RATES);
		const r = w.ingest(buildSnapshot({time: 11}));
		expect(r.minflt).toBeCloseTo(FIXTURE_RATES.pgfault - FIXTURE_RATES.pgmajfault);
		expect(r.majflt).toBeCloseTo(120);
		expect(r.scan).toBeCloseTo(10_000);
		expect(r.steal).toBeCloseTo(8000);
		expect(r.stealDirect).toBeCloseTo(800);
		expect(r.refaults).toBeCloseTo(34);
		expect(r.window).toBe(1);
	});

	it('averages over the trailing second when snapshots come every 0.1 s', () => {
		const w = new RateWindow();
		for (let t = 10; t <= 12.001; t += 0.1) w.ingest(buildSnapshot({time: Math.round(t * 10) / 10}));
		const r = w.ingest(buildSnapshot({time: 12.1}));
		expect(r.window).toBeGreaterThanOrEqual(1);
		expect(r.window).toBeLessThan(1.2);
		expect(r.pswpout).toBeCloseTo(450, 0);
	});

	it('ignores the same tick twice and starts over when time goes back', () => {
		const w = new RateWindow();
		w.ingest(buildSnapshot({time: 10}));
		const r = w.ingest(buildSnapshot({time: 11}));
		expect(w.ingest(buildSnapshot({time: 11}))).toBe(r);
		expect(w.ingest(buildSnapshot({time: 5}))).toEqual(ZERO_RATES);
	});

	it('falls back to the last history sample', () => {
		expect(ratesFromSample(undefined)).toEqual(ZERO_RATES);
		const r = ratesFromSample({
			time: 1,
			freePages: 0,
			anonPages: 0,
			filePages: 0,
			swapUsedPages: 0,
			zswapPoolPages: 0,
			psiSome10: 0,
			psiFull10: 0,
			pgfault: 100,
			pgmajfault: 10,
			pswpin: 1,
			pswpout: 2,
			refaults: 3,
			oomKills: 0,
		});
		expect([r.minflt, r.majflt, r.pswpin, r.pswpout, r.refaults, r.scan]).toEqual([90, 10, 1, 2, 3, 0]);
	});
});
