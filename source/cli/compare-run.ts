// One run for `memtop compare`: a workload under one reclaim policy (and, if asked, one userspace
// OOM killer from boot), pure simulation, so it can run in a worker thread or here.
import type {SimEvent} from '../sim/events.js';
import {Machine} from '../sim/machine.js';
import {takeSnapshot} from '../sim/snapshot.js';
import type {UserspaceOomKiller, Workload} from '../sim/spec.js';
import {TICKS_PER_SECOND} from '../sim/units.js';

/** One kill of the run: when, by whom, of what. */
export interface CompareKill {
	/** Simulated seconds. */
	time: number;
	/** The kernel's global OOM killer, the memcg OOM killer, or the userspace daemon that sent it. */
	by: 'kernel' | 'memcg' | 'systemd-oomd' | 'earlyoom';
	pid: number;
	name: string;
	/** The cgroup: at its memory.max (memcg), or the one systemd-oomd killed whole. */
	cgroup?: string;
}

export interface CompareResult {
	policy: string;
	/** The userspace OOM killer the run started with (`--userspace-oom`, else the workload's). */
	userspaceOom: UserspaceOomKiller;
	majorFaults: number;
	refaults: number;
	swapOuts: number;
	psiSomeAvg60: number;
	psiFullAvg60: number;
	/** vmstat oom_kill: the kernel's kills (global and memcg), never a userspace daemon's. */
	oomKills: number;
	/** Kills by systemd-oomd or earlyoom (victims signalled, a cgroup killed whole counted once). */
	userspaceKills: number;
	/** Every kill, in order. */
	kills: CompareKill[];
	/** Page references all processes completed: the work the machine got done. */
	progress: number;
	/** Mean over processes of references done / references wanted. */
	meanProgress: number;
	/** With `--thp`: the run's transparent_hugepage/enabled and what huge pages cost and gave. */
	thp?: CompareThp;
}

/** transparent_hugepage/enabled's words, by value (sim/sysctl.ts). */
export const THP_MODES = ['always', 'madvise', 'never'] as const;
export type ThpMode = (typeof THP_MODES)[number];

/** A `--thp` run's THP figures at the end: vmstat's counters, meminfo AnonHugePages (kB). */
export interface CompareThp {
	mode: ThpMode;
	compactStall: number;
	faultAlloc: number;
	faultFallback: number;
	collapseAlloc: number;
	anonHugePages: number;
}

/** The workload with transparent_hugepage/enabled set to `mode` from boot. */
export function withThp(workload: Workload, mode: ThpMode): Workload {
	const value = THP_MODES.indexOf(mode) as 0 | 1 | 2;
	const sysctl = {...workload.machine.sysctl, transparent_hugepage_enabled: value};
	return {...workload, machine: {...workload.machine, sysctl}};
}

/** Ticks between progress reports (a second of simulated time). */
export const PROGRESS_EVERY_TICKS = TICKS_PER_SECOND;

/** Who sent a kill: the event's constraint, and for a userspace one the daemon its first line names. */
export function killOf(e: Extract<SimEvent, {kind: 'oom-kill'}>): CompareKill {
	const by =
		e.constraint === 'userspace'
			? /^systemd-oomd/.test(e.lines[0] ?? '')
				? 'systemd-oomd'
				: 'earlyoom'
			: e.constraint === 'memcg'
				? 'memcg'
				: 'kernel';
	const kill: CompareKill = {time: e.tick / TICKS_PER_SECOND, by, pid: e.pid, name: e.name};
	if (e.memcg !== undefined) kill.cgroup = e.memcg;
	return kill;
}

export function runPolicy(
	workload: Workload,
	seed: number,
	policy: string,
	duration: number,
	onProgress?: (fraction: number) => void,
	userspaceOom?: UserspaceOomKiller,
	thp?: ThpMode,
): CompareResult {
	const thpSpec = thp === undefined ? workload : withThp(workload, thp);
	const spec = userspaceOom === undefined ? thpSpec : {...thpSpec, userspace_oom: userspaceOom};
	const m = new Machine(spec, {seed, policy});
	const ticks = Math.round(duration * TICKS_PER_SECOND);
	let wanted = 0;
	let done = 0;
	const kills: CompareKill[] = [];
	for (let i = 0; i < ticks; i++) {
		if (onProgress && i % PROGRESS_EVERY_TICKS === 0) onProgress(i / ticks);
		m.step();
		for (const e of m.drainEvents()) if (e.kind === 'oom-kill') kills.push(killOf(e));
		for (const p of m.procs) {
			if (!p || p.exited) continue;
			wanted += p.tickRefsWanted;
			done += p.tickRefsDone;
		}
	}
	const s = takeSnapshot(m, {regions: false});
	return {
		policy,
		userspaceOom: spec.userspace_oom ?? 'none',
		majorFaults: s.vmstat.pgmajfault,
		refaults: s.vmstat.workingset_refault_anon + s.vmstat.workingset_refault_file,
		swapOuts: s.vmstat.pswpout + s.vmstat.zswpout,
		psiSomeAvg60: s.psi.some.avg60,
		psiFullAvg60: s.psi.full.avg60,
		oomKills: s.oomKills,
		userspaceKills: kills.filter((k) => k.by === 'systemd-oomd' || k.by === 'earlyoom').length,
		kills,
		progress: m.totalRefs,
		meanProgress: wanted > 0 ? done / wanted : 1,
		...(thp === undefined
			? {}
			: {
					thp: {
						mode: thp,
						compactStall: s.vmstat.compact_stall,
						faultAlloc: s.vmstat.thp_fault_alloc,
						faultFallback: s.vmstat.thp_fault_fallback,
						collapseAlloc: s.vmstat.thp_collapse_alloc,
						anonHugePages: s.meminfo.AnonHugePages,
					},
				}),
	};
}
