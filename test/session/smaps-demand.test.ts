// smaps_rollup on demand (session/smaps-demand.ts): the view says whether a column reads it; while
// none does, only the detail view's process is walked and every other process's smaps reads zero.
import {describe, expect, it} from 'vitest';
import {type SessionClock, SimSession} from '../../source/session/sim-session.js';
import {NOT_WALKED} from '../../source/session/smaps-demand.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {group, MIB, workload} from '../helpers/workload.js';

const w = workload([
	group('a', {
		count: 2,
		regions: [{name: 'heap', kind: 'anon', size: 40 * MIB}],
		streams: [{region: 'heap', pattern: 'zipf', weight: 1}],
	}),
]);

function started() {
	let now = 0;
	const clock: SessionClock = {now: () => now, every: () => () => {}};
	const machine = new Machine(w, {seed: 1});
	const session = new SimSession({machine, clock, autostart: false});
	now += 1000;
	session.tick();
	/** The rollups a fresh walk of the machine as it is now gives. */
	const walked = () => takeSnapshot(machine, {regions: false, events: false}).processes.map((p) => p.smaps);
	return {session, walked};
}

describe('smaps_rollup on demand', () => {
	it('walks every page table until the view says no column reads it', () => {
		const {session, walked} = started();
		const smaps = session.getSnapshot().processes.map((p) => p.smaps);
		expect(smaps).toEqual(walked());
		expect(smaps[0]!.Rss).toBeGreaterThan(0);
	});

	it('with no smaps column shown: zeros at once, but the detail view’s process is walked', () => {
		const {session, walked} = started();
		const before = session.getSnapshot();
		session.showSmaps(false);
		// A publish at once (no tick passed): every rollup reads zero.
		expect(session.getSnapshot()).not.toBe(before);
		expect(session.getSnapshot().processes.map((p) => p.smaps)).toEqual([NOT_WALKED, NOT_WALKED]);
		const [first, second] = session.getSnapshot().processes;
		session.showRegionsOf(second!.pid);
		const now = session.getSnapshot().processes;
		expect(now[0]!.pid).toBe(first!.pid);
		expect(now[0]!.smaps).toBe(NOT_WALKED);
		expect(now[1]!.smaps).toEqual(walked()[1]);
		expect(now[1]!.smaps.Rss).toBeGreaterThan(0);
	});

	it('shown again: the next snapshot, published at once, walks every table afresh', () => {
		const {session, walked} = started();
		session.showSmaps(false);
		session.showSmaps(true);
		expect(session.getSnapshot().processes.map((p) => p.smaps)).toEqual(walked());
	});
});
