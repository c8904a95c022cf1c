// The cgroup view over a real simulated machine (container-limit): the memcg OOM kill shows in the
// view's memory.events and in the OOM report as CONSTRAINT_MEMCG; raising pod-a's memory.max with
// F8 goes to the machine as a logged set-cgroup command and the kill never comes.
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import {type SessionClock, SimSession} from '../../source/session/sim-session.js';
import {Machine} from '../../source/sim/machine.js';
import {GIB, MIB, PAGE_SIZE} from '../../source/sim/units.js';
import {loadWorkload} from '../../source/workload/load.js';
import {KEYS, tick} from '../helpers/ink-tty.js';
import {autoUnmount, mount} from '../helpers/render-once.js';

autoUnmount();

const F8 = '\x1b[19~';

function liveRun() {
	let now = 0;
	const clock: SessionClock = {now: () => now, every: () => () => {}};
	const session = new SimSession({
		machine: new Machine(loadWorkload('container-limit'), {seed: 1}),
		clock,
		autostart: false,
	});
	return {
		session,
		/** Simulated seconds at ×1, published every 200 ms as the live dashboard does. */
		async run(seconds: number) {
			for (let i = 0; i < seconds * 5; i++) {
				now += 200;
				session.tick();
			}
			await tick();
		},
	};
}

const podA = (session: SimSession) =>
	session.getSnapshot().cgroups!.find((c) => c.path === '/kubepods/pod-a')!;

describe('the cgroup view on container-limit', () => {
	it('shows the memcg kill in pod-a’s memory.events, and x says CONSTRAINT_MEMCG with the path', async () => {
		const {session, run} = liveRun();
		const r = await mount(<App session={session} />, 120, 40);
		await run(14);
		await r.press('C');
		const line = r.lines().find((l) => l.startsWith('│  ├─ pod-a'))!;
		// max 256M, no swap, no high events, a thousand max events or so, one oom_kill, some PSI.
		expect(line).toMatch(/ {3}256M +0 +0 +[\d.]+k +1 +\d+\.\d\d +\d+\.\d\d$/);
		expect(podA(session).events.oom_kill).toBe(1);
		await r.press('x');
		const report = r.lines().join('\n');
		expect(report).toMatch(
			/ memcg OOM \(constraint=CONSTRAINT_MEMCG, oom_memcg=\/kubepods\/pod-a\): \/kubepods\/pod-a reached memory\.max/,
		);
		expect(report).toMatch(/Memory cgroup out of memory: Killed process \d+ \(app\)/);
	});

	it('F8 1G on pod-a raises its memory.max on the machine, logged as a command: no kill by 14 s', async () => {
		const {session, run} = liveRun();
		const r = await mount(<App session={session} />, 120, 40);
		await run(1);
		await r.press('C', KEYS.down, KEYS.down, F8, '1', 'G', KEYS.enter);
		await run(13);
		expect(podA(session).max).toBe(GIB / PAGE_SIZE);
		expect(podA(session).events.oom_kill).toBe(0);
		const commands = session.getEventLog().filter((e) => e.event.kind === 'command');
		expect(commands.map((e) => (e.event.kind === 'command' ? e.event.summary : ''))).toEqual([
			'/kubepods/pod-a/memory.max = 1024 MiB',
		]);
		expect(r.lines()).toContainEqual(expect.stringMatching(/^│ {2}├─ pod-a .* {2}1\.00G /));
		expect(podA(session).current).toBeGreaterThan((256 * MIB) / PAGE_SIZE);
	});
});
