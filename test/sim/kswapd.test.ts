// kswapd (mm/vmscan.c; reference doc §1): woken below low, it reclaims to the high watermark, naps
// 100 ms and then sleeps if still balanced; runs that reclaim nothing make it "hopeless" after 16.
import {describe, expect, it} from 'vitest';
import type {SimEvent} from '../../source/sim/events.js';
import {FRAME_KERNEL} from '../../source/sim/frames.js';
import {KSWAPD_MAX_FAILURES} from '../../source/sim/kswapd.js';
import {Machine} from '../../source/sim/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

describe('kswapd', () => {
	it('wakes below low, reclaims the page cache up to high, naps 10 ticks, then sleeps', () => {
		// A reader streams a 64 MiB file through 16 MiB of RAM by read(2): the cache fills memory.
		const reader = group('cat', {
			rate: 20_000,
			regions: [{name: 'f', kind: 'file', size: 64 * MIB, object: 'big', access: 'read'}],
			streams: [{region: 'f', pattern: 'stream', weight: 1}],
		});
		const m = new Machine(workload([reader], {ram: 16 * MIB, kernel: 4 * MIB}), {seed: 1});
		const events: SimEvent[] = [];
		let lastReclaimTick = -1;
		for (let t = 0; t < 600 && !events.some((e) => e.kind === 'kswapd-sleep'); t++) {
			const before = m.vm.pgsteal_kswapd;
			m.step();
			if (m.vm.pgsteal_kswapd > before) lastReclaimTick = m.tick - 1;
			events.push(...m.drainEvents());
			// The reader stops: what is left is kswapd balancing and going to sleep.
			if (events.some((e) => e.kind === 'kswapd-wake')) m.apply({kind: 'kill', pid: 100});
		}
		const wake = events.find((e) => e.kind === 'kswapd-wake');
		const sleep = events.find((e) => e.kind === 'kswapd-sleep');
		if (wake?.kind !== 'kswapd-wake' || sleep?.kind !== 'kswapd-sleep') throw new Error('no wake and sleep');
		expect(wake.free).toBeLessThanOrEqual(wake.low);
		expect(sleep.free).toBeGreaterThanOrEqual(sleep.high);
		expect(sleep.reclaimed).toBeGreaterThan(0);
		expect(m.vm.pgsteal_kswapd).toBe(sleep.reclaimed);
		// Balanced at the last reclaim, it naps KSWAPD_NAP_TICKS (100 ms) before it sleeps.
		expect(sleep.tick - lastReclaimTick).toBe(10);
		expect(m.kswapd.state).toBe('sleeping');
	});

	it('16 runs that reclaim nothing make it hopeless: it stops being woken', () => {
		const m = new Machine(workload([], {ram: 16 * MIB, kernel: 4 * MIB, swap: {size: 0, device: 'ssd'}}), {
			seed: 1,
		});
		const zone = m.zone;
		while (zone.freePages > zone.wm.low) zone.setKind(zone.rmqueue(), FRAME_KERNEL);
		m.kswapd.wake();
		for (let t = 0; t < KSWAPD_MAX_FAILURES; t++) m.step();
		expect(m.kswapd.failures).toBe(KSWAPD_MAX_FAILURES);
		expect(m.kswapd.state).toBe('napping');
		for (let t = 0; t < 10; t++) m.step();
		expect(m.kswapd.state).toBe('sleeping');
		m.kswapd.wake();
		expect(m.kswapd.state).toBe('sleeping');
	});
});
