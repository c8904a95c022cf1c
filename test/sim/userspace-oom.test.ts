// The userspace OOM killers stepped by the machine (source/sim/userspace-oom.ts): their cadence on the
// machine's clock, the run-time switch (set-userspace-oom), earlyoom's SIGTERM through the normal
// kill path (counted as earlyoom's, not in vmstat oom_kill), and the state a checkpoint carries.
import {describe, expect, it} from 'vitest';
import {jsonLine} from '../../source/cli/headless.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {restoreMachine, saveMachine, stateHash, stateHeaderText} from '../../source/sim/state-codec.js';
import {MIB} from '../../source/sim/units.js';
import {formatEvent} from '../../source/text/format.js';
import {loadWorkload} from '../../source/workload/load.js';
import {group, workload} from '../helpers/workload.js';

/** A 256 MiB machine without swap: a shell and a leaker from 1 s at 20 MiB/s. */
function leakyBox() {
	return {
		...workload(
			[
				group('shell', {regions: [{name: 'heap', kind: 'anon', size: 16 * MIB}]}),
				group('leaker', {
					start: 1,
					regions: [{name: 'heap', kind: 'anon', size: 512 * MIB}],
					streams: [{region: 'heap', pattern: 'grow', grow: 20 * MIB, weight: 1, write_ratio: 1}],
				}),
			],
			{swap: {size: 0, device: 'ssd'}},
		),
		userspace_oom: 'earlyoom' as const,
	};
}

function steps(m: Machine, n: number) {
	const events = [];
	for (let i = 0; i < n; i++) {
		m.step();
		events.push(...m.drainEvents());
	}
	return events;
}

describe('userspace OOM killers in the machine', () => {
	it('systemd-oomd from the file: the pressure handler one interval (1 s = 100 ticks) after boot; with ManagedOOMSwap also the swap handler every 150 ms (15 ticks)', () => {
		const w = loadWorkload('desktop-freeze');
		// Upstream systemd's units (no drop-ins) with ManagedOOMMemoryPressure=kill on /user.slice only.
		const pressureOnly = {
			...w,
			oomd_defaults: 'systemd' as const,
			cgroups: {...w.cgroups, '/user.slice': {ManagedOOMMemoryPressure: 'kill' as const}},
		};
		const m = new Machine(pressureOnly, {seed: 1});
		expect(takeSnapshot(m).userspaceOom?.nextPollTick).toBe(100);
		steps(m, 100);
		// Polled at tick 100 (at the start of that step), next at 200.
		steps(m, 1);
		expect(takeSnapshot(m).userspaceOom?.nextPollTick).toBe(200);
		// The file itself (desktop defaults): ManagedOOMSwap=kill on / adds the swap handler.
		const s = new Machine(w, {seed: 1});
		expect(takeSnapshot(s).userspaceOom).toMatchObject({
			nextPollTick: 15,
			swap: ['/'],
			pressure: [{path: '/user.slice/user-1000.slice/user@1000.service'}],
		});
		steps(s, 16);
		expect(takeSnapshot(s).userspaceOom?.nextPollTick).toBe(30);
	});

	it('set-userspace-oom switches the killer at run time: each starts afresh from the tick it is given', () => {
		const m = new Machine({...loadWorkload('desktop-freeze'), userspace_oom: 'none'}, {seed: 1});
		steps(m, 650);
		expect(takeSnapshot(m).userspaceOom).toBeUndefined();
		m.apply({kind: 'set-userspace-oom', killer: 'systemd-oomd'});
		const started = m.drainEvents().find((e) => e.kind === 'command');
		expect(started?.kind === 'command' && started.summary).toBe(
			'systemd-oomd started (ManagedOOMMemoryPressure=kill: /user.slice/user-1000.slice/user@1000.service (50% for 20s); ManagedOOMSwap=kill: /)',
		);
		// 650 + 15: the swap timer's first run (the pressure timer's is at 750).
		expect(takeSnapshot(m).userspaceOom).toMatchObject({killer: 'systemd-oomd', nextPollTick: 665});
		m.apply({kind: 'set-userspace-oom', killer: 'earlyoom'});
		// earlyoom checks at once.
		expect(takeSnapshot(m).userspaceOom).toMatchObject({killer: 'earlyoom', nextPollTick: 650, pressure: []});
		m.apply({kind: 'set-userspace-oom', killer: 'none'});
		const stopped = m
			.drainEvents()
			.filter((e) => e.kind === 'command')
			.at(-1);
		expect(stopped?.kind === 'command' && stopped.summary).toBe('earlyoom stopped: no userspace OOM killer');
		expect(takeSnapshot(m).userspaceOom).toBeUndefined();
	});

	it('earlyoom on a swapless box: SIGTERM to the leaker once MemAvailable is at or below 10 %, polled every 100 ms', () => {
		const m = new Machine(leakyBox(), {seed: 1});
		// sleep_time_ms() at boot: MemAvailable ≈ 92 % of 256 MiB; headroom (92 − 10) × 10 × 256 MiB
		// ≈ 210,000 / 6000 MiB/s = 35 ms, no swap adds 0 → clamped to 100 ms: the next check at tick 10.
		expect(takeSnapshot(m).userspaceOom?.nextPollTick).toBe(0);
		steps(m, 1);
		expect(takeSnapshot(m).userspaceOom?.nextPollTick).toBe(10);
		const events = steps(m, 1300);
		const kills = events.filter((e) => e.kind === 'oom-kill');
		expect(kills).toHaveLength(1);
		const kill = kills[0]!;
		if (kill.kind !== 'oom-kill') throw new Error('not a kill');
		expect(kill.constraint).toBe('userspace');
		expect(kill.name).toBe('leaker');
		// Checks fall on every 10th tick; 256 MiB × 10 % = 25.6 MiB is reached near 10.8 s.
		expect(kill.tick % 10).toBe(0);
		expect(kill.tick).toBeGreaterThan(1000);
		expect(kill.tick).toBeLessThan(1200);
		expect(kill.lines[0]).toMatch(
			/^earlyoom: mem avail: +\d+ of +256 MiB \( ?\d\.\d\d%\), swap free: +0 of +0 MiB \( 0\.00%\)$/,
		);
		expect(kill.lines[1]).toBe('earlyoom: low memory! at or below SIGTERM limits: mem 10.00%, swap 10.00%');
		expect(kill.lines[2]).toMatch(
			/^earlyoom: sending SIGTERM to process 101 uid 1000 "leaker": oom_score \d+, oom_score_adj 0, VmRSS \d+ MiB, cmdline "leaker"$/,
		);
		// SIGTERM: the leaker shuts down and exits 1 s later, as kill -TERM does.
		const exit = events.find((e) => e.kind === 'process-exit');
		expect(exit).toMatchObject({name: 'leaker', reason: 'terminated', tick: kill.tick + 100});
		// earlyoom, checking every 100 ms (before the workload's step), sees it gone at the next check,
		// kill.tick + 110: 1.1 s after the signal, in the event log as earlyoom prints it.
		const logged = events.filter((e) => e.kind === 'userspace-oom-log');
		expect(logged).toEqual([
			{
				kind: 'userspace-oom-log',
				tick: kill.tick + 110,
				daemon: 'earlyoom',
				pid: 101,
				line: 'earlyoom: process 101 exited after 1.100 seconds',
			},
		]);
		expect(formatEvent(logged[0]!)).toBe('earlyoom: process 101 exited after 1.100 seconds');
		const snap = takeSnapshot(m);
		expect(snap.vmstat.oom_kill).toBe(0);
		expect(snap.userspaceOom?.kills).toEqual({'systemd-oomd': 0, earlyoom: 1});
		expect(snap.processes.map((p) => p.name)).toEqual(['shell']);
	});

	it('earlyoom -m 10,10: SIGKILL at once; the machine frees the leaker in the same check, "exited after 0.000 seconds"', () => {
		const m = new Machine({...leakyBox(), earlyoom: {m: [10, 10]}}, {seed: 1});
		const events = steps(m, 1300);
		const kill = events.find((e) => e.kind === 'oom-kill');
		if (kill?.kind !== 'oom-kill') throw new Error('no kill');
		expect(kill.lines[1]).toBe('earlyoom: low memory! at or below SIGKILL limits: mem 10.00%, swap  5.00%');
		expect(kill.lines[2]).toMatch(/^earlyoom: sending SIGKILL to process 101 uid 1000 "leaker": /);
		// In order: the kill, the exit (lifecycle.exit at once), then kill_wait()'s first is_alive().
		const after = events.slice(events.indexOf(kill)).map((e) => [e.kind, e.tick]);
		expect(after.slice(0, 3)).toEqual([
			['oom-kill', kill.tick],
			['process-exit', kill.tick],
			['userspace-oom-log', kill.tick],
		]);
		const line = events.find((e) => e.kind === 'userspace-oom-log');
		expect(line?.kind === 'userspace-oom-log' && line.line).toBe(
			'earlyoom: process 101 exited after 0.000 seconds',
		);
		expect(takeSnapshot(m).userspaceOom?.earlyoom?.waitingForPid).toBeNull();
	});

	it('a checkpoint carries the killer mid-run: restored, it goes on exactly as the original (pressure above the limit kept)', {
		timeout: 120_000,
	}, () => {
		const a = new Machine(loadWorkload('desktop-freeze'), {seed: 1});
		steps(a, 4500);
		// 45 s: user@1000.service went above 50 % at 28 s; systemd-oomd remembers since when.
		expect(takeSnapshot(a).userspaceOom?.pressure[0]?.aboveSinceTick).toBe(2800);
		const b = restoreMachine(a.workload, saveMachine(a));
		expect(stateHash(b)).toBe(stateHash(a));
		const ka = steps(a, 2000).filter((e) => e.kind === 'oom-kill');
		const kb = steps(b, 2000).filter((e) => e.kind === 'oom-kill');
		expect(kb.map((e) => e.tick)).toEqual(ka.map((e) => e.tick));
		expect(ka.map((e) => e.tick)).toEqual([4800]);
		expect(stateHash(b)).toBe(stateHash(a));
	});

	it("a unit's ManagedOOMMemoryPressureDurationSec= from the file: the machine, the snapshot and the JSON use it", {
		timeout: 120_000,
	}, () => {
		const w = loadWorkload('desktop-freeze');
		const svc = '/user.slice/user-1000.slice/user@1000.service';
		// A drop-in of the file's own on user@1000.service: its duration over the package's 20 s.
		const m = new Machine(
			{...w, cgroups: {...w.cgroups, [svc]: {ManagedOOMMemoryPressureDurationSec: 10}}},
			{seed: 1},
		);
		expect(takeSnapshot(m).userspaceOom?.pressure[0]).toMatchObject({path: svc, durationSec: 10});
		const json = JSON.parse(jsonLine(takeSnapshot(m)));
		expect(json.userspace_oom.ManagedOOMMemoryPressure[0]).toMatchObject({limit: 50, duration: 10});
		// Above 50 % from the poll at 28 s (as with the default); 10 s later, at 38 s (tick 3800), the
		// build's scope goes, 10 s before the default's 48 s.
		const kills = steps(m, 3900).filter((e) => e.kind === 'oom-kill');
		expect(kills.map((e) => e.tick)).toEqual([3800]);
		expect(kills[0]!.kind === 'oom-kill' && kills[0]!.lines.at(-1)).toMatch(
			/> 50\.00% for > 10s with reclaim activity$/,
		);
	});

	it('without a userspace killer the state and the snapshot have no part for it', () => {
		const m = new Machine(loadWorkload('leak'), {seed: 1});
		steps(m, 10);
		expect(stateHeaderText(saveMachine(m))).not.toContain('userspaceOom');
		expect(takeSnapshot(m).userspaceOom).toBeUndefined();
	});
});
