// What a machine's structures cost the host, asked of the modules that own them. workload/budget.ts
// adds these up to refuse, before anything is allocated, a workload whose simulation would not fit
// the host (docs/workloads.md, "Hostile input"); test/sim/host-cost.test.ts holds the sum to a real
// machine's arrays, so a module that grows a structure without saying so here fails it.
//
// The seam: every module that keeps per-frame, per-slot or per-page host structures exports ONE
// function `xxxBytes(...)` beside the structure (zone.ts zoneBytes, page-writeback.ts writebackBytes,
// zsmalloc.ts zsmallocBytes, policies/index.ts policyBytes, swap.ts swapAreaBytes, page-cache.ts
// fileObjectBytes, page-table.ts pageTableBytes via procHostBytes below), and this file adds one
// line for it. A new module (cgroups' per-memcg lruvecs, the buddy allocator's free lists, a
// multi-level page table) does the same (memcontrol.ts memcgBytes): its function, one line in machineBytes or processBytes.
import {memcgBytes} from './memcontrol.js';
import {fileObjectBytes} from './page-cache.js';
import {PTES_PER_TABLE, SPANS_PER_PMD, SPANS_PER_PUD} from './page-table.js';
import {writebackBytes} from './page-writeback.js';
import {policyBytes} from './policies/index.js';
import {WSS_WINDOW_SECONDS} from './process.js';
import {anonMapcountBytes} from './rmap.js';
import {SMALL_BLOCK_BYTES, SMALL_ENTRIES} from './small-spans.js';
import type {MachineSpec, ProcessSpec} from './spec.js';
import {swapAreaBytes} from './swap.js';
import {bytesToPages} from './units.js';
import {layoutRegions} from './vma.js';
import {zoneBytes} from './zone.js';
import {zsmallocBytes} from './zsmalloc.js';

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

/** Host cost (workload/budget.ts). The most virtual pages one process may have: its page table is indexed by an Int32 vpn. */
export const MAX_PROCESS_PAGES = 2 ** 31 - 1;

/** A process's JavaScript objects (the Proc, its regions, its snapshot and history entries), measured. */
export const PROC_OBJECT_BYTES = 8 * 1024;

/**
 * What one process of `spec` costs the host, when the machine has `memoryPages` of RAM and swap:
 * its page tables, the rest of it, and each region's share of both page-sized structures (in the
 * order of spec.regions).
 */
export function procHostBytes(
	spec: ProcessSpec,
	memoryPages: number,
): {pageTables: number; other: number; vpns: number; regions: number[]} {
	// Laid out as the constructor does (vma.ts: grow regions last). The page table covers a trailing grow
	// region only as far as it has grown (it doubles as needed); a grow region's pages are all touched,
	// so it never grows past what RAM and swap can hold (then the OOM killer or ENOMEM ends it).
	const {regions, vsize: vpns} = layoutRegions(spec, () => 0);
	const last = regions[regions.length - 1];
	const coveredOf = new Map<string, number>();
	for (const r of regions)
		coveredOf.set(
			r.name,
			r === last && r.grows ? Math.min(r.pages, Math.max(1024, 2 * memoryPages)) : r.pages,
		);
	let covered = 0;
	for (const c of coveredOf.values()) covered += c;
	const touched = Math.min(covered, memoryPages);
	const pageTables = pageTableBytes(covered, touched);
	// Nothing else is per page: working-set stamps live beside the entries (page-table.ts).
	const perPage = covered > 0 ? pageTables / covered : 0;
	return {
		pageTables,
		// The WSS buckets, 14 stream arrays of at most 8 bytes each, the objects.
		other: (WSS_WINDOW_SECONDS + 1) * 4 + spec.streams.length * 14 * 8 + PROC_OBJECT_BYTES,
		vpns,
		regions: spec.regions.map((r) => (coveredOf.get(r.name) ?? 0) * perPage),
	};
}

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** Host bytes of a full block: 512 × (Int32 entry + Uint16 stamp). */
const FULL_BLOCK_BYTES = PTES_PER_TABLE * 6;

/** Blocks a pool that grows by an eighth (at least `step` at a time) may hold for `n` in use, capped at `cap`. */
const withSlack = (n: number, step: number, cap: number): number =>
	n === 0 ? 0 : Math.min(Math.max(n, cap), n + Math.max(step, Math.floor(n / 8)));

/**
 * Host bytes of a PageTable (page-table.ts, small-spans.ts) over `vpns` virtual pages of which at most `touched`
 * pages are ever touched: the directory and PTE-page slot per 2 MiB span (two Int32), the PMD and PUD
 * slots, a small block for each span touched (each touched page in a span of its own at worst) and a
 * full block for each span that outgrew its small one (SMALL_ENTRIES + 1 pages touched in it), each
 * pool with the slack of its growth (an eighth, or 16 small blocks, or one full block at a time), never
 * more blocks than spans. So a sparse table costs about 130 bytes a touched page, a dense one 6 bytes
 * a page plus its retired small blocks.
 */
export function pageTableBytes(vpns: number, touched: number): number {
	const spans = ceilDiv(vpns, PTES_PER_TABLE);
	const small = Math.min(spans, touched);
	const full = Math.min(spans, Math.floor(touched / (SMALL_ENTRIES + 1)));
	return (
		spans * 8 +
		(ceilDiv(spans, SPANS_PER_PMD) + ceilDiv(spans, SPANS_PER_PUD)) * 4 +
		withSlack(small, 16, spans) * SMALL_BLOCK_BYTES +
		withSlack(full, 1, spans) * FULL_BLOCK_BYTES
	);
}
