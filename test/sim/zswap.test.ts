// zswap's pool limit and the accept_threshold_percent hysteresis (mm/zswap.c zswap_check_limits):
// at max_pool_percent every store is refused (pool_limit_hit++) until the shrink worker's writeback
// drains the pool to accept_threshold_percent of the limit; only then are stores accepted again.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {proc, pushedOutThenBack} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

describe('zswap pool limit and hysteresis', () => {
	it('refuses stores from the limit down to the accept threshold, writing the oldest entries back', () => {
		const w = workload(
			[
				group('java', {
					rate: 40_000,
					compressibility: 0.8,
					regions: [{name: 'heap', kind: 'anon', size: 400 * MIB}],
					streams: [{region: 'heap', pattern: 'random', weight: 1, write_ratio: 0.3}],
				}),
			],
			{
				ram: 256 * MIB,
				swap: {size: 512 * MIB, device: 'ssd'},
				zswap: {enabled: true, compressor: 'lz4', max_pool_percent: 5, accept_threshold_percent: 90},
			},
		);
		// Whether a tick ends with the pool full (rather than filling and draining inside one tick) is
		// chance: the rules are checked every tick of every run, and the states must show in one of them.
		let sawFull = false;
		let sawAcceptAgain = false;
		for (let seed = 1; seed <= 5 && !(sawFull && sawAcceptAgain); seed++) {
			const m = new Machine(w, {seed});
			const limit = Math.floor((m.totalPages * 5) / 100);
			const accept = Math.floor((limit * 90) / 100);
			let wasFull = false;
			for (let t = 0; t < 4000; t++) {
				const storesBefore = m.vm.zswpout;
				const writtenBefore = m.vm.zswpwb;
				m.step();
				// The shrink worker does at most a tick of work a tick: lz4's 0.9 µs + 2 µs an entry, so at
				// most ⌈10,000 / 2.9⌉ = 3449 entries (zswap-shrink.test.ts works the numbers).
				expect(m.vm.zswpwb - writtenBefore).toBeLessThanOrEqual(3449);
				const pool = Math.ceil(m.zswap.bytes / 4096);
				// Never above the limit by more than one page of compressed data.
				expect(pool).toBeLessThanOrEqual(limit + 1);
				if (m.zswap.full) {
					sawFull = true;
					// While full, nothing new is stored.
					if (wasFull) expect(m.vm.zswpout).toBe(storesBefore);
				}
				// Accepting again (checked below at the moment it happens: the pool may refill in the same tick).
				if (wasFull && !m.zswap.full) sawAcceptAgain = true;
				wasFull = m.zswap.full;
			}
			const s = takeSnapshot(m, {regions: false});
			// Accepting again only once drained to the threshold (zswap_check_limits on the next store).
			// Full is declared only on reaching the limit. (It stays set after the shrink worker has drained
			// the pool, until the next store checks the limits: a tick can end full at the threshold.)
			for (const e of s.events) {
				if (e.kind === 'zswap-accepting') expect(e.poolPages).toBeLessThanOrEqual(accept);
				if (e.kind === 'zswap-pool-full') expect(e.poolPages).toBeGreaterThanOrEqual(limit);
			}
			expect(s.vmstat.zswap_pool_limit_hit).toBeGreaterThan(0);
			expect(s.vmstat.zswpwb).toBeGreaterThan(0);
			// Pages refused while full went to the swap device.
			expect(s.vmstat.pswpout).toBeGreaterThan(s.vmstat.zswpwb);
			expect(s.zswap.limitPages).toBe(limit);
		}
		expect(sawFull).toBe(true);
		expect(sawAcceptAgain).toBe(true);
	});
});

describe('zswap in front of the swap device', () => {
	it('zswap on: swap-outs go to the pool (zswpout) and come back as zswpin', () => {
		const {asleep, awake} = pushedOutThenBack('ssd', true);
		const a0 = proc(asleep, 'a');
		expect(a0.swap).toBeGreaterThan(1500);
		// The pool (20% of RAM = 3276 pages) had room: nothing reached the device.
		expect(a0.zswap).toBe(a0.swap);
		expect(asleep.vmstat.zswpout).toBe(a0.swap);
		expect(asleep.vmstat.pswpout).toBe(0);
		expect(asleep.zswap.storedPages).toBe(a0.swap);
		expect(asleep.meminfo.Zswapped).toBe(a0.swap * 4);
		expect(asleep.meminfo.Zswap).toBe(Math.ceil(asleep.zswap.poolBytes / 1024));
		// Compressed: the pool is smaller than what it holds, and it lives in RAM.
		expect(asleep.zswap.poolPages).toBeLessThan(a0.swap);
		expect(asleep.frames.zpool).toBeGreaterThanOrEqual(asleep.zswap.poolPages);
		const a1 = proc(awake, 'a');
		expect(a1.anon).toBe(2048);
		expect(a1.swap).toBe(0);
		expect(a1.zswap).toBe(0);
		// No readahead from zswap: one major fault per page.
		expect(a1.majflt).toBe(a0.swap);
		expect(awake.vmstat.zswpin).toBe(a0.swap);
		expect(awake.vmstat.pswpin).toBe(0);
		expect(awake.vmstat.pgmajfault).toBe(a0.swap);
		expect(awake.zswap.storedPages).toBe(0);
		expect(awake.frames.zpool).toBe(0);
	});
});
