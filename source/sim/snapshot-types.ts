// A read-only picture of the machine at one tick. Views, headless output and tests read only this.
import type {OomCandidate, SimEvent} from './events.js';
import type {PageTableLevels} from './page-table.js';
import type {Meminfo, Vmstat, Zoneinfo} from './proc-names.js';
import type {SmapsRollup} from './smaps.js';
import type {
	CgroupSpec,
	Compressor,
	RegionKind,
	SwapDeviceKind,
	Sysctls,
	UserspaceOomKiller,
} from './spec.js';

/** A unit's ManagedOOM*= settings, spelled as systemd.resource-control(5) spells them. */
export type ManagedOomSettings = Pick<
	CgroupSpec,
	| 'ManagedOOMSwap'
	| 'ManagedOOMMemoryPressure'
	| 'ManagedOOMMemoryPressureLimit'
	| 'ManagedOOMMemoryPressureDurationSec'
	| 'ManagedOOMPreference'
>;

export type ProcessState =
	/** Running on a CPU (or runnable). */
	| 'running'
	/** Idle phase of a bursty process (sleeping, not stalled). */
	| 'sleeping'
	/** Most of the last tick was spent in direct reclaim. */
	| 'reclaim'
	/** Most of the last tick was spent waiting for a swap-in (a major fault from swap or zswap). */
	| 'swapin'
	/** Most of the last tick was spent waiting for a file read from disk (a page-cache miss). */
	| 'io'
	/** Throttled by balance_dirty_pages. */
	| 'throttled'
	/** Received SIGTERM: shutting down (no more work), exits when its grace period ends. */
	| 'exiting'
	/** Received SIGKILL (OOM or user), memory not yet released. */
	| 'dying'
	| 'exited';

export interface RegionSnapshot {
	name: string;
	kind: RegionKind;
	/** Pages of virtual address space. */
	size: number;
	resident: number;
	swapped: number;
	zswapped: number;
	untouched: number;
	/** Its /proc/PID/maps line (proc-maps.ts); null while it maps nothing (a heap not grown yet). */
	maps?: string | null;
	/** The page walk of its first touched page (or its first page): PGD[i] → PUD[j] → PMD[k] → PTE[l] → frame N. */
	walk?: string;
}

export interface TlbSnapshot {
	/** dTLB-loads and dTLB-load-misses (page walks) since the process started. */
	loads: number;
	misses: number;
	/** Walks per load now (dTLB-load-misses / dTLB-loads), and L1 dTLB misses per load. */
	missRatio: number;
	l1MissRatio: number;
	/** Of 4 KiB walks, the share that miss the PDE cache (a full walk). */
	pdeMissRatio: number;
	/** µs the TLB adds to each page reference (0 without the spec's `loads`: its rate includes them); loads per page reference. */
	costPerRefUs: number;
	loadsPerRef: number;
	/** Bytes the 1536 STLB entries map at this process's page sizes; pages it maps with 2 MiB pages. */
	stlbReachBytes: number;
	hugePages: number;
}

export interface ProcessSnapshot {
	pid: number;
	/** The parent's pid, for a child of fork(2) (absent for the workload's own processes). */
	ppid?: number;
	/** Write faults on fork-shared pages that copied the page (wp_page_copy), when any. */
	cowFaults?: number;
	/**
	 * Transparent huge pages, when it has any: `huge`, 2 MiB pages its huge PMDs map (smaps
	 * AnonHugePages / 2 MiB); `bloat`, their subpages it never touched (huge × 512 − touched: memory a
	 * 4 KiB mapping would not have used), counted only in the detail view's snapshot (else -1).
	 */
	thp?: {huge: number; bloat: number};
	name: string;
	state: ProcessState;
	/** Pages; rss = anon + file + shmem (VmRSS). */
	rss: number;
	anon: number;
	file: number;
	shmem: number;
	/** Pages in swap (VmSwap), including those held in zswap. */
	swap: number;
	/** Of `swap`, pages whose copy is in the zswap pool. */
	zswap: number;
	/** Distinct pages touched in the trailing working-set window. */
	wss: number;
	/** VmSize, pages. */
	vsize: number;
	/** VmPTE, bytes. */
	pgtablesBytes: number;
	/** Page-table pages per level (pgd, pud, pmd, pte): why the tables of a sparse address space grow. */
	pageTables: PageTableLevels;
	minflt: number;
	majflt: number;
	/** Faults over the last simulated second. */
	minfltRate: number;
	majfltRate: number;
	oomScore: number;
	oomScoreAdj: number;
	/** The core's oom_badness() of this process, part by part (pages); null when oom_score_adj is -1000. */
	oom: OomCandidate | null;
	/** Share of the last second spent stalled (0..1). */
	stall: number;
	/** References done over references wanted in the last second (0..1). */
	progress: number;
	/** Cumulative references completed. */
	refs: number;
	/** The data TLB (tlb.ts): perf's counters and the model's figures behind them. */
	tlb: TlbSnapshot;
	/** Simulated second the process started. */
	startTime: number;
	/** /proc/PID/smaps_rollup (kB): Pss, the Shared/Private split (USS = Private_*), SwapPss. */
	smaps: SmapsRollup;
	regions: RegionSnapshot[];
}

export interface PsiLine {
	avg10: number;
	avg60: number;
	avg300: number;
	/** Cumulative stall, microseconds. */
	total: number;
}

export interface Watermarks {
	min: number;
	low: number;
	high: number;
}

export type KswapdState = 'sleeping' | 'napping' | 'reclaiming';

/** One cgroup's figures; sizes in pages (null: "max"). */
export interface CgroupSnapshot {
	path: string;
	depth: number;
	current: number;
	peak: number;
	swapCurrent: number;
	min: number;
	low: number;
	high: number | null;
	max: number | null;
	swapMax: number | null;
	/** Effective memory.min/low as global reclaim works them out now (page_counter emin/elow). */
	effectiveMin: number;
	effectiveLow: number;
	oomGroup: boolean;
	/** memory.events (hierarchical). */
	events: Record<'low' | 'high' | 'max' | 'oom' | 'oom_kill' | 'oom_group_kill', number>;
	/** memory.stat: page counts of the subtree and its event counters. */
	stat: {
		anon: number;
		file: number;
		shmem: number;
		pagetables: number;
		file_dirty: number;
		file_writeback: number;
		swapcached: number;
		pgscan: number;
		pgsteal: number;
	};
	pressure: {some: PsiLine; full: PsiLine};
	/**
	 * Its unit's systemd-oomd settings (the workload's, with `oomd_defaults: desktop` the distribution's
	 * drop-ins under them) and the uid owning the cgroup (cg_get_owner: a user@UID.service subtree is
	 * UID's): absent when the unit sets none.
	 */
	oomd?: (ManagedOomSettings & {owner: number}) | undefined;
	/** Live processes in this cgroup itself (cgroup.procs). */
	pids: number[];
}

export interface Snapshot {
	tick: number;
	/** Simulated seconds since boot. */
	time: number;
	workload: string;
	seed: number;
	policy: string;
	cpus: number;
	totalPages: number;
	/** totalpages of oom_badness(): RAM plus swap, in pages. */
	oomTotalPages: number;
	/** Frames by owner; these sum to totalPages (the conservation law). */
	frames: {free: number; anon: number; file: number; shmem: number; kernel: number; zpool: number};
	/** The marks allocation sees (wmark_pages: _watermark + boost) and the boost itself. */
	watermarks: Watermarks & {boost: number};
	meminfo: Meminfo;
	/** /proc/zoneinfo of the one zone, in pages: managed is MemTotal's pages (the balloon's are not managed). */
	zoneinfo: Zoneinfo;
	vmstat: Vmstat;
	psi: {some: PsiLine; full: PsiLine};
	sysctl: Sysctls;
	swap: {device: SwapDeviceKind; totalPages: number; usedPages: number; cachedPages: number};
	zswap: {
		enabled: boolean;
		compressor: Compressor;
		/** Pool size in bytes (meminfo Zswap) and pages it occupies. */
		poolBytes: number;
		poolPages: number;
		/** Pages stored (meminfo Zswapped / 4096). */
		storedPages: number;
		limitPages: number;
		/** True between pool-limit-hit and falling back under accept_threshold_percent. */
		full: boolean;
	};
	zram: {storedPages: number; comprBytes: number; memLimitBytes: number} | null;
	kswapd: {state: KswapdState; failures: number};
	balloonPages: number;
	/** vmstat oom_kill: every OOM kill, the global OOM killer's and the memcg OOM killer's. */
	oomKills: number;
	processes: ProcessSnapshot[];
	/** Events since the previous snapshot was taken. */
	events: SimEvent[];
	/** The memory cgroups, root first in depth-first order; absent without a cgroup tree. */
	cgroups?: CgroupSnapshot[] | undefined;
	/**
	 * The buddy allocator: /proc/buddyinfo (`free`: blocks per order 0..10), /proc/pagetypeinfo (free
	 * blocks per migratetype and order, pageblocks per migratetype), and per order the unusable free
	 * space and fragmentation indices in thousandths (mm/vmstat.c; -1000: a request would succeed).
	 */
	buddy: {
		free: number[];
		freeByType: Record<'Unmovable' | 'Movable' | 'Reclaimable', number[]>;
		blocks: Record<'Unmovable' | 'Movable' | 'Reclaimable', number>;
		unusable: number[];
		extfrag: number[];
		fallbacks: number;
		claims: number;
	};
	/** The userspace OOM killer (userspace-oom.ts); absent while none has run (the default). */
	userspaceOom?: UserspaceOomSnapshot | undefined;
	/** FNV-1a hash of the whole machine state, hex. Only filled when asked for. */
	hash?: string | undefined;
}

/** The userspace OOM killer: which runs, its kills (never in oomKills), its next poll and what it watches. */
export interface UserspaceOomSnapshot {
	killer: UserspaceOomKiller;
	/** Kills each daemon made this run (earlyoom: victims signalled; an escalation is not a second). */
	kills: {'systemd-oomd': number; earlyoom: number};
	/** The tick of the running killer's next poll; null with none. */
	nextPollTick: number | null;
	/** systemd-oomd: the ManagedOOMMemoryPressure=kill cgroups as of its last poll. */
	pressure: {
		path: string;
		/** memory.pressure full avg10 (%) at the last poll. */
		fullAvg10: number;
		limitPercent: number;
		durationSec: number;
		/** When avg10 went above the limit (mem_pressure_limit_hit_start), as a tick; null: not above. */
		aboveSinceTick: number | null;
	}[];
	/** systemd-oomd: the ManagedOOMSwap=kill cgroups. */
	swap: string[];
	/** earlyoom: -m and -s (SIGTERM, SIGKILL percent) and the SIGTERMed pid it waits for. */
	earlyoom: {m: [number, number]; s: [number, number]; waitingForPid: number | null} | null;
}
