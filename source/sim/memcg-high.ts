// memory.high (mm/memcontrol.c): a charge that leaves a memcg or one of its ancestors above
// memory.high succeeds, but try_charge_memcg() notes the pages in current->memcg_nr_pages_over_high
// and asks for mem_cgroup_handle_over_high() on the task's return to user space. There the task
// first reclaims from every over-high memcg of its own (reclaim_high, a `high` event each, a memory
// stall), and if reclaim cannot bring the overage down it sleeps for a penalty that grows with the
// square of the overage (calculate_overage, calculate_high_delay), at most 2 s per return, inside
// psi_memstall_enter(): throttled instead of OOM-killed, and the stall shows in memory.pressure.
//
// The kernel charges the page counter MEMCG_CHARGE_BATCH (64) pages at a time through its per-CPU
// stock, so a task over high owes 64 pages at once, once every 64 pages it faults; this model
// charges page by page and counts the pages, and handles the overage at the fault that makes 64.
import {type Core, CoreModule} from './core.js';
import {SWAP_CLUSTER_MAX} from './lruvec.js';
import {MEMCG_HIGH, type Memcontrol, ROOT_MEMCG} from './memcontrol.js';
import type {Proc} from './process.js';
import {MAX_RECLAIM_RETRIES, TICK_US} from './units.js';
import type {Vmscan} from './vmscan.js';

/** MEMCG_CHARGE_BATCH (include/linux/memcontrol.h, 64 since Linux 6.1). */
export const MEMCG_CHARGE_BATCH = 64;
/** The penalty is reckoned in jiffies at HZ=1000 (the kernel comment's table is in ms at HZ=1000). */
export const HZ = 1000;
const US_PER_JIFFY = 1_000_000 / HZ;
/** MEMCG_MAX_HIGH_DELAY_JIFFIES: at most 2 s of sleep per return to user space. */
export const MEMCG_MAX_HIGH_DELAY_JIFFIES = 2 * HZ;
export const MEMCG_DELAY_PRECISION_SHIFT = 20;
export const MEMCG_DELAY_SCALING_SHIFT = 14;

/** calculate_overage(): (usage − high) / high as a fixed-point fraction with 20 bits after the point; 0 at or under high. */
export function calculateOverage(usage: number, high: number): number {
	if (usage <= high) return 0;
	// Prevent division by 0: act as if the threshold were 1 page.
	const h = Math.max(high, 1);
	return Math.floor(((usage - h) * 2 ** MEMCG_DELAY_PRECISION_SHIFT) / h);
}

/**
 * calculate_high_delay(): penalty_jiffies = max_overage² × HZ >> (PRECISION_SHIFT + SCALING_SHIFT),
 * scaled by the task's own share, nr_pages / MEMCG_CHARGE_BATCH (u64 arithmetic, here in BigInt).
 */
export function calculateHighDelay(nrPages: number, maxOverage: number): number {
	if (maxOverage === 0) return 0;
	const o = BigInt(maxOverage);
	let penalty = o * o * BigInt(HZ);
	penalty >>= BigInt(MEMCG_DELAY_PRECISION_SHIFT);
	penalty >>= BigInt(MEMCG_DELAY_SCALING_SHIFT);
	return Number((penalty * BigInt(nrPages)) / BigInt(MEMCG_CHARGE_BATCH));
}

/**
 * The jiffies mem_cgroup_handle_over_high() sleeps for a task owing `nrPages` at the given overage:
 * the delay clamped to 2 s, and 0 when it comes to HZ/100 (10 ms) or less ("not even worth doing").
 */
export function highSleepJiffies(nrPages: number, maxOverage: number): number {
	const penalty = Math.min(calculateHighDelay(nrPages, maxOverage), MEMCG_MAX_HIGH_DELAY_JIFFIES);
	return penalty <= HZ / 100 ? 0 : penalty;
}

export class MemcgHigh extends CoreModule {
	/** current->memcg_nr_pages_over_high of each task that owes some. */
	private readonly overHigh = new Map<Proc, number>();
	/** What is left of each throttled task's schedule_timeout_killable() (µs). */
	private readonly sleepUs = new Map<Proc, number>();

	constructor(
		core: Core,
		private readonly mc: Memcontrol,
		private readonly vmscan: Vmscan,
	) {
		super(core);
	}

	/** try_charge_memcg()'s done_restock: a page charged to `id` leaves it or an ancestor above memory.high. */
	noteCharge(p: Proc, id: number): void {
		const mc = this.mc;
		const nodes = mc.nodes;
		for (let c = id; c > ROOT_MEMCG; c = nodes[c]!.parent) {
			// The page is not committed yet: it will make usage + 1.
			if (mc.usage[c]! + 1 > nodes[c]!.high) {
				this.overHigh.set(p, (this.overHigh.get(p) ?? 0) + 1);
				return;
			}
		}
	}

	/** mem_find_max_overage(): the largest overage of `id` and its ancestors below the root. */
	maxOverage(id: number): number {
		const mc = this.mc;
		let max = 0;
		for (let c = id; c > ROOT_MEMCG; c = mc.nodes[c]!.parent) {
			max = Math.max(max, calculateOverage(mc.usage[c]!, mc.nodes[c]!.high));
		}
		return max;
	}

	/**
	 * reclaim_high(): from `id` up to (not including) the root, every memcg above its memory.high
	 * counts a `high` event and is reclaimed from (try_to_free_mem_cgroup_pages, a memory stall).
	 */
	private reclaimHigh(p: Proc, id: number, nrPages: number): number {
		const mc = this.mc;
		let reclaimed = 0;
		for (let c = id; c > ROOT_MEMCG; c = mc.nodes[c]!.parent) {
			if (mc.usage[c]! <= mc.nodes[c]!.high) continue;
			mc.event(c, MEMCG_HIGH);
			reclaimed += this.vmscan.directReclaim(p, c, Math.max(nrPages, SWAP_CLUSTER_MAX));
		}
		return reclaimed;
	}

	/**
	 * The return to user space after a fault at `used` µs into the tick: mem_cgroup_handle_over_high()
	 * once the task owes a charge batch. Returns `used` plus the time it took (reclaim, and the part
	 * of the sleep that falls in this tick; the rest is slept on the next ticks, see sleepTick).
	 */
	returnToUser(p: Proc, used: number): number {
		if (this.overHigh.size === 0) return used;
		const nrPages = this.overHigh.get(p) ?? 0;
		if (nrPages < MEMCG_CHARGE_BATCH) return used;
		this.overHigh.delete(p);
		// Bail if the task is already exiting (task_is_dying): memory.high has no OOM killer behind it.
		if (p.dying) return used;
		const id = this.mc.memcgOfProc(p);
		const before = p.tickReclaimUs;
		let retries = MAX_RECLAIM_RETRIES;
		let inRetry = false;
		let jiffies = 0;
		for (;;) {
			// The first round reclaims the batch, the retries only SWAP_CLUSTER_MAX each.
			const reclaimed = this.reclaimHigh(p, id, inRetry ? SWAP_CLUSTER_MAX : nrPages);
			jiffies = highSleepJiffies(nrPages, this.maxOverage(id));
			if (jiffies === 0) break;
			// Reclaim is making progress (or has retries left): keep reclaiming rather than throttle.
			if (reclaimed > 0 || retries-- > 0) {
				inRetry = true;
				continue;
			}
			break;
		}
		const t = used + (p.tickReclaimUs - before);
		if (jiffies === 0) return t;
		// psi_memstall_enter(); schedule_timeout_killable(penalty_jiffies); psi_memstall_leave().
		this.sleepUs.set(p, jiffies * US_PER_JIFFY);
		return t + this.sleepTick(p, t);
	}

	/** Is `p` sleeping off a memory.high penalty? */
	asleep(p: Proc): boolean {
		return this.sleepUs.size > 0 && this.sleepUs.has(p);
	}

	/** The part of `p`'s penalty that falls in this tick from `used` µs on, as a memory stall. Returns it. */
	sleepTick(p: Proc, used: number): number {
		if (this.sleepUs.size === 0) return 0;
		const left = this.sleepUs.get(p);
		if (left === undefined) return 0;
		const d = Math.min(left, Math.max(0, TICK_US - used));
		if (left - d > 0 && !p.dying) this.sleepUs.set(p, left - d);
		else this.sleepUs.delete(p);
		p.tickMemUs += d;
		p.tickThrottleUs += d;
		p.lastWait = 'throttled';
		return d;
	}

	/** exec(2) gave the task a new mm (exec.ts): its over-high debt and penalty are the task's, and stay. */
	execed(old: Proc, p: Proc): void {
		for (const map of [this.overHigh, this.sleepUs]) {
			const v = map.get(old);
			if (v === undefined) continue;
			map.delete(old);
			map.set(p, v);
		}
	}

	/** Tasks that exited take their debts with them. */
	private live(map: Map<Proc, number>): [number, number][] {
		const out: [number, number][] = [];
		for (const [p, v] of map) if (!p.exited) out.push([p.pid, v]);
		return out.sort((a, b) => a[0] - b[0]);
	}

	save() {
		return {overHigh: this.live(this.overHigh), sleepUs: this.live(this.sleepUs)};
	}

	load(s: ReturnType<MemcgHigh['save']>): void {
		for (const [map, pairs] of [
			[this.overHigh, s.overHigh],
			[this.sleepUs, s.sleepUs],
		] as const) {
			map.clear();
			for (const [pid, v] of pairs) {
				const p = this.tasks.procByPid(pid);
				if (p) map.set(p, v);
			}
		}
	}
}
