// The simulated machine: physical frames, processes, page cache, swap, zswap/zram, kswapd, the
// flusher, PSI and the OOM killer, advanced one fixed tick at a time by step(). Pure and
// deterministic: all randomness comes from this.rng, all time from this.tick.
import {BlockDevice} from './block-device.js';
import type {Command} from './commands.js';
import {compressedSize} from './compression.js';
import {
	COMPRESSORS,
	DEVICE_PROFILES,
	DIRECT_RECLAIM_BATCH_US,
	KSWAPD_NAP_TICKS,
	MAJOR_FAULT_KERNEL_US,
	MAX_DIRTY_PAUSE_US,
	MINOR_FAULT_CACHED_US,
	MINOR_FAULT_ZERO_US,
	OOM_WAIT_US,
	SCAN_PAGE_US,
	UNMAP_PAGE_US,
} from './costs.js';
import type {SimEvent} from './events.js';
import {
	FRAME_ANON,
	FRAME_FILE,
	FRAME_FREE,
	FRAME_KERNEL,
	FRAME_SHMEM,
	FRAME_ZPOOL,
	FrameTable,
	PG_ACTIVE,
	PG_DIRTY,
	PG_READAHEAD,
	PG_RECLAIM,
	PG_SWAPCACHE,
	PG_UNEVICTABLE,
	PG_WORKINGSET,
	PG_WRITEBACK,
	PG_YOUNG,
} from './frames.js';
import {MAX_RECLAIM_RETRIES, oomKillLines, oomReapedLine, rankOomCandidates} from './oom.js';
import {
	FileObject,
	initialRaSize,
	MMAP_LOTSAMISS,
	nextRaSize,
	OBJ_FILE,
	OBJ_SHMEM,
	RA_MAX_PAGES,
} from './page-cache.js';
import {createPolicy, DEFAULT_POLICY} from './policies/index.js';
import {
	CANNOT,
	EVICTED,
	type EvictResult,
	KEPT,
	type LruCounts,
	newScanStats,
	type ReclaimContext,
	type ReplacementPolicy,
	type ScanStats,
} from './policies/policy.js';
import {VMSTAT_FIELDS, type Vmstat} from './proc-names.js';
import {
	PAT_GROW,
	PAT_RANDOM,
	PAT_SEQUENTIAL,
	PAT_SHIFTING,
	PAT_STREAM,
	PAT_ZIPF,
	Proc,
	PTES_PER_TABLE,
	REGION_ANON,
	REGION_SHMEM,
	type Region,
	wssSecond,
} from './process.js';
import {PSI_PERIOD_US, PsiLineState, stallShares} from './psi.js';
import {Rng} from './rng.js';
import type {KswapdState, Watermarks} from './snapshot-types.js';
import type {MachineSpec, ProcessSpec, SysctlName, Sysctls, Workload} from './spec.js';
import {SLOT_DISK, SLOT_ZRAM, SLOT_ZSWAP, SwapArea} from './swap.js';
import {clampSysctl} from './sysctl.js';
import {bytesToPages, PAGE_SIZE, secondsToTicks, TICK_US, TICKS_PER_SECOND} from './units.js';
import {computeWatermarks, defaultMinFreeKbytes} from './watermarks.js';
import {packShadow, refaultDistance, shadowWorkingset, workingsetSize} from './workingset.js';

/** SWAP_CLUSTER_MAX: direct reclaim's batch. */
const SWAP_CLUSTER_MAX = 32;
/** DEF_PRIORITY: reclaim starts scanning size >> 12 of each list. */
const DEF_PRIORITY = 12;
/** kswapd gives up waking after this many runs that reclaimed nothing (MAX_RECLAIM_RETRIES). */
const KSWAPD_MAX_FAILURES = 16;
/** Flusher: dirty_writeback_centisecs = 500, dirty_expire_centisecs = 3000. */
const WRITEBACK_INTERVAL_TICKS = 5 * TICKS_PER_SECOND;
const DIRTY_EXPIRE_TICKS = 30 * TICKS_PER_SECOND;
/** The balloon driver inflates at most this many pages per tick (≈256 MiB/s). */
const BALLOON_PAGES_PER_TICK = 640;
const PSI_PERIOD_TICKS = PSI_PERIOD_US / TICK_US;
/** The first pid a workload's processes get (below it would be the system's own). */
export const FIRST_PID = 100;

export interface MachineOptions {
	seed: number;
	/** Overrides the workload's policy. */
	policy?: string | undefined;
}

/** The counters behind /proc/vmstat, as one object with a fixed shape. */
function zeroVmstat(): Vmstat {
	const v = {} as Vmstat;
	for (const f of VMSTAT_FIELDS) v[f] = 0;
	return v;
}

export class Machine implements ReclaimContext {
	readonly workload: Workload;
	readonly spec: MachineSpec;
	readonly seed: number;
	readonly policyName: string;
	readonly rng: Rng;
	tick = 0;

	// Physical memory.
	readonly totalPages: number;
	readonly frames: FrameTable;
	/** File/shmem frames: the process slot charged for mapping it (RssFile/RssShmem), or -1. */
	readonly mapper: Int32Array;
	/** Swap-cache pages: their swap slot, or -1. */
	readonly frameSlot: Int32Array;
	/** Free frames form a singly linked list threaded through frames.index (free frames have no index). */
	private freeHead = -1;
	private freeTop = 0;
	/** Frames per FRAME_* kind. */
	readonly kindCount = new Int32Array(6);
	readonly policy: ReplacementPolicy;
	private readonly needsEveryAccess: boolean;
	readonly lru: LruCounts = {activeAnon: 0, inactiveAnon: 0, activeFile: 0, inactiveFile: 0, unevictable: 0};

	// Devices, files, swap.
	readonly disk: BlockDevice;
	readonly swapDev: BlockDevice | null;
	readonly swap: SwapArea | null;
	readonly isZram: boolean;
	readonly files: FileObject[] = [];
	private readonly fileByName = new Map<string, FileObject>();

	// Processes.
	readonly procs: (Proc | null)[] = [];
	private nextPid = FIRST_PID;
	private freeSlots: number[] = [];

	// Tunables (mutable through commands).
	readonly sysctl: Sysctls;
	wm: Watermarks;
	zswapEnabled: boolean;

	// Counters.
	readonly vm: Vmstat = zeroVmstat();
	/** Page references completed by every process that ever ran: the work the machine got done. */
	totalRefs = 0;
	readonly psiSome = new PsiLineState();
	readonly psiFull = new PsiLineState();
	oomKills = 0;

	// kswapd.
	kswapdState: KswapdState = 'sleeping';
	kswapdFailures = 0;
	private kswapdNapUntil = 0;
	private kswapdReclaimed = 0;
	/** Time kswapd spent reclaiming this tick (µs): PSI counts it as memstall. */
	private kswapdBusyUs = 0;

	// Compressed memory: zswap pool and zram share the zsmalloc-like page pool.
	zswapBytes = 0;
	zswapStored = 0;
	zswapFull = false;
	zramBytes = 0;
	zramStored = 0;
	private zpoolFrames: Int32Array;
	private zpoolTop = 0;

	// Dirty page cache: a FIFO of frames in the order they were dirtied (with the tick).
	private dirtyRing: Int32Array;
	private dirtyRingTick: Int32Array;
	private dirtyHead = 0;
	private dirtyLen = 0;
	nrDirty = 0;
	nrWriteback = 0;
	nrMapped = 0;
	nrSwapCached = 0;

	// Workingset (refault) state and the reclaim cost balance.
	nonresidentAge = 0;
	anonCost = 0;
	fileCost = 0;
	recentFileRefaults = false;
	readonly stats: ScanStats = newScanStats();
	/** Time the current reclaimer spends (µs), charged to kswapd or the direct reclaimer. */
	private reclaimCostUs = 0;
	private anonPageouts = 0;
	/** Pages reclaim skipped because the swap device's queue was full. */
	private congestedKeeps = 0;
	private filePageouts = 0;
	/** Simulated µs within the current tick of whoever is running (for device queues). */
	private nowUs = 0;

	balloonPages = 0;
	balloonTarget = 0;
	/** Killed by the OOM killer, memory not yet released. One victim at a time. */
	private oomVictim: Proc | null = null;
	private oomVictimTick = 0;
	private readonly kernelStatic: number;

	private pendingEvents: SimEvent[] = [];
	private nextGroupStart = 0;
	private readonly groupOrder: number[];
	private readonly groupPids: number[];
	private nextTimedEvent = 0;

	constructor(workload: Workload, options: MachineOptions) {
		this.workload = workload;
		this.spec = workload.machine;
		this.seed = options.seed;
		this.rng = new Rng(options.seed);
		this.policyName = options.policy ?? workload.machine.policy ?? DEFAULT_POLICY;
		const spec = this.spec;
		this.totalPages = bytesToPages(spec.ram);
		const n = this.totalPages;
		this.frames = new FrameTable(n);
		// File/shmem frames need their mapper, anon frames their swap slot: never both, so one array.
		this.mapper = new Int32Array(n).fill(-1);
		this.frameSlot = this.mapper;
		this.zpoolFrames = new Int32Array(1024);
		this.dirtyRing = new Int32Array(1024);
		this.dirtyRingTick = new Int32Array(1024);
		this.policy = createPolicy(this.policyName);
		this.needsEveryAccess = this.policy.needsEveryAccess;
		this.policy.attach(this.frames);
		this.sysctl = {...spec.sysctl};
		this.zswapEnabled = spec.zswap.enabled;
		this.disk = new BlockDevice(DEVICE_PROFILES[spec.disk === 'zram' ? 'ssd' : spec.disk]);
		const swapPages = bytesToPages(spec.swap.size);
		this.isZram = spec.swap.device === 'zram';
		this.swap = swapPages > 0 ? new SwapArea(swapPages) : null;
		if (this.zswapEnabled) this.swap?.enableZswap();
		this.swapDev =
			swapPages > 0 && !this.isZram ? new BlockDevice(DEVICE_PROFILES[spec.swap.device as 'ssd']) : null;
		// Kernel memory comes first (the image, memmap, slab); the rest is free, lowest frames last out.
		this.kernelStatic = Math.min(n - 1, bytesToPages(spec.kernel));
		for (let f = n - 1; f >= this.kernelStatic; f--) this.pushFree(f);
		for (let f = 0; f < this.kernelStatic; f++) this.frames.kind[f] = FRAME_KERNEL;
		this.kindCount[FRAME_KERNEL] = this.kernelStatic;
		this.kindCount[FRAME_FREE] = n - this.kernelStatic;
		this.wm = this.computeWatermarks();
		// Workload processes get pids 100, 101, ... in the order listed (count expanded in place), up
		// front, so events can name them; later spawns continue from there.
		let pid = FIRST_PID;
		this.groupPids = workload.processes.map((g) => {
			const base = pid;
			pid += g.count;
			return base;
		});
		this.nextPid = pid;
		this.groupOrder = workload.processes
			.map((_, i) => i)
			.sort((a, b) => workload.processes[a]!.start - workload.processes[b]!.start || a - b);
	}

	// ---------------------------------------------------------------- public API

	get freePages(): number {
		return this.freeTop;
	}

	get swappiness(): number {
		return this.sysctl.swappiness;
	}

	get minTtlMs(): number {
		return this.sysctl.min_ttl_ms;
	}

	/** Swap is usable: slots left, and zram below its memory limit. */
	get canSwap(): boolean {
		return this.swap !== null && this.swap.free > 0;
	}

	/** get_scan_count's file_is_tiny: free + file LRU ≤ the high watermark. */
	get fileIsTiny(): boolean {
		return this.freeTop + this.lru.activeFile + this.lru.inactiveFile <= this.wm.high;
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

	/** Events since the last call. */
	drainEvents(): SimEvent[] {
		const e = this.pendingEvents;
		this.pendingEvents = [];
		return e;
	}

	/** Apply a command at the current tick; every command is logged as an event. */
	apply(command: Command): void {
		const summary = this.applyCommand(command);
		this.emit({kind: 'command', tick: this.tick, command, summary});
	}

	/** Advance one tick (10 ms). */
	step(): void {
		const tick = this.tick;
		this.nowUs = tick * TICK_US;
		// The LRU sizes are a cache others may refresh (snapshots do); start every tick from fresh
		// ones so the machine's future never depends on whether someone looked at it.
		this.policy.counts(this.lru);
		if (tick % TICKS_PER_SECOND === 0) this.rollSecond();
		this.reapOomVictim();
		this.startAndStopProcesses();
		this.runTimedEvents();
		this.runKswapd();
		this.runFlusher();
		this.runZswapWriteback();
		this.runBalloon();
		const procs = this.procs;
		for (let i = 0; i < procs.length; i++) {
			const p = procs[i];
			if (p && !p.exited && !p.dying) this.runProcess(p);
		}
		this.accountPsi();
		this.tick = tick + 1;
		if (this.tick % PSI_PERIOD_TICKS === 0) {
			this.psiSome.closePeriod(PSI_PERIOD_US);
			this.psiFull.closePeriod(PSI_PERIOD_US);
		}
	}

	// ---------------------------------------------------------------- commands

	private applyCommand(c: Command): string {
		switch (c.kind) {
			case 'spawn': {
				const count = c.count ?? 1;
				const pids: number[] = [];
				for (let i = 0; i < count; i++) {
					const p = this.spawn(c.spec, -1);
					if (p) pids.push(p.pid);
				}
				const size = c.spec.regions.reduce((s, r) => s + (r.kind === 'file' ? 0 : r.size), 0);
				return pids.length
					? `spawned ${c.spec.name} (pid ${pids.join(', ')}${size ? `, ${Math.round(size / 2 ** 20)} MiB anon` : ''})`
					: `spawn ${c.spec.name} refused`;
			}
			case 'kill': {
				const p = this.procByPid(c.pid);
				if (!p || p.dying) return `kill ${c.pid}: no such process`;
				this.exitProcess(p, 'killed');
				return `killed ${p.pid} (${p.name})`;
			}
			case 'set-sysctl': {
				const value = clampSysctl(c.name, c.value);
				(this.sysctl as Record<SysctlName, number>)[c.name] = value;
				if (c.name === 'min_free_kbytes' || c.name === 'watermark_scale_factor')
					this.wm = this.computeWatermarks();
				return `vm.${c.name} = ${value}`;
			}
			case 'set-oom-score-adj': {
				const p = this.procByPid(c.pid);
				if (!p) return `oom_score_adj ${c.pid}: no such process`;
				p.oomScoreAdj = Math.max(-1000, Math.min(1000, Math.trunc(c.value)));
				return `${p.pid} (${p.name}) oom_score_adj = ${p.oomScoreAdj}`;
			}
			case 'set-zswap':
				this.zswapEnabled = c.enabled;
				if (c.enabled) this.swap?.enableZswap();
				return `zswap ${c.enabled ? 'enabled' : 'disabled'}`;
			case 'drop-caches': {
				const dropped = c.mode & 1 ? this.dropCaches() : 0;
				this.vm.drop_pagecache++;
				return `drop_caches ${c.mode}: freed ${dropped} clean page-cache pages`;
			}
			case 'balloon': {
				const pages = Math.trunc(c.bytes / PAGE_SIZE);
				this.balloonTarget = Math.max(
					0,
					Math.min(this.totalPages - this.kernelStatic - this.wm.high, this.balloonTarget + pages),
				);
				if (this.balloonTarget < this.balloonPages)
					this.deflateBalloon(this.balloonPages - this.balloonTarget);
				return `balloon target ${Math.round((this.balloonTarget * PAGE_SIZE) / 2 ** 20)} MiB`;
			}
		}
	}

	private computeWatermarks(): Watermarks {
		const managed = this.totalPages - this.kernelStatic;
		const minFree = this.sysctl.min_free_kbytes ?? defaultMinFreeKbytes(managed);
		return computeWatermarks(managed, minFree, this.sysctl.watermark_scale_factor);
	}

	// ---------------------------------------------------------------- processes

	private objectIdFor(procName: string, r: ProcessSpec['regions'][number]): number {
		const key = `${r.kind}:${r.object ?? `${procName}/${r.name}`}`;
		let obj = this.fileByName.get(key);
		const pages = bytesToPages(r.size);
		if (obj && obj.pages < pages) obj.grow(pages); // a bigger mapping of the same file extends it
		if (!obj) {
			obj = new FileObject(this.files.length, key, r.kind === 'shmem' ? OBJ_SHMEM : OBJ_FILE, pages);
			this.files.push(obj);
			this.fileByName.set(key, obj);
		}
		return obj.id;
	}

	/** Spawn a process now. `endTick` < 0: no fixed end. Returns null when overcommit refuses it. */
	spawn(spec: ProcessSpec, endTick: number, fixedPid?: number): Proc | null {
		const slot = this.freeSlots.length ? this.freeSlots.pop()! : this.procs.length;
		const pid = fixedPid ?? this.nextPid++;
		const lifetimeEnd = spec.lifetime !== undefined ? this.tick + secondsToTicks(spec.lifetime) : -1;
		const end =
			endTick >= 0 && lifetimeEnd >= 0 ? Math.min(endTick, lifetimeEnd) : Math.max(endTick, lifetimeEnd);
		const p = new Proc({
			pid,
			slot,
			spec,
			startTick: this.tick,
			endTick: end,
			objectIdFor: (r) => this.objectIdFor(spec.name, r),
		});
		const refusal = this.overcommitRefusal(p.committed);
		if (refusal) {
			this.freeSlots.push(slot);
			this.emit({kind: 'alloc-fail', tick: this.tick, pid, name: spec.name, reason: refusal});
			return null;
		}
		if (slot === this.procs.length) this.procs.push(p);
		else this.procs[slot] = p;
		this.emit({kind: 'process-start', tick: this.tick, pid, name: spec.name});
		return p;
	}

	/** __vm_enough_memory(): mode 1 always grants; mode 0 refuses one request larger than RAM + swap; mode 2 enforces CommitLimit. */
	private overcommitRefusal(pages: number): string | null {
		const mode = this.sysctl.overcommit_memory;
		if (mode === 1) return null;
		const swapPages = this.swap?.total ?? 0;
		if (mode === 0) {
			return pages > this.totalPages + swapPages
				? `request of ${pages} pages exceeds RAM + swap (overcommit_memory=0)`
				: null;
		}
		const limit = this.commitLimit();
		const committed = this.committedAs();
		return committed + pages > limit
			? `Committed_AS ${committed} + ${pages} pages > CommitLimit ${limit} (overcommit_memory=2)`
			: null;
	}

	commitLimit(): number {
		return (
			Math.floor(((this.totalPages - this.balloonPages) * this.sysctl.overcommit_ratio) / 100) +
			(this.swap?.total ?? 0)
		);
	}

	committedAs(): number {
		let sum = 0;
		for (const p of this.procs) if (p && !p.exited) sum += p.committed;
		return sum;
	}

	private startAndStopProcesses(): void {
		const groups = this.workload.processes;
		while (this.nextGroupStart < this.groupOrder.length) {
			const gi = this.groupOrder[this.nextGroupStart]!;
			const g = groups[gi]!;
			if (secondsToTicks(g.start) > this.tick) break;
			this.nextGroupStart++;
			const end = g.end !== undefined ? secondsToTicks(g.end) : -1;
			for (let i = 0; i < g.count; i++) this.spawn(g, end, this.groupPids[gi]! + i);
		}
		for (const p of this.procs) {
			if (p && !p.exited && !p.dying && p.endTick >= 0 && this.tick >= p.endTick)
				this.exitProcess(p, 'finished');
		}
	}

	private runTimedEvents(): void {
		const events = this.workload.events;
		while (
			this.nextTimedEvent < events.length &&
			secondsToTicks(events[this.nextTimedEvent]!.at) <= this.tick
		) {
			this.apply(events[this.nextTimedEvent]!.command);
			this.nextTimedEvent++;
		}
	}

	/** exit_mmap(): anon pages and swap slots are freed; file and shmem pages stay cached, unmapped. */
	private exitProcess(p: Proc, reason: 'finished' | 'killed' | 'oom-killed' | 'enomem'): void {
		const pt = p.pt;
		const frames = this.frames;
		for (const r of p.regions) {
			const end = Math.min(r.startVpn + r.pages, pt.length);
			for (let vpn = r.startVpn; vpn < end; vpn++) {
				const e = pt[vpn]!;
				if (e === 0) continue;
				pt[vpn] = 0;
				if (r.kind === REGION_ANON) {
					if (e > 0) {
						const frame = e - 1;
						if (frames.flags[frame]! & PG_SWAPCACHE) this.dropSwapCache(frame);
						this.policy.removed(frame);
						this.freeFrame(frame);
					} else {
						this.releaseSlot(-e - 1, p);
					}
				} else if (e > 0) {
					const frame = e - 1;
					if (this.mapper[frame] === p.slot && frames.owner[frame] === r.objectId) {
						this.mapper[frame] = -1;
						this.nrMapped--;
					}
				}
			}
		}
		for (let c = 0; c < p.ptPages.length; c++) {
			const e = p.ptPages[c]!;
			if (e > 0) this.freeFrame(e - 1);
		}
		p.rssAnon = 0;
		p.rssFile = 0;
		p.rssShmem = 0;
		p.swapEnts = 0;
		p.zswapEnts = 0;
		p.nPtPages = 0;
		p.exited = true;
		p.state = 'exited';
		this.freeSlots.push(p.slot);
		this.procs[p.slot] = null;
		this.emit({kind: 'process-exit', tick: this.tick, pid: p.pid, name: p.name, reason});
	}

	// ---------------------------------------------------------------- the reference loop

	/** One tick of one process: pay off stall debt, then make references until the tick's time is spent. */
	private runProcess(p: Proc): void {
		p.tickMemUs = 0;
		p.tickIoUs = 0;
		p.tickReclaimUs = 0;
		p.tickSwapinUs = 0;
		p.tickFileIoUs = 0;
		p.tickThrottleUs = 0;
		p.tickRefsWanted = 0;
		p.tickRefsDone = 0;
		p.waitingOom = false;
		if (p.burstPeriodTicks > 0) {
			if ((this.tick - p.startTick) % p.burstPeriodTicks >= p.burstOnTicks) {
				p.state = 'sleeping';
				p.wantAcc = 0;
				return;
			}
		}
		const budget = TICK_US;
		const tickStartUs = this.tick * TICK_US;
		let used = 0;
		// Time owed from a fault that overran the last tick: still stalled.
		if (p.debtMemUs > 0) {
			const d = Math.min(p.debtMemUs, budget);
			p.debtMemUs -= d;
			p.tickMemUs += d;
			used += d;
		}
		if (p.debtIoUs > 0 && used < budget) {
			const d = Math.min(p.debtIoUs, budget - used);
			p.debtIoUs -= d;
			p.tickIoUs += d;
			used += d;
		}
		if (p.hasGrowth) this.runGrowth(p);
		// A failed allocation (ENOMEM) or an OOM kill during growth ends this tick's work.
		if (p.exited || p.dying) return;
		p.wantAcc = Math.min(p.wantAcc + p.refsPerTick, p.refsPerTick + 1);
		p.tickRefsWanted = p.refsPerTick;
		if (!p.hasRefStreams) p.wantAcc = 0;
		const rng = this.rng;
		const flags = this.frames.flags;
		const usPerRef = p.usPerRef;
		const n = p.nStreams;
		const sec16 = wssSecond(Math.floor(this.tick / TICKS_PER_SECOND));
		let done = 0;
		while (used < budget && p.wantAcc >= 1 && !p.dying) {
			p.wantAcc -= 1;
			// Pick a stream by weight.
			let s = 0;
			if (n > 1) {
				const u = rng.next();
				while (s < n - 1 && (p.streamCum[s]! < 0 || u >= p.streamCum[s]!)) s++;
			}
			const pages = p.streamPages[s]!;
			let off: number;
			switch (p.streamPattern[s]) {
				case PAT_SEQUENTIAL:
				case PAT_STREAM: {
					off = p.streamCursor[s]!;
					p.streamCursor[s] = off + 1 >= pages ? 0 : off + 1;
					break;
				}
				case PAT_RANDOM:
					off = Math.floor(rng.next() * pages);
					break;
				case PAT_ZIPF:
					off = zipfOffset(rng.next(), pages, p.streamSkew[s]!);
					break;
				case PAT_SHIFTING: {
					const w = p.streamWindow[s]!;
					const phase = Math.floor((this.tick - p.startTick) / p.streamPeriodTicks[s]!);
					off = ((phase * w) % pages) + Math.floor(rng.next() * w);
					if (off >= pages) off -= pages;
					break;
				}
				default:
					off = 0;
			}
			const vpn = p.streamStart[s]! + off;
			const write = p.streamWrite[s]! > 0 && rng.next() < p.streamWrite[s]!;
			let cost = usPerRef;
			const e = p.pt[vpn]!;
			const region = p.regions[p.streamRegion[s]!]!;
			if (e > 0 && region.kind === REGION_ANON) {
				// The common case: a resident anonymous page. The MMU sets the accessed bit.
				const frame = e - 1;
				const f = flags[frame]!;
				if (f & PG_READAHEAD) cost += this.readaheadHit(p, frame);
				flags[frame]! |= PG_YOUNG;
				if (write && f & PG_SWAPCACHE) this.dropSwapCache(frame);
				if (this.needsEveryAccess) this.policy.accessed(frame);
			} else {
				this.nowUs = tickStartUs + used;
				const c = this.fault(p, region, vpn, off, s, write);
				if (c < 0) {
					// Waiting for memory (an OOM victim to exit) or killed: the reference did not happen.
					p.wantAcc += 1;
					if (c === -1) break;
					used = budget;
					break;
				}
				cost += c;
			}
			if (p.touch[vpn] !== sec16) p.touchWss(vpn, sec16);
			used += cost;
			done++;
		}
		p.refs += done;
		this.totalRefs += done;
		p.tickRefsDone = done;
		p.secDone += done;
		p.secWanted += p.hasRefStreams ? p.refsPerTick : 0;
		// Overrun: the rest of the stall spills into the next tick, split like this tick's stall.
		if (used > budget) {
			const over = used - budget;
			const stall = p.tickMemUs + p.tickIoUs;
			const memShare = stall > 0 ? p.tickMemUs / stall : 0;
			p.debtMemUs += over * memShare;
			p.debtIoUs += over * (1 - memShare);
			p.tickMemUs -= Math.min(p.tickMemUs, over * memShare);
			p.tickIoUs -= Math.min(p.tickIoUs, over * (1 - memShare));
		}
		p.secStallUs += p.tickMemUs + p.tickIoUs;
		p.state = this.stateOf(p);
	}

	private stateOf(p: Proc): Proc['state'] {
		if (p.dying) return 'dying';
		const half = TICK_US / 2;
		if (p.tickReclaimUs > half || p.waitingOom) return 'reclaim';
		if (p.tickSwapinUs > half) return 'swapin';
		if (p.tickFileIoUs > half) return 'io';
		if (p.tickThrottleUs > half) return 'throttled';
		// Still paying for a long fault begun in an earlier tick.
		if (p.debtMemUs + p.debtIoUs > half) return p.lastWait;
		return 'running';
	}

	/** Grow streams allocate and first-touch new pages at their own rate (a leak never looks back). */
	private runGrowth(p: Proc): void {
		for (let s = 0; s < p.nStreams; s++) {
			if (p.streamPattern[s] !== PAT_GROW) continue;
			const region = p.regions[p.streamRegion[s]!]!;
			p.streamGrowAcc[s]! += p.streamGrowPerTick[s]!;
			while (p.streamGrowAcc[s]! >= 1 && region.grown < region.pages && !p.dying) {
				// brk()/mmap() growth is a commitment first: mode 2 refuses it past CommitLimit.
				if (this.sysctl.overcommit_memory === 2 && this.committedAs() + 1 > this.commitLimit()) {
					this.emit({
						kind: 'alloc-fail',
						tick: this.tick,
						pid: p.pid,
						name: p.name,
						reason: 'malloc: ENOMEM (CommitLimit reached, overcommit_memory=2)',
					});
					this.exitProcess(p, 'enomem');
					return;
				}
				const vpn = region.startVpn + region.grown;
				p.ensureVpn(vpn);
				// Another stream over the same region may have touched this page already.
				const c = p.pt[vpn]! > 0 ? 0 : this.faultAnon(p, vpn, true);
				if (c < 0) {
					if (c === -2) p.tickMemUs += TICK_US / 2;
					return;
				}
				region.grown++;
				p.committed++;
				p.streamGrowAcc[s]! -= 1;
				p.refs++;
				this.totalRefs++;
				p.touchWss(vpn, wssSecond(Math.floor(this.tick / TICKS_PER_SECOND)));
			}
		}
	}

	/** A reference that did not hit a resident anon page. Returns its cost in µs, −1 if the process died, −2 if it must wait. */
	private fault(p: Proc, region: Region, vpn: number, off: number, stream: number, write: boolean): number {
		if (region.kind === REGION_ANON) return this.faultAnon(p, vpn, write);
		const obj = this.files[region.objectId]!;
		if (region.kind === REGION_SHMEM) return this.faultShmem(p, obj, vpn, off, write);
		return this.fileAccess(p, region, obj, vpn, off, stream, write);
	}

	/** Make sure the page-table page for vpn exists (it is kernel memory, charged like any allocation). */
	private ensurePageTable(p: Proc, vpn: number): number {
		const chunk = (vpn / PTES_PER_TABLE) | 0;
		if (p.ptPages[chunk] !== 0) return 0;
		const frame = this.allocPage(p);
		if (frame < 0) return frame;
		this.setFrameKind(frame, FRAME_KERNEL);
		this.frames.owner[frame] = -2;
		p.ptPages[chunk] = frame + 1;
		p.nPtPages++;
		return 0;
	}

	private faultAnon(p: Proc, vpn: number, write: boolean): number {
		const e = p.pt[vpn]!;
		if (e < 0) return this.swapIn(p, vpn, -e - 1, write);
		const pt = this.ensurePageTable(p, vpn);
		if (pt < 0) return pt;
		// do_anonymous_page(): demand-zero minor fault.
		const before = p.tickReclaimUs;
		const frame = this.allocPage(p);
		if (frame < 0) return frame;
		const frames = this.frames;
		this.setFrameKind(frame, FRAME_ANON);
		frames.owner[frame] = p.slot;
		frames.index[frame] = vpn;
		const locked = p.regionOf(vpn).locked;
		frames.flags[frame] = PG_YOUNG | PG_DIRTY | (locked ? PG_UNEVICTABLE : 0);
		p.pt[vpn] = frame + 1;
		p.rssAnon++;
		p.minflt++;
		p.secMinflt++;
		this.vm.pgfault++;
		this.policy.inserted(frame, false);
		void write;
		return MINOR_FAULT_ZERO_US + (p.tickReclaimUs - before);
	}

	/** do_swap_page(): a major fault that brings a page back from zswap, zram or the swap device. */
	private swapIn(p: Proc, vpn: number, slot: number, write: boolean): number {
		const swap = this.swap!;
		const before = p.tickReclaimUs;
		const frame = this.allocPage(p);
		if (frame < 0) return frame;
		const reclaimUs = p.tickReclaimUs - before;
		const state = swap.state[slot]!;
		let waitUs = MAJOR_FAULT_KERNEL_US;
		const compressor = this.isZram ? (this.spec.swap.compressor ?? 'lzo') : this.spec.zswap.compressor;
		if (state === SLOT_ZSWAP) {
			waitUs += COMPRESSORS[this.spec.zswap.compressor].decompressUs;
			this.vm.zswpin++;
			p.zswapEnts--;
		} else if (state === SLOT_ZRAM) {
			// A synchronous device: no swap cache, no readahead, one page per fault.
			waitUs += COMPRESSORS[compressor].decompressUs;
			this.vm.pswpin++;
			this.vm.pgpgin += 4;
		} else {
			// Swap readahead: virtual neighbours also on the device come in with the same IO (page-cluster).
			const ra = this.swapReadahead(p, vpn);
			waitUs += this.swapDev!.read(this.nowUs, 1 + ra);
			this.vm.pswpin += 1 + ra;
			this.vm.pgpgin += (1 + ra) * 4;
		}
		const shadow = swap.shadow[slot]!;
		const activate = this.refault(shadow, true);
		const frames = this.frames;
		this.setFrameKind(frame, FRAME_ANON);
		frames.owner[frame] = p.slot;
		frames.index[frame] = vpn;
		frames.flags[frame] = PG_YOUNG | (activate || shadowWorkingset(shadow) ? PG_WORKINGSET : 0);
		p.pt[vpn] = frame + 1;
		p.swapEnts--;
		p.rssAnon++;
		p.majflt++;
		p.secMajflt++;
		this.vm.pgfault++;
		this.vm.pgmajfault++;
		// A page read from the swap device keeps its slot (SwapCached) unless swap is over half full
		// or the page is written; a zswap load or a zram read frees it.
		if (!write && swap.used * 2 < swap.total && state === SLOT_DISK) {
			this.addSwapCache(frame, slot);
		} else {
			this.freeSlot(slot);
			frames.flags[frame]! |= PG_DIRTY;
		}
		this.policy.inserted(frame, activate);
		// A swap-in of a page that was in the workingset (PG_workingset, or a refault distance within the
		// workingset size) is thrashing: memory stall. Otherwise it is IO wait.
		if (activate || shadowWorkingset(shadow)) p.tickMemUs += waitUs;
		else p.tickIoUs += waitUs;
		p.tickSwapinUs += waitUs;
		p.lastWait = 'swapin';
		this.nowUs += waitUs;
		return waitUs + reclaimUs;
	}

	/** VMA-based swap readahead: up to 2^page_cluster − 1 neighbours in the same aligned window, if still on the device. */
	private swapReadahead(p: Proc, vpn: number): number {
		const window = 2 ** this.sysctl.page_cluster;
		if (window <= 1) return 0;
		const swap = this.swap!;
		const region = p.regionOf(vpn);
		const start = Math.max(region.startVpn, vpn - (vpn % window));
		const end = Math.min(region.startVpn + region.pages, start + window, p.pt.length);
		let n = 0;
		for (let v = start; v < end; v++) {
			if (v === vpn) continue;
			const e = p.pt[v]!;
			if (e >= 0) continue;
			const slot = -e - 1;
			if (swap.state[slot] !== SLOT_DISK) continue;
			// Readahead never reclaims (__GFP_NORETRY-like): only from free memory above min.
			if (this.freeTop <= this.wm.min) break;
			const frame = this.popFree();
			this.setFrameKind(frame, FRAME_ANON);
			this.frames.owner[frame] = p.slot;
			this.frames.index[frame] = v;
			this.frames.flags[frame] = PG_READAHEAD;
			p.pt[v] = frame + 1;
			p.swapEnts--;
			p.rssAnon++;
			this.addSwapCache(frame, slot);
			this.policy.inserted(frame, false);
			this.vm.swap_ra++;
			n++;
		}
		return n;
	}

	/** First touch of a page brought in by readahead: a minor fault from the swap/page cache. */
	private readaheadHit(p: Proc, frame: number): number {
		this.frames.flags[frame]! &= ~PG_READAHEAD;
		this.vm.swap_ra_hit++;
		p.minflt++;
		p.secMinflt++;
		this.vm.pgfault++;
		return MINOR_FAULT_CACHED_US;
	}

	private addSwapCache(frame: number, slot: number): void {
		this.frames.flags[frame]! |= PG_SWAPCACHE;
		this.frameSlot[frame] = slot;
		this.nrSwapCached++;
	}

	/** The page was written (or is going away): its swap copy is stale, free the slot. */
	private dropSwapCache(frame: number): void {
		const slot = this.frameSlot[frame]!;
		this.frames.flags[frame]! &= ~PG_SWAPCACHE;
		this.frames.flags[frame]! |= PG_DIRTY;
		this.frameSlot[frame] = -1;
		this.nrSwapCached--;
		if (slot >= 0) this.freeSlot(slot);
	}

	private faultShmem(p: Proc, obj: FileObject, vpn: number, off: number, write: boolean): number {
		const c = obj.cache[off]!;
		if (c > 0) {
			const frame = c - 1;
			this.frames.flags[frame]! |= PG_YOUNG;
			if (p.pt[vpn] === c) {
				if (this.needsEveryAccess) this.policy.accessed(frame);
				return 0;
			}
			// Mapping a page another process already brought in: a minor fault.
			p.pt[vpn] = c;
			this.chargeMapper(p, frame, true);
			p.minflt++;
			p.secMinflt++;
			this.vm.pgfault++;
			return MINOR_FAULT_CACHED_US;
		}
		const pt = this.ensurePageTable(p, vpn);
		if (pt < 0) return pt;
		const before = p.tickReclaimUs;
		const frame = this.allocPage(p);
		if (frame < 0) return frame;
		const reclaimUs = p.tickReclaimUs - before;
		let cost = MINOR_FAULT_ZERO_US;
		let activate = false;
		let ws = false;
		if (c < 0) {
			// shmem_swapin_folio(): back from swap (a major fault).
			const slot = -c - 1;
			const swap = this.swap!;
			const state = swap.state[slot]!;
			let waitUs = MAJOR_FAULT_KERNEL_US;
			if (state === SLOT_ZSWAP) {
				waitUs += COMPRESSORS[this.spec.zswap.compressor].decompressUs;
				this.vm.zswpin++;
			} else if (state === SLOT_ZRAM) {
				waitUs += COMPRESSORS[this.spec.swap.compressor ?? 'lzo'].decompressUs;
				this.vm.pswpin++;
				this.vm.pgpgin += 4;
			} else {
				waitUs += this.swapDev!.read(this.nowUs, 1);
				this.vm.pswpin++;
				this.vm.pgpgin += 4;
			}
			const shadow = swap.shadow[slot]!;
			activate = this.refault(shadow, true);
			ws = activate || shadowWorkingset(shadow);
			this.freeSlot(slot);
			p.majflt++;
			p.secMajflt++;
			this.vm.pgmajfault++;
			if (ws) p.tickMemUs += waitUs;
			else p.tickIoUs += waitUs;
			p.tickSwapinUs += waitUs;
			this.nowUs += waitUs;
			cost = waitUs;
		} else {
			p.minflt++;
			p.secMinflt++;
		}
		this.vm.pgfault++;
		this.setFrameKind(frame, FRAME_SHMEM);
		this.frames.owner[frame] = obj.id;
		this.frames.index[frame] = off;
		this.frames.flags[frame] = PG_YOUNG | PG_DIRTY | (ws || activate ? PG_WORKINGSET : 0);
		obj.cache[off] = frame + 1;
		p.pt[vpn] = frame + 1;
		this.chargeMapper(p, frame, true);
		this.policy.inserted(frame, activate);
		void write;
		return cost + reclaimUs;
	}

	private chargeMapper(p: Proc, frame: number, shmem: boolean): void {
		if (this.mapper[frame]! >= 0) return;
		this.mapper[frame] = p.slot;
		this.nrMapped++;
		if (shmem) p.rssShmem++;
		else p.rssFile++;
	}

	/** A reference to a file page, through mmap (page faults) or read(2) (no faults; the page cache either way). */
	private fileAccess(
		p: Proc,
		region: Region,
		obj: FileObject,
		vpn: number,
		off: number,
		stream: number,
		write: boolean,
	): number {
		const c = obj.cache[off]!;
		const flags = this.frames.flags;
		if (c > 0) {
			const frame = c - 1;
			let cost = 0;
			if (flags[frame]! & PG_READAHEAD) {
				flags[frame]! &= ~PG_READAHEAD;
				if (obj.mmapMiss > 0) obj.mmapMiss--;
			}
			if (region.mmap) {
				flags[frame]! |= PG_YOUNG;
				if (p.pt[vpn] !== c) {
					// filemap_map_pages()/filemap_fault() finding the page cached: a minor fault.
					p.pt[vpn] = c;
					this.chargeMapper(p, frame, false);
					p.minflt++;
					p.secMinflt++;
					this.vm.pgfault++;
					cost = MINOR_FAULT_CACHED_US;
				}
				if (this.needsEveryAccess) this.policy.accessed(frame);
			} else {
				// read(2) hit: folio_mark_accessed() does the LRU promotion itself.
				this.policy.accessed(frame);
				cost = 0.3;
			}
			if (write) cost += this.dirtyFilePage(p, frame);
			return cost;
		}
		// A page-cache miss: read the page (and its readahead window) from disk.
		const before = p.tickReclaimUs;
		if (region.mmap) {
			const ptc = this.ensurePageTable(p, vpn);
			if (ptc < 0) return ptc;
		}
		const frame = this.allocPage(p);
		if (frame < 0) return frame;
		const reclaimUs = p.tickReclaimUs - before;
		const pattern = p.streamPattern[stream]!;
		const sequential = pattern === PAT_SEQUENTIAL || pattern === PAT_STREAM;
		let window = 1;
		if (sequential) {
			// ondemand_readahead(): a miss where the last window ended continues the sequence.
			const next = p.streamRaNext[stream]!;
			const cur = p.streamRaSize[stream]!;
			window = next === off && cur > 0 ? nextRaSize(cur) : initialRaSize(1);
			p.streamRaSize[stream] = window;
		} else if (region.mmap && obj.mmapMiss < MMAP_LOTSAMISS) {
			// do_sync_mmap_readahead(): read around the fault until mmap_miss says it does not pay.
			window = RA_MAX_PAGES;
			obj.mmapMiss++;
		}
		const shadow = c < 0 ? -c : 0;
		const activate = shadow ? this.refault(shadow, false) : false;
		const ws = shadow ? activate || shadowWorkingset(shadow) : false;
		this.insertFilePage(frame, obj, off, activate || ws);
		this.policy.inserted(frame, activate);
		// Readahead pages: from free memory only, never reclaiming for them.
		let start = off;
		if (!sequential && window > 1) start = Math.max(0, off - window / 2);
		let extra = 0;
		for (let o = start; o < Math.min(obj.pages, start + window); o++) {
			if (o === off || obj.cache[o]! > 0) continue;
			if (this.freeTop <= this.wm.low) break;
			const f = this.popFree();
			this.insertFilePage(f, obj, o, false);
			this.frames.flags[f]! |= PG_READAHEAD;
			this.policy.inserted(f, false);
			extra++;
		}
		if (sequential) p.streamRaNext[stream] = Math.min(obj.pages, off + 1 + extra) % obj.pages;
		const waitUs = (region.mmap ? MAJOR_FAULT_KERNEL_US : 2) + this.disk.read(this.nowUs, 1 + extra);
		this.vm.pgpgin += (1 + extra) * 4;
		if (region.mmap) {
			p.pt[vpn] = frame + 1;
			this.chargeMapper(p, frame, false);
			flags[frame]! |= PG_YOUNG;
			p.majflt++;
			p.secMajflt++;
			this.vm.pgfault++;
			this.vm.pgmajfault++;
		} else {
			this.policy.accessed(frame);
		}
		// Waiting on a refaulting workingset page is thrashing (memory stall); a cold miss is IO.
		if (ws) p.tickMemUs += waitUs;
		else p.tickIoUs += waitUs;
		p.tickFileIoUs += waitUs;
		p.lastWait = 'io';
		this.nowUs += waitUs;
		let cost = waitUs + reclaimUs;
		if (write) cost += this.dirtyFilePage(p, frame);
		return cost;
	}

	private insertFilePage(frame: number, obj: FileObject, off: number, workingset: boolean): void {
		this.setFrameKind(frame, FRAME_FILE);
		this.frames.owner[frame] = obj.id;
		this.frames.index[frame] = off;
		this.frames.flags[frame] = workingset ? PG_WORKINGSET : 0;
		obj.cache[off] = frame + 1;
	}

	/** Writing a file page dirties it; balance_dirty_pages() throttles writers past the dirty setpoint. */
	private dirtyFilePage(p: Proc, frame: number): number {
		const flags = this.frames.flags;
		if (flags[frame]! & PG_DIRTY) return 0;
		flags[frame]! |= PG_DIRTY;
		this.nrDirty++;
		if (this.dirtyLen === this.dirtyRing.length) this.growDirtyRing();
		const at = (this.dirtyHead + this.dirtyLen) % this.dirtyRing.length;
		this.dirtyRing[at] = frame;
		this.dirtyRingTick[at] = this.tick;
		this.dirtyLen++;
		const {bg, thresh} = this.dirtyThresholds();
		const setpoint = (bg + thresh) / 2;
		if (this.nrDirty + this.nrWriteback <= setpoint) return 0;
		// Pauses grow quadratically toward dirty_ratio, ≤200 ms per 32-page ratelimit batch.
		const over = Math.min(1, (this.nrDirty + this.nrWriteback - setpoint) / Math.max(1, thresh - setpoint));
		const pause = (MAX_DIRTY_PAUSE_US * over * over) / 32;
		p.tickIoUs += pause;
		p.tickThrottleUs += pause;
		return pause;
	}

	private growDirtyRing(): void {
		const len = this.dirtyRing.length;
		const ring = new Int32Array(len * 2);
		const ticks = new Int32Array(len * 2);
		for (let i = 0; i < this.dirtyLen; i++) {
			ring[i] = this.dirtyRing[(this.dirtyHead + i) % len]!;
			ticks[i] = this.dirtyRingTick[(this.dirtyHead + i) % len]!;
		}
		this.dirtyRing = ring;
		this.dirtyRingTick = ticks;
		this.dirtyHead = 0;
	}

	/** Dirty thresholds over dirtyable memory: free + file LRU − reserve (page-writeback.c). */
	dirtyThresholds(): {bg: number; thresh: number} {
		const dirtyable = Math.max(0, this.freeTop + this.lru.activeFile + this.lru.inactiveFile - this.wm.high);
		return {
			bg: Math.floor((dirtyable * this.sysctl.dirty_background_ratio) / 100),
			thresh: Math.floor((dirtyable * this.sysctl.dirty_ratio) / 100),
		};
	}

	// ---------------------------------------------------------------- allocation and reclaim

	private popFree(): number {
		const frame = this.freeHead;
		this.freeHead = this.frames.index[frame]!;
		this.freeTop--;
		this.kindCount[FRAME_FREE]!--;
		return frame;
	}

	private pushFree(frame: number): void {
		this.frames.index[frame] = this.freeHead;
		this.freeHead = frame;
		this.freeTop++;
	}

	private setFrameKind(frame: number, kind: number): void {
		this.frames.kind[frame] = kind;
		this.kindCount[kind]!++;
	}

	private freeFrame(frame: number): void {
		const frames = this.frames;
		this.kindCount[frames.kind[frame]!]!--;
		frames.kind[frame] = FRAME_FREE;
		frames.flags[frame] = 0;
		frames.owner[frame] = -1;
		this.mapper[frame] = -1;
		this.pushFree(frame);
		this.kindCount[FRAME_FREE]!++;
	}

	/**
	 * __alloc_pages(): the fast path takes a page while free stays above the low watermark; below it
	 * kswapd is woken and the allocation may still dip to min; below min the process reclaims directly
	 * in 32-page batches, and after 16 rounds without progress the OOM killer is invoked.
	 * Returns a frame, −1 if the process was killed, −2 if it must wait for an OOM victim to exit.
	 */
	private allocPage(p: Proc): number {
		if (this.freeTop > this.wm.low) return this.popFree();
		this.wakeKswapd();
		if (this.freeTop > this.wm.min) return this.popFree();
		if (this.oomVictim) {
			// out_of_memory() would find the victim still exiting: wait for it.
			p.waitingOom = true;
			p.tickMemUs += OOM_WAIT_US;
			return -2;
		}
		this.vm.allocstall_normal++;
		p.directReclaims++;
		let noProgress = 0;
		for (;;) {
			const before = this.reclaimCostUs;
			const reclaimed = this.shrinkNode(SWAP_CLUSTER_MAX, false);
			const cost = this.reclaimCostUs - before + DIRECT_RECLAIM_BATCH_US;
			p.tickReclaimUs += cost;
			p.tickMemUs += cost;
			this.nowUs += cost;
			p.directReclaimed += reclaimed;
			if (this.freeTop > this.wm.min) return this.popFree();
			if (reclaimed === 0 && this.congestedKeeps > 0 && this.swapDev) {
				// reclaim_throttle(): sleep until writeback makes room (≤100 ms), then try again.
				// Pages under IO are still reclaimable, so this is not a reason to OOM.
				const wait = Math.min(100_000, Math.max(1_000, this.swapDev.congestionWait(this.nowUs)));
				p.tickReclaimUs += wait;
				p.tickMemUs += wait;
				this.nowUs += wait;
				if (p.tickMemUs > TICK_US * 4) return -2;
				continue;
			}
			if (reclaimed > 0) {
				noProgress = 0;
				// Reclaim freed pages but others took them: let the caller retry next time round.
				// Others keep taking what we free: stop for this tick and retry on the next.
				if (p.tickMemUs > TICK_US * 4) return -2;
				continue;
			}
			// should_reclaim_retry(): give up after 16 rounds without progress, or at once when even
			// freeing every reclaimable page would not lift free memory above min.
			this.policy.counts(this.lru);
			const lru = this.lru;
			const reclaimable =
				lru.activeFile + lru.inactiveFile + (this.canSwap ? lru.activeAnon + lru.inactiveAnon : 0);
			if (++noProgress > MAX_RECLAIM_RETRIES || this.freeTop + reclaimable <= this.wm.min) {
				this.outOfMemory(p);
				if (p.dying) return -1;
				p.waitingOom = true;
				return -2;
			}
		}
	}

	/** shrink_node(): priorities 12 → 0 until `target` pages are reclaimed. */
	private shrinkNode(target: number, kswapd: boolean): number {
		const st = this.stats;
		st.scannedAnon = st.scannedFile = st.reclaimedAnon = st.reclaimedFile = 0;
		st.activated = st.deactivated = st.refill = st.rotated = 0;
		this.anonPageouts = this.filePageouts = 0;
		this.congestedKeeps = 0;
		this.policy.counts(this.lru);
		let reclaimed = 0;
		for (let prio = DEF_PRIORITY; prio >= 0 && reclaimed < target; prio--) {
			reclaimed += this.policy.reclaim(this, target - reclaimed, prio);
			this.policy.counts(this.lru);
			// IO-bound: scanning harder will not help until the device catches up.
			if (this.congestedKeeps > 0 && reclaimed < target) break;
		}
		// Any reclaim success makes kswapd worth waking again (pgdat->kswapd_failures = 0).
		if (reclaimed > 0) this.kswapdFailures = 0;
		const vm = this.vm;
		const scanned = st.scannedAnon + st.scannedFile;
		if (kswapd) {
			vm.pgscan_kswapd += scanned;
			vm.pgsteal_kswapd += reclaimed;
		} else {
			vm.pgscan_direct += scanned;
			vm.pgsteal_direct += reclaimed;
		}
		vm.pgscan_anon += st.scannedAnon;
		vm.pgscan_file += st.scannedFile;
		vm.pgsteal_anon += st.reclaimedAnon;
		vm.pgsteal_file += st.reclaimedFile;
		vm.pgactivate += st.activated;
		vm.pgdeactivate += st.deactivated;
		vm.pgrefill += st.refill;
		vm.pgrotated += st.rotated;
		this.nonresidentAge += st.activated;
		// lru_note_cost(): IO and failed scans make a type more expensive to reclaim.
		this.anonCost += this.anonPageouts * SWAP_CLUSTER_MAX + (st.scannedAnon - st.reclaimedAnon);
		this.fileCost += this.filePageouts * SWAP_CLUSTER_MAX + (st.scannedFile - st.reclaimedFile);
		this.decayCosts();
		this.recentFileRefaults = false;
		this.reclaimCostUs += scanned * SCAN_PAGE_US;
		return reclaimed;
	}

	private decayCosts(): void {
		const lruTotal =
			this.lru.activeAnon + this.lru.inactiveAnon + this.lru.activeFile + this.lru.inactiveFile;
		if (this.anonCost + this.fileCost > lruTotal / 4) {
			this.anonCost /= 2;
			this.fileCost /= 2;
		}
	}

	/** ReclaimContext.evict(): unmap the page and free it, writing it to swap or starting writeback as needed. */
	evict(frame: number): EvictResult {
		const frames = this.frames;
		const kind = frames.kind[frame]!;
		const flags = frames.flags[frame]!;
		if (kind === FRAME_FILE) {
			if (flags & PG_WRITEBACK) return KEPT;
			if (flags & PG_DIRTY) {
				// Reclaim does not write file pages itself: it marks them and wakes the flusher.
				frames.flags[frame] = flags | PG_RECLAIM;
				this.filePageouts++;
				return KEPT;
			}
			const obj = this.files[frames.owner[frame]!]!;
			const off = frames.index[frame]!;
			this.unmapFilePage(frame, obj, off, false);
			obj.cache[off] = -this.shadowFor(flags);
			this.reclaimCostUs += UNMAP_PAGE_US;
			this.freeFrame(frame);
			return EVICTED;
		}
		if (kind !== FRAME_ANON && kind !== FRAME_SHMEM) return CANNOT;
		const swap = this.swap;
		if (!swap) return CANNOT;
		const shadow = this.shadowFor(flags);
		// A clean swap-cache page still has its copy in swap: drop it without IO.
		if (flags & PG_SWAPCACHE && !(flags & PG_DIRTY)) {
			const slot = this.frameSlot[frame]!;
			swap.shadow[slot] = shadow;
			this.nrSwapCached--;
			this.unmapToSlot(frame, slot);
			this.reclaimCostUs += UNMAP_PAGE_US;
			this.freeFrame(frame);
			return EVICTED;
		}
		if (flags & PG_SWAPCACHE) this.dropSwapCache(frame);
		const owner = kind === FRAME_ANON ? this.procs[frames.owner[frame]!]! : null;
		const compressibility = owner ? owner.spec.compressibility : this.shmemCompressibility(frame);
		let slot = -1;
		if (this.isZram) {
			const size = compressedSize(this.rng, this.spec.swap.compressor ?? 'lzo', compressibility);
			const limit = this.spec.swap.mem_limit ?? 0;
			const needPages =
				Math.ceil((this.zramBytes + size) / PAGE_SIZE) + Math.ceil(this.zswapBytes / PAGE_SIZE);
			// At mem_limit zram refuses the write and the page stays resident (no spill to disk).
			if ((limit > 0 && this.zramBytes + size > limit) || !this.growZpool(needPages)) {
				this.emitOnce('zram-full');
				return CANNOT;
			}
			slot = swap.alloc();
			if (slot < 0) return this.swapFull();
			swap.state[slot] = SLOT_ZRAM;
			swap.size[slot] = size;
			this.zramBytes += size;
			this.zramStored++;
			this.reclaimCostUs += COMPRESSORS[this.spec.swap.compressor ?? 'lzo'].compressUs;
			this.vm.pswpout++;
		} else {
			const dev = this.swapDev!;
			const stored = this.zswapEnabled ? this.zswapTryStore(compressibility) : -1;
			if (stored < 0 && dev.congested(this.nowUs)) {
				// The device queue is full: leave the page for now (reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK)).
				this.congestedKeeps++;
				return KEPT;
			}
			slot = swap.alloc();
			if (slot < 0) {
				if (stored >= 0) this.zswapUnstore(stored);
				return this.swapFull();
			}
			if (stored >= 0) {
				swap.state[slot] = SLOT_ZSWAP;
				swap.size[slot] = stored;
				swap.zswapLru!.addTail(0, slot);
				this.vm.zswpout++;
				if (owner) owner.zswapEnts++;
			} else {
				swap.state[slot] = SLOT_DISK;
				dev.write(this.nowUs, 1);
				this.vm.pswpout++;
				this.anonPageouts++;
			}
		}
		swap.shadow[slot] = shadow;
		if (swap.owner) swap.owner[slot] = owner ? owner.slot : -1;
		this.vm.pgpgout += 4;
		this.unmapToSlot(frame, slot);
		this.reclaimCostUs += UNMAP_PAGE_US;
		this.freeFrame(frame);
		return EVICTED;
	}

	private shmemCompressibility(frame: number): number {
		const m = this.mapper[frame]!;
		const p = m >= 0 ? this.procs[m] : null;
		return p ? p.spec.compressibility : 0.5;
	}

	private swapFull(): EvictResult {
		this.emitOnce('swap-full');
		return CANNOT;
	}

	/** Point the owner's page table (or the shmem object) at the swap slot. */
	private unmapToSlot(frame: number, slot: number): void {
		const frames = this.frames;
		if (frames.kind[frame] === FRAME_ANON) {
			const p = this.procs[frames.owner[frame]!]!;
			p.pt[frames.index[frame]!] = -(slot + 1);
			p.rssAnon--;
			p.swapEnts++;
		} else {
			const obj = this.files[frames.owner[frame]!]!;
			const off = frames.index[frame]!;
			this.unmapFilePage(frame, obj, off, true);
			obj.cache[off] = -(slot + 1);
		}
	}

	private unmapFilePage(frame: number, obj: FileObject, off: number, shmem: boolean): void {
		const m = this.mapper[frame]!;
		if (m < 0) return;
		const p = this.procs[m];
		if (p) {
			for (const r of p.regions) {
				if (r.objectId !== obj.id) continue;
				const vpn = r.startVpn + off;
				if (vpn < p.pt.length && p.pt[vpn] === frame + 1) p.pt[vpn] = 0;
			}
			if (shmem) p.rssShmem--;
			else p.rssFile--;
		}
		this.mapper[frame] = -1;
		this.nrMapped--;
	}

	/** workingset_eviction(): the shadow records the eviction age and PG_workingset. */
	private shadowFor(flags: number): number {
		const shadow = packShadow(this.nonresidentAge, (flags & PG_WORKINGSET) !== 0);
		this.nonresidentAge++;
		return shadow;
	}

	/** workingset_refault(): count the refault and decide whether the page goes straight to the active list. */
	private refault(shadow: number, anon: boolean): boolean {
		if (!shadow) return false;
		const vm = this.vm;
		if (anon) vm.workingset_refault_anon++;
		else {
			vm.workingset_refault_file++;
			this.recentFileRefaults = true;
		}
		this.policy.counts(this.lru);
		const distance = refaultDistance(this.nonresidentAge, shadow);
		if (distance > workingsetSize(this.lru, anon, this.canSwap)) return false;
		if (anon) vm.workingset_activate_anon++;
		else vm.workingset_activate_file++;
		this.nonresidentAge++;
		if (shadowWorkingset(shadow)) {
			if (anon) {
				vm.workingset_restore_anon++;
				this.anonCost += SWAP_CLUSTER_MAX;
			} else {
				vm.workingset_restore_file++;
				this.fileCost += SWAP_CLUSTER_MAX;
			}
		}
		return true;
	}

	/** An exiting process's swap entry goes away. */
	private releaseSlot(slot: number, p: Proc): void {
		if (this.swap!.state[slot] === SLOT_ZSWAP) p.zswapEnts--;
		p.swapEnts--;
		this.freeSlot(slot);
	}

	/** swap_free(): the slot is free again, and any compressed copy it held leaves the pool. */
	private freeSlot(slot: number): void {
		const swap = this.swap!;
		const state = swap.state[slot];
		if (state === SLOT_ZSWAP) this.zswapFree(slot);
		else if (state === SLOT_ZRAM) {
			this.zramBytes -= swap.size[slot]!;
			this.zramStored--;
			this.shrinkZpool();
		}
		swap.release(slot);
	}

	// ---------------------------------------------------------------- zswap / zram pool

	private zswapLimitPages(): number {
		return Math.floor((this.totalPages * this.spec.zswap.max_pool_percent) / 100);
	}

	private zswapPoolPages(): number {
		return Math.ceil(this.zswapBytes / PAGE_SIZE);
	}

	/**
	 * zswap_store(): compress the page into the pool. zswap_check_limits(): once the pool reaches
	 * max_pool_percent every store is rejected until it drains to accept_threshold_percent of it.
	 * Returns the compressed size, or −1 when the page goes to the swap device instead.
	 */
	private zswapTryStore(compressibility: number): number {
		const limit = this.zswapLimitPages();
		const cur = this.zswapPoolPages();
		if (cur >= limit) {
			this.vm.zswap_pool_limit_hit++;
			if (!this.zswapFull)
				this.emit({kind: 'zswap-pool-full', tick: this.tick, poolPages: cur, limitPages: limit});
			this.zswapFull = true;
		} else if (
			this.zswapFull &&
			cur <= Math.floor((limit * this.spec.zswap.accept_threshold_percent) / 100)
		) {
			this.zswapFull = false;
			this.emit({kind: 'zswap-accepting', tick: this.tick, poolPages: cur});
		}
		if (this.zswapFull) return -1;
		const size = compressedSize(this.rng, this.spec.zswap.compressor, compressibility);
		this.reclaimCostUs += COMPRESSORS[this.spec.zswap.compressor].compressUs;
		if (size >= PAGE_SIZE) {
			this.vm.zswap_reject_compress_poor++;
			return -1;
		}
		const need = Math.ceil((this.zswapBytes + size) / PAGE_SIZE) + Math.ceil(this.zramBytes / PAGE_SIZE);
		if (!this.growZpool(need)) return -1;
		this.zswapBytes += size;
		this.zswapStored++;
		return size;
	}

	private zswapUnstore(size: number): void {
		this.zswapBytes -= size;
		this.zswapStored--;
		this.shrinkZpool();
	}

	private zswapFree(slot: number): void {
		const swap = this.swap!;
		this.zswapBytes -= swap.size[slot]!;
		this.zswapStored--;
		swap.zswapLru!.remove(slot);
		this.shrinkZpool();
	}

	/** zsmalloc takes whole pages from the allocator (from reserves if need be: it runs inside reclaim). */
	private growZpool(needPages: number): boolean {
		while (this.zpoolTop < needPages) {
			if (this.freeTop === 0) return false;
			const frame = this.popFree();
			this.setFrameKind(frame, FRAME_ZPOOL);
			if (this.zpoolTop === this.zpoolFrames.length) {
				const grown = new Int32Array(this.zpoolFrames.length * 2);
				grown.set(this.zpoolFrames);
				this.zpoolFrames = grown;
			}
			this.zpoolFrames[this.zpoolTop++] = frame;
		}
		return true;
	}

	private shrinkZpool(): void {
		const need = Math.ceil(this.zswapBytes / PAGE_SIZE) + Math.ceil(this.zramBytes / PAGE_SIZE);
		while (this.zpoolTop > need) this.freeFrame(this.zpoolFrames[--this.zpoolTop]!);
	}

	/** shrink_worker(): while the pool is full, write the oldest entries back to the swap device. */
	private runZswapWriteback(): void {
		if (!this.zswapFull || !this.swap || !this.swapDev) return;
		const swap = this.swap;
		const target = Math.floor((this.zswapLimitPages() * this.spec.zswap.accept_threshold_percent) / 100);
		let written = 0;
		while (this.zswapPoolPages() > target && !this.swapDev.congested(this.nowUs)) {
			const slot = swap.zswapLru!.head(0);
			if (slot < 0) break;
			swap.zswapLru!.remove(slot);
			this.zswapBytes -= swap.size[slot]!;
			this.zswapStored--;
			swap.state[slot] = SLOT_DISK;
			swap.size[slot] = 0;
			this.swapDev.write(this.nowUs, 1);
			this.vm.zswpwb++;
			this.vm.pswpout++;
			written++;
			this.decZswapEntsForSlot(slot);
		}
		if (written) {
			this.shrinkZpool();
			this.emit({kind: 'zswap-writeback', tick: this.tick, pages: written});
		}
		if (this.zswapPoolPages() <= target) {
			this.zswapFull = false;
			this.emit({kind: 'zswap-accepting', tick: this.tick, poolPages: this.zswapPoolPages()});
		}
	}

	/** Per-process zswap counts follow their entries. */
	private decZswapEntsForSlot(slot: number): void {
		const owner = this.swap!.owner ? this.swap!.owner[slot]! : -1;
		const p = owner >= 0 ? this.procs[owner] : null;
		if (p) p.zswapEnts--;
	}

	// ---------------------------------------------------------------- kswapd, flusher, balloon

	private wakeKswapd(): void {
		if (this.kswapdState === 'reclaiming') return;
		if (this.kswapdFailures >= KSWAPD_MAX_FAILURES) return;
		const napping = this.kswapdState === 'napping';
		if (napping) {
			// Woken during the 100 ms nap: the watermark was hit quickly (kswapd_try_to_sleep()).
			if (this.freeTop <= this.wm.low) this.vm.kswapd_low_wmark_hit_quickly++;
			else this.vm.kswapd_high_wmark_hit_quickly++;
		} else {
			this.kswapdReclaimed = 0;
			this.emit({kind: 'kswapd-wake', tick: this.tick, free: this.freeTop, low: this.wm.low});
		}
		this.kswapdState = 'reclaiming';
		this.vm.pageoutrun++;
	}

	/** balance_pgdat(): reclaim until free ≥ high, with one CPU's worth of time per tick. */
	private runKswapd(): void {
		this.kswapdBusyUs = 0;
		if (this.kswapdState === 'napping' && this.tick >= this.kswapdNapUntil) {
			// kswapd_try_to_sleep(): after the nap, sleep for good only if still balanced.
			if (this.freeTop >= this.wm.high || this.kswapdFailures >= KSWAPD_MAX_FAILURES) {
				this.kswapdState = 'sleeping';
				this.emit({
					kind: 'kswapd-sleep',
					tick: this.tick,
					free: this.freeTop,
					high: this.wm.high,
					reclaimed: this.kswapdReclaimed,
				});
			} else {
				this.kswapdState = 'reclaiming';
			}
		}
		if (this.kswapdState !== 'reclaiming') return;
		const start = this.reclaimCostUs;
		const tickStartUs = this.tick * TICK_US;
		let madeProgress = false;
		while (this.freeTop < this.wm.high && this.reclaimCostUs - start < TICK_US) {
			const target = Math.max(SWAP_CLUSTER_MAX, Math.min(this.wm.high - this.freeTop, 256));
			const reclaimed = this.shrinkNode(target, true);
			this.nowUs = tickStartUs + this.reclaimCostUs - start;
			if (reclaimed === 0) {
				// Waiting on a congested device is not failure; finding nothing to reclaim is.
				if (this.congestedKeeps > 0) madeProgress = true;
				break;
			}
			madeProgress = true;
			this.kswapdReclaimed += reclaimed;
		}
		this.kswapdBusyUs = Math.min(TICK_US, this.reclaimCostUs - start);
		this.nowUs = tickStartUs;
		if (madeProgress) this.kswapdFailures = 0;
		else if (this.freeTop < this.wm.high) this.kswapdFailures++;
		if (this.freeTop >= this.wm.high || this.kswapdFailures >= KSWAPD_MAX_FAILURES) {
			// Balanced (or hopeless): nap 100 ms, then sleep until woken.
			this.kswapdState = 'napping';
			this.kswapdNapUntil = this.tick + KSWAPD_NAP_TICKS;
		}
	}

	/** The flusher threads: background writeback past dirty_background_ratio, and expired pages every 5 s. */
	private runFlusher(): void {
		if (this.dirtyLen === 0) return;
		const {bg} = this.dirtyThresholds();
		const periodic = this.tick % WRITEBACK_INTERVAL_TICKS === 0;
		const flags = this.frames.flags;
		let budget = Math.floor(TICK_US / this.disk.profile.transferUs);
		while (this.dirtyLen > 0 && budget > 0) {
			const frame = this.dirtyRing[this.dirtyHead]!;
			const dirtiedAt = this.dirtyRingTick[this.dirtyHead]!;
			const over = this.nrDirty > bg;
			const expired = periodic || this.tick - dirtiedAt >= DIRTY_EXPIRE_TICKS;
			const wanted = (flags[frame]! & PG_RECLAIM) !== 0;
			if (!over && !expired && !wanted) break;
			this.dirtyHead = (this.dirtyHead + 1) % this.dirtyRing.length;
			this.dirtyLen--;
			if (this.frames.kind[frame] !== FRAME_FILE || !(flags[frame]! & PG_DIRTY)) continue;
			if (this.disk.congested(this.nowUs)) {
				// Put it back at the head and try next tick.
				this.dirtyHead = (this.dirtyHead - 1 + this.dirtyRing.length) % this.dirtyRing.length;
				this.dirtyLen++;
				break;
			}
			this.disk.write(this.nowUs, 1);
			// Writeback completes within the tick here; PG_reclaim pages become reclaimable at once.
			flags[frame] = flags[frame]! & ~(PG_DIRTY | PG_RECLAIM | PG_WRITEBACK);
			this.nrDirty--;
			this.vm.pgpgout += 4;
			budget--;
		}
	}

	private runBalloon(): void {
		let n = Math.min(BALLOON_PAGES_PER_TICK, this.balloonTarget - this.balloonPages);
		while (n-- > 0) {
			// The balloon driver allocates with __GFP_NORETRY: one reclaim attempt, never the OOM killer.
			if (this.freeTop <= this.wm.min) {
				this.wakeKswapd();
				this.shrinkNode(SWAP_CLUSTER_MAX, false);
				if (this.freeTop <= this.wm.min) return;
			}
			const frame = this.popFree();
			this.setFrameKind(frame, FRAME_KERNEL);
			this.frames.owner[frame] = -3;
			this.balloonPages++;
		}
	}

	private deflateBalloon(pages: number): void {
		const frames = this.frames;
		for (let f = 0; f < this.totalPages && pages > 0; f++) {
			if (frames.kind[f] === FRAME_KERNEL && frames.owner[f] === -3) {
				this.freeFrame(f);
				this.balloonPages--;
				pages--;
			}
		}
	}

	/** drop_caches=1: invalidate clean, unmapped page-cache pages (no shadow entries are left). */
	private dropCaches(): number {
		const frames = this.frames;
		let dropped = 0;
		for (let f = 0; f < this.totalPages; f++) {
			if (frames.kind[f] !== FRAME_FILE) continue;
			if (frames.flags[f]! & (PG_DIRTY | PG_WRITEBACK)) continue;
			if (this.mapper[f]! >= 0) continue;
			const obj = this.files[frames.owner[f]!]!;
			obj.cache[frames.index[f]!] = 0;
			this.policy.removed(f);
			this.freeFrame(f);
			dropped++;
		}
		return dropped;
	}

	// ---------------------------------------------------------------- OOM killer

	/** out_of_memory(): pick the process with the highest oom_badness() and kill it. */
	private outOfMemory(invoker: Proc): void {
		if (this.oomVictim) return;
		const totalPages = this.totalPages + (this.swap?.total ?? 0);
		const live = this.liveProcs().filter((p) => !p.dying);
		const candidates = rankOomCandidates(
			live.map((p) => ({
				pid: p.pid,
				name: p.name,
				rss: p.rss,
				swapents: p.swapEnts,
				pgtablesBytes: p.pgtablesBytes,
				oomScoreAdj: p.oomScoreAdj,
			})),
			totalPages,
		);
		const chosen = candidates[0];
		if (!chosen) {
			this.emit({
				kind: 'alloc-fail',
				tick: this.tick,
				pid: invoker.pid,
				name: invoker.name,
				reason: 'out of memory and no killable process (every task has oom_score_adj -1000)',
			});
			return;
		}
		const victim = live.find((p) => p.pid === chosen.pid)!;
		const lines = oomKillLines(
			{name: invoker.name, oomScoreAdj: invoker.oomScoreAdj},
			{
				pid: victim.pid,
				name: victim.name,
				uid: victim.uid,
				rss: victim.rss,
				swapents: victim.swapEnts,
				pgtablesBytes: victim.pgtablesBytes,
				oomScoreAdj: victim.oomScoreAdj,
				vsizePages: victim.vsize,
				anon: victim.rssAnon,
				file: victim.rssFile,
				shmem: victim.rssShmem,
			},
		);
		victim.dying = true;
		victim.state = 'dying';
		this.oomVictim = victim;
		this.oomVictimTick = this.tick;
		this.oomKills++;
		this.vm.oom_kill++;
		this.emit({kind: 'oom-kill', tick: this.tick, pid: victim.pid, name: victim.name, lines, candidates});
	}

	/** The victim's exit (or the oom_reaper) frees its memory on the next tick. */
	private reapOomVictim(): void {
		const v = this.oomVictim;
		if (!v || this.tick <= this.oomVictimTick) return;
		this.oomVictim = null;
		const file = v.rssFile;
		const shmem = v.rssShmem;
		this.exitProcess(v, 'oom-killed');
		this.emit({
			kind: 'oom-reaped',
			tick: this.tick,
			pid: v.pid,
			name: v.name,
			line: oomReapedLine(v.pid, v.name, {anon: 0, file: 0, shmem: 0}),
		});
		void file;
		void shmem;
	}

	// ---------------------------------------------------------------- PSI and per-second windows

	private accountPsi(): void {
		let delayed = 0;
		let productive = 0;
		let nonidle = 0;
		for (const p of this.procs) {
			if (!p || p.exited || p.state === 'sleeping') continue;
			nonidle++;
			const mem = Math.min(1, p.tickMemUs / TICK_US);
			const io = Math.min(1 - mem, p.tickIoUs / TICK_US);
			delayed += mem;
			productive += Math.max(0, 1 - mem - io);
		}
		if (this.kswapdBusyUs > 0) {
			// kswapd's reclaim work is itself a memory stall (psi_memstall_enter in balance_pgdat).
			nonidle++;
			delayed += this.kswapdBusyUs / TICK_US;
		}
		const {some, full} = stallShares(delayed, productive, nonidle, this.spec.cpus);
		this.psiSome.add(some * TICK_US);
		this.psiFull.add(full * TICK_US);
	}

	private rollSecond(): void {
		const sec16 = wssSecond(Math.floor(this.tick / TICKS_PER_SECOND));
		for (const p of this.procs) {
			if (!p || p.exited) continue;
			p.stall = Math.min(1, p.secStallUs / 1_000_000);
			p.progress =
				p.secWanted > 0 ? Math.min(1, p.secDone / p.secWanted) : p.state === 'sleeping' ? 1 : p.progress;
			p.minfltRate = p.secMinflt;
			p.majfltRate = p.secMajflt;
			p.secStallUs = p.secWanted = p.secDone = p.secMinflt = p.secMajflt = 0;
			if (this.tick > p.startTick) p.rollWss(sec16);
			if (p.directReclaims > 0) {
				this.emit({
					kind: 'direct-reclaim',
					tick: this.tick,
					pid: p.pid,
					name: p.name,
					stalls: p.directReclaims,
					reclaimed: p.directReclaimed,
				});
				p.directReclaims = 0;
				p.directReclaimed = 0;
			}
		}
	}

	// ---------------------------------------------------------------- events

	private emit(e: SimEvent): void {
		this.pendingEvents.push(e);
	}

	private lastOnce = new Map<string, number>();

	/** Conditions that recur every page (swap full) are reported at most once every 10 s. */
	private emitOnce(kind: 'zram-full' | 'swap-full'): void {
		const last = this.lastOnce.get(kind);
		if (last !== undefined && this.tick - last < 10 * TICKS_PER_SECOND) return;
		this.lastOnce.set(kind, this.tick);
		this.emit({kind, tick: this.tick});
	}

	// ---------------------------------------------------------------- for snapshot / state

	/** Private accessors for snapshot.ts and state-codec.ts. */
	internals() {
		return {
			zpoolFrames: this.zpoolFrames,
			dirtyRing: this.dirtyRing,
			dirtyRingTick: this.dirtyRingTick,
			kernelStatic: this.kernelStatic,
		};
	}

	/** For state-codec.ts: put back the growable arrays of a saved machine. */
	restoreInternals(a: {zpoolFrames: Int32Array; dirtyRing: Int32Array; dirtyRingTick: Int32Array}): void {
		this.zpoolFrames = a.zpoolFrames;
		this.dirtyRing = a.dirtyRing;
		this.dirtyRingTick = a.dirtyRingTick;
	}

	/** Everything scalar that the machine's future depends on (for checkpoints and the state hash). */
	scalars(): Record<string, number | boolean | string | null> {
		return {
			tick: this.tick,
			totalRefs: this.totalRefs,
			freeTop: this.freeTop,
			freeHead: this.freeHead,
			nextPid: this.nextPid,
			zswapEnabled: this.zswapEnabled,
			oomKills: this.oomKills,
			kswapdState: this.kswapdState,
			kswapdFailures: this.kswapdFailures,
			kswapdNapUntil: this.kswapdNapUntil,
			kswapdReclaimed: this.kswapdReclaimed,
			zswapBytes: this.zswapBytes,
			zswapStored: this.zswapStored,
			zswapFull: this.zswapFull,
			zramBytes: this.zramBytes,
			zramStored: this.zramStored,
			zpoolTop: this.zpoolTop,
			dirtyHead: this.dirtyHead,
			dirtyLen: this.dirtyLen,
			nrDirty: this.nrDirty,
			nrWriteback: this.nrWriteback,
			nrMapped: this.nrMapped,
			nrSwapCached: this.nrSwapCached,
			nonresidentAge: this.nonresidentAge,
			anonCost: this.anonCost,
			fileCost: this.fileCost,
			recentFileRefaults: this.recentFileRefaults,
			balloonPages: this.balloonPages,
			balloonTarget: this.balloonTarget,
			oomVictim: this.oomVictim ? this.oomVictim.pid : null,
			oomVictimTick: this.oomVictimTick,
			nextGroupStart: this.nextGroupStart,
			nextTimedEvent: this.nextTimedEvent,
			diskBusy: this.disk.busyUntilUs,
			swapBusy: this.swapDev ? this.swapDev.busyUntilUs : 0,
		};
	}
}

/** Inverse-CDF sample of a Zipf-like (power-law) distribution over [0, n). */
function zipfOffset(u: number, n: number, skew: number): number {
	let x: number;
	if (Math.abs(skew - 1) < 1e-9) x = n ** u;
	else {
		const a = 1 - skew;
		x = ((n ** a - 1) * u + 1) ** (1 / a);
	}
	const off = Math.floor(x) - 1;
	return off < 0 ? 0 : off >= n ? n - 1 : off;
}

export {FRAME_ANON, FRAME_FILE, FRAME_FREE, FRAME_KERNEL, FRAME_SHMEM, FRAME_ZPOOL, PG_ACTIVE};
