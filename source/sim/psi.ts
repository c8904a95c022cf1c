// Pressure stall information for memory, as kernel/sched/psi.c aggregates and averages it: each
// tick the tasks' memory stall is folded into SOME and FULL, and every 2 s the averages move.
import type {Proc} from './process.js';
import {TICK_US} from './units.js';

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

/** PSI_FREQ in ticks. */
const PSI_PERIOD_TICKS = PSI_PERIOD_US / TICK_US;

interface SavedLine {
	avgs: number[];
	totalUs: number;
	periodUs: number;
}

/** /proc/pressure/memory for the whole machine. */
export class Psi {
	readonly some = new PsiLineState();
	readonly full = new PsiLineState();

	constructor(private readonly cpus: number) {}

	/**
	 * psi_group_change() for one tick: each running task's memory-stalled and productive shares, plus
	 * kswapd's reclaim time (itself a memstall), folded into this tick's SOME and FULL time.
	 */
	account(procs: readonly (Proc | null)[], kswapdBusyUs: number): void {
		let delayed = 0;
		let productive = 0;
		let nonidle = 0;
		for (const p of procs) {
			if (!p || p.exited || p.state === 'sleeping') continue;
			nonidle++;
			const mem = Math.min(1, p.tickMemUs / TICK_US);
			const io = Math.min(1 - mem, p.tickIoUs / TICK_US);
			delayed += mem;
			productive += Math.max(0, 1 - mem - io);
		}
		if (kswapdBusyUs > 0) {
			// kswapd's reclaim work is itself a memory stall (psi_memstall_enter in balance_pgdat).
			nonidle++;
			delayed += kswapdBusyUs / TICK_US;
		}
		const {some, full} = stallShares(delayed, productive, nonidle, this.cpus);
		this.some.add(some * TICK_US);
		this.full.add(full * TICK_US);
	}

	/** The clock reached `tick`: at every PSI_FREQ the averages take in the period (calc_avgs). */
	tickTo(tick: number): void {
		if (tick % PSI_PERIOD_TICKS !== 0) return;
		this.some.closePeriod(PSI_PERIOD_US);
		this.full.closePeriod(PSI_PERIOD_US);
	}

	save() {
		return {
			psi: [this.some, this.full].map((s) => ({avgs: s.avgs, totalUs: s.totalUs, periodUs: s.periodUs})),
		};
	}

	load(s: {psi: SavedLine[]}): void {
		[this.some, this.full].forEach((line, i) => {
			const saved = s.psi[i]!;
			line.avgs.splice(0, 3, ...saved.avgs);
			line.totalUs = saved.totalUs;
			line.periodUs = saved.periodUs;
		});
	}
}
