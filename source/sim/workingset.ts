// Refault detection (mm/workingset.c). An evicted page leaves a shadow entry holding the node's
// nonresident_age at eviction; on refault, distance = age_now − age_evicted is compared with the
// workingset size to decide whether the page was thrashing (activate) or simply cold.

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
