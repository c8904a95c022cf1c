// The task list: every process by slot (frames and swap entries name their owner by slot), and the
// pid allocator (kernel/pid.c). lifecycle.ts fills and empties it.
import {Proc} from './process.js';
import type {ProcessSpec} from './spec.js';

/** The first pid a workload's processes get (below it would be the system's own). */
export const FIRST_PID = 100;

export class TaskList {
	/** By slot; null where a process exited (its slot is reused). */
	readonly procs: (Proc | null)[] = [];
	private nextPid = FIRST_PID;
	private freeSlots: number[] = [];

	/** alloc_pid(): the next pid. */
	allocPid(): number {
		return this.nextPid++;
	}

	/** `count` consecutive pids, set aside now for processes that start later; returns the first. */
	reservePids(count: number): number {
		const base = this.nextPid;
		this.nextPid += count;
		return base;
	}

	/** A slot for a new process: the most recently freed one, or a new one at the end. */
	takeSlot(): number {
		return this.freeSlots.length ? this.freeSlots.pop()! : this.procs.length;
	}

	/** A slot from takeSlot() that was not used after all, or one whose process has exited. */
	releaseSlot(slot: number): void {
		this.freeSlots.push(slot);
	}

	install(p: Proc): void {
		if (p.slot === this.procs.length) this.procs.push(p);
		else this.procs[p.slot] = p;
	}

	remove(p: Proc): void {
		this.freeSlots.push(p.slot);
		this.procs[p.slot] = null;
	}

	/** Processes alive (not exited), in pid order. */
	liveProcs(): Proc[] {
		const out: Proc[] = [];
		for (const p of this.procs) if (p && !p.exited) out.push(p);
		return out.sort((a, b) => a.pid - b.pid);
	}

	procByPid(pid: number): Proc | undefined {
		for (const p of this.procs) if (p && p.pid === pid && !p.exited) return p;
		return undefined;
	}

	save() {
		return {
			nextPid: this.nextPid,
			freeSlots: this.freeSlots,
			procs: this.procs.map((p) => (p ? {spec: p.spec, state: p.save()} : null)),
		};
	}

	load(s: {
		nextPid: number;
		freeSlots: number[];
		procs: ({spec: ProcessSpec; state: Record<string, unknown>} | null)[];
	}): void {
		this.nextPid = s.nextPid;
		this.freeSlots = s.freeSlots;
		this.procs.length = 0;
		for (const entry of s.procs) this.procs.push(entry ? Proc.restore(entry.spec, entry.state) : null);
	}
}
