// Running a shipped scenario headless for the scenario tests: one snapshot per simulated second.
import type {SimEvent} from '../../source/sim/events.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {Snapshot} from '../../source/sim/snapshot-types.js';
import type {Workload} from '../../source/sim/spec.js';

export interface Run {
	snapshots: Snapshot[];
	events: SimEvent[];
	machine: Machine;
}

/** Run `seconds` of simulated time, one snapshot per second. */
export function runScenario(workload: Workload, seconds: number, seed = 1): Run {
	const machine = new Machine(workload, {seed});
	const snapshots: Snapshot[] = [];
	const events: SimEvent[] = [];
	for (let s = 0; s < seconds; s++) {
		for (let t = 0; t < 100; t++) machine.step();
		const snap = takeSnapshot(machine, {regions: false});
		events.push(...snap.events);
		snapshots.push(snap);
	}
	return {snapshots, events, machine};
}

/** The snapshot at the end of simulated second `second` (1-based). */
export const at = (r: Run, second: number): Snapshot => r.snapshots[second - 1]!;
