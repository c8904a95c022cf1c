// Virtual memory areas (include/linux/mm_types.h struct vm_area_struct, mm/mmap.c): a process's
// address space as regions of anon memory, a mapped file, or shmem, laid out one after another from
// vpn 0. find_vma() and per-region flags (VM_LOCKED, a file's access) live here; a real VMA tree,
// mmap/munmap and fork's copy would grow here.
import type {ProcessSpec} from './spec.js';
import {bytesToPages} from './units.js';

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
	startVpn: number;
	pages: number;
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

/** The address space: the regions one after another from vpn 0, grow regions last so the page table
 * can grow with them instead of covering their maximum. `covered`: the vpns the page table starts with. */
export function layoutRegions(
	spec: ProcessSpec,
	objectIdFor: (region: ProcessSpec['regions'][number]) => number,
): {regions: Region[]; vsize: number; covered: number} {
	const growRegions = new Set(spec.streams.filter((s) => s.pattern === 'grow').map((s) => s.region));
	const ordered = [...spec.regions].sort(
		(a, b) => Number(growRegions.has(a.name)) - Number(growRegions.has(b.name)),
	);
	let vpn = 0;
	const regions = ordered.map((r) => {
		const pages = bytesToPages(r.size);
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
			startVpn: vpn,
			pages,
			objectId: r.kind === 'anon' ? NO_OBJECT : objectIdFor(r),
			mmap: r.kind !== 'file' || r.access !== 'read',
			locked: r.locked === true,
			grows: growRegions.has(r.name),
			grown: 0,
			raAddr: 0,
			raWin: 0,
			raHits: 0,
			...(r.kind === 'anon' && r.hugetlb ? {htlb: new Int32Array(Math.ceil(pages / 512)).fill(-1)} : {}),
		};
		if (r.madvise !== undefined) region.madvise = r.madvise;
		vpn += pages;
		return region;
	});
	const last = regions[regions.length - 1];
	const covered =
		last && growRegions.has(last.name) ? last.startVpn + Math.min(last.pages, GROW_INITIAL_PAGES) : vpn;
	return {regions, vsize: vpn, covered};
}

/** find_vma(): the region holding vpn. */
export function findRegion(regions: readonly Region[], vpn: number): Region | undefined {
	for (const r of regions) if (vpn >= r.startVpn && vpn < r.startVpn + r.pages) return r;
	return undefined;
}
