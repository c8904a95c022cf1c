import {describe, expect, it} from 'vitest';
import {type SessionClock, SimSession} from '../../source/session/sim-session.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
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

	it('a twin under another policy, once caught up, equals a fresh run of that policy with the same commands', () => {
		const clock = manualClock();
		const session = new SimSession({machine: new Machine(w, {seed: 3}), clock, autostart: false, speed: 10});
		clock.advance(100);
		session.tick(); // 100 ticks
		session.send({kind: 'spawn', spec: hogSpec(64 * MIB)});
		clock.advance(100);
		session.tick(); // 200 ticks, hog spawned at tick 100
		session.setTwin('mglru');
		for (let i = 0; i < 5; i++) {
			clock.advance(100);
			session.tick();
		}
		const twin = session.getTwin()!;
		expect(twin.policy).toBe('mglru');
		expect(twin.caughtUp).toBe(1);
		expect(twin.snapshot.tick).toBe(session.getSnapshot().tick);

		const fresh = new Machine(w, {seed: 3, policy: 'mglru'});
		while (fresh.tick < twin.snapshot.tick) {
			if (fresh.tick === 100) fresh.apply({kind: 'spawn', spec: hogSpec(64 * MIB)});
			fresh.step();
		}
		expect(fresh.totalRefs).toBe(twin.work.twin);
		// The twin machine is private; compare everything it publishes.
		const freshSnap = takeSnapshot(fresh, {regions: false, events: false});
		expect(twin.snapshot.vmstat).toEqual(freshSnap.vmstat);
		expect(twin.snapshot.meminfo).toEqual(freshSnap.meminfo);
		expect(twin.snapshot.processes).toEqual(freshSnap.processes);
		session.setTwin(null);
		expect(session.getTwin()).toBeNull();
	});
});
