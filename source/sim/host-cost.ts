// What a machine's structures cost the host, asked of the modules that own them. workload/budget.ts
// adds these up to refuse, before anything is allocated, a workload whose simulation would not fit
// the host (docs/workloads.md, "Hostile input"); test/sim/host-cost.test.ts holds the sum to a real
// machine's arrays, so a module that grows a structure without saying so here fails it.
//
// The seam: every module that keeps per-frame, per-slot or per-page host structures exports ONE
// function `xxxBytes(...)` beside the structure (zone.ts zoneBytes, page-writeback.ts writebackBytes,
// zsmalloc.ts zsmallocBytes, policies/index.ts policyBytes, swap.ts swapAreaBytes, page-cache.ts
// fileObjectBytes, page-table.ts pageTableBytes via process.ts procHostBytes), and this file adds one
// line for it. A new module (cgroups' per-memcg lruvecs, the buddy allocator's free lists, a
// multi-level page table) does the same (memcontrol.ts memcgBytes): its function, one line in machineBytes or processBytes.
import {memcgBytes} from './memcontrol.js';
import {fileObjectBytes} from './page-cache.js';
import {writebackBytes} from './page-writeback.js';
import {policyBytes} from './policies/index.js';
import {procHostBytes} from './process.js';
import {anonMapcountBytes} from './rmap.js';
import type {MachineSpec, ProcessSpec} from './spec.js';
import {swapAreaBytes} from './swap.js';
import {bytesToPages} from './units.js';
import {zoneBytes} from './zone.js';
import {zsmallocBytes} from './zsmalloc.js';

export {MAX_PROCESS_PAGES} from './process.js';

/** The most pages a file or shmem object, or the swap area, may have: slots and entries are Int32. */
export const MAX_OBJECT_PAGES = 2 ** 31 - 1;

export interface MachineBytes {
	/** Per-frame structures: the zone's frame table, writeback's ring, the pool, the policy's lists. */
	frames: number;
	/** The swap area's slots. */
	swap: number;
}

/** Host bytes of a machine of `spec` under `policy`, before any process. */
export function machineBytes(spec: MachineSpec, policy: string): MachineBytes {
	const frames = bytesToPages(spec.ram);
	const slots = bytesToPages(spec.swap.size);
	// The pool holds as much of RAM as zram may fill, or zswap's max_pool_percent (zswap can be turned
	// on at any time while there is swap).
	const poolShare = spec.swap.device === 'zram' ? 1 : slots > 0 ? spec.zswap.max_pool_percent / 100 : 0;
	return {
		frames:
			zoneBytes(frames) +
			writebackBytes(frames) +
			zsmallocBytes(Math.ceil(frames * poolShare)) +
			policyBytes(policy, frames) +
			// A cgroup tree's page->memcg_data and swap_cgroup maps (costed whether or not the workload has one).
			memcgBytes(frames, slots) +
			// rmap.ts's anon mapcounts: a fork (a command, at any time) allocates them.
			anonMapcountBytes(frames),
		// zswap's and fork's arrays too: a command can turn zswap on, or fork, at any time.
		swap: slots > 0 ? swapAreaBytes(slots, true, true) : 0,
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
