// memory.high (mm/memcontrol.c): calculate_overage, calculate_high_delay and the clamp and floor of
// mem_cgroup_handle_over_high, with numbers worked by hand (they are the rows of the table in the
// kernel's comment: memory.high 100M, HZ=1000, one charge batch); then a task over high in a
// machine: reclaim_high counts `high`, and with nothing to reclaim the task sleeps as a memory stall.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {
	calculateHighDelay,
	calculateOverage,
	highSleepJiffies,
	MEMCG_CHARGE_BATCH,
} from '../../source/sim/memcg-high.js';
import {MEMCG_HIGH} from '../../source/sim/memcontrol.js';
import {restoreMachine, saveMachine} from '../../source/sim/state-codec.js';
import {TICK_US} from '../../source/sim/units.js';
import {runChecked} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

// memory.high 100 MiB = 25600 pages; 1 MiB = 256 pages.
const HIGH = 25_600;

describe('the memory.high penalty curve', () => {
	it('calculate_overage: (usage − high) << 20 / high, 0 at or under high', () => {
		expect(calculateOverage(HIGH, HIGH)).toBe(0);
		expect(calculateOverage(HIGH - 1, HIGH)).toBe(0);
		// 101M: 256 << 20 = 268435456; / 25600 = 10485.76 → 10485.
		expect(calculateOverage(HIGH + 256, HIGH)).toBe(10_485);
		// 105M: 1280 << 20 / 25600 = 52428.8 → 52428.
		expect(calculateOverage(HIGH + 1280, HIGH)).toBe(52_428);
		// high 0 acts as a threshold of 1 page: (3 − 1) << 20 / 1.
		expect(calculateOverage(3, 0)).toBe(2 * 2 ** 20);
	});

	it('calculate_high_delay: overage² × HZ >> 34, scaled by nr_pages / 64', () => {
		// 101M: 10485² = 109935225; × 1000 = 109935225000; >> 34 (÷ 17179869184) = 6.4 → 6 jiffies.
		expect(calculateHighDelay(MEMCG_CHARGE_BATCH, 10_485)).toBe(6);
		// 105M: 52428² = 2748695184; × 1000 >> 34 = 159.99 → 159 (the table's 159 ms).
		expect(calculateHighDelay(MEMCG_CHARGE_BATCH, 52_428)).toBe(159);
		// Half a batch owes half: 159 × 32 / 64 = 79.5 → 79.
		expect(calculateHighDelay(32, 52_428)).toBe(79);
		// 110M: 2560 << 20 / 25600 = 104857; 104857² = 10994990449; × 1000 >> 34 = 639.9 → 639.
		expect(calculateHighDelay(MEMCG_CHARGE_BATCH, calculateOverage(HIGH + 2560, HIGH))).toBe(639);
		expect(calculateHighDelay(MEMCG_CHARGE_BATCH, 0)).toBe(0);
	});

	it('sleeps at most 2 s, and not at all for 10 ms (HZ/100) or less', () => {
		// 118M: 4608 << 20 / 25600 = 188743; 188743² × 1000 >> 34 = 2073.6 → 2073, clamped to 2000.
		expect(calculateHighDelay(MEMCG_CHARGE_BATCH, calculateOverage(HIGH + 4608, HIGH))).toBe(2073);
		expect(highSleepJiffies(MEMCG_CHARGE_BATCH, calculateOverage(HIGH + 4608, HIGH))).toBe(2000);
		// 101M's 6 jiffies are "not even worth doing".
		expect(highSleepJiffies(MEMCG_CHARGE_BATCH, 10_485)).toBe(0);
		expect(highSleepJiffies(MEMCG_CHARGE_BATCH, 52_428)).toBe(159);
	});
});

describe('a task over memory.high (mem_cgroup_handle_over_high)', () => {
	// No swap: /svc's anon heap cannot be reclaimed, so reclaim_high frees nothing and the task sleeps.
	function overHigh(): Machine {
		const w = workload(
			[
				group('svc', {
					cgroup: '/svc',
					rate: 20_000,
					regions: [{name: 'heap', kind: 'anon', size: 8 * MIB}],
					streams: [{region: 'heap', pattern: 'sequential', weight: 1, write_ratio: 1}],
				}),
			],
			{ram: 64 * MIB, kernel: 8 * MIB, swap: {size: 0, device: 'ssd'}},
		);
		w.cgroups = {'/svc': {'memory.high': 2 * MIB}};
		return new Machine(w, {seed: 1});
	}

	it('counts high events, grows past high only slowly, and its sleep is a memory stall in the cgroup', () => {
		const m = overHigh();
		runChecked(m, 300);
		const mc = m.memcg;
		const svc = mc.idOf('/svc');
		// memory.high is no limit: the cgroup went past its 512 pages...
		expect(mc.usage[svc]).toBeGreaterThan(512);
		expect(mc.eventCount(svc, MEMCG_HIGH)).toBeGreaterThan(0);
		// ...but 3 s at 20000 refs/s of a sequential 8 MiB heap would fault all 2048 pages in 0.1 s;
		// throttled, it has not got there.
		expect(mc.usage[svc]).toBeLessThan(2048);
		const p = m.liveProcs()[0]!;
		expect(p.dying).toBe(false);
		expect(m.oom.kills + m.memcg.eventCount(svc, 4)).toBe(0);
		// The penalty is memory stall: the cgroup's memory.pressure shows it.
		expect(mc.psiSome[svc]!.totalUs).toBeGreaterThan(100 * TICK_US);
	});

	it('a throttle in progress survives save and restore', () => {
		const m = overHigh();
		let asleepAt = -1;
		for (let i = 0; i < 300 && asleepAt < 0; i++) {
			m.step();
			if (m.memcgHigh.asleep(m.liveProcs()[0]!)) asleepAt = m.tick;
		}
		expect(asleepAt).toBeGreaterThan(0);
		const copy = restoreMachine(m.workload, saveMachine(m));
		expect(copy.memcgHigh.asleep(copy.liveProcs()[0]!)).toBe(true);
		runChecked(m, 50);
		runChecked(copy, 50);
		expect(saveMachine(copy)).toEqual(saveMachine(m));
	});
});
