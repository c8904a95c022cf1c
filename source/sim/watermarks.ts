// Zone watermarks, as mm/page_alloc.c computes them for a single-zone node.
import {PAGEBLOCK_NR_PAGES} from './buddy.js';
import type {Watermarks} from './snapshot-types.js';
import {intSqrt, PAGE_SIZE} from './units.js';

/** calculate_min_free_kbytes(): clamp(int_sqrt(lowmem_kbytes * 16), 128, 262144). */
export function defaultMinFreeKbytes(totalPages: number): number {
	const lowmemKbytes = (totalPages * PAGE_SIZE) / 1024;
	const v = intSqrt(lowmemKbytes * 16);
	return Math.min(262_144, Math.max(128, v));
}

/**
 * __setup_per_zone_wmarks(): min = pages_min (one zone holds all managed pages);
 * gap = max(min/4, managed * watermark_scale_factor / 10000); low = min + gap; high = min + 2 * gap.
 */
export function computeWatermarks(
	managedPages: number,
	minFreeKbytes: number,
	watermarkScaleFactor: number,
): Watermarks {
	const min = Math.floor(minFreeKbytes / (PAGE_SIZE / 1024));
	const gap = Math.max(Math.floor(min / 4), Math.floor((managedPages * watermarkScaleFactor) / 10_000));
	return {min, low: min + gap, high: min + 2 * gap};
}

/**
 * si_mem_available() (mm/show_mem.c): free pages minus the reserve (the high watermark, as
 * totalreserve_pages is for one zone), plus the page cache less what reclaim could not take without
 * hurting (the smaller of half the file LRU and the low watermark). Never below 0. All in pages.
 */
export function siMemAvailable(free: number, fileLru: number, wm: {low: number; high: number}): number {
	return Math.max(0, free - wm.high + (fileLru - Math.min(Math.floor(fileLru / 2), wm.low)));
}

/**
 * mm/page_alloc.c boost_watermark(): a fallback stole from another migratetype's pageblock, so raise
 * the watermarks to make kswapd reclaim a little and kcompactd tidy up. Off when the factor is 0, and
 * on zones under four pageblocks (a small zone would OOM at once); max_boost =
 * mult_frac(_watermark[WMARK_HIGH], factor, 10000), skipped while that is 0, else at least a
 * pageblock; the boost grows by a pageblock up to it. Returns the new boost, or -1: not boosted.
 */
export function boostWatermark(boost: number, high: number, managed: number, factor: number): number {
	if (factor === 0 || PAGEBLOCK_NR_PAGES * 4 > managed) return -1;
	// mult_frac(x, n, d): (x / d) * n + ((x % d) * n) / d, in integers.
	let maxBoost = Math.floor(high / 10_000) * factor + Math.floor(((high % 10_000) * factor) / 10_000);
	if (maxBoost === 0) return -1;
	maxBoost = Math.max(PAGEBLOCK_NR_PAGES, maxBoost);
	return Math.min(boost + PAGEBLOCK_NR_PAGES, maxBoost);
}
