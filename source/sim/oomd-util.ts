// systemd-oomd's decision rules (systemd src/oom/oomd-util.c, oomd-manager.h), as pure functions over
// what oomd reads each poll: a monitored cgroup's memory.pressure `full` avg10, memory.current,
// memory.swap.current and memory.stat pgscan, and /proc/meminfo's MemTotal, MemAvailable,
// SwapTotal, SwapFree. No machine state here: oomd.ts feeds these from the machine every poll.

/** MEM_PRESSURE_INTERVAL_USEC: the memory pressure handler runs every 1 s. */
export const MEM_PRESSURE_INTERVAL_US = 1_000_000;
/** SWAP_INTERVAL_USEC: the swap handler runs every 150 ms. */
export const SWAP_INTERVAL_US = 150_000;
/** DEFAULT_MEM_PRESSURE_LIMIT_PERCENT (oomd.conf DefaultMemoryPressureLimit=60%). */
export const DEFAULT_MEM_PRESSURE_LIMIT_PERCENT = 60;
/** DEFAULT_MEM_PRESSURE_DURATION_USEC (oomd.conf DefaultMemoryPressureDurationSec=30s). */
export const DEFAULT_MEM_PRESSURE_DURATION_US = 30_000_000;
/** DEFAULT_SWAP_USED_LIMIT_PERCENT (oomd.conf SwapUsedLimit=90%). */
export const DEFAULT_SWAP_USED_LIMIT_PERCENT = 90;
/** THRESHOLD_SWAP_USED_PERCENT: only cgroups using more than 5 % of swap are swap-kill candidates. */
export const THRESHOLD_SWAP_USED_PERCENT = 5;
/** RECLAIM_DURATION_USEC: a pressure kill needs reclaim (pgscan) in the cgroup within the last 30 s. */
export const RECLAIM_DURATION_US = 30_000_000;
/** POST_ACTION_DELAY_USEC: after a pressure kill, 15 s before the next (pressure averages lag). */
export const POST_ACTION_DELAY_US = 15_000_000;

/** What oomd keeps about one monitored cgroup between polls (OomdCGroupContext's pressure fields). */
export interface PressureContext {
	path: string;
	/** memory.pressure full avg10, percent (two decimals, as the file prints it). */
	fullAvg10: number;
	/** mem_pressure_limit, percent. */
	limitPercent: number;
	/** mem_pressure_duration_usec. */
	durationUs: number;
	/** mem_pressure_limit_hit_start: µs since boot when avg10 first went above the limit; 0 = not above. */
	hitStartUs: number;
}

/**
 * oomd_pressure_above(): a context whose avg10 is above its limit records when that started (the
 * first poll above); it is a target once it has stayed above for at least its duration. A poll at
 * or below the limit resets the start. Note the comparison is strictly greater (avg10 > limit) and
 * the duration test is diff >= duration.
 */
export function pressureAbove(ctx: PressureContext, nowUs: number): boolean {
	if (ctx.fullAvg10 > ctx.limitPercent) {
		if (ctx.hitStartUs === 0) ctx.hitStartUs = nowUs;
		return nowUs - ctx.hitStartUs >= ctx.durationUs;
	}
	ctx.hitStartUs = 0;
	return false;
}

/**
 * ManagedOOMPreference (src/basic/cgroup-util.h): MANAGED_OOM_PREFERENCE_NONE 0, _AVOID 1, _OMIT 2.
 * systemd (src/core/cgroup.c cgroup_oomd_xattr_apply) writes a unit's ManagedOOMPreference=avoid as
 * the xattr user.oomd_avoid=1 and omit as user.oomd_omit=1 on the unit's own cgroup; oomd reads them
 * from each candidate's own cgroup (a slice's setting is not inherited by the leaves below it).
 */
export const MANAGED_OOM_PREFERENCES = ['none', 'avoid', 'omit'] as const;
export type ManagedOomPreference = (typeof MANAGED_OOM_PREFERENCES)[number];
export const PREFERENCE_NONE = 0;
export const PREFERENCE_AVOID = 1;
export const PREFERENCE_OMIT = 2;

/** A kill candidate: a leaf cgroup (or one with memory.oom.group) below a monitored one. */
export interface OomdCandidate {
	path: string;
	/** memory.current, bytes. */
	current: number;
	/** memory.swap.current, bytes. */
	swapUsage: number;
	/** memory.stat pgscan now and at the previous poll. */
	pgscan: number;
	lastPgscan: number;
	/** The user.oomd_avoid / user.oomd_omit xattr on its cgroup (its unit's ManagedOOMPreference=); absent: none. */
	xattr?: ManagedOomPreference | undefined;
}

/** A candidate as oomd_sort_cgroup_contexts() leaves it: with the preference it honoured (0, 1 or 2). */
export interface RankedCandidate extends OomdCandidate {
	preference: number;
	/** The xattr was set but oomd_fetch_cgroup_oom_preference() ignored it (the owner rule). */
	ignored: boolean;
}

/** oomd_pgscan_rate(): pgscan − last_pgscan, with last taken as 0 when it is larger (a recreated cgroup). */
export function pgscanRate(c: OomdCandidate): number {
	const last = c.lastPgscan > c.pgscan ? 0 : c.lastPgscan;
	return c.pgscan - last;
}

/** path_startswith(): `path` is `prefix` or below it. */
export function pathStartsWith(path: string, prefix: string): boolean {
	if (prefix === '/') return path.startsWith('/');
	return path === prefix || path.startsWith(`${prefix}/`);
}

const USER_SERVICE = /^\/user\.slice\/user-(\d+)\.slice\/user@(\d+)\.service(\/|$)/;

/**
 * cg_get_owner(): the uid owning a cgroup's directory. systemd chowns a unit's cgroup to its User= when
 * it has Delegate=yes; user@.service (User=%i, Delegate=yes) is the one every login has, so
 * /user.slice/user-UID.slice/user@UID.service and everything below it belong to UID, the rest to root.
 */
export function cgroupOwner(path: string): number {
	const m = USER_SERVICE.exec(path);
	return m && m[1] === m[2] ? Number(m[1]) : 0;
}

/**
 * oomd_fetch_cgroup_oom_preference(): the xattr counts only if the candidate's cgroup is owned by root
 * or by the owner of `prefix` (the monitored cgroup; for swap kills there is none, so the root, owned
 * by uid 0): a user's own ManagedOOMPreference= may steer a kill among that user's cgroups, never a
 * system-wide one. user.oomd_omit wins over user.oomd_avoid (read last).
 */
export function fetchOomPreference(c: OomdCandidate, prefix: string): {preference: number; ignored: boolean} {
	const xattr = c.xattr ?? 'none';
	const uid = cgroupOwner(c.path);
	if (uid !== 0 && uid !== cgroupOwner(prefix))
		return {preference: PREFERENCE_NONE, ignored: xattr !== 'none'};
	return {preference: MANAGED_OOM_PREFERENCES.indexOf(xattr), ignored: false};
}

/**
 * oomd_sort_cgroup_contexts(): the candidates below `prefix` (null: all), each with its preference
 * fetched against `prefix` (null: the root), those with `omit` left out; the rest sorted by
 * `compare`, which puts preference first: every `avoid` candidate after every `none` one.
 * The omitted are returned apart (what the OOM report shows as never considered).
 */
export function sortCgroupContexts(
	candidates: readonly OomdCandidate[],
	compare: (a: RankedCandidate, b: RankedCandidate) => number,
	prefix: string | null,
): {sorted: RankedCandidate[]; omitted: RankedCandidate[]} {
	const sorted: RankedCandidate[] = [];
	const omitted: RankedCandidate[] = [];
	for (const c of candidates) {
		if (prefix !== null && !pathStartsWith(c.path, prefix)) continue;
		const ranked = {...c, ...fetchOomPreference(c, prefix ?? '/')};
		(ranked.preference === PREFERENCE_OMIT ? omitted : sorted).push(ranked);
	}
	sorted.sort(compare);
	return {sorted, omitted};
}

/** compare_pgscan_rate_and_memory_usage(): preference ascending, then pgscan rate and memory.current descending. */
export const comparePgscanRateAndMemoryUsage = (a: RankedCandidate, b: RankedCandidate): number =>
	a.preference - b.preference || pgscanRate(b) - pgscanRate(a) || b.current - a.current;

/** compare_swap_usage(): preference ascending, then memory.swap.current descending. */
export const compareSwapUsage = (a: RankedCandidate, b: RankedCandidate): number =>
	a.preference - b.preference || b.swapUsage - a.swapUsage;

/**
 * oomd_select_by_pgscan_rate(): candidates below `prefix` ranked as oomd_sort_cgroup_contexts() with
 * compare_pgscan_rate_and_memory_usage(); the first that has scanned pages or uses memory is chosen
 * (the loop goes on past the others "since there might be avoid cgroups at the end"). Returns the
 * ranking (for the log's "top candidates"), the omitted, and the one selected (null: none).
 */
export function selectByPgscanRate(
	candidates: readonly OomdCandidate[],
	prefix: string,
): {sorted: RankedCandidate[]; omitted: RankedCandidate[]; selected: RankedCandidate | null} {
	const {sorted, omitted} = sortCgroupContexts(candidates, comparePgscanRateAndMemoryUsage, prefix);
	const selected = sorted.find((c) => !(c.pgscan === 0 && c.current === 0)) ?? null;
	return {sorted, omitted, selected};
}

/**
 * oomd_select_by_swap_usage(): ranked with compare_swap_usage() (no prefix: preferences are fetched
 * against the root); the first using more than `thresholdBytes` (THRESHOLD_SWAP_USED_PERCENT of
 * SwapTotal) is chosen, looking on past the others to the `avoid` ones at the end.
 */
export function selectBySwapUsage(
	candidates: readonly OomdCandidate[],
	thresholdBytes: number,
): {sorted: RankedCandidate[]; omitted: RankedCandidate[]; selected: RankedCandidate | null} {
	const {sorted, omitted} = sortCgroupContexts(candidates, compareSwapUsage, null);
	const selected = sorted.find((c) => c.swapUsage > thresholdBytes) ?? null;
	return {sorted, omitted, selected};
}

/** OomdSystemContext: /proc/meminfo's totals as oomd reads them, bytes. */
export interface OomdSystemContext {
	memTotal: number;
	/** MemTotal − MemAvailable. */
	memUsed: number;
	swapTotal: number;
	/** SwapTotal − SwapFree. */
	swapUsed: number;
}

/** oomd_mem_available_below(): (total − used) < total × permyriad / 10000, in integer maths. */
export function memAvailableBelow(ctx: OomdSystemContext, thresholdPermyriad: number): boolean {
	const threshold = Math.floor((ctx.memTotal * thresholdPermyriad) / 10000);
	return Math.max(0, ctx.memTotal - ctx.memUsed) < threshold;
}

/** oomd_swap_free_below(): (swap total − swap used) < swap total × permyriad / 10000. */
export function swapFreeBelow(ctx: OomdSystemContext, thresholdPermyriad: number): boolean {
	const threshold = Math.floor((ctx.swapTotal * thresholdPermyriad) / 10000);
	return ctx.swapTotal - ctx.swapUsed < threshold;
}

/**
 * monitor_swap_contexts_handler()'s test: MemAvailable and SwapFree are both below
 * (100 − SwapUsedLimit) % of their totals (10 % at the default 90 %).
 */
export function swapLimitHit(ctx: OomdSystemContext, swapUsedLimitPercent: number): boolean {
	const free = 10000 - swapUsedLimitPercent * 100;
	return memAvailableBelow(ctx, free) && swapFreeBelow(ctx, free);
}

/** LOADAVG_INT_SIDE.LOADAVG_DECIMAL_SIDE "%lu.%02lu%%": 72.3 → "72.30%". */
export function formatPercent(p: number): string {
	return `${p.toFixed(2)}%`;
}

/** format_timespan()'s units from a minute up (src/basic/time-util.c), in seconds. */
const TIMESPAN_UNITS: [string, number][] = [
	['y', 31_557_600],
	['month', 2_629_800],
	['w', 604_800],
	['d', 86_400],
	['h', 3_600],
	['min', 60],
	['s', 1],
];

/**
 * FORMAT_TIMESPAN(usec, USEC_PER_SEC) (time-util.c format_timespan() at 1 s accuracy): whole units
 * largest first, joined by spaces, what is below a second dropped: 30 s "30s", 90 s "1min 30s",
 * 3600 s "1h", 1.5 s "1s".
 */
export function formatTimespanSec(us: number): string {
	let t = Math.floor(us / 1_000_000);
	if (t <= 0) return '0';
	const parts: string[] = [];
	for (const [unit, secs] of TIMESPAN_UNITS) {
		if (t < secs) continue;
		parts.push(`${Math.floor(t / secs)}${unit}`);
		t %= secs;
	}
	return parts.join(' ');
}

/** systemd-oomd's notice for a pressure kill (monitor_memory_pressure_contexts_handler). */
export function pressureKillLine(pid: number, selected: string, target: PressureContext): string {
	return `systemd-oomd[${pid}]: Killed ${selected} due to memory pressure for ${target.path} being ${formatPercent(target.fullAvg10)} > ${formatPercent(target.limitPercent)} for > ${formatTimespanSec(target.durationUs)} with reclaim activity`;
}

/** systemd-oomd's notice for a swap kill (monitor_swap_contexts_handler). */
export function swapKillLine(
	pid: number,
	selected: string,
	sys: OomdSystemContext,
	limitPercent: number,
): string {
	return `systemd-oomd[${pid}]: Killed ${selected} due to memory used (${sys.memUsed}) / total (${sys.memTotal}) and swap used (${sys.swapUsed}) / total (${sys.swapTotal}) being more than ${formatPercent(limitPercent)}`;
}
