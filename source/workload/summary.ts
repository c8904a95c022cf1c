// One-line descriptions of a workload for `memtop validate` and `memtop workloads`.
import type {SwapSpec, Workload, ZswapSpec} from '../sim/spec.js';
import {formatBytes} from './quantities.js';

/** Processes the file starts (each group's count; processes spawned by events are not included). */
export function processCount(workload: Workload): number {
	return workload.processes.reduce((sum, group) => sum + group.count, 0);
}

/** "1 process", "4 processes". */
export function processesText(n: number): string {
	return `${n} process${n === 1 ? '' : 'es'}`;
}

/** "2 GiB ssd", "1 GiB zram", "none". */
export function describeSwap(swap: SwapSpec): string {
	return swap.size === 0 ? 'none' : `${formatBytes(swap.size)} ${swap.device}`;
}

/** "off" or "on (lz4, 20%)". */
export function describeZswap(zswap: ZswapSpec): string {
	return zswap.enabled ? `on (${zswap.compressor}, ${zswap.max_pool_percent}%)` : 'off';
}

/** "thrash: 4 processes, RAM 2 GiB, swap 2 GiB hdd, zswap off" */
export function summarizeWorkload(workload: Workload): string {
	const {machine} = workload;
	return `${workload.name}: ${processesText(processCount(workload))}, RAM ${formatBytes(machine.ram)}, swap ${describeSwap(machine.swap)}, zswap ${describeZswap(machine.zswap)}`;
}
