// Refault detection (mm/workingset.c). An evicted page leaves a shadow entry holding the node's
// nonresident_age at eviction; on refault, distance = age_now − age_evicted is compared with the
// workingset size to decide whether the page was thrashing (activate) or simply cold.
import {PG_WORKINGSET} from './frames.js';
import type {Lruvec} from './lruvec.js';
import type {Vmstat} from './proc-names.js';

/** Ages are kept in 29 bits, as the kernel packs them into an xarray value (EVICTION_MASK). */
export const EVICTION_BITS = 29;
export const EVICTION_MASK = 2 ** EVICTION_BITS - 1;

/** A shadow entry: age in the low bits, PG_workingset above them. Always ≥ 1 so 0 can mean "none". */
export function packShadow(age: number, workingset: boolean): number {
	return 1 + ((age & EVICTION_MASK) | (workingset ? 2 ** EVICTION_BITS : 0));
}

export function shadowAge(shadow: number): number {
	return (shadow - 1) & EVICTION_MASK;
}

export function shadowWorkingset(shadow: number): boolean {
	return shadow - 1 >= 2 ** EVICTION_BITS;
}

/** Refault distance modulo the age width, as the kernel computes it with unsigned wrap-around. */
export function refaultDistance(ageNow: number, shadow: number): number {
	return ((ageNow & EVICTION_MASK) - shadowAge(shadow) + 2 ** EVICTION_BITS) & EVICTION_MASK;
}

export interface WorkingsetSizes {
	activeFile: number;
	inactiveFile: number;
	activeAnon: number;
	inactiveAnon: number;
}

/**
 * workingset_test_recent(): the workingset a refault competes with is the active file list, plus
 * the inactive file list for anon refaults, plus (when swap is usable) active anon and, for file
 * refaults, inactive anon.
 */
export function workingsetSize(lists: WorkingsetSizes, anonRefault: boolean, canSwap: boolean): number {
	let size = lists.activeFile;
	if (anonRefault) size += lists.inactiveFile;
	if (canSwap) {
		size += lists.activeAnon;
		if (!anonRefault) size += lists.inactiveAnon;
	}
	return size;
}

/** workingset_eviction(): the shadow an evicted page leaves records the age and PG_workingset. */
export function workingsetEviction(lruvec: Lruvec, flags: number): number {
	const shadow = packShadow(lruvec.nonresidentAge, (flags & PG_WORKINGSET) !== 0);
	lruvec.ageNonresident(1);
	return shadow;
}

/** workingset_refault()'s verdict: not recent (a cold miss), recent (activate), or recent and in the workingset. */
export const REFAULT_COLD = 0;
export const REFAULT_ACTIVATE = 1;
/** Activated and PG_workingset set: the refault is thrashing, and its wait is a memory stall. */
export const REFAULT_RESTORE = 2;
export type RefaultVerdict = typeof REFAULT_COLD | typeof REFAULT_ACTIVATE | typeof REFAULT_RESTORE;

/**
 * mm/workingset.c workingset_refault(): count the refault; if workingset_test_recent() finds its
 * refault distance within the workingset, the page goes straight to the active list; if the shadow
 * also says it was PG_workingset when evicted, it gets PG_workingset again (WORKINGSET_RESTORE,
 * lru_note_cost_refault). Only such a page makes its reader a memory stall: swap_read_folio() and
 * filemap_read_folio() enter psi_memstall only for folio_test_workingset(). `shadow` 0: no shadow (a
 * first fault).
 */
export function workingsetRefault(
	lruvec: Lruvec,
	vm: Vmstat,
	shadow: number,
	anon: boolean,
	canSwap: boolean,
): RefaultVerdict {
	if (!shadow) return REFAULT_COLD;
	if (anon) vm.workingset_refault_anon++;
	else vm.workingset_refault_file++;
	const distance = refaultDistance(lruvec.nonresidentAge, shadow);
	if (distance > workingsetSize(lruvec.refresh(), anon, canSwap)) return REFAULT_COLD;
	if (anon) vm.workingset_activate_anon++;
	else vm.workingset_activate_file++;
	lruvec.noteActivation(anon);
	lruvec.ageNonresident(1);
	if (!shadowWorkingset(shadow)) return REFAULT_ACTIVATE;
	if (anon) vm.workingset_restore_anon++;
	else vm.workingset_restore_file++;
	lruvec.noteRefaultCost(anon);
	return REFAULT_RESTORE;
}
