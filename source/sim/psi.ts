// Pressure stall information for memory, as kernel/sched/psi.c aggregates and averages it.

/** Fixed-point 1.0 in the load-average arithmetic (FSHIFT 11). */
export const FIXED_1 = 2048;
/** exp(-2s/10s), exp(-2s/60s), exp(-2s/300s) in 1/2048 fixed point. */
export const EXP_10S = 1677;
export const EXP_60S = 1981;
export const EXP_300S = 2034;
/** Averages are updated every PSI_FREQ = 2 s. */
export const PSI_PERIOD_US = 2_000_000;

/** calc_load(): one step of the exponentially decaying average, in fixed point. */
export function calcLoad(load: number, exp: number, active: number): number {
	let newload = load * exp + active * (FIXED_1 - exp);
	if (active >= load) newload += FIXED_1 - 1;
	return Math.floor(newload / FIXED_1);
}

/** LOAD_INT.LOAD_FRAC of a fixed-point average, as /proc/pressure prints it (e.g. 12.34). */
export function avgToPercent(avg: number): number {
	const whole = Math.floor(avg / FIXED_1);
	const frac = Math.floor(((avg & (FIXED_1 - 1)) * 100) / FIXED_1);
	// One division of exact integers: 136/100 is the double nearest 1.36 (1 + 36/100 is not).
	return (whole * 100 + frac) / 100;
}

/** One line (some or full) of /proc/pressure/memory: the running averages and the total. */
export class PsiLineState {
	/** Fixed-point averages: avg10, avg60, avg300. */
	readonly avgs = [0, 0, 0];
	/** Cumulative stall in microseconds (fractional: stall is accounted in shares of ticks). */
	totalUs = 0;
	/** Stall within the current 2 s period. */
	periodUs = 0;

	add(stallUs: number): void {
		this.totalUs += stallUs;
		this.periodUs += stallUs;
	}

	/** calc_avgs(): pct = stall * 100 / period, then each average decays toward it. */
	closePeriod(periodUs: number): void {
		const pct = Math.min(100, Math.floor((this.periodUs * 100) / periodUs)) * FIXED_1;
		this.avgs[0] = calcLoad(this.avgs[0]!, EXP_10S, pct);
		this.avgs[1] = calcLoad(this.avgs[1]!, EXP_60S, pct);
		this.avgs[2] = calcLoad(this.avgs[2]!, EXP_300S, pct);
		this.periodUs = 0;
	}
}

/**
 * Share of one tick that counts as SOME and FULL memory stall, from the tasks' stall fractions.
 * psi.c: threads = min(nonidle, cpus); SOME = min(delayed / threads, 1);
 * FULL = (threads − min(productive, threads)) / threads, and only while someone is memstalled.
 */
export function stallShares(
	delayed: number,
	productive: number,
	nonidle: number,
	cpus: number,
): {some: number; full: number} {
	if (delayed <= 0 || nonidle <= 0) return {some: 0, full: 0};
	const threads = Math.min(nonidle, cpus);
	const some = Math.min(delayed / threads, 1);
	const full = Math.min(some, (threads - Math.min(productive, threads)) / threads);
	return {some, full: Math.max(0, full)};
}
