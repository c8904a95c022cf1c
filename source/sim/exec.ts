// execve(2) (fs/exec.c): a process replaces its program. The new mm is built apart (bprm_mm_init →
// mm_alloc); at the point of no return begin_new_exec() → exec_mmap() installs it and drops the old
// one (mmput → exit_mmap, lifecycle.ts exitMmap): anon pages no one else maps are freed, and a page a
// fork relative still maps is left to it, one mapper less (zap_present_ptes). That is why fork + exec
// is cheap: the child's exec right after fork gives every COW-shared page back to the parent with a
// mapcount of one, and the parent's next write to it reuses the page (do_wp_page → wp_page_reuse),
// with no copy. The new image's regions are mapped afresh (load_elf_binary → elf_map, each asking
// __vm_enough_memory); untouched, so RSS starts at zero and grows as the program faults them in.
//
// The task stays: its pid, parent, uid, cgroup, oom_score_adj (signal_struct), its fault counters
// (task_struct min_flt/maj_flt) and a memory.high debt; its comm becomes the image's name
// (__set_task_comm). The new mm is its own anon_vma family: pages it faults are shared with no one.
import {type Core, CoreModule} from './core.js';
import {type Lifecycle, NO_END} from './lifecycle.js';
import type {MemcgHigh} from './memcg-high.js';
import {Proc} from './process.js';
import type {ExecImage, ProcessSpec} from './spec.js';
import {secondsToTicks} from './units.js';

/** What a task keeps across exec (task_struct, signal_struct), copied from the old Proc to the new. */
const TASK_FIELDS = [
	'ppid',
	'oomScoreAdj',
	'memcg',
	'minflt',
	'majflt',
	'cowFaults',
	'refs',
	'directReclaims',
	'directReclaimed',
	// The stall clock: time the task already owes, and its per-second windows.
	'debtMemUs',
	'debtIoUs',
	'debtCpuUs',
	'lastWait',
	'secStallUs',
	'secWanted',
	'secDone',
	'secMinflt',
	'secMajflt',
	'stall',
	'progress',
	'minfltRate',
	'majfltRate',
] as const satisfies readonly (keyof Proc)[];

/**
 * The spec the task runs after exec: the image's program with the task's own uid, cgroup and
 * oom_score_adj. No image: the program it runs now, from its start (a re-exec of /proc/self/exe).
 */
export function execSpec(p: Proc, image: ExecImage | undefined): ProcessSpec {
	const from = image ?? p.spec;
	const spec: ProcessSpec = {
		name: from.name,
		rate: from.rate,
		regions: from.regions,
		streams: from.streams,
		oom_score_adj: p.spec.oom_score_adj,
		compressibility: from.compressibility,
	};
	if (from.burst) spec.burst = from.burst;
	if (from.lifetime !== undefined) spec.lifetime = from.lifetime;
	if (p.spec.uid !== undefined) spec.uid = p.spec.uid;
	if (p.spec.cgroup !== undefined) spec.cgroup = p.spec.cgroup;
	return spec;
}

export interface ExecResult {
	/** The task with its new mm (the same pid and slot), or null if the exec failed. */
	proc: Proc | null;
	/** Anon pages the old mm freed, and those it left to fork relatives that still map them. */
	freed: number;
	kept: number;
	line: string;
}

export class Exec extends CoreModule {
	constructor(
		core: Core,
		private readonly lifecycle: Lifecycle,
		private readonly high: MemcgHigh,
	) {
		super(core);
	}

	/** execve(2) in `old` (fs/exec.c do_execveat_common → bprm_execve → load_elf_binary). */
	exec(old: Proc, image: ExecImage | undefined): ExecResult {
		const who = `${old.pid} (${old.name})`;
		if (old.dying || old.exited || old.termTick >= 0)
			return {proc: null, freed: 0, kept: 0, line: `exec ${who}: no such process`};
		const spec = execSpec(old, image);
		const anon = old.rssAnon;
		const swapped = old.swapEnts;
		// begin_new_exec → exec_mmap: the old mm is dropped (mmput → exit_mmap).
		const freed = this.lifecycle.exitMmap(old);
		const kept = anon - freed;
		const tick = this.clock.tick;
		const filesBefore = this.files.files.length;
		const p = new Proc({
			pid: old.pid,
			slot: old.slot,
			spec,
			startTick: old.startTick,
			endTick: spec.lifetime !== undefined ? tick + secondsToTicks(spec.lifetime) : NO_END,
			objectIdFor: (r) => this.files.objectFor(spec.name, r).id,
		});
		const refusal = this.lifecycle.mapRegions(p, filesBefore);
		if (refusal) {
			// Past the point of no return a failed mapping kills the task (load_elf_binary's SIGSEGV/SIGKILL).
			this.files.dropSince(filesBefore);
			this.events.emit({kind: 'alloc-fail', tick, pid: old.pid, name: spec.name, reason: refusal});
			this.lifecycle.exit(old, 'enomem');
			return {proc: null, freed, kept, line: `exec ${who} → ${spec.name}: ${refusal}; the process dies`};
		}
		const task = p as unknown as Record<string, unknown>;
		for (const k of TASK_FIELDS) task[k] = old[k];
		// A fresh anon_vma family (anon_vma_prepare at its first fault): not the fork family it left.
		p.anonVma = -p.pid;
		old.exited = true;
		old.state = 'exited';
		this.tasks.install(p);
		this.high.execed(old, p);
		const swap = swapped ? `, ${swapped.toLocaleString('en-US')} swap entries released` : '';
		const shared = kept ? `, ${kept.toLocaleString('en-US')} left to the processes still sharing them` : '';
		return {
			proc: p,
			freed,
			kept,
			line: `exec ${who} → ${spec.name}: old mm freed ${freed.toLocaleString('en-US')} anon pages${shared}${swap}`,
		};
	}
}
