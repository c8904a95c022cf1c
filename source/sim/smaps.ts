// /proc/PID/smaps_rollup (fs/proc/task_mmu.c): a walk of a process's page table that shares each
// resident page among the processes mapping it. Rss counts a page for every mapper; Pss gives each
// mapper 1/mapcount of it, so Pss summed over all processes is the memory actually mapped; a page
// mapped once is Private, more than once Shared (Clean or Dirty by its dirty bit). USS, as smem and
// htop call it, is Private_Clean + Private_Dirty: what the process's exit would free.
//
// Rules, as the kernel has them:
// - smaps_account(): mapcount = page_mapcount(); >= 2 → shared_clean/dirty += PAGE_SIZE and
//   pss += (PAGE_SIZE << PSS_SHIFT) / mapcount; else private and pss += PAGE_SIZE << PSS_SHIFT.
//   Pss is split by the page's type (smaps_page_accumulate: pss_anon for anon, pss_shmem for
//   swap-backed file pages, pss_file for the rest). Referenced: the PTE's young bit or PG_referenced.
// - smaps_pte_entry() on a swap PTE: swap += PAGE_SIZE, swap_pss += (PAGE_SIZE << PSS_SHIFT) /
//   swp_swapcount() (the slot's map count; here a slot is one process's, so 1).
// - smap_gather_stats() on a shared shmem mapping: its swapped pages are not in the PTEs (they are
//   the object's, shmem_swap_usage() of the range) and count in Swap but not in SwapPss.
// - show_smaps_rollup() prints Pss as pss >> PSS_SHIFT, in kB (>> 10), and so does this.
//
// Anon pages are mapped by one process today (there is no fork yet, and zone.mapcount of an anon
// frame holds its swap slot, not a count), so an anon page's mapcount is 1.
import {FRAME_ANON, FRAME_SHMEM, PG_DIRTY, PG_REFERENCED, PG_YOUNG} from './frames.js';
import type {FileTable} from './page-cache.js';
import {presentFrame} from './page-table.js';
import type {Proc} from './process.js';
import {PAGE_SIZE} from './units.js';
import {REGION_ANON, REGION_SHMEM} from './vma.js';
import type {Zone} from './zone.js';

/** PSS_SHIFT: Pss is summed in fixed point, bytes << 12, to keep the divisions' errors small. */
export const PSS_SHIFT = 12;

/** smaps_rollup's fields, in kB as the file prints them. */
export interface SmapsRollup {
	Rss: number;
	Pss: number;
	Pss_Anon: number;
	Pss_File: number;
	Pss_Shmem: number;
	Shared_Clean: number;
	Shared_Dirty: number;
	Private_Clean: number;
	Private_Dirty: number;
	Referenced: number;
	Anonymous: number;
	Swap: number;
	SwapPss: number;
}

/** USS: what only this process maps (smem's and htop's name), kB. */
export const ussOf = (s: SmapsRollup): number => s.Private_Clean + s.Private_Dirty;

/** A walk's raw sums: pages, and Pss in bytes << PSS_SHIFT. */
export class SmapsWalk {
	resident = 0;
	anonymous = 0;
	referenced = 0;
	sharedClean = 0;
	sharedDirty = 0;
	privateClean = 0;
	privateDirty = 0;
	swap = 0;
	pssAnon = 0;
	pssFile = 0;
	pssShmem = 0;
	swapPss = 0;

	/** smaps_account() for one resident page mapped `mapcount` times. */
	account(kind: number, mapcount: number, dirty: boolean, young: boolean): void {
		this.resident++;
		if (kind === FRAME_ANON) this.anonymous++;
		if (young) this.referenced++;
		let pss = PAGE_SIZE * 2 ** PSS_SHIFT;
		if (mapcount >= 2) {
			if (dirty) this.sharedDirty++;
			else this.sharedClean++;
			pss = Math.floor(pss / mapcount);
		} else if (dirty) this.privateDirty++;
		else this.privateClean++;
		if (kind === FRAME_ANON) this.pssAnon += pss;
		else if (kind === FRAME_SHMEM) this.pssShmem += pss;
		else this.pssFile += pss;
	}

	/** `resident` private anon pages at once (mapcount 1: the page_count() == 1 path of smaps_account). */
	addPrivateAnon(resident: number, referenced: number, dirty: number): void {
		this.resident += resident;
		this.anonymous += resident;
		this.referenced += referenced;
		this.privateDirty += dirty;
		this.privateClean += resident - dirty;
		this.pssAnon += resident * PAGE_SIZE * 2 ** PSS_SHIFT;
	}

	/** smaps_pte_entry() for a swap PTE whose slot `swapcount` PTEs share. */
	swapEntry(swapcount: number): void {
		this.swap++;
		const pss = PAGE_SIZE * 2 ** PSS_SHIFT;
		this.swapPss += swapcount >= 2 ? Math.floor(pss / swapcount) : pss;
	}

	/** `n` swap PTEs of slots one PTE each maps: swapEntry(1) n times, in one addition. */
	addPrivateSwap(n: number): void {
		this.swap += n;
		this.swapPss += n * PAGE_SIZE * 2 ** PSS_SHIFT;
	}

	/** The rollup in kB, rounded down as show_smaps_rollup() prints it. */
	rollup(): SmapsRollup {
		const kb = (pages: number) => (pages * PAGE_SIZE) / 1024;
		const pssKb = (fixed: number) => Math.floor(fixed / 2 ** PSS_SHIFT / 1024);
		return {
			Rss: kb(this.resident),
			Pss: pssKb(this.pssAnon + this.pssFile + this.pssShmem),
			Pss_Anon: pssKb(this.pssAnon),
			Pss_File: pssKb(this.pssFile),
			Pss_Shmem: pssKb(this.pssShmem),
			Shared_Clean: kb(this.sharedClean),
			Shared_Dirty: kb(this.sharedDirty),
			Private_Clean: kb(this.privateClean),
			Private_Dirty: kb(this.privateDirty),
			Referenced: kb(this.referenced),
			Anonymous: kb(this.anonymous),
			Swap: kb(this.swap),
			SwapPss: pssKb(this.swapPss),
		};
	}
}

/** What fork shares (rmap.ts, swap.ts): anon mapcounts and swap-slot references beyond one, or null before any fork. */
export interface ForkShares {
	anonMapcount: Uint16Array | null;
	swapExtra: Uint16Array | null;
}

const NOTHING_SHARED: ForkShares = {anonMapcount: null, swapExtra: null};

/** show_smaps_rollup() of `p`: every region's PTEs walked (smap_gather_stats over each VMA). */
export function smapsRollup(
	zone: Zone,
	files: FileTable,
	p: Proc,
	walk = new SmapsWalk(),
	shares: ForkShares = NOTHING_SHARED,
): SmapsWalk {
	const pt = p.pt;
	const {kind, flags} = zone.frames;
	const mapcount = zone.mapcount;
	const {anonMapcount, swapExtra} = shares;
	for (const r of p.regions) {
		const end = Math.min(r.startVpn + r.pages, pt.covered);
		if (r.kind === REGION_ANON) {
			// One mapper each unless fork shared the page: private, full Pss. Counted in locals, added
			// once (a plain loop); a fork-shared page or swap entry is accounted by its own count.
			let resident = 0;
			let referenced = 0;
			let dirty = 0;
			let swapped = 0;
			for (let v = pt.skip(r.startVpn, end); v < end; v = pt.next(v, end)) {
				const e = pt.get(v);
				if (e > 0) {
					const fl = flags[e - 1]!;
					if (anonMapcount && anonMapcount[e - 1]! > 0) {
						walk.account(
							FRAME_ANON,
							anonMapcount[e - 1]! + 1,
							(fl & PG_DIRTY) !== 0,
							(fl & (PG_YOUNG | PG_REFERENCED)) !== 0,
						);
						continue;
					}
					resident++;
					if (fl & (PG_YOUNG | PG_REFERENCED)) referenced++;
					if (fl & PG_DIRTY) dirty++;
				} else if (e < 0) {
					const extra = swapExtra ? swapExtra[-e - 1]! : 0;
					if (extra > 0) walk.swapEntry(extra + 1);
					else swapped++;
				}
			}
			walk.addPrivateAnon(resident, referenced, dirty);
			walk.addPrivateSwap(swapped);
			continue;
		}
		for (let v = pt.skip(r.startVpn, end); v < end; v = pt.next(v, end)) {
			const e = pt.get(v);
			if (e <= 0) continue;
			const f = presentFrame(e);
			const fl = flags[f]!;
			// page_mapcount(): _mapcount + 1 for a file/shmem page.
			walk.account(
				kind[f]!,
				mapcount[f]! + 1,
				(fl & PG_DIRTY) !== 0,
				(fl & (PG_YOUNG | PG_REFERENCED)) !== 0,
			);
		}
		if (r.kind === REGION_SHMEM) {
			// shmem_swap_usage(): the object's swapped pages in the mapped range, Swap only.
			const obj = files.files[r.objectId]!;
			const n = Math.min(r.pages, obj.pages);
			// In a shmem object a slot below zero is a swap entry (page-cache.ts).
			for (let o = 0; o < n; o++) if (obj.cache[o]! < 0) walk.swap++;
		}
	}
	return walk;
}
