// The OOM killer's arithmetic and log lines (mm/oom_kill.c, fs/proc/base.c).
import type {OomCandidate} from './events.js';
import {pagesToKb} from './units.js';

export const OOM_SCORE_ADJ_MIN = -1000;
export const OOM_SCORE_ADJ_MAX = 1000;
/** should_reclaim_retry(): give up after 16 reclaim rounds without progress. */
export const MAX_RECLAIM_RETRIES = 16;

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

/**
 * oom_badness(): rss + swap entries + page-table pages, plus oom_score_adj × (totalpages / 1000)
 * (integer division first, as the kernel does). oom_score_adj −1000 returns null: never a victim.
 */
export function oomBadness(p: OomInputs, totalPages: number): OomCandidate | null {
	if (p.oomScoreAdj === OOM_SCORE_ADJ_MIN) return null;
	const pgtables = Math.floor(p.pgtablesBytes / 4096);
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
	const c = oomBadness(p, totalPages);
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
		`Out of memory: Killed process ${v.pid} (${v.name}) total-vm:${pagesToKb(v.vsizePages)}kB, anon-rss:${pagesToKb(v.anon)}kB, file-rss:${pagesToKb(v.file)}kB, shmem-rss:${pagesToKb(v.shmem)}kB, UID:${v.uid} pgtables:${Math.floor(v.pgtablesBytes / 1024)}kB oom_score_adj:${v.oomScoreAdj}`,
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
