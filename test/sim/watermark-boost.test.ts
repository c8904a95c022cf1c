// Watermark boosting (mm/page_alloc.c boost_watermark, steal_suitable_fallback, rmqueue; mm/vmscan.c
// balance_pgdat), worked by hand: the boost's size and cap, which fallbacks raise it, the marks
// allocation then sees, and kswapd's boosted pass that reclaims it from clean page cache only.
import {describe, expect, it} from 'vitest';
import {MIGRATE_MOVABLE, MIGRATE_UNMOVABLE} from '../../source/sim/buddy.js';
import {FRAME_ANON} from '../../source/sim/frames.js';
import {Machine} from '../../source/sim/machine.js';
import {DEFAULT_SYSCTLS} from '../../source/sim/sysctl.js';
import {boostWatermark} from '../../source/sim/watermarks.js';
import {Zone} from '../../source/sim/zone.js';
import {group, MIB, workload} from '../helpers/workload.js';

describe('boost_watermark()', () => {
	it('grows by a pageblock (512 pages) up to mult_frac(high, factor, 10000), at least a pageblock', () => {
		// high 2439 (a 2 GiB machine), factor 15000: max_boost = 2439·15000/10000 = 3658 (36 585 000 / 10 000).
		expect(boostWatermark(0, 2439, 524_288, 15_000)).toBe(512);
		expect(boostWatermark(3072, 2439, 524_288, 15_000)).toBe(3584);
		expect(boostWatermark(3584, 2439, 524_288, 15_000)).toBe(3658);
		expect(boostWatermark(3658, 2439, 524_288, 15_000)).toBe(3658);
		// high 48: max_boost = 48·15000/10000 = 72, raised to a pageblock: 512, and it stays there.
		expect(boostWatermark(0, 48, 4096, 15_000)).toBe(512);
		expect(boostWatermark(512, 48, 4096, 15_000)).toBe(512);
	});

	it('does nothing with factor 0, on zones under four pageblocks (2048 pages), or while high is 0', () => {
		expect(boostWatermark(0, 2439, 524_288, 0)).toBe(-1);
		expect(boostWatermark(0, 48, 2047, 15_000)).toBe(-1);
		expect(boostWatermark(0, 48, 2048, 15_000)).toBe(512);
		expect(boostWatermark(0, 0, 4096, 15_000)).toBe(-1);
	});
});

/**
 * A 4096-page zone, no kernel pages, min_free_kbytes 128: min 32, gap max(32/4, 4096·10/10000) = 8,
 * low 40, high 48. Every page allocated as anon, then only `freed` given back.
 */
function fullZone(freed: number[], factor = 15_000) {
	const zone = new Zone(4096, 0, {...DEFAULT_SYSCTLS, min_free_kbytes: 128, watermark_boost_factor: factor});
	for (let i = 0; i < 4096; i++) zone.setKind(zone.rmqueue(MIGRATE_MOVABLE), FRAME_ANON);
	for (const f of freed) zone.freePage(f);
	return zone;
}

describe('a fallback below pageblock order boosts the zone (steal_suitable_fallback)', () => {
	it('an unmovable page stolen from a movable pageblock raises min/low/high by 512 and sets the flag', () => {
		// Page 1 is the only free page: an order-0 block on the movable list of pageblock 0. An unmovable
		// allocation finds no unmovable block and falls back to it: order 0 < 9, so boost_watermark().
		const zone = fullZone([1]);
		expect(zone.wm).toEqual({min: 32, low: 40, high: 48});
		expect(zone.rmqueue(MIGRATE_UNMOVABLE)).toBe(1);
		expect(zone.watermarkBoost).toBe(512);
		expect(zone.watermark).toEqual({min: 32, low: 40, high: 48});
		// wmark_pages() = _watermark + watermark_boost: 32 + 512, 40 + 512, 48 + 512.
		expect(zone.wm).toEqual({min: 544, low: 552, high: 560});
		expect(zone.boostedFlag).toBe(true);
		// The pageblock kept its type: 1 free page + 0 alike (511 movable anon pages) < 256.
		expect(zone.buddy.blockMt[0]).toBe(MIGRATE_MOVABLE);
	});

	it('a whole pageblock changing type (an order-10 block at boot) does not boost; factor 0 never does', () => {
		const fresh = new Zone(4096, 0, {...DEFAULT_SYSCTLS, min_free_kbytes: 128});
		fresh.rmqueue(MIGRATE_UNMOVABLE);
		expect(fresh.watermarkBoost).toBe(0);
		expect(fresh.buddy.blockMt.slice(0, 2)).toEqual(Uint8Array.of(MIGRATE_UNMOVABLE, MIGRATE_UNMOVABLE));
		const off = fullZone([1], 0);
		off.rmqueue(MIGRATE_UNMOVABLE);
		expect(off.watermarkBoost).toBe(0);
		expect(off.boostedFlag).toBe(false);
	});

	it('setting the watermarks again (__setup_per_zone_wmarks) clears the boost', () => {
		const zone = fullZone([1]);
		zone.rmqueue(MIGRATE_UNMOVABLE);
		zone.updateWatermarks({...DEFAULT_SYSCTLS, min_free_kbytes: 128});
		expect(zone.watermarkBoost).toBe(0);
		expect(zone.wm).toEqual({min: 32, low: 40, high: 48});
	});
});

describe("kswapd's boosted pass (balance_pgdat)", () => {
	it('balanced but boosted: reclaims the boost from the page cache, never swaps, then clears it', () => {
		// 64 MiB, 4 MiB kernel: managed 15 360 pages; min_free_kbytes = int_sqrt(61 440·16) = 991 → min
		// 247 pages, gap max(247/4, 15 360·10/10000) = 61, low 308, high 369. max_boost = 369·15000/10000
		// = 553: the first boost is 512, the second min(1024, 553) = 553.
		const cache = group('cat', {
			rate: 20_000,
			regions: [
				{name: 'f', kind: 'file', size: 32 * MIB, object: 'big', access: 'read'},
				{name: 'heap', kind: 'anon', size: 8 * MIB},
			],
			streams: [
				{region: 'f', pattern: 'sequential', weight: 1},
				{region: 'heap', pattern: 'sequential', weight: 1},
			],
		});
		const m = new Machine(workload([cache], {ram: 64 * MIB, kernel: 4 * MIB}), {seed: 1});
		for (let t = 0; t < 300; t++) m.step();
		m.apply({kind: 'kill', pid: 100});
		for (let t = 0; t < 10; t++) m.step();
		const zone = m.zone;
		expect(zone.watermark).toEqual({min: 247, low: 308, high: 369});
		zone.boostWatermark();
		zone.boostWatermark();
		expect(zone.watermarkBoost).toBe(553);
		expect(zone.wm.high).toBe(369 + 553);
		// Free memory is far above high + boost: kswapd would sleep, but the boost wakes it.
		expect(zone.freePages).toBeGreaterThan(5000);
		expect(m.kswapd.state).toBe('sleeping');
		const before = {...m.vm};
		m.kswapd.wakeBoosted();
		expect(m.drainEvents().find((e) => e.kind === 'kswapd-wake')).toMatchObject({boost: 553});
		m.step();
		// nr_boost_reclaim 553 in batches of min(left, 256) (at least 32): 256, 256, 41; file pages only
		// (may_swap off: get_scan_count scans file), no swap-out (may_writepage off).
		// (The policy frees whole scan batches, so the last batch may overshoot its 41 a little.)
		const stolen = m.vm.pgsteal_kswapd - before.pgsteal_kswapd;
		expect(stolen).toBeGreaterThanOrEqual(553);
		expect(stolen).toBeLessThan(553 + 64);
		expect(m.vm.pgsteal_file - before.pgsteal_file).toBe(stolen);
		expect(m.vm.pgsteal_anon - before.pgsteal_anon).toBe(0);
		expect(m.vm.pswpout - before.pswpout).toBe(0);
		expect(m.vm.pgscan_anon - before.pgscan_anon).toBe(0);
		// The pass is over: the boost it began with is cleared, the marks are the ones set, it naps.
		expect(zone.watermarkBoost).toBe(0);
		expect(zone.wm).toEqual({min: 247, low: 308, high: 369});
		expect(m.kswapd.state).toBe('napping');
	});
});
