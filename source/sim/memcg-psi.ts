// Pressure stall information per cgroup (kernel/sched/psi.c): every cgroup has its own psi_group,
// and a task's state changes count in the group of its cgroup and of every ancestor
// (psi_task_change walks the cgroup's ancestors), so memory.pressure of a cgroup is PSI computed
// over the tasks in its subtree only, with the same SOME/FULL rules and averages as the machine's.
import type {Memcontrol} from './memcontrol.js';
import type {Proc} from './process.js';
import {PSI_PERIOD_US, stallShares} from './psi.js';
import {TICK_US} from './units.js';

const PSI_PERIOD_TICKS = PSI_PERIOD_US / TICK_US;

export class MemcgPsi {
	private readonly delayed: Float64Array;
	private readonly productive: Float64Array;
	private readonly nonidle: Float64Array;

	constructor(
		private readonly mc: Memcontrol,
		private readonly cpus: number,
	) {
		this.delayed = new Float64Array(mc.count);
		this.productive = new Float64Array(mc.count);
		this.nonidle = new Float64Array(mc.count);
	}

	/** psi_group_change() for one tick in every cgroup's group (kswapd runs in the root: the machine's PSI has it). */
	account(procs: readonly (Proc | null)[]): void {
		const mc = this.mc;
		if (!mc.enabled) return;
		const {delayed, productive, nonidle} = this;
		delayed.fill(0);
		productive.fill(0);
		nonidle.fill(0);
		const nodes = mc.nodes;
		for (const p of procs) {
			if (!p || p.exited || p.state === 'sleeping') continue;
			const mem = Math.min(1, p.tickMemUs / TICK_US);
			const io = Math.min(1 - mem, p.tickIoUs / TICK_US);
			const prod = Math.max(0, 1 - mem - io);
			for (let c = mc.memcgOfProc(p); c >= 0; c = nodes[c]!.parent) {
				nonidle[c]!++;
				delayed[c]! += mem;
				productive[c]! += prod;
			}
		}
		for (let c = 0; c < mc.count; c++) {
			const {some, full} = stallShares(delayed[c]!, productive[c]!, nonidle[c]!, this.cpus);
			mc.psiSome[c]!.add(some * TICK_US);
			mc.psiFull[c]!.add(full * TICK_US);
		}
	}

	/** The averages move every PSI_FREQ (calc_avgs), as the machine's do. */
	tickTo(tick: number): void {
		const mc = this.mc;
		if (!mc.enabled || tick % PSI_PERIOD_TICKS !== 0) return;
		for (let c = 0; c < mc.count; c++) {
			mc.psiSome[c]!.closePeriod(PSI_PERIOD_US);
			mc.psiFull[c]!.closePeriod(PSI_PERIOD_US);
		}
	}
}
