// desktop-freeze (workloads/desktop-freeze.yaml): the file runs systemd-oomd with the distributions'
// defaults (`userspace_oom: systemd-oomd`, `oomd_defaults: desktop`: ManagedOOMMemoryPressure=kill at
// 50 % on user@1000.service, 20 s, ManagedOOMSwap=kill on /), stepped by the machine itself
// (source/sim/userspace-oom.ts): the terminal's scope is killed about 20 s after user@1000.service's
// pressure crossed 50 %, gnome-shell (ManagedOOMPreference=avoid, ranked last) and Xorg live, and the
// kernel's OOM killer never fires. The same file with `userspace_oom: none`
// is the freeze: no OOM kill of any kind for 3 minutes. With earlyoom nothing is killed either, and
// that is earlyoom's rule, not a gap: MemAvailable is at 0 % but free swap stays above 97 % (the HDD
// swap fills at under 1 MiB/s, and the heaps need less than half of its 4 GiB even when whole), and
// earlyoom acts only when both are at or below its limits (-m 10 -s 10).
import {describe, expect, it} from 'vitest';
import type {SimEvent} from '../../../source/sim/events.js';
import {Machine} from '../../../source/sim/machine.js';
import {OOMD_PID} from '../../../source/sim/oomd.js';
import {takeSnapshot} from '../../../source/sim/snapshot.js';
import type {Snapshot} from '../../../source/sim/snapshot-types.js';
import type {UserspaceOomKiller} from '../../../source/sim/spec.js';
import {loadWorkload} from '../../../source/workload/load.js';

const SVC = '/user.slice/user-1000.slice/user@1000.service';
const SESSION = `${SVC}/app.slice/app-org.gnome.Terminal.slice/vte-spawn-4242.scope`;
const SHELL = `${SVC}/session.slice/org.gnome.Shell@x11.service`;

function run(seconds: number, killer?: UserspaceOomKiller) {
	const w = loadWorkload('desktop-freeze');
	const m = new Machine(killer ? {...w, userspace_oom: killer} : w, {seed: 1});
	const events: SimEvent[] = [];
	const fullAvg10: number[] = [];
	const meminfo: {availPercent: number; swapFreePercent: number}[] = [];
	let snap: Snapshot | undefined;
	for (let s = 1; s <= seconds; s++) {
		for (let t = 0; t < 100; t++) m.step();
		snap = takeSnapshot(m, {regions: false});
		events.push(...snap.events);
		fullAvg10.push(snap.cgroups!.find((c) => c.path === SVC)!.pressure.full.avg10);
		const mi = m.userspaceOom.meminfo();
		meminfo.push({
			availPercent: (mi.memAvailableKib * 100) / mi.memTotalKib,
			swapFreePercent: (mi.swapFreeKib * 100) / mi.swapTotalKib,
		});
	}
	return {events, fullAvg10, meminfo, last: snap!};
}

describe('shipped scenarios', () => {
	it('desktop-freeze: the machine runs systemd-oomd with desktop defaults, which kills the build 20-30 s after user@1000.service passes 50 %; gnome-shell (avoid) and Xorg live; no kernel OOM kill', {
		timeout: 300_000,
	}, () => {
		const r = run(120);
		const crossed = r.fullAvg10.findIndex((p) => p > 50) + 1;
		expect(crossed).toBeGreaterThan(10);
		const kills = r.events.filter((e) => e.kind === 'oom-kill');
		expect(kills).toHaveLength(1);
		const kill = kills[0]!;
		if (kill.kind !== 'oom-kill') throw new Error('not a kill');
		expect(kill.constraint).toBe('userspace');
		expect(kill.memcg).toBe(SESSION);
		expect(kill.lines.at(-1)).toMatch(
			new RegExp(
				`^systemd-oomd\\[${OOMD_PID}\\]: Killed ${SESSION} due to memory pressure for ${SVC} being \\d+\\.\\d\\d% > 50\\.00% for > 20s with reclaim activity$`,
			),
		);
		// oomd's ranking: the build's scope first; gnome-shell's avoid honoured (uid 1000's cgroup, watched
		// from uid 1000's user@1000.service), so it is last whatever its pgscan rate.
		expect(kill.oomd!.candidates.map((c) => [c.path, c.preference])).toEqual([
			[SESSION, 'none'],
			[SHELL, 'avoid'],
		]);
		expect(kill.oomd!.omitted).toEqual([]);
		// The pressure handler runs on whole seconds (every 1 s from boot).
		expect(kill.tick % 100).toBe(0);
		const killedAt = kill.tick / 100;
		expect(killedAt - crossed).toBeGreaterThanOrEqual(19);
		expect(killedAt - crossed).toBeLessThanOrEqual(30);
		// Every cc1plus of the scope went at once; gnome-shell and Xorg live.
		const exits = r.events.filter((e) => e.kind === 'process-exit');
		expect(exits.map((e) => e.kind === 'process-exit' && `${e.name} ${e.reason}`)).toEqual(
			Array(4).fill('cc1plus killed'),
		);
		expect(r.last.processes.map((p) => p.name)).toEqual(['Xorg', 'gnome-shell']);
		// Counted as systemd-oomd's, never as the kernel's.
		expect(r.last.vmstat.oom_kill).toBe(0);
		expect(r.last.oomKills).toBe(0);
		expect(r.last.userspaceOom).toMatchObject({
			killer: 'systemd-oomd',
			kills: {'systemd-oomd': 1, earlyoom: 0},
			// The swap handler (every 150 ms, ManagedOOMSwap=kill on /) is next: 120 s = tick 12000 is one.
			nextPollTick: 12_000,
			swap: ['/'],
		});
		expect(r.last.userspaceOom!.pressure).toEqual([
			expect.objectContaining({path: SVC, limitPercent: 50, durationSec: 20}),
		]);
	});

	it('desktop-freeze with userspace_oom: none: no OOM kill of any kind for 3 minutes under near-total full pressure', {
		timeout: 300_000,
	}, () => {
		const r = run(180, 'none');
		expect(r.events.filter((e) => e.kind === 'oom-kill')).toEqual([]);
		expect(r.last.vmstat.oom_kill).toBe(0);
		// Frozen: user@1000.service's full avg10 above 90 % for the last two minutes.
		expect(Math.min(...r.fullAvg10.slice(60))).toBeGreaterThan(90);
		expect(r.last.processes.filter((p) => p.name === 'cc1plus')).toHaveLength(4);
		expect(r.last.processes.map((p) => p.name)).toContain('gnome-shell');
		expect(r.last.userspaceOom).toBeUndefined();
	});

	it('desktop-freeze with earlyoom: MemAvailable 0 % but free swap above 97 % for 3 minutes, so earlyoom (which needs both at or below 10 %) never fires', {
		timeout: 300_000,
	}, () => {
		const r = run(180, 'earlyoom');
		expect(r.events.filter((e) => e.kind === 'oom-kill')).toEqual([]);
		const frozen = r.meminfo.slice(30);
		expect(Math.max(...frozen.map((x) => x.availPercent))).toBeLessThan(1);
		expect(Math.min(...frozen.map((x) => x.swapFreePercent))).toBeGreaterThan(97);
		expect(r.last.userspaceOom).toMatchObject({
			killer: 'earlyoom',
			kills: {'systemd-oomd': 0, earlyoom: 0},
			earlyoom: {m: [10, 5], s: [10, 5], waitingForPid: null},
		});
	});
});
