// Running small machines in tests: step with the accounting checked after every tick, find a
// process in a snapshot, give a workload timed commands, and a machine whose anon pages a balloon
// pushes out to swap and lets back in.
import type {Command} from '../../source/sim/commands.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {ProcessSnapshot, Snapshot} from '../../source/sim/snapshot-types.js';
import type {Workload} from '../../source/sim/spec.js';
import {group, MIB, workload} from './workload.js';

/** Step n ticks, checking the accounting after each. */
export function runChecked(m: Machine, ticks: number): void {
	for (let i = 0; i < ticks; i++) {
		m.step();
		const errors = checkInvariants(m);
		if (errors.length) throw new Error(`tick ${m.tick}: ${errors.join('; ')}`);
	}
}

export function proc(s: Snapshot, name: string): ProcessSnapshot {
	const p = s.processes.find((x) => x.name === name);
	if (!p) throw new Error(`no process ${name}`);
	return p;
}

export function withEvents(w: Workload, events: [number, Command][]): Workload {
	return {...w, events: events.map(([at, command]) => ({at, command}))};
}

/**
 * Process a touches 8 MiB (2048 pages) for 1 s, then sleeps until 10 s. At 1.5 s a balloon takes
 * 46 MiB (11776 pages) of the 12288 free, pushing a's pages out; at 6 s it gives them back. When a
 * wakes, every page it touches that is not resident must come back from swap.
 */
export function swapWorkload(device: 'ssd' | 'zram', zswap: boolean): Workload {
	const w = workload(
		[
			group('a', {
				rate: 20_000,
				burst: {on: 1, off: 9},
				regions: [{name: 'heap', kind: 'anon', size: 8 * MIB}],
				streams: [{region: 'heap', pattern: 'sequential', weight: 1}],
			}),
		],
		{
			ram: 64 * MIB,
			swap: {size: 64 * MIB, device},
			zswap: {enabled: zswap, compressor: 'lz4', max_pool_percent: 20, accept_threshold_percent: 90},
		},
	);
	return withEvents(w, [
		[1.5, {kind: 'balloon', bytes: 46 * MIB}],
		[6, {kind: 'balloon', bytes: -46 * MIB}],
	]);
}

/** swapWorkload's machine asleep with its pages out (9.99 s) and awake with them back (11 s). */
export function pushedOutThenBack(device: 'ssd' | 'zram', zswap: boolean) {
	const m = new Machine(swapWorkload(device, zswap), {seed: 1});
	runChecked(m, 999);
	const asleep = takeSnapshot(m);
	runChecked(m, 101);
	const awake = takeSnapshot(m);
	return {asleep, awake, m};
}
