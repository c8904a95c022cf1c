// get_scan_count() in mm/vmscan.c: how reclaim splits its scanning between anon and file LRUs.
import {GIB, PAGE_SIZE} from './units.js';

export type ScanBalance = 'file-only' | 'anon-only' | 'equal' | 'fractional';

export interface ScanCountInput {
	swappiness: number;
	/** Swap space left and swap usable. */
	canSwap: boolean;
	priority: number;
	/** free + file LRU ≤ Σ high watermarks. */
	fileIsTiny: boolean;
	/** Enough inactive file and no recent file refaults: trim the cache first. */
	cacheTrimMode: boolean;
	anonCost: number;
	fileCost: number;
}

export interface ScanSplit {
	balance: ScanBalance;
	/** Fractions of each list's `size >> priority` to scan. */
	anonFraction: number;
	fileFraction: number;
}

/**
 * Cases in the kernel's order: no swap → file only; priority 0 with swappiness > 0 → equal;
 * file_is_tiny → anon only; cache_trim_mode → file only; else the fractional split
 * ap = sw·(T+1)/(A+1), fp = (200−sw)·(T+1)/(F+1) with t = ac+fc, A = t+ac, F = t+fc, T = A+F.
 * Global reclaim with swappiness 0 only scans anon when the page cache is nearly gone (file_is_tiny).
 */
export function getScanCount(input: ScanCountInput): ScanSplit {
	if (!input.canSwap) return {balance: 'file-only', anonFraction: 0, fileFraction: 1};
	if (input.priority === 0 && input.swappiness > 0)
		return {balance: 'equal', anonFraction: 1, fileFraction: 1};
	if (input.fileIsTiny) return {balance: 'anon-only', anonFraction: 1, fileFraction: 0};
	if (input.cacheTrimMode) return {balance: 'file-only', anonFraction: 0, fileFraction: 1};
	const sw = input.swappiness;
	const ac = Math.floor(input.anonCost);
	const fc = Math.floor(input.fileCost);
	const t = ac + fc;
	const a = t + ac;
	const f = t + fc;
	const total = a + f;
	const ap = Math.floor((sw * (total + 1)) / (a + 1));
	const fp = Math.floor(((200 - sw) * (total + 1)) / (f + 1));
	const denom = ap + fp;
	if (denom === 0) return {balance: 'fractional', anonFraction: 0, fileFraction: 1};
	return {balance: 'fractional', anonFraction: ap / denom, fileFraction: fp / denom};
}

/** inactive_is_low(): ratio = int_sqrt(10·GiB) (1 when under 1 GiB); low iff inactive·ratio < active. */
export function inactiveIsLow(inactive: number, active: number): boolean {
	const gb = Math.floor(((inactive + active) * PAGE_SIZE) / GIB);
	const ratio = gb ? Math.floor(Math.sqrt(10 * gb)) : 1;
	return inactive * ratio < active;
}

/** sc->may_deactivate bits (mm/vmscan.c). */
export const DEACTIVATE_ANON = 1;
export const DEACTIVATE_FILE = 2;

/**
 * prepare_scan_control(): a type may be deactivated (its active list scanned) when its inactive list
 * is low or when it has had workingset activations since the last cycle (a new workingset forming).
 */
export function mayDeactivate(
	inactive: number,
	active: number,
	recentActivations: boolean | undefined,
): boolean {
	return recentActivations === true || inactiveIsLow(inactive, active);
}
