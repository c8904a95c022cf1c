// What the machine reports happening. The event log, history markers and recordings read these.
import type {Command, CommandOrigin} from './spec.js';
import {TICKS_PER_SECOND} from './units.js';

/** One OOM candidate with the parts of oom_badness() (all in pages). */
/** One task's line in dump_tasks(): the figures oom_badness() reads. */
export interface OomTaskDump {
	pid: number;
	name: string;
	rss: number;
	swapents: number;
	pgtables: number;
	oomScoreAdj: number;
}

export interface OomCandidate extends OomTaskDump {
	/** oom_score_adj × totalpages / 1000. */
	adjPages: number;
	badness: number;
}

/** A task dump_tasks() lists that oom_badness() never picks, and why. */
export interface OomUnkillable extends OomTaskDump {
	reason: string;
}

/** One of systemd-oomd's candidates as it ranked them for a kill (oomd_sort_cgroup_contexts). */
export interface OomdRankedCandidate {
	path: string;
	/** The ManagedOOMPreference oomd honoured, and the one the cgroup's xattr says (they differ when ignored). */
	preference: 'none' | 'avoid' | 'omit';
	xattr: 'none' | 'avoid' | 'omit';
	/** Pages: the pgscan rate since the last poll, memory.current, memory.swap.current. */
	pgscanRate: number;
	current: number;
	swap: number;
}

/** systemd-oomd's ranking behind a kill: by pgscan rate (pressure) or swap usage, and the omitted. */
export interface OomdRanking {
	by: 'pgscan' | 'swap';
	candidates: OomdRankedCandidate[];
	/** Candidates with ManagedOOMPreference=omit honoured: never considered. */
	omitted: OomdRankedCandidate[];
}

export type SimEvent =
	| {kind: 'process-start'; tick: number; pid: number; name: string}
	| {
			kind: 'process-exit';
			tick: number;
			pid: number;
			name: string;
			/** `terminated`: exited on SIGTERM, after its shutdown (lifecycle.ts TERM_GRACE_SECONDS). */
			reason: 'finished' | 'killed' | 'terminated' | 'oom-killed' | 'enomem' | 'segfault';
	  }
	/** SIGSEGV from a protection fault (x86-fault.ts): `line` is show_signal_msg()'s. */
	| {
			kind: 'segfault';
			tick: number;
			pid: number;
			name: string;
			addr: number;
			ip: number;
			sp: number;
			error: number;
			line: string;
	  }
	/** `boost`: woken by a watermark boost (ZONE_BOOSTED_WATERMARK), not by free memory below low. */
	| {kind: 'kswapd-wake'; tick: number; free: number; low: number; boost?: number}
	| {kind: 'kswapd-sleep'; tick: number; free: number; high: number; reclaimed: number}
	/** Summarised per second: a process entered direct reclaim. */
	| {kind: 'direct-reclaim'; tick: number; pid: number; name: string; stalls: number; reclaimed: number}
	| {kind: 'zswap-pool-full'; tick: number; poolPages: number; limitPages: number}
	| {kind: 'zswap-accepting'; tick: number; poolPages: number}
	| {kind: 'zswap-writeback'; tick: number; pages: number}
	| {kind: 'zram-full'; tick: number}
	| {kind: 'swap-full'; tick: number}
	| {
			kind: 'oom-kill';
			tick: number;
			pid: number;
			name: string;
			/** The kernel's log lines, in order (invoked, oom-kill:constraint, Out of memory: Killed...). */
			lines: string[];
			candidates: OomCandidate[];
			/** Tasks in the dump that cannot be killed (oom_score_adj −1000, already exiting): absent when none. */
			unkillable?: OomUnkillable[] | undefined;
			/** Who killed and within what: absent for the kernel's global OOM killer (CONSTRAINT_NONE). */
			constraint?: 'memcg' | 'userspace' | undefined;
			/** The cgroup whose limit (memcg) or pressure (userspace) led to the kill. */
			memcg?: string | undefined;
			/** Why, in one line. */
			reason?: string | undefined;
			/** systemd-oomd's kills: its candidates in its order (absent for every other killer). */
			oomd?: OomdRanking | undefined;
	  }
	| {kind: 'oom-reaped'; tick: number; pid: number; name: string; line: string}
	/** A userspace OOM killer's line that is not a kill: earlyoom's escalation, "process N exited after …". */
	| {kind: 'userspace-oom-log'; tick: number; daemon: 'earlyoom'; pid: number; line: string}
	| {kind: 'alloc-fail'; tick: number; pid: number; name: string; reason: string}
	/** A line of the workload file's narration (its `notes:`), at the tick its time rounds to. */
	| {kind: 'note'; tick: number; text: string}
	| {kind: 'command'; tick: number; command: Command; summary: string; origin: CommandOrigin};

export type SimEventKind = SimEvent['kind'];

/** Conditions that recur on every page (swap full, zram full) are reported at most this often. */
const ONCE_INTERVAL_TICKS = 10 * TICKS_PER_SECOND;

/** The events not yet taken by whoever shows them (the dashboard, headless output, a recording). */
export class EventQueue {
	private pending: SimEvent[] = [];
	private lastOnce = new Map<string, number>();

	emit(e: SimEvent): void {
		this.pending.push(e);
	}

	emitOnce(kind: 'zram-full' | 'swap-full', tick: number): void {
		const last = this.lastOnce.get(kind);
		if (last !== undefined && tick - last < ONCE_INTERVAL_TICKS) return;
		this.lastOnce.set(kind, tick);
		this.emit({kind, tick});
	}

	/** Events since the last call. */
	drain(): SimEvent[] {
		const e = this.pending;
		this.pending = [];
		return e;
	}

	save(): {lastOnce: [string, number][]; pendingEvents: SimEvent[]} {
		return {lastOnce: [...this.lastOnce.entries()], pendingEvents: this.pending};
	}

	load(s: {lastOnce: [string, number][]; pendingEvents: SimEvent[]}): void {
		this.lastOnce = new Map(s.lastOnce);
		this.pending = s.pendingEvents;
	}
}
