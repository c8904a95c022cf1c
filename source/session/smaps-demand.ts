// smaps_rollup on demand. A rollup walks every page table (fs/proc/task_mmu.c show_smaps_rollup),
// the dearest part of a snapshot: with 500 processes, a tenth of the dashboard's CPU at 1×. htop
// reads /proc/PID/smaps only while a column that needs it is on screen, and so does this: the view
// says whether PSS, USS or SWPPSS is shown (or sorts the table); while none is, no table is walked
// but the open detail view's process, and every other process's `smaps` reads zero. Shown, the
// tables are walked once a simulated second (and at once when the view asks again).
import {type SmapsRollup, SmapsWalk} from '../sim/smaps.js';
import type {Snapshot} from '../sim/snapshot-types.js';
import {TICKS_PER_SECOND} from '../sim/units.js';

/** The rollup of a process whose page table was not walked: nothing on screen reads it. */
export const NOT_WALKED: SmapsRollup = Object.freeze(new SmapsWalk().rollup());

/** takeSnapshot's smapsOf while none is wanted: every pid but `walked` has NOT_WALKED. */
class Unwalked extends Map<number, SmapsRollup> {
	constructor(private readonly walked: number | null) {
		super();
	}
	override get(pid: number): SmapsRollup | undefined {
		return pid === this.walked ? undefined : NOT_WALKED;
	}
}

export class SmapsDemand {
	#wanted = true;
	/** Each process's rollup as last walked, and the tick of that walk. */
	#cache = new Map<number, SmapsRollup>();
	#tick = Number.NEGATIVE_INFINITY;

	/** Whether something on screen reads smaps_rollup. True until the view says otherwise. */
	get wanted(): boolean {
		return this.#wanted;
	}

	/** The view's word; false if nothing changed. Wanted again: the next snapshot walks. */
	setWanted(on: boolean): boolean {
		if (on === this.#wanted) return false;
		this.#wanted = on;
		this.#cache = new Map();
		this.#tick = Number.NEGATIVE_INFINITY;
		return true;
	}

	/** Whether a snapshot at `tick` walks every table (once a simulated second, after a seek). */
	#fresh(tick: number): boolean {
		return this.#wanted && (tick < this.#tick || tick - this.#tick >= TICKS_PER_SECOND);
	}

	/** takeSnapshot's `smapsOf` at `tick`; `detailPid` (the open detail view's) is always walked. */
	option(tick: number, detailPid: number | null): ReadonlyMap<number, SmapsRollup> | null {
		if (!this.#wanted) return new Unwalked(detailPid);
		return this.#fresh(tick) ? null : this.#cache;
	}

	/** The twin run's `smapsOf`: every table walked while wanted (no panel shows its smaps yet). */
	twinOption(): ReadonlyMap<number, SmapsRollup> | null {
		return this.#wanted ? null : new Unwalked(null);
	}

	/** After the snapshot at `tick`: a fresh walk's rollups serve until the next one. */
	taken(tick: number, snapshot: Snapshot): void {
		if (!this.#fresh(tick)) return;
		this.#tick = tick;
		this.#cache = new Map(snapshot.processes.map((p) => [p.pid, p.smaps]));
	}
}
