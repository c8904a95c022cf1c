// What a machine's structures cost the host, asked of the modules that own them (frames, the
// policy's lists, swap slots, page tables, file objects, processes). workload/budget.ts adds these
// up to refuse, before anything is allocated, a workload whose simulation would not fit the host
// (docs/workloads.md, "Hostile input"). A module that changes its structures changes its function,
// and the budget follows; test/workload/budget.test.ts holds the sum to a real machine's arrays.
import {frameTableBytes} from './frames.js';
import {fileObjectBytes} from './page-cache.js';
import {policyBytes} from './policies/index.js';
import {procHostBytes} from './process.js';
import type {MachineSpec, ProcessSpec} from './spec.js';
import {swapAreaBytes} from './swap.js';
import {bytesToPages} from './units.js';

export {MAX_PROCESS_PAGES} from './process.js';

/** The most pages a file or shmem object, or the swap area, may have: slots and entries are Int32. */
export const MAX_OBJECT_PAGES = 2 ** 31 - 1;

/** The machine's own per-frame arrays (machine.ts): mapper / swap-cache slot (Int32). */
const MACHINE_BYTES_PER_FRAME = 4;
/**
 * Arrays that grow as the run goes, at their bound: the dirty ring (frame and tick, Int32 each, for
 * every dirty page; it doubles, so up to twice that) can hold every frame (dirty_ratio may be set to
 * 100 at any time); the zpool's frame list (Int32, doubling) as much of RAM as the pool may take.
 */
const DIRTY_RING_BYTES_PER_FRAME = 2 * 4 * 2;
const ZPOOL_BYTES_PER_FRAME = 4 * 2;

export interface MachineBytes {
	/** Per-frame structures: the frame table, the machine's arrays, the policy's lists. */
	frames: number;
	/** The swap area's slots. */
	swap: number;
}

/** Host bytes of a machine of `spec` under `policy`, before any process. */
export function machineBytes(spec: MachineSpec, policy: string): MachineBytes {
	const frames = bytesToPages(spec.ram);
	const slots = bytesToPages(spec.swap.size);
	const poolShare = spec.swap.device === 'zram' ? 1 : slots > 0 ? spec.zswap.max_pool_percent / 100 : 0;
	return {
		frames:
			frameTableBytes(frames) +
			frames * (MACHINE_BYTES_PER_FRAME + DIRTY_RING_BYTES_PER_FRAME) +
			Math.ceil(frames * poolShare) * ZPOOL_BYTES_PER_FRAME +
			policyBytes(policy, frames),
		// zswap's arrays too: a command can turn zswap on at any time.
		swap: slots > 0 ? swapAreaBytes(slots, true) : 0,
	};
}

/**
 * Host bytes of one process of `spec` on a machine of `machine`: its page tables, the rest, each
 * region's share of its page-sized structures (spec.regions' order), and its virtual pages.
 */
export function processBytes(
	spec: ProcessSpec,
	machine: MachineSpec,
): {pageTables: number; other: number; regions: number[]; vpns: number} {
	return procHostBytes(spec, bytesToPages(machine.ram) + bytesToPages(machine.swap.size));
}

/** Host bytes of a file or shmem object of `bytes` (the largest mapping of it). */
export function objectBytes(bytes: number): number {
	return fileObjectBytes(bytesToPages(bytes));
}
