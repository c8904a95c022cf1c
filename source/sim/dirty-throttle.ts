// The dirty throttling formulas of mm/page-writeback.c as pure functions (issue 10 rule 3): the
// limits of a domain over its dirtyable memory, the position ratio around the setpoint, and the
// pause balance_dirty_pages() gives a writer. page-writeback.ts applies them to the machine.
import {MAX_DIRTY_PAUSE_US} from './costs.js';

/** The dirty limits of one domain (struct dirty_throttle_control), in pages. */
export interface DirtyLimits {
	/** global_dirtyable_memory(): free − min(free, reserve) + file LRU + 1. */
	avail: number;
	bg: number;
	thresh: number;
	/** dirty_freerun_ceiling(): (thresh + bg) / 2; below it writers are not throttled. */
	freerun: number;
	/** hard_dirty_limit(): the thresh (the kernel's dirty_limit follows it, smoothed). */
	limit: number;
	/** (freerun + limit) / 2: where the position ratio is 1. */
	setpoint: number;
}

/**
 * domain_dirty_limits(): ratios in units of 1/PAGE_SIZE (ratio · 4096 / 100), thresh = ratio · avail
 * / 4096; if bg_thresh >= thresh, bg_thresh = thresh / 2. All integer arithmetic, as the kernel's.
 */
export function domainDirtyLimits(avail: number, dirtyRatio: number, backgroundRatio: number): DirtyLimits {
	const ratio = Math.floor((dirtyRatio * 4096) / 100);
	const bgRatio = Math.floor((backgroundRatio * 4096) / 100);
	const thresh = Math.floor((ratio * avail) / 4096);
	let bg = Math.floor((bgRatio * avail) / 4096);
	if (bg >= thresh) bg = Math.floor(thresh / 2);
	const freerun = Math.floor((thresh + bg) / 2);
	const limit = thresh;
	return {avail, bg, thresh, freerun, limit, setpoint: Math.floor((freerun + limit) / 2)};
}

/**
 * wb_position_ratio() / pos_ratio_polynom(): 1 + ((setpoint − dirty) / (limit − setpoint))³,
 * clamped to [0, 2]; 0 at or over the limit, 1 at the setpoint.
 */
export function posRatio(setpoint: number, dirty: number, limit: number): number {
	if (dirty >= limit) return 0;
	const x = (setpoint - dirty) / ((limit - setpoint) | 1);
	return Math.min(2, Math.max(0, 1 + x * x * x));
}

/**
 * balance_dirty_pages(): the pause (µs) after dirtying one page: none up to freerun; else one page at
 * task_ratelimit = dirty_ratelimit · pos_ratio pages/s less the task's think time `thinkUs`, at most
 * max_pause (200 ms); max_pause at the limit.
 */
export function dirtyPauseUs(l: DirtyLimits, dirty: number, dirtyRatelimit: number, thinkUs = 0): number {
	if (dirty <= l.freerun) return 0;
	const rate = dirtyRatelimit * posRatio(l.setpoint, dirty, l.limit);
	if (rate <= 0) return MAX_DIRTY_PAUSE_US;
	// period = pages / task_ratelimit; pause = period − the time the task already spent since its last
	// dirtying (its own think time: `pause -= now - dirty_paused_when`).
	return Math.min(MAX_DIRTY_PAUSE_US, Math.max(0, 1_000_000 / rate - thinkUs));
}
