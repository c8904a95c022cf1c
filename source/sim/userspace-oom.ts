// The userspace OOM killer the machine runs: none, systemd-oomd (oomd.ts) or earlyoom (earlyoom.ts),
// one at a time (`userspace_oom:` in the workload, the set-userspace-oom command), each woken at its
// own cadence on the machine's clock, never the wall clock:
// - systemd-oomd (src/oom/oomd-manager.c): its memory pressure handler every MEM_PRESSURE_INTERVAL_USEC
//   (1 s) and its swap handler every SWAP_INTERVAL_USEC (150 ms), both timers first firing one
//   interval after it starts (sd_event_add_time_relative), over the cgroups the workload marks
//   ManagedOOMMemoryPressure=kill / ManagedOOMSwap=kill, with oomd.conf's limits.
// - earlyoom (main.c poll_loop): a check at start, then after sleep_time_ms() (100 ms .. 1 s by
//   headroom), every 100 ms while it waits for a SIGTERMed victim (kill_wait).
// Their kills go through the machine's normal kill path (lifecycle.ts: exit for SIGKILL and
// cg_kill_recursive, terminate for SIGTERM), are logged as oom-kill events with constraint
// `userspace` and the daemon's own lines, and are counted here, never in vmstat oom_kill (the kernel's).
import type {Core} from './core.js';
import {CoreModule} from './core.js';
import {
	EARLYOOM_DEFAULTS,
	type EarlyoomLimits,
	EarlyoomLoop,
	type EarlyoomMeminfo,
	sleepTimeMs,
} from './earlyoom.js';
import {FRAME_FREE} from './frames.js';
import type {Lifecycle} from './lifecycle.js';
import type {Memcontrol} from './memcontrol.js';
import {cgroupPaths} from './memcontrol.js';
import {oomInputs, oomScore} from './oom.js';
import {type OomdConfig, type OomdState, SystemdOomd} from './oomd.js';
import {type ManagedOomPreference, MEM_PRESSURE_INTERVAL_US, SWAP_INTERVAL_US} from './oomd-util.js';
import type {UserspaceOomSnapshot} from './snapshot-types.js';
import {type CgroupSpec, USERSPACE_OOM_KILLERS, type UserspaceOomKiller, type Workload} from './spec.js';
import type {Swapfile} from './swapfile.js';
import {pagesToKb, TICK_US} from './units.js';
import {siMemAvailable} from './watermarks.js';

const PRESSURE_TICKS = MEM_PRESSURE_INTERVAL_US / TICK_US;
const SWAP_TICKS = SWAP_INTERVAL_US / TICK_US;
/** kill_wait(): while a victim is exiting earlyoom checks every 100 ms. */
const WAIT_TICKS = 100_000 / TICK_US;
const NEVER = -1;

export interface UserspaceOomState {
	killer: UserspaceOomKiller;
	oomdKills: number;
	earlyoomKills: number;
	nextPressureTick: number;
	nextSwapTick: number;
	nextEarlyoomTick: number;
	oomd: OomdState | null;
	earlyoomPending: {pid: number; sentMs: number; killed: boolean} | null;
}

const usOf = (seconds: number | undefined) =>
	seconds === undefined ? undefined : Math.round(seconds * 1_000_000);

/** The unit every login runs its services in: user@UID.service in user-UID.slice. */
const USER_SERVICE_PATH = /^\/user\.slice\/user-(\d+)\.slice\/user@(\d+)\.service$/;

/**
 * The drop-ins of the systemd-oomd package of Fedora, Debian and Ubuntu (`oomd_defaults: desktop`):
 * -.slice.d/10-oomd-root-slice-defaults.conf (ManagedOOMSwap=kill on the root),
 * user@.service.d/10-oomd-user-service-defaults.conf (ManagedOOMMemoryPressure=kill,
 * ManagedOOMMemoryPressureLimit=50% on every user@UID.service) and oomd.conf.d/10-oomd-defaults.conf
 * (DefaultMemoryPressureDurationSec=20s). A key the workload gives itself wins, as a local drop-in would.
 */
export const DESKTOP_OOMD_DEFAULTS = {
	rootSwap: 'kill',
	userServicePressure: 'kill',
	userServiceLimitPercent: 50,
	durationSec: 20,
} as const;

/** The cgroups (given or implied) with their units' settings, the desktop drop-ins applied under them. */
export function oomdUnits(w: Workload): [string, CgroupSpec][] {
	const given = w.cgroups ?? {};
	if (w.oomd_defaults !== 'desktop') return Object.entries(given);
	const units: [string, CgroupSpec][] = [];
	for (const path of cgroupPaths(given)) {
		const own = given[path] ?? {};
		const m = USER_SERVICE_PATH.exec(path);
		const dropIn: CgroupSpec =
			path === '/'
				? {ManagedOOMSwap: DESKTOP_OOMD_DEFAULTS.rootSwap}
				: m && m[1] === m[2]
					? {
							ManagedOOMMemoryPressure: DESKTOP_OOMD_DEFAULTS.userServicePressure,
							ManagedOOMMemoryPressureLimit: DESKTOP_OOMD_DEFAULTS.userServiceLimitPercent,
						}
					: {};
		const spec = {...dropIn, ...definedOf(own)};
		if (Object.keys(spec).length > 0 || path in given) units.push([path, spec]);
	}
	return units;
}

const definedOf = (c: CgroupSpec): CgroupSpec =>
	Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as CgroupSpec;

/** systemd-oomd's configuration from the workload: the units' ManagedOOM*= and oomd.conf. */
export function oomdConfig(w: Workload): OomdConfig {
	const tree = oomdUnits(w);
	const desktop = w.oomd_defaults === 'desktop';
	const preference: Record<string, ManagedOomPreference> = {};
	for (const [path, c] of tree)
		if (c.ManagedOOMPreference && c.ManagedOOMPreference !== 'none')
			preference[path] = c.ManagedOOMPreference;
	return {
		memoryPressure: tree
			.filter(([, c]) => c.ManagedOOMMemoryPressure === 'kill')
			.map(([path, c]) => ({
				path,
				limitPercent: c.ManagedOOMMemoryPressureLimit,
				durationUs: usOf(c.ManagedOOMMemoryPressureDurationSec),
			})),
		swap: tree.filter(([, c]) => c.ManagedOOMSwap === 'kill').map(([path]) => path),
		...(Object.keys(preference).length > 0 ? {preference} : {}),
		defaultLimitPercent: w.oomd?.DefaultMemoryPressureLimit,
		durationUs: usOf(
			w.oomd?.DefaultMemoryPressureDurationSec ?? (desktop ? DESKTOP_OOMD_DEFAULTS.durationSec : undefined),
		),
		swapUsedLimitPercent: w.oomd?.SwapUsedLimit,
	};
}

/** earlyoom's -m and -s from the workload. */
export function earlyoomLimits(w: Workload): EarlyoomLimits {
	const m = w.earlyoom?.m ?? [EARLYOOM_DEFAULTS.memTerm, EARLYOOM_DEFAULTS.memKill];
	const s = w.earlyoom?.s ?? [EARLYOOM_DEFAULTS.swapTerm, EARLYOOM_DEFAULTS.swapKill];
	return {memTerm: m[0], memKill: m[1], swapTerm: s[0], swapKill: s[1]};
}

export class UserspaceOom extends CoreModule {
	killer: UserspaceOomKiller = 'none';
	oomd: SystemdOomd | null = null;
	earlyoom: EarlyoomLoop | null = null;
	oomdKills = 0;
	earlyoomKills = 0;
	private nextPressureTick = NEVER;
	private nextSwapTick = NEVER;
	private nextEarlyoomTick = NEVER;
	private readonly oomdConf: OomdConfig;
	private readonly limits: EarlyoomLimits;

	constructor(
		core: Core,
		private readonly memcg: Memcontrol,
		private readonly lifecycle: Lifecycle,
		private readonly swapfile: Swapfile,
		workload: Workload,
	) {
		super(core);
		this.oomdConf = oomdConfig(workload);
		this.limits = earlyoomLimits(workload);
		this.start(workload.userspace_oom ?? 'none');
	}

	/** systemctl stop the running killer, start `killer` now (a fresh daemon: no state carried over). */
	private start(killer: UserspaceOomKiller): void {
		const tick = this.clock.tick;
		this.killer = killer;
		this.oomd =
			killer === 'systemd-oomd'
				? new SystemdOomd(this.memcg, this.tasks, this.lifecycle, this.events, this.oomdConf)
				: null;
		this.earlyoom = killer === 'earlyoom' ? new EarlyoomLoop(this.limits) : null;
		this.nextPressureTick = this.oomd && this.memcg.enabled ? tick + PRESSURE_TICKS : NEVER;
		this.nextSwapTick =
			this.oomd && this.memcg.enabled && this.oomdConf.swap.length > 0 ? tick + SWAP_TICKS : NEVER;
		this.nextEarlyoomTick = this.earlyoom ? tick : NEVER;
	}

	/** The set-userspace-oom command; returns its one-line summary. */
	set(killer: UserspaceOomKiller): string {
		const was = this.killer;
		if (killer === was) return `userspace OOM killer: ${killer} already`;
		this.start(killer);
		if (killer === 'none') return `${was} stopped: no userspace OOM killer`;
		if (killer === 'earlyoom') {
			const l = this.limits;
			return `earlyoom started (-m ${l.memTerm},${l.memKill} -s ${l.swapTerm},${l.swapKill})`;
		}
		// Each watched cgroup with the limit and duration it ended up with (its own or oomd.conf's).
		const watched = this.oomd!.contexts.map(
			(c) => `${c.path} (${c.limitPercent}% for ${c.durationUs / 1_000_000}s)`,
		);
		const swap = this.oomdConf.swap;
		if (!this.memcg.enabled || (watched.length === 0 && swap.length === 0))
			return 'systemd-oomd started: no cgroup has ManagedOOMMemoryPressure=kill or ManagedOOMSwap=kill, it watches nothing';
		return `systemd-oomd started (ManagedOOMMemoryPressure=kill: ${watched.join(', ') || 'none'}; ManagedOOMSwap=kill: ${swap.join(', ') || 'none'})`;
	}

	/** Each tick, before the workload runs: the running killer's timers that are due. */
	run(): void {
		const tick = this.clock.tick;
		if (this.oomd) {
			const before = this.oomd.kills;
			if (tick === this.nextSwapTick) {
				this.oomd.pollSwap(this.systemContext(), tick);
				this.nextSwapTick = tick + SWAP_TICKS;
			}
			if (tick === this.nextPressureTick) {
				this.oomd.pollPressure(tick * TICK_US, tick);
				this.nextPressureTick = tick + PRESSURE_TICKS;
			}
			this.oomdKills += this.oomd.kills - before;
		}
		if (this.earlyoom && tick === this.nextEarlyoomTick) this.pollEarlyoom(tick);
	}

	/** /proc/meminfo as earlyoom reads it (kB). */
	meminfo(): EarlyoomMeminfo {
		const lru = this.lruvec.refresh();
		const free = this.zone.kindCount[FRAME_FREE]!;
		const swapTotal = this.swapfile.totalPages;
		return {
			memTotalKib: pagesToKb(this.zone.totalramPages),
			memAvailableKib: pagesToKb(
				siMemAvailable(free, lru.activeFile + lru.inactiveFile, this.zone.reserveMarks),
			),
			swapTotalKib: pagesToKb(swapTotal),
			swapFreeKib: pagesToKb(swapTotal - (this.swapfile.area?.used ?? 0)),
		};
	}

	/** OomdSystemContext: the same figures in bytes, used = total − available / free. */
	private systemContext() {
		const m = this.meminfo();
		return {
			memTotal: m.memTotalKib * 1024,
			memUsed: (m.memTotalKib - m.memAvailableKib) * 1024,
			swapTotal: m.swapTotalKib * 1024,
			swapUsed: (m.swapTotalKib - m.swapFreeKib) * 1024,
		};
	}

	private pollEarlyoom(tick: number): void {
		const loop = this.earlyoom!;
		const mi = this.meminfo();
		const total = this.zone.totalPages + this.swapfile.totalPages;
		const procs = this.tasks
			.liveProcs()
			.filter((p) => !p.dying)
			.map((p) => ({
				pid: p.pid,
				name: p.name,
				uid: p.uid,
				oomScore: oomScore(oomInputs(p), total),
				oomScoreAdj: p.oomScoreAdj,
				vmRssKib: pagesToKb(p.rss),
			}));
		const waited = loop.pending?.pid ?? null;
		const nowMs = (tick * TICK_US) / 1000;
		const {action, lines, extraSleepMs} = loop.poll(nowMs, mi, procs);
		if (action && action.pid === waited) {
			// kill_wait()'s escalation: a log line and SIGKILL to the victim it waits for, not a new kill.
			this.log(tick, action.pid, action.lines);
			const p = this.tasks.procByPid(action.pid);
			if (p && !p.exited && !p.dying) this.lifecycle.exit(p, 'killed');
		} else if (action) {
			const p = this.tasks.procByPid(action.pid)!;
			this.earlyoomKills++;
			this.events.emit({
				kind: 'oom-kill',
				tick,
				pid: p.pid,
				name: p.name,
				lines: action.lines,
				candidates: [],
				constraint: 'userspace',
				reason: `available memory and free swap at or below earlyoom's ${action.signal} limits; ${p.name} had the highest oom_score`,
			});
			if (action.signal === 'SIGKILL') this.lifecycle.exit(p, 'killed');
			else this.lifecycle.terminate(p);
		} else this.log(tick, waited ?? 0, lines);
		// kill_wait()'s check right after the signal (i = 0): a SIGKILLed process is gone at once.
		if (action) {
			const p = this.tasks.procByPid(action.pid);
			this.log(tick, action.pid, loop.afterSignal(nowMs, !!p && !p.exited));
		}
		const sleepMs = loop.pending ? 0 : sleepTimeMs(mi, this.limits) + (extraSleepMs ?? 0);
		this.nextEarlyoomTick = tick + (loop.pending ? WAIT_TICKS : Math.round((sleepMs * 1000) / TICK_US));
	}

	private log(tick: number, pid: number, lines: readonly string[]): void {
		for (const line of lines)
			this.events.emit({kind: 'userspace-oom-log', tick, daemon: 'earlyoom', pid, line});
	}

	/** The state a snapshot shows; undefined while no userspace killer has ever run (the default). */
	snapshot(): UserspaceOomSnapshot | undefined {
		if (this.isDefault()) return undefined;
		const next = [this.nextPressureTick, this.nextSwapTick, this.nextEarlyoomTick].filter((t) => t >= 0);
		return {
			killer: this.killer,
			kills: {'systemd-oomd': this.oomdKills, earlyoom: this.earlyoomKills},
			nextPollTick: next.length > 0 ? Math.min(...next) : null,
			pressure: (this.oomd?.contexts ?? []).map((c) => ({
				path: c.path,
				fullAvg10: c.fullAvg10,
				limitPercent: c.limitPercent,
				durationSec: c.durationUs / 1_000_000,
				aboveSinceTick: c.hitStartUs > 0 ? c.hitStartUs / TICK_US : null,
			})),
			swap: this.oomd ? [...this.oomd.swapPaths] : [],
			earlyoom: this.earlyoom
				? {
						m: [this.limits.memTerm, this.limits.memKill],
						s: [this.limits.swapTerm, this.limits.swapKill],
						waitingForPid: this.earlyoom.pending?.pid ?? null,
					}
				: null,
		};
	}

	/** The snapshot's `userspaceOom` field, or nothing at all in the default state. */
	snapshotPart(): {userspaceOom?: UserspaceOomSnapshot} {
		const userspaceOom = this.snapshot();
		return userspaceOom ? {userspaceOom} : {};
	}

	private isDefault(): boolean {
		return this.killer === 'none' && this.oomdKills === 0 && this.earlyoomKills === 0;
	}

	/** null in the default state, so a state without a userspace killer is byte for byte what it was. */
	save(): UserspaceOomState | null {
		if (this.isDefault()) return null;
		return {
			killer: this.killer,
			oomdKills: this.oomdKills,
			earlyoomKills: this.earlyoomKills,
			nextPressureTick: this.nextPressureTick,
			nextSwapTick: this.nextSwapTick,
			nextEarlyoomTick: this.nextEarlyoomTick,
			oomd: this.oomd ? this.oomd.save() : null,
			earlyoomPending: this.earlyoom?.pending ? {...this.earlyoom.pending} : null,
		};
	}

	load(s: UserspaceOomState | null | undefined): void {
		if (!s) {
			this.start('none');
			this.oomdKills = this.earlyoomKills = 0;
			return;
		}
		if (!(USERSPACE_OOM_KILLERS as readonly unknown[]).includes(s.killer))
			throw new Error(`unknown userspace OOM killer ${String(s.killer)}`);
		this.start(s.killer);
		this.oomdKills = s.oomdKills;
		this.earlyoomKills = s.earlyoomKills;
		this.nextPressureTick = s.nextPressureTick;
		this.nextSwapTick = s.nextSwapTick;
		this.nextEarlyoomTick = s.nextEarlyoomTick;
		if (this.oomd && s.oomd) this.oomd.load(s.oomd);
		if (this.earlyoom) this.earlyoom.pending = s.earlyoomPending ? {...s.earlyoomPending} : null;
	}
}
