// desktop-freeze (workloads/desktop-freeze.yaml): without a userspace OOM killer the session thrashes
// for minutes with the kernel's OOM killer never firing; with systemd-oomd (ManagedOOMMemoryPressure=kill
// on /user.slice, driven here beside the machine: source/sim/oomd.ts) the session is killed about
// 30 s after its pressure crossed 60 %.
import {describe, expect, it} from 'vitest';
import type {SimEvent} from '../../../source/sim/events.js';
import {Machine} from '../../../source/sim/machine.js';
import {OOMD_PID, SystemdOomd} from '../../../source/sim/oomd.js';
import {takeSnapshot} from '../../../source/sim/snapshot.js';
import {loadWorkload} from '../../../source/workload/load.js';

const SESSION = '/user.slice/user-1000.slice/session-2.scope';

function run(seconds: number, withOomd: boolean) {
	const m = new Machine(loadWorkload('desktop-freeze'), {seed: 1});
	const oomd = new SystemdOomd(m.memcg, m.tasks, m.lifecycle, m.events, {
		memoryPressure: [{path: '/user.slice'}],
		swap: [],
	});
	const events: SimEvent[] = [];
	const fullAvg10: number[] = [];
	for (let s = 1; s <= seconds; s++) {
		for (let t = 0; t < 100; t++) m.step();
		// MEM_PRESSURE_INTERVAL_USEC: one poll a second.
		if (withOomd) oomd.pollPressure(m.clock.tick * 10_000, m.clock.tick);
		const snap = takeSnapshot(m, {regions: false});
		events.push(...snap.events);
		fullAvg10.push(snap.cgroups!.find((c) => c.path === '/user.slice')!.pressure.full.avg10);
	}
	return {events, fullAvg10};
}

describe('shipped scenarios', () => {
	it('desktop-freeze: no kernel OOM kill for 3 minutes under near-total full pressure; systemd-oomd kills the session 30-40 s after 60 %', {
		timeout: 300_000,
	}, () => {
		const without = run(180, false);
		expect(without.events.filter((e) => e.kind === 'oom-kill')).toEqual([]);
		// Frozen: /user.slice's full avg10 above 90 % for the last two minutes.
		expect(Math.min(...without.fullAvg10.slice(60))).toBeGreaterThan(90);

		const withOomd = run(120, true);
		const crossed = withOomd.fullAvg10.findIndex((p) => p > 60) + 1;
		expect(crossed).toBeGreaterThan(10);
		const kills = withOomd.events.filter((e) => e.kind === 'oom-kill');
		expect(kills).toHaveLength(1);
		const kill = kills[0]!;
		if (kill.kind !== 'oom-kill') throw new Error('not a kill');
		expect(kill.constraint).toBe('userspace');
		expect(kill.memcg).toBe(SESSION);
		expect(kill.lines[0]).toMatch(
			new RegExp(
				`^systemd-oomd\\[${OOMD_PID}\\]: Killed ${SESSION} due to memory pressure for /user.slice being \\d+\\.\\d\\d% > 60\\.00% for > 30s with reclaim activity$`,
			),
		);
		const killedAt = kill.tick / 100;
		expect(killedAt - crossed).toBeGreaterThanOrEqual(29);
		expect(killedAt - crossed).toBeLessThanOrEqual(40);
		// Every cc1plus of the session went at once; Xorg lives.
		const exits = withOomd.events.filter((e) => e.kind === 'process-exit');
		expect(exits.map((e) => e.kind === 'process-exit' && e.name)).toEqual([
			'cc1plus',
			'cc1plus',
			'cc1plus',
			'cc1plus',
		]);
	});
});
