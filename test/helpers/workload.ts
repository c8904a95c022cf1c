// Small hand-built workloads for tests (no YAML involved).
import type {MachineSpec, ProcessGroupSpec, Workload} from '../../source/sim/spec.js';
import {DEFAULT_SYSCTLS} from '../../source/sim/sysctl.js';
import {GIB, MIB} from '../../source/sim/units.js';

export function machineSpec(overrides: Partial<MachineSpec> = {}): MachineSpec {
	return {
		ram: 256 * MIB,
		cpus: 4,
		kernel: 16 * MIB,
		disk: 'ssd',
		swap: {size: 256 * MIB, device: 'ssd'},
		zswap: {enabled: false, compressor: 'lz4', max_pool_percent: 20, accept_threshold_percent: 90},
		sysctl: {...DEFAULT_SYSCTLS},
		policy: 'lru2',
		...overrides,
	};
}

export function group(name: string, overrides: Partial<ProcessGroupSpec> = {}): ProcessGroupSpec {
	return {
		name,
		count: 1,
		start: 0,
		rate: 20_000,
		oom_score_adj: 0,
		compressibility: 0.5,
		regions: [{name: 'heap', kind: 'anon', size: 64 * MIB}],
		streams: [{region: 'heap', pattern: 'random', weight: 1, write_ratio: 0.3}],
		...overrides,
	};
}

export function workload(
	processes: ProcessGroupSpec[],
	machine: Partial<MachineSpec> = {},
	name = 'test',
): Workload {
	return {name, description: '', machine: machineSpec(machine), processes, events: []};
}

export {GIB, MIB};
