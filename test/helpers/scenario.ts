// Running a shipped scenario headless for the scenario tests: one snapshot per simulated second.
import type {SimEvent} from '../../source/sim/events.js';
import {Machine} from '../../source/sim/machine.js';
import type {SmapsRollup} from '../../source/sim/smaps.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {Snapshot} from '../../source/sim/snapshot-types.js';
import type {Workload} from '../../source/sim/spec.js';

export interface Run {
	snapshots: Snapshot[];
	events: SimEvent[];
	machine: Machine;
	/** machine.totalRefs (the work done) at the end of each second. */
	totalRefs: number[];
}

/**
 * The scenario tests read no process's smaps_rollup, and walking every page table each simulated
 * second was a fifth of their host time (taking a snapshot does not change the run: test/sim/
 * machine.test.ts "looking does not change the future"). Each process's `smaps` in these snapshots
 * is this stand-in, which throws if read: a test that wants smaps takes its own snapshot.
 */
const NO_SMAPS = new Proxy({} as SmapsRollup, {
	get(_, field) {
		throw new Error(`runScenario's snapshots skip smaps_rollup (read ${String(field)}): take a snapshot`);
	},
});
const skipSmaps = new (class extends Map<number, SmapsRollup> {
	override get(): SmapsRollup {
		return NO_SMAPS;
	}
})();

/** Run `seconds` of simulated time, one snapshot per second. */
export function runScenario(workload: Workload, seconds: number, seed = 1): Run {
	const machine = new Machine(workload, {seed});
	const snapshots: Snapshot[] = [];
	const events: SimEvent[] = [];
	const totalRefs: number[] = [];
	for (let s = 0; s < seconds; s++) {
		for (let t = 0; t < 100; t++) machine.step();
		const snap = takeSnapshot(machine, {regions: false, smapsOf: skipSmaps});
		events.push(...snap.events);
		snapshots.push(snap);
		totalRefs.push(machine.totalRefs);
	}
	return {snapshots, events, machine, totalRefs};
}

/** The snapshot at the end of simulated second `second` (1-based). */
export const at = (r: Run, second: number): Snapshot => r.snapshots[second - 1]!;
