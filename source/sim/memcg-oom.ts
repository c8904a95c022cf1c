// The memcg OOM killer (mm/oom_kill.c with oc->memcg set, mm/memcontrol.c mem_cgroup_oom): when a
// charge cannot fit under memory.max after reclaim, the victim is chosen by oom_badness() among the
// tasks of the cgroup over its limit only (mem_cgroup_scan_tasks), with totalpages the cgroup's own
// limit (mem_cgroup_get_max), and memory.oom.group widens the kill to a whole cgroup
// (mem_cgroup_get_oom_group). The constraint is CONSTRAINT_MEMCG: the rest of the machine may
// have plenty of free memory.

import {type Core, CoreModule} from './core.js';
import type {Lifecycle} from './lifecycle.js';
import {
	MEMCG_MAX,
	MEMCG_OOM,
	MEMCG_OOM_GROUP_KILL,
	MEMCG_OOM_KILL,
	type Memcontrol,
	PAGE_COUNTER_MAX,
} from './memcontrol.js';
import {oomInputs, oomReapedLine, oomUnkillable, rankOomCandidates} from './oom.js';
import type {Proc} from './process.js';
import type {Swapfile} from './swapfile.js';
import {KIB, pagesToKb} from './units.js';
import {totalVm} from './vma.js';

/**
 * mem_cgroup_get_max(): the memcg's memory.max plus the swap it may still use (its swap.max less
 * what it has in swap, at most the swap there is), capped at RAM + swap when unlimited.
 */
export function memcgGetMax(
	max: number,
	swapMax: number,
	swapUsage: number,
	totalSwap: number,
	totalRam: number,
): number {
	const swap = Math.min(Math.max(0, swapMax - swapUsage), totalSwap);
	const mem = max === PAGE_COUNTER_MAX ? totalRam : max;
	return mem + swap;
}

/**
 * mem_cgroup_get_oom_group(): the highest ancestor of the victim's memcg, up to and including the
 * OOM domain, with memory.oom.group set; −1 when none (kill the victim alone).
 */
export function oomGroupOf(mc: Memcontrol, victimMemcg: number, domain: number): number {
	let group = -1;
	for (let c = victimMemcg; c >= 0; c = mc.nodes[c]!.parent) {
		if (mc.nodes[c]!.oomGroup) group = c;
		if (c === domain) break;
	}
	return group;
}

export class MemcgOom extends CoreModule {
	/** Killed by a memcg OOM, memory not yet released (they exit on the next tick, as the global victim does). */
	private victims: Proc[] = [];
	private victimTick = 0;

	constructor(
		core: Core,
		private readonly mc: Memcontrol,
		private readonly swapfile: Swapfile,
		private readonly lifecycle: Lifecycle,
	) {
		super(core);
	}

	/** A victim in `memcg`'s subtree is still exiting: oom_evaluate_task() would abort and wait. */
	victimPendingIn(memcg: number): boolean {
		return this.victims.some((v) => this.mc.isDescendant(this.mc.memcgOfProc(v), memcg));
	}

	/** mem_cgroup_out_of_memory(): kill the worst task in `memcg` (and its oom.group). Returns whether one was killed. */
	outOfMemory(invoker: Proc, memcg: number): boolean {
		const mc = this.mc;
		const tick = this.clock.tick;
		mc.event(memcg, MEMCG_OOM);
		const node = mc.nodes[memcg]!;
		const totalPages = memcgGetMax(
			node.max,
			node.swapMax,
			mc.swapUsage[memcg]!,
			this.swapfile.totalPages,
			this.zone.totalPages,
		);
		// mem_cgroup_scan_tasks(): only the tasks of the memcg over its limit and its descendants.
		const tasks = this.tasks.liveProcs().filter((p) => !p.dying && mc.isDescendant(mc.memcgOfProc(p), memcg));
		const candidates = rankOomCandidates(tasks.map(oomInputs), totalPages);
		const unkillable = oomUnkillable(
			this.tasks.liveProcs().filter((p) => mc.isDescendant(mc.memcgOfProc(p), memcg)),
		);
		const chosen = candidates[0];
		if (!chosen) {
			this.events.emit({
				kind: 'alloc-fail',
				tick,
				pid: invoker.pid,
				name: invoker.name,
				reason: `memory cgroup ${node.path} out of memory and no killable process in it`,
			});
			return false;
		}
		const victim = this.tasks.procByPid(chosen.pid)!;
		const victimMemcg = mc.memcgOfProc(victim);
		const group = oomGroupOf(mc, victimMemcg, memcg);
		const lines = this.lines(invoker, victim, memcg, victimMemcg);
		const killed = [victim];
		if (group >= 0) {
			// mem_cgroup_scan_tasks(oom_group, oom_kill_memcg_member): every other task of the group.
			for (const p of this.tasks.liveProcs()) {
				if (p === victim || p.dying || p.oomScoreAdj === -1000) continue;
				if (mc.isDescendant(mc.memcgOfProc(p), group)) killed.push(p);
			}
			lines.push(`Tasks in ${mc.nodes[group]!.path} are going to be killed due to memory.oom.group set`);
			mc.event(group, MEMCG_OOM_GROUP_KILL);
		}
		for (const p of killed) {
			p.dying = true;
			p.state = 'dying';
			mc.event(mc.memcgOfProc(p), MEMCG_OOM_KILL);
			this.vm.oom_kill++;
			this.victims.push(p);
			if (p !== victim)
				lines.push(`Memory cgroup out of memory: Killed process ${p.pid} (${p.name}) ${this.rssText(p)}`);
		}
		this.victimTick = tick;
		const reason = `${node.path} reached memory.max (${pagesToKb(node.max)} kB)${group >= 0 ? `; memory.oom.group of ${mc.nodes[group]!.path} kills it whole` : ''}`;
		this.events.emit({
			kind: 'oom-kill',
			tick,
			pid: victim.pid,
			name: victim.name,
			lines,
			candidates,
			...(unkillable.length > 0 ? {unkillable} : {}),
			constraint: 'memcg',
			memcg: node.path,
			reason,
		});
		return true;
	}

	/** The kernel's log for a memcg OOM kill (dump_header with the memcg's counters, oom-kill:, Killed process). */
	private lines(invoker: Proc, victim: Proc, memcg: number, victimMemcg: number): string[] {
		const mc = this.mc;
		const node = mc.nodes[memcg]!;
		const limit = (pages: number) => (pages === PAGE_COUNTER_MAX ? 9007199254740988 : pagesToKb(pages));
		return [
			`${invoker.name} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=${invoker.oomScoreAdj}`,
			`memory: usage ${pagesToKb(mc.usage[memcg]!)}kB, limit ${limit(node.max)}kB, failcnt ${mc.eventCount(memcg, MEMCG_MAX)}`,
			`swap: usage ${pagesToKb(mc.swapUsage[memcg]!)}kB, limit ${limit(node.swapMax)}kB, failcnt 0`,
			`oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${node.path},task_memcg=${mc.nodes[victimMemcg]!.path},task=${victim.name},pid=${victim.pid},uid=${victim.uid}`,
			`Memory cgroup out of memory: Killed process ${victim.pid} (${victim.name}) ${this.rssText(victim)}`,
		];
	}

	private rssText(v: Proc): string {
		return `total-vm:${pagesToKb(totalVm(v.regions))}kB, anon-rss:${pagesToKb(v.rssAnon)}kB, file-rss:${pagesToKb(v.rssFile)}kB, shmem-rss:${pagesToKb(v.rssShmem)}kB, UID:${v.uid} pgtables:${Math.floor(v.pgtablesBytes / KIB)}kB oom_score_adj:${v.oomScoreAdj}`;
	}

	/** The victims exit on the tick after the kill, freeing their memory (the oom_reaper's work). */
	reap(): void {
		if (this.victims.length === 0 || this.clock.tick <= this.victimTick) return;
		const victims = this.victims;
		this.victims = [];
		for (const v of victims) {
			if (v.exited) continue;
			this.lifecycle.exit(v, 'oom-killed');
			this.events.emit({
				kind: 'oom-reaped',
				tick: this.clock.tick,
				pid: v.pid,
				name: v.name,
				line: oomReapedLine(v.pid, v.name, {anon: 0, file: 0, shmem: 0}),
			});
		}
	}

	save() {
		return {victims: this.victims.map((v) => v.pid), victimTick: this.victimTick};
	}

	load(s: {victims: number[]; victimTick: number}): void {
		this.victims = s.victims
			.map((pid) => this.tasks.procByPid(pid))
			.filter((p): p is Proc => p !== undefined);
		this.victimTick = s.victimTick;
	}
}
