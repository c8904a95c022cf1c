// systemd-oomd (systemd src/oom/oomd-manager.c monitor_memory_pressure_contexts_handler and
// monitor_swap_contexts_handler) over the machine's memory cgroups: every MEM_PRESSURE_INTERVAL (1 s)
// each cgroup with ManagedOOMMemoryPressure=kill is checked with oomd_pressure_above() on its
// memory.pressure `full` avg10; once one has been above its limit (60 %) for its duration (30 s),
// with reclaim (pgscan) in it during the last 30 s, the candidate below it with the highest pgscan
// rate is killed whole (cg_kill_recursive, SIGKILL), then 15 s pass before the next pressure kill.
// ManagedOOMSwap=kill: when MemAvailable and SwapFree are both under 10 % (SwapUsedLimit=90%), the
// candidate with the most swap (over 5 % of SwapTotal) goes.
// ManagedOOMPreference= (the user.oomd_avoid / user.oomd_omit xattrs on a candidate's own cgroup):
// `omit` candidates are never chosen, `avoid` ones are ranked after every other (oomd-util.ts
// sortCgroupContexts), and either counts only on a cgroup owned by root or by the monitored one's owner.
// The machine runs it through userspace-oom.ts (`userspace_oom: systemd-oomd`, the set-userspace-oom
// command), which calls pollPressure() every second and pollSwap() every 150 ms.

import type {EventQueue, OomdRankedCandidate, OomdRanking} from './events.js';
import type {Lifecycle} from './lifecycle.js';
import type {Memcontrol} from './memcontrol.js';
import {STAT_PGSCAN} from './memcontrol.js';
import {
	DEFAULT_MEM_PRESSURE_DURATION_US,
	DEFAULT_MEM_PRESSURE_LIMIT_PERCENT,
	DEFAULT_SWAP_USED_LIMIT_PERCENT,
	MANAGED_OOM_PREFERENCES,
	type ManagedOomPreference,
	MEM_PRESSURE_INTERVAL_US,
	type OomdCandidate,
	type OomdSystemContext,
	POST_ACTION_DELAY_US,
	type PressureContext,
	pgscanRate,
	pressureAbove,
	pressureKillLine,
	type RankedCandidate,
	RECLAIM_DURATION_US,
	selectByPgscanRate,
	selectBySwapUsage,
	swapKillLine,
	swapLimitHit,
	THRESHOLD_SWAP_USED_PERCENT,
} from './oomd-util.js';
import {avgToPercent} from './psi.js';
import type {TaskList} from './task-list.js';
import {PAGE_SIZE} from './units.js';

/** The pid the simulated systemd-oomd logs under. */
export const OOMD_PID = 812;

export interface OomdConfig {
	/**
	 * Cgroups with ManagedOOMMemoryPressure=kill, with ManagedOOMMemoryPressureLimit= (percent) and
	 * ManagedOOMMemoryPressureDurationSec= (µs) if set.
	 */
	memoryPressure: {path: string; limitPercent?: number | undefined; durationUs?: number | undefined}[];
	/** Cgroups with ManagedOOMSwap=kill. */
	swap: string[];
	/** Units' ManagedOOMPreference=avoid|omit by cgroup path (the user.oomd_avoid / user.oomd_omit xattrs). */
	preference?: Readonly<Record<string, ManagedOomPreference>> | undefined;
	/** oomd.conf DefaultMemoryPressureLimit= (percent; absent: 60). */
	defaultLimitPercent?: number | undefined;
	/** oomd.conf DefaultMemoryPressureDurationSec= in µs (absent: 30 s). */
	durationUs?: number | undefined;
	/** oomd.conf SwapUsedLimit= (percent; absent: 90). */
	swapUsedLimitPercent?: number | undefined;
}

/** What SystemdOomd keeps between polls (state-codec saves it). */
export interface OomdState {
	/** Per monitored cgroup, in config order: full avg10 at the last poll, mem_pressure_limit_hit_start. */
	fullAvg10: number[];
	hitStartUs: number[];
	lastPgscan: number[];
	lastReclaimUs: number[];
	postActionDelayStartUs: number;
}

export class SystemdOomd {
	private readonly monitored: PressureContext[];
	/** last_pgscan and last_had_mem_reclaim per memcg id. */
	private readonly lastPgscan: Float64Array;
	private readonly lastReclaimUs: Float64Array;
	private postActionDelayStartUs = 0;
	private readonly swapUsedLimit: number;
	kills = 0;

	constructor(
		private readonly mc: Memcontrol,
		private readonly tasks: TaskList,
		private readonly lifecycle: Lifecycle,
		private readonly events: EventQueue,
		private readonly config: OomdConfig,
	) {
		// oomd-manager.c process_managed_oom_message(): ManagedOOMMemoryPressureLimit=0% (or none) falls
		// back to DefaultMemoryPressureLimit=; a unit's ManagedOOMMemoryPressureDurationSec= (sent unless
		// it is USEC_INFINITY, its unset value) overrides DefaultMemoryPressureDurationSec=.
		const defaultLimit = config.defaultLimitPercent ?? DEFAULT_MEM_PRESSURE_LIMIT_PERCENT;
		const defaultDuration = config.durationUs ?? DEFAULT_MEM_PRESSURE_DURATION_US;
		this.monitored = config.memoryPressure
			.filter((m) => mc.idOf(m.path) >= 0)
			.map((m) => ({
				path: m.path,
				fullAvg10: 0,
				limitPercent: m.limitPercent ? m.limitPercent : defaultLimit,
				durationUs: m.durationUs ?? defaultDuration,
				hitStartUs: 0,
			}));
		this.swapUsedLimit = config.swapUsedLimitPercent ?? DEFAULT_SWAP_USED_LIMIT_PERCENT;
		this.lastPgscan = new Float64Array(mc.count);
		this.lastReclaimUs = new Float64Array(mc.count).fill(-1);
	}

	/**
	 * recursively_get_cgroup_context(): the leaves below `id`, or a cgroup with memory.oom.group set,
	 * whole. Only populated ones (cgroup.events populated 1): systemd removes a unit's cgroup once its
	 * last process is gone, and memtop's tree keeps it, so an empty cgroup is one that no longer exists.
	 */
	private candidateIds(id: number): number[] {
		const nodes = this.mc.nodes;
		const populated = new Uint8Array(this.mc.count);
		for (const p of this.tasks.liveProcs())
			for (let c = this.mc.memcgOfProc(p); c >= 0; c = nodes[c]!.parent) populated[c] = 1;
		return this.walkCandidates(id).filter((c) => populated[c] === 1);
	}

	private walkCandidates(id: number): number[] {
		const nodes = this.mc.nodes;
		const out: number[] = [];
		const walk = (c: number): void => {
			const children: number[] = [];
			for (let k = c + 1; k < nodes[c]!.end; k++) if (nodes[k]!.parent === c) children.push(k);
			if (children.length === 0) {
				out.push(c);
				return;
			}
			for (const k of children) {
				if (nodes[k]!.oomGroup) out.push(k);
				else walk(k);
			}
		};
		walk(id);
		return out;
	}

	private candidate(id: number): OomdCandidate {
		const mc = this.mc;
		return {
			path: mc.nodes[id]!.path,
			current: mc.usage[id]! * PAGE_SIZE,
			swapUsage: mc.swapUsage[id]! * PAGE_SIZE,
			pgscan: mc.statCount(id, STAT_PGSCAN),
			lastPgscan: this.lastPgscan[id]!,
			xattr: this.config.preference?.[mc.nodes[id]!.path],
		};
	}

	/** One run of the memory pressure handler, at `nowUs` (call every MEM_PRESSURE_INTERVAL_US). */
	pollPressure(nowUs: number, tick: number): void {
		const mc = this.mc;
		// oomd_insert_cgroup_context(): pgscan since the last poll means reclaim happened now.
		for (let id = 0; id < mc.count; id++) {
			const pgscan = mc.statCount(id, STAT_PGSCAN);
			if (pgscan > this.lastPgscan[id]!) this.lastReclaimUs[id] = nowUs;
		}
		const inDelay =
			this.postActionDelayStartUs > 0 && this.postActionDelayStartUs + POST_ACTION_DELAY_US > nowUs;
		if (!inDelay) this.postActionDelayStartUs = 0;
		const targets: PressureContext[] = [];
		for (const t of this.monitored) {
			t.fullAvg10 = avgToPercent(mc.psiFull[mc.idOf(t.path)]!.avgs[0]!);
			if (pressureAbove(t, nowUs)) targets.push(t);
		}
		if (!inDelay) {
			for (const t of targets) {
				// "Check if there was reclaim activity in the given interval" (RECLAIM_DURATION_USEC).
				const tid = mc.idOf(t.path);
				const last = this.lastReclaimUs[tid]!;
				if (last < 0 || nowUs - last > RECLAIM_DURATION_US) continue;
				const cands = this.candidateIds(tid).map((id) => this.candidate(id));
				const {sorted, omitted, selected} = selectByPgscanRate(cands, t.path);
				if (
					!selected ||
					!this.kill(
						selected.path,
						tick,
						[pressureKillLine(OOMD_PID, selected.path, t)],
						this.pressureReason(t),
						ranking('pgscan', sorted, omitted),
					)
				)
					continue;
				this.postActionDelayStartUs = nowUs;
				break;
			}
		}
		for (let id = 0; id < mc.count; id++) this.lastPgscan[id] = mc.statCount(id, STAT_PGSCAN);
	}

	private pressureReason(t: PressureContext): string {
		return `memory pressure (full avg10) of ${t.path} ${t.fullAvg10.toFixed(2)}% > ${t.limitPercent.toFixed(2)}% for ${t.durationUs / 1_000_000} s, with reclaim activity (ManagedOOMMemoryPressure=kill)`;
	}

	/** One run of the swap handler (every SWAP_INTERVAL_US), with /proc/meminfo's figures in bytes. */
	pollSwap(sys: OomdSystemContext, tick: number): void {
		if (this.config.swap.length === 0 || !swapLimitHit(sys, this.swapUsedLimit)) return;
		// get_monitored_cgroup_contexts_candidates(): the candidates below every ManagedOOMSwap=kill
		// cgroup, in one hashmap by path: a leaf below both / and /system.slice is one candidate.
		const ids = this.config.swap.map((p) => this.mc.idOf(p)).filter((id) => id >= 0);
		const unique = [...new Set(ids.flatMap((id) => this.candidateIds(id)))].sort((a, b) => a - b);
		const cands = unique.map((id) => this.candidate(id));
		const threshold = Math.floor((sys.swapTotal * THRESHOLD_SWAP_USED_PERCENT) / 100);
		const {sorted, omitted, selected} = selectBySwapUsage(cands, threshold);
		if (!selected) return;
		this.kill(
			selected.path,
			tick,
			[swapKillLine(OOMD_PID, selected.path, sys, this.swapUsedLimit)],
			`memory and swap both over ${this.swapUsedLimit}% used (ManagedOOMSwap=kill); ${selected.path} used the most swap`,
			ranking('swap', sorted, omitted),
		);
	}

	/** The monitored cgroups as of the last poll (path, full avg10, limit, duration, hit start). */
	get contexts(): readonly Readonly<PressureContext>[] {
		return this.monitored;
	}

	/** Whether a cgroup is monitored for swap (ManagedOOMSwap=kill). */
	get swapPaths(): readonly string[] {
		return this.config.swap;
	}

	save(): OomdState {
		return {
			fullAvg10: this.monitored.map((t) => t.fullAvg10),
			hitStartUs: this.monitored.map((t) => t.hitStartUs),
			lastPgscan: [...this.lastPgscan],
			lastReclaimUs: [...this.lastReclaimUs],
			postActionDelayStartUs: this.postActionDelayStartUs,
		};
	}

	load(s: OomdState): void {
		if (s.fullAvg10.length !== this.monitored.length || s.lastPgscan.length !== this.lastPgscan.length)
			throw new Error('systemd-oomd state does not fit its cgroups');
		this.monitored.forEach((t, i) => {
			t.fullAvg10 = s.fullAvg10[i]!;
			t.hitStartUs = s.hitStartUs[i]!;
		});
		this.lastPgscan.set(s.lastPgscan);
		this.lastReclaimUs.set(s.lastReclaimUs);
		this.postActionDelayStartUs = s.postActionDelayStartUs;
	}

	/** cg_kill_recursive(SIGKILL): every process of the cgroup and below exits now. */
	private kill(path: string, tick: number, lines: string[], reason: string, oomd: OomdRanking): boolean {
		const mc = this.mc;
		const id = mc.idOf(path);
		const victims = this.tasks.liveProcs().filter((p) => !p.dying && mc.isDescendant(mc.memcgOfProc(p), id));
		if (victims.length === 0) return false;
		this.kills++;
		const first = victims[0]!;
		this.events.emit({
			kind: 'oom-kill',
			tick,
			pid: first.pid,
			name: first.name,
			lines,
			candidates: [],
			constraint: 'userspace',
			memcg: path,
			reason,
			oomd,
		});
		for (const p of victims) this.lifecycle.exit(p, 'killed');
		return true;
	}
}

/** What the kill event carries of oomd's ranking: pages, and the preference it honoured. */
function ranking(by: OomdRanking['by'], sorted: RankedCandidate[], omitted: RankedCandidate[]): OomdRanking {
	const row = (c: RankedCandidate): OomdRankedCandidate => ({
		path: c.path,
		preference: MANAGED_OOM_PREFERENCES[c.preference]!,
		xattr: c.xattr ?? 'none',
		pgscanRate: pgscanRate(c),
		current: c.current / PAGE_SIZE,
		swap: c.swapUsage / PAGE_SIZE,
	});
	return {by, candidates: sorted.map(row), omitted: omitted.map(row)};
}

export {MEM_PRESSURE_INTERVAL_US};
