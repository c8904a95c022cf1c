// Virtual memory areas (include/linux/mm_types.h struct vm_area_struct, mm/mmap.c): a process's
// address space as regions of anon memory, a mapped file, or shmem, each at its x86-64 virtual
// address (mmap-layout.ts) and, for the host's page table, at a packed "host vpn" (startVpn) congruent
// to its virtual vpn modulo 512 (page-table-map.ts). find_vma() and per-region flags (VM_LOCKED, a
// file's access, the protection) live here.
import {type LayoutInput, layoutAddressSpace, type Placement, RLIMIT_STACK_DEFAULT} from './mmap-layout.js';
import {PageTableMap} from './page-table-map.js';
import type {ProcessSpec} from './spec.js';
import {bytesToPages, PAGE_SIZE} from './units.js';

export const REGION_ANON = 0;
export const REGION_FILE = 1;
export const REGION_SHMEM = 2;
/** An anonymous mmap(MAP_HUGETLB): 2 MiB pages from the hugetlb pool (hugetlb.ts), never in the page table's PTEs. */
export const REGION_HUGETLB = 3;

/** Region.objectId of anonymous memory (it maps no object). */
export const NO_OBJECT = -1;
/** A trailing grow region's page table covers this many pages at first, and grows with it. */
const GROW_INITIAL_PAGES = 1024;

export interface Region {
	name: string;
	kind: number;
	/** Host vpn of the region's first page (the page table's index); ≡ the virtual vpn mod 512. */
	startVpn: number;
	pages: number;
	/** vm_start: the virtual address of the first page (mmap-layout.ts). */
	va: number;
	/** PROT_READ | PROT_WRITE | PROT_EXEC (mmap-layout.ts). */
	prot: number;
	/** MAP_SHARED (maps shows s) or private (p). */
	shared: boolean;
	/** VM_GROWSDOWN: the stack, mapped from its end down as far as grown. */
	growsDown: boolean;
	placement: Placement;
	/** File or shmem object id; -1 for anon. */
	objectId: number;
	/** File regions: faults map pages (mmap) or reads go through read(2). */
	mmap: boolean;
	locked: boolean;
	/** A stream grows it (brk): mapped only as far as `grown`. */
	grows: boolean;
	/** Grow regions: pages allocated so far. */
	grown: number;
	/** vma->swap_readahead_info (swap-readahead.ts): the last swap fault's or hit's vpn, the window, hits. */
	raAddr: number;
	raWin: number;
	raHits: number;
	/** REGION_HUGETLB: per 2 MiB page of the region, the pool page's head frame mapped there, or -1. */
	htlb?: Int32Array;
	/** VM_HUGEPAGE / VM_NOHUGEPAGE from madvise (huge-memory.ts); absent: neither. */
	madvise?: 'hugepage' | 'nohugepage' | undefined;
}

/**
 * A region as far as it is mapped: mm/mmap.c do_brk_flags() moves the heap VMA's end up as the program
 * grows it, so a grow region counts up to where it has grown; any other region whole.
 */
export const mappedPages = (r: Region): number => (r.grows ? r.grown : r.pages);

/**
 * Where a reference at `off` lands in a region that grows: a heap (brk) is mapped only as far as it
 * has grown, so other streams over it reference that part (past it a real program would fault with
 * SIGSEGV; the page table does not cover it); a stack (VM_GROWSDOWN) is mapped from its end down.
 * −1 while nothing is mapped yet.
 */
export function grownOffset(region: Region, off: number): number {
	if (off < region.grown && !region.growsDown) return off;
	if (region.grown === 0) return -1;
	const o = off % region.grown;
	return region.growsDown ? region.pages - 1 - o : o;
}

/** mm->total_vm (VmSize), as vm_stat_account() counts it: pages of every mapped VMA. */
export function totalVm(regions: readonly Region[]): number {
	let pages = 0;
	for (const r of regions) pages += mappedPages(r);
	return pages;
}

/**
 * What a mapping commits (Committed_AS): a private anonymous one as far as mapped. File mappings
 * commit nothing, and a shmem object is accounted once when it is created (shmem_acct_size), not per
 * mapping (FileTable.shmemPages).
 */
export const commitPages = (r: Region): number => (r.kind === REGION_ANON ? mappedPages(r) : 0);

/** What the layout needs of a spec's regions (the workload parser checks the same). */
export function layoutInputs(spec: Pick<ProcessSpec, 'regions' | 'streams'>): LayoutInput[] {
	const grow = new Set(spec.streams.filter((s) => s.pattern === 'grow').map((s) => s.region));
	const writes = new Set(spec.streams.filter((s) => (s.write_ratio ?? 0) > 0).map((s) => s.region));
	return spec.regions.map((r) => ({
		name: r.name,
		kind: r.kind,
		size: bytesToPages(r.size) * PAGE_SIZE,
		perms: r.perms,
		placement: r.placement,
		at: r.at,
		grows: grow.has(r.name),
		writes: writes.has(r.name),
	}));
}

/**
 * The address space: each region at its virtual address (mmap-layout.ts), in address order, and packed
 * for the host: a region starts in the host span after the one before unless it begins in the same
 * virtual span as that one ends (text, data, bss), always at its virtual vpn's place in a span, so
 * each host span is one PTE page of the real layout. A trailing region that grows up has a page table
 * that covers it as it grows (`covered`: the vpns the table starts with).
 */
export function layoutRegions(
	spec: ProcessSpec,
	objectIdFor: (region: ProcessSpec['regions'][number]) => number,
): {regions: Region[]; vsize: number; covered: number; map: PageTableMap} {
	const inputs = layoutInputs(spec);
	const laid = layoutAddressSpace(inputs, spec.stack_limit ?? RLIMIT_STACK_DEFAULT);
	if ('error' in laid)
		throw new Error(`${spec.name}: regions[${laid.error.index}].${laid.error.field}: ${laid.error.message}`);
	const order = inputs.map((_, i) => i).sort((a, b) => laid.vmas[a]!.start - laid.vmas[b]!.start);
	let host = 0;
	let prev: {startVpn: number; vpn: number; pages: number} | undefined;
	const regions = order.map((i) => {
		const r = spec.regions[i]!;
		const vma = laid.vmas[i]!;
		const pages = bytesToPages(r.size);
		const vpn = vma.start / PAGE_SIZE;
		const sameSpan = prev && Math.floor((prev.vpn + prev.pages - 1) / 512) === Math.floor(vpn / 512);
		const startVpn =
			prev && sameSpan ? prev.startVpn + vpn - prev.vpn : Math.ceil(host / 512) * 512 + (vpn % 512);
		prev = {startVpn, vpn, pages};
		host = startVpn + pages;
		const region: Region = {
			name: r.name,
			kind:
				r.kind === 'anon'
					? r.hugetlb
						? REGION_HUGETLB
						: REGION_ANON
					: r.kind === 'file'
						? REGION_FILE
						: REGION_SHMEM,
			startVpn,
			pages,
			va: vma.start,
			prot: vma.prot,
			shared: vma.shared,
			growsDown: vma.growsDown,
			placement: vma.placement,
			objectId: r.kind === 'anon' ? NO_OBJECT : objectIdFor(r),
			mmap: r.kind !== 'file' || r.access !== 'read',
			locked: r.locked === true,
			grows: inputs[i]!.grows,
			grown: 0,
			raAddr: 0,
			raWin: 0,
			raHits: 0,
			...(r.kind === 'anon' && r.hugetlb ? {htlb: new Int32Array(Math.ceil(pages / 512)).fill(-1)} : {}),
		};
		if (r.madvise !== undefined) region.madvise = r.madvise;
		return region;
	});
	const last = regions[regions.length - 1];
	const covered =
		last?.grows && !last.growsDown ? last.startVpn + Math.min(last.pages, GROW_INITIAL_PAGES) : host;
	return {regions, vsize: host, covered, map: regionMap(regions)};
}

/** The host-to-virtual span map of laid-out regions (a state from before virtual addresses: the identity). */
export function regionMap(regions: readonly Region[]): PageTableMap {
	return PageTableMap.of(
		regions.map((r) => ({
			startVpn: r.startVpn,
			vpn: r.va === undefined ? r.startVpn : r.va / PAGE_SIZE,
			pages: r.pages,
		})),
	);
}

/** The host vpn of a virtual address in `r`, or −1 outside it. */
export function vpnOfAddress(r: Region, addr: number): number {
	const off = Math.floor((addr - r.va) / PAGE_SIZE);
	return off >= 0 && off < r.pages ? r.startVpn + off : -1;
}

/** find_vma(): the region holding vpn. */
export function findRegion(regions: readonly Region[], vpn: number): Region | undefined {
	for (const r of regions) if (vpn >= r.startVpn && vpn < r.startVpn + r.pages) return r;
	return undefined;
}
