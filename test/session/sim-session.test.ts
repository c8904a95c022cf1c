import {describe, expect, it} from 'vitest';
import {type SessionClock, SimSession} from '../../source/session/sim-session.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {restoreMachine, saveMachine} from '../../source/sim/state-codec.js';
import {hogSpec} from '../../source/sim/templates.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** A clock the test moves by hand. */
function manualClock(): SessionClock & {advance(ms: number): void} {
	let now = 0;
	return {
		now: () => now,
		every: () => () => {},
		advance(ms: number) {
			now += ms;
		},
	};
}

const w = workload([
	group('a', {regions: [{name: 'heap', kind: 'anon', size: 120 * MIB}]}),
	group('b', {
		regions: [{name: 'heap', kind: 'anon', size: 100 * MIB}],
		streams: [{region: 'heap', pattern: 'zipf', weight: 1}],
	}),
]);

describe('SimSession', () => {
	it('reports the speed it achieves when the machine cannot keep up with the one asked', () => {
		// Every look at the clock costs 20 ms of wall time: stepping is slow, about 7 ticks a slice.
		let now = 0;
		const slow: SessionClock = {now: () => (now += 20), every: () => () => {}};
		const session = new SimSession({
			machine: new Machine(w, {seed: 1}),
			clock: slow,
			autostart: false,
			speed: 10,
		});
		for (let i = 0; i < 20; i++) session.tick();
		const status = session.getStatus();
		expect(status.speed).toBe(10);
		expect(status.achievedSpeed).not.toBeNull();
		// Well short of the ×10 asked (below the 90% at which it is reported).
		expect(status.achievedSpeed!).toBeLessThan(9);
		expect(status.achievedSpeed!).toBeGreaterThan(0);
		// At a speed it can keep up with, nothing is reported; a change of speed clears the figure.
		session.setSpeed(0.25);
		expect(session.getStatus().achievedSpeed).toBeNull();
		const fast = manualClock();
		const easy = new SimSession({machine: new Machine(w, {seed: 1}), clock: fast, autostart: false});
		for (let i = 0; i < 20; i++) {
			fast.advance(200);
			easy.tick();
		}
		expect(easy.getStatus().achievedSpeed ?? null).toBeNull();
	});

	it('steps at the chosen speed, applies commands at tick boundaries and logs them', () => {
		const clock = manualClock();
		const session = new SimSession({machine: new Machine(w, {seed: 1}), clock, autostart: false});
		clock.advance(100);
		session.tick();
		expect(session.getSnapshot().tick).toBe(10);
		session.setSpeed(5);
		clock.advance(100);
		session.tick();
		expect(session.getSnapshot().tick).toBe(60);
		session.send({kind: 'set-sysctl', name: 'swappiness', value: 100});
		clock.advance(100);
		session.tick();
		expect(session.getSnapshot().sysctl.swappiness).toBe(100);
		expect(session.getEventLog().some((e) => e.event.kind === 'command')).toBe(true);
	});

	it('pause stops the world; step advances one tick; commands while paused apply at once', () => {
		const clock = manualClock();
		const session = new SimSession({machine: new Machine(w, {seed: 1}), clock, autostart: false});
		session.setPaused(true);
		clock.advance(1000);
		session.tick();
		expect(session.getSnapshot().tick).toBe(0);
		session.step();
		expect(session.getSnapshot().tick).toBe(1);
		session.send({kind: 'set-zswap', enabled: true});
		expect(session.getSnapshot().zswap.enabled).toBe(true);
	});

	it('a twin starts from the run as it is now, under its policy, and follows the commands from there', () => {
		const clock = manualClock();
		const session = new SimSession({machine: new Machine(w, {seed: 3}), clock, autostart: false, speed: 10});
		clock.advance(100);
		session.tick(); // 100 ticks
		session.send({kind: 'spawn', spec: hogSpec(64 * MIB)});
		clock.advance(100);
		session.tick(); // 200 ticks, hog spawned at tick 100
		// What the run is at the fork, and the same machine under mglru from there.
		const fork = restoreMachine(w, saveMachine(session.currentMachine), {policy: 'mglru'});
		const startRefs = session.currentMachine.totalRefs;
		session.setTwin('mglru');
		let twin = session.getTwin()!;
		// Both from this moment: the same time, the same counters, no work done yet by either.
		expect(twin.start.tick).toBe(200);
		expect(twin.snapshot.tick).toBe(200);
		// (Only the list sizes differ: mglru's lists start from the pages resident.)
		for (const c of ['pgfault', 'pgmajfault', 'pswpout', 'pgscan_kswapd', 'workingset_refault_anon'] as const)
			expect(twin.snapshot.vmstat[c]).toBe(twin.start.vmstat[c]);
		expect(twin.snapshot.frames).toEqual(twin.start.frames);
		expect(twin.work).toEqual({main: 0, twin: 0});
		clock.advance(100);
		session.tick(); // 300
		session.send({kind: 'set-sysctl', name: 'swappiness', value: 100});
		for (let i = 0; i < 3; i++) {
			clock.advance(100);
			session.tick();
		}
		// A second ask for the same policy goes on with the duel (not from now).
		session.setTwin('mglru');
		twin = session.getTwin()!;
		expect(twin.policy).toBe('mglru');
		expect(twin.start.tick).toBe(200);
		expect(twin.snapshot.tick).toBe(session.getSnapshot().tick);
		expect(twin.snapshot.tick).toBe(600);

		while (fork.tick < twin.snapshot.tick) {
			if (fork.tick === 300) fork.apply({kind: 'set-sysctl', name: 'swappiness', value: 100});
			fork.step();
		}
		expect(twin.snapshot.sysctl.swappiness).toBe(100);
		expect(twin.work.twin).toBe(fork.totalRefs - startRefs);
		// The twin machine is private; compare everything it publishes.
		const forkSnap = takeSnapshot(fork, {regions: false, events: false});
		expect(twin.snapshot.vmstat).toEqual(forkSnap.vmstat);
		expect(twin.snapshot.meminfo).toEqual(forkSnap.meminfo);
		expect(twin.snapshot.processes).toEqual(forkSnap.processes);
		session.setTwin(null);
		expect(session.getTwin()).toBeNull();
	});

	it("a killer duel (K): the twin runs another userspace OOM killer under this policy and ignores this run's O", () => {
		// 256 MiB, no swap: a shell and a leaker from 1 s at 20 MiB/s. With none the kernel kills the
		// leaker; earlyoom SIGTERMs it first (compare.test.ts runs the same box).
		const box = workload(
			[
				group('shell', {rate: 1000, regions: [{name: 'heap', kind: 'anon', size: 16 * MIB}]}),
				group('leaker', {
					rate: 1000,
					start: 1,
					regions: [{name: 'heap', kind: 'anon', size: 512 * MIB}],
					streams: [{region: 'heap', pattern: 'grow', grow: 20 * MIB, weight: 1, write_ratio: 1}],
				}),
			],
			{swap: {size: 0, device: 'ssd'}},
		);
		const clock = manualClock();
		const session = new SimSession({
			machine: new Machine(box, {seed: 1}),
			clock,
			autostart: false,
			speed: 10,
		});
		clock.advance(100);
		session.tick(); // 100 ticks
		session.setTwin('lru2', 'earlyoom');
		let twin = session.getTwin()!;
		expect(twin).toMatchObject({policy: 'lru2', userspaceOom: 'earlyoom'});
		expect(twin.snapshot.userspaceOom?.killer).toBe('earlyoom');
		expect(session.getSnapshot().userspaceOom).toBeUndefined();
		// The same killer again goes on; this run's own killer is no duel.
		session.setTwin('lru2', 'earlyoom');
		expect(session.getTwin()!.start.tick).toBe(100);
		// This run switches to systemd-oomd (O): the twin does not follow.
		session.send({kind: 'set-userspace-oom', killer: 'systemd-oomd'});
		for (let i = 0; i < 13; i++) {
			clock.advance(100);
			session.tick();
		}
		twin = session.getTwin()!;
		expect(twin.snapshot.tick).toBe(1400);
		expect(session.getSnapshot().userspaceOom?.killer).toBe('systemd-oomd');
		expect(twin.snapshot.userspaceOom?.killer).toBe('earlyoom');
		// By 14 s earlyoom killed the leaker in the twin; here (systemd-oomd watching no cgroup) the kernel did.
		expect(twin.snapshot.userspaceOom?.kills.earlyoom).toBe(1);
		expect(twin.snapshot.oomKills).toBe(0);
		expect(session.getSnapshot().oomKills).toBe(1);
		// P from a killer duel: a policy duel instead.
		session.setTwin('mglru');
		expect(session.getTwin()).toMatchObject({policy: 'mglru'});
		expect(session.getTwin()!.userspaceOom).toBeUndefined();
		session.setTwin('lru2', 'systemd-oomd');
		expect(session.getTwin()).toBeNull();
	});
});
