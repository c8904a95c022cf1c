// Charging a page to a memory cgroup (mm/memcontrol.c try_charge_memcg): a page that would take a
// memcg past memory.max counts a `max` event, then the charging task reclaims from that memcg
// (try_to_free_mem_cgroup_pages, a memstall) and retries: while reclaim makes progress it keeps
// retrying; after MAX_RECLAIM_RETRIES more rounds without progress the memcg is out of memory and
// its own OOM killer runs (mem_cgroup_oom), whatever the rest of the machine has free.
import {type Core, CoreModule} from './core.js';
import {OOM_WAIT_US} from './costs.js';
import type {MemcgHigh} from './memcg-high.js';
import type {MemcgOom} from './memcg-oom.js';
import {MEMCG_MAX, type Memcontrol, ROOT_MEMCG} from './memcontrol.js';
import type {Proc} from './process.js';
import {MAX_RECLAIM_RETRIES, TICK_US} from './units.js';
import type {Vmscan} from './vmscan.js';

/** The charge fits: take the page. */
export const CHARGE_OK = 0;
/** The charging task was chosen by the memcg OOM killer: the fault fails. */
export const CHARGE_KILLED = -1;
/** No room now (reclaim used up this tick, or a victim is still exiting): retry on the next tick. */
export const CHARGE_RETRY = -2;
/** A charger that has stalled this long in memcg reclaim gives up the tick. */
const CHARGE_TICK_LIMIT_US = 4 * TICK_US;

export class MemcgCharge extends CoreModule {
	constructor(
		core: Core,
		private readonly mc: Memcontrol,
		private readonly vmscan: Vmscan,
		private readonly oom: MemcgOom,
		private readonly high: MemcgHigh,
	) {
		super(core);
	}

	/**
	 * try_charge_memcg() for one page of process `p`: CHARGE_OK when the page fits under every
	 * ancestor's memory.max (reclaiming in the memcg over its limit first if need be), else
	 * CHARGE_RETRY or CHARGE_KILLED. The caller takes the frame and commits the charge.
	 */
	tryCharge(p: Proc): number {
		const mc = this.mc;
		const id = mc.memcgOfProc(p);
		if (id === ROOT_MEMCG) return CHARGE_OK;
		let over = mc.overMax(id);
		if (over < 0) return this.charged(p, id);
		// should_force_charge(): a task that is exiting or killed may go over the limit to finish.
		if (p.dying) return CHARGE_OK;
		let retries = MAX_RECLAIM_RETRIES;
		for (;;) {
			mc.event(over, MEMCG_MAX);
			const reclaimed = this.vmscan.directReclaim(p, over);
			// mem_cgroup_margin() >= nr_pages: retry the charge (another ancestor may still be over).
			if (mc.margin(over) >= 1) {
				over = mc.overMax(id);
				if (over < 0) return this.charged(p, id);
				continue;
			}
			if (reclaimed > 0) {
				// nr_reclaimed && nr_pages <= (1 << PAGE_ALLOC_COSTLY_ORDER): goto retry (no retry used up);
				// others in the cgroup keep taking what we free: stop for this tick.
				if (p.tickMemUs > CHARGE_TICK_LIMIT_US) return CHARGE_RETRY;
				continue;
			}
			// if (nr_retries--) goto retry;
			if (retries-- > 0) continue;
			if (this.oom.victimPendingIn(over)) {
				// oom_evaluate_task() finds a victim still exiting: wait for it (the charge is retried).
				p.waitingOom = true;
				p.tickMemUs += OOM_WAIT_US;
				return CHARGE_RETRY;
			}
			this.oom.outOfMemory(p, over);
			if (p.dying) return CHARGE_KILLED;
			p.waitingOom = true;
			return CHARGE_RETRY;
		}
	}

	/** done_restock: the charge fits; over memory.high it is noted for the return to user space. */
	private charged(p: Proc, id: number): number {
		this.high.noteCharge(p, id);
		return CHARGE_OK;
	}
}
