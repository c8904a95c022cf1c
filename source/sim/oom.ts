import {type Core, CoreModule} from './core.js';
import type {OomCandidate, OomUnkillable} from './events.js';
import type {Lifecycle} from './lifecycle.js';
import type {Proc} from './process.js';
import type {Swapfile} from './swapfile.js';
import {KIB, PAGE_SIZE, pagesToKb} from './units.js';
import {totalVm} from './vma.js';

export const OOM_SCORE_ADJ_MIN = -1000;
export const OOM_SCORE_ADJ_MAX = 1000;

export interface OomInputs {
	pid: number;
	name: string;
	/** Resident pages: anon + file + shmem. */
	rss: number;
	/** Swap entries (MM_SWAPENTS). */
	swapents: number;
	pgtablesBytes: number;
	oomScoreAdj: number;
}

/** What oom_badness() reads of a process: one place that builds it. */
export function oomInputs(p: Proc): OomInputs {
	return {
		pid: p.pid,
		name: p.name,
		rss: p.rss,
		swapents: p.swapEnts,
		pgtablesBytes: p.pgtablesBytes,
		oomScoreAdj: p.oomScoreAdj,
	};
}

/**
 * oom_badness(): rss + swap entries + page-table pages, plus oom_score_adj × (totalpages / 1000)
 * (integer division first, as the kernel does). oom_score_adj −1000 returns null: never a victim.
 */
export function oomBadness(p: OomInputs, totalPages: number): OomCandidate | null {
	if (p.oomScoreAdj === OOM_SCORE_ADJ_MIN) return null;
	const pgtables = Math.floor(p.pgtablesBytes / PAGE_SIZE);
	const adjPages = p.oomScoreAdj * Math.floor(totalPages / 1000);
	return {
		pid: p.pid,
		name: p.name,
		rss: p.rss,
		swapents: p.swapents,
		pgtables,
		oomScoreAdj: p.oomScoreAdj,
		adjPages,
		badness: p.rss + p.swapents + pgtables + adjPages,
	};
}

/** /proc/PID/oom_score since 5.9: (1000 + badness·1000/totalpages)·2/3 in C integer maths; 0 when unkillable. */
export function oomScore(p: OomInputs, totalPages: number): number {
	return oomScoreOf(oomBadness(p, totalPages), totalPages);
}

/** oom_score from an oom_badness() already computed (null: unkillable). */
export function oomScoreOf(c: OomCandidate | null, totalPages: number): number {
	if (!c) return 0;
	return Math.trunc(((1000 + Math.trunc((c.badness * 1000) / totalPages)) * 2) / 3);
}

/**
 * oom_evaluate_task(): the candidate with the most points; on a tie the later task in the task
 * list wins (the kernel only skips points < chosen_points). Returns candidates ranked, victim first.
 */
export function rankOomCandidates(procs: readonly OomInputs[], totalPages: number): OomCandidate[] {
	const out: OomCandidate[] = [];
	for (const p of procs) {
		const c = oomBadness(p, totalPages);
		if (c) out.push(c);
	}
	// Stable sort by badness descending, later pid first on ties.
	return out.sort((a, b) => b.badness - a.badness || b.pid - a.pid);
}

/**
 * dump_tasks() prints every task with an mm, killable or not; oom_evaluate_task() passes over the
 * ones oom_badness() returns LONG_MIN for (oom_score_adj OOM_SCORE_ADJ_MIN) and those already being
 * killed (tsk_is_oom_victim, MMF_OOM_SKIP). Those, with why, in task-list order.
 */
export function oomUnkillable(procs: readonly Proc[]): OomUnkillable[] {
	const out: OomUnkillable[] = [];
	for (const p of procs) {
		const adjMin = p.oomScoreAdj === OOM_SCORE_ADJ_MIN;
		if (!adjMin && !p.dying) continue;
		out.push({
			pid: p.pid,
			name: p.name,
			rss: p.rss,
			swapents: p.swapEnts,
			pgtables: Math.floor(p.pgtablesBytes / PAGE_SIZE),
			oomScoreAdj: p.oomScoreAdj,
			reason: p.dying
				? 'already exiting (an OOM victim)'
				: 'oom_score_adj -1000 (OOM_SCORE_ADJ_MIN): never killed',
		});
	}
	return out;
}

export interface OomVictimDetails extends OomInputs {
	uid: number;
	vsizePages: number;
	anon: number;
	file: number;
	shmem: number;
}

/** The kernel's log lines for one global OOM kill, in order (dump_header, oom-kill, __oom_kill_process). */
export function oomKillLines(invoker: {name: string; oomScoreAdj: number}, v: OomVictimDetails): string[] {
	return [
		`${invoker.name} invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=${invoker.oomScoreAdj}`,
		`oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=${v.name},pid=${v.pid},uid=${v.uid}`,
		`Out of memory: Killed process ${v.pid} (${v.name}) total-vm:${pagesToKb(v.vsizePages)}kB, anon-rss:${pagesToKb(v.anon)}kB, file-rss:${pagesToKb(v.file)}kB, shmem-rss:${pagesToKb(v.shmem)}kB, UID:${v.uid} pgtables:${Math.floor(v.pgtablesBytes / KIB)}kB oom_score_adj:${v.oomScoreAdj}`,
	];
}

/** oom_reap_task_mm()'s closing line: what is left after the victim's memory was torn down. */
export function oomReapedLine(
	pid: number,
	name: string,
	left: {anon: number; file: number; shmem: number},
): string {
	return `oom_reaper: reaped process ${pid} (${name}), now anon-rss:${pagesToKb(left.anon)}kB, file-rss:${pagesToKb(left.file)}kB, shmem-rss:${pagesToKb(left.shmem)}kB`;
}

/** out_of_memory(): one victim at a time; its memory goes when it exits, on the next tick. */
export class OomKiller extends CoreModule {
	/** Global OOM kills so far (vmstat oom_kill counts these and the memcg OOM killer's). */
	kills = 0;
	/** Killed, memory not yet released. */
	private victim: Proc | null = null;
	private victimTick = 0;

	constructor(
		core: Core,
		private readonly swapfile: Swapfile,
		private readonly lifecycle: Lifecycle,
	) {
		super(core);
	}

	/** A victim is still exiting: a new out_of_memory() would find it and wait. */
	get victimPending(): boolean {
		return this.victim !== null;
	}

	/** totalpages of oom_badness(): RAM plus swap. */
	get totalPages(): number {
		return this.zone.totalPages + this.swapfile.totalPages;
	}

	/** Every killable live process's oom_badness(), ranked as the kernel would pick (victim first). */
	candidates(): OomCandidate[] {
		const live = this.tasks.liveProcs().filter((p) => !p.dying);
		return rankOomCandidates(live.map(oomInputs), this.totalPages);
	}

	/** out_of_memory() on behalf of `invoker`: pick the process with the highest oom_badness() and kill it. */
	outOfMemory(invoker: Proc): void {
		if (this.victim) return;
		const tick = this.clock.tick;
		const candidates = this.candidates();
		const chosen = candidates[0];
		if (!chosen) {
			this.events.emit({
				kind: 'alloc-fail',
				tick,
				pid: invoker.pid,
				name: invoker.name,
				reason: 'out of memory and no killable process (every task has oom_score_adj -1000)',
			});
			return;
		}
		const victim = this.tasks.procByPid(chosen.pid)!;
		const unkillable = oomUnkillable(this.tasks.liveProcs());
		const lines = oomKillLines(
			{name: invoker.name, oomScoreAdj: invoker.oomScoreAdj},
			{
				...oomInputs(victim),
				uid: victim.uid,
				vsizePages: totalVm(victim.regions),
				anon: victim.rssAnon,
				file: victim.rssFile,
				shmem: victim.rssShmem,
			},
		);
		victim.dying = true;
		victim.state = 'dying';
		this.victim = victim;
		this.victimTick = tick;
		this.kills++;
		this.vm.oom_kill++;
		this.events.emit({
			kind: 'oom-kill',
			tick,
			pid: victim.pid,
			name: victim.name,
			lines,
			candidates,
			...(unkillable.length > 0 ? {unkillable} : {}),
		});
	}

	/** The victim's exit (or the oom_reaper) frees its memory on the tick after the kill. */
	reap(): void {
		const v = this.victim;
		const tick = this.clock.tick;
		if (!v || tick <= this.victimTick) return;
		this.victim = null;
		this.lifecycle.exit(v, 'oom-killed');
		this.events.emit({
			kind: 'oom-reaped',
			tick,
			pid: v.pid,
			name: v.name,
			line: oomReapedLine(v.pid, v.name, {anon: 0, file: 0, shmem: 0}),
		});
	}

	save() {
		return {
			oomKills: this.kills,
			oomVictim: this.victim ? this.victim.pid : null,
			oomVictimTick: this.victimTick,
		};
	}

	load(s: {oomKills: number; oomVictim: number | null; oomVictimTick: number}): void {
		this.kills = s.oomKills;
		this.victim =
			s.oomVictim === null ? null : (this.tasks.procs.find((p) => p?.pid === s.oomVictim) ?? null);
		this.victimTick = s.oomVictimTick;
	}
}
