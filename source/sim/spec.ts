// The parsed, validated form of a workload: what the machine is built from.
// workload/schema.ts turns YAML into exactly these types (sizes in bytes, times in seconds).
import type {SysctlName, Sysctls} from './sysctl.js';

export type SwapDeviceKind = 'nvme' | 'ssd' | 'hdd' | 'zram';
export type Compressor = 'lz4' | 'lzo' | 'zstd';

// The sysctls' names, ranges and defaults live in one table (sysctl.ts).
export type {SysctlName, Sysctls} from './sysctl.js';

export interface SwapSpec {
	/** Bytes; 0 means no swap. */
	size: number;
	device: SwapDeviceKind;
	/** zram only: cap on compressed memory in bytes (0 = no limit). */
	mem_limit?: number | undefined;
	/** zram only. */
	compressor?: Compressor | undefined;
}

export interface ZswapSpec {
	enabled: boolean;
	compressor: Compressor;
	max_pool_percent: number;
	accept_threshold_percent: number;
}

export interface MachineSpec {
	/** Physical RAM in bytes. */
	ram: number;
	cpus: number;
	/** Memory the kernel keeps for itself (slab, page tables of kernel, etc.), bytes. */
	kernel: number;
	/** Block device holding files (page cache misses read from it). */
	disk: SwapDeviceKind;
	swap: SwapSpec;
	zswap: ZswapSpec;
	sysctl: Sysctls;
	/** Reclaim policy name from the policy registry (policies/index.ts; DEFAULT_POLICY when a file gives none). */
	policy: string;
}

export type RegionKind = 'anon' | 'file' | 'shmem';

export interface RegionSpec {
	name: string;
	kind: RegionKind;
	/** Bytes of virtual address space. */
	size: number;
	/** file/shmem: the object's name; regions naming the same object share its pages. */
	object?: string | undefined;
	/** file: 'mmap' faults pages into the address space; 'read' goes through read(2) (no page faults). */
	access?: 'mmap' | 'read' | undefined;
	/** anon: mlocked (unevictable). */
	locked?: boolean | undefined;
	/** anon: mmap(MAP_HUGETLB): mapped with 2 MiB pages from the hugetlb pool (hugetlb.ts). */
	hugetlb?: boolean | undefined;
	/** anon: madvise(MADV_HUGEPAGE) or madvise(MADV_NOHUGEPAGE) over the region (VM_HUGEPAGE / VM_NOHUGEPAGE). */
	madvise?: 'hugepage' | 'nohugepage' | undefined;
	/** mmap's prot as /proc/PID/maps shows it: "r--", "rw-", "r-x" (default per kind: mmap-layout.ts). */
	perms?: string | undefined;
	/** Where it lies (mmap-layout.ts): the image's text, data, bss, the brk heap, an mmap, the stack. */
	placement?: 'text' | 'data' | 'bss' | 'heap' | 'mmap' | 'stack' | undefined;
	/** A fixed virtual address (MAP_FIXED_NOREPLACE): mmap regions only. */
	at?: number | undefined;
}

export type PatternKind =
	/** Walk the region page by page, wrapping at the end. */
	| 'sequential'
	/** Uniform random over the region. */
	| 'random'
	/** Zipf-like hot set: a few pages take most references (skew ~1). */
	| 'zipf'
	/** A hot window of `window` bytes that moves to the next part of the region every `period` seconds. */
	| 'shifting'
	/** Allocate and first-touch new pages at `grow` bytes/s, never touching them again (a leak). */
	| 'grow'
	/** Read a file once front to back, then start again (a streaming reader, `cat bigfile`). */
	| 'stream'
	/** Follow a bad pointer: `address`, outside every VMA (x86-fault.ts: SIGSEGV). */
	| 'wild';

export interface StreamSpec {
	region: string;
	pattern: PatternKind;
	/** Share of the process's references that go to this stream. */
	weight: number;
	/** zipf skew (default 1.0). */
	skew?: number | undefined;
	/** shifting: hot window in bytes. */
	window?: number | undefined;
	/** shifting: seconds between moves. */
	period?: number | undefined;
	/** grow: bytes per simulated second. */
	grow?: number | undefined;
	/** Fraction of references that write (dirty the page). */
	write_ratio?: number | undefined;
	/** wild: the virtual address the bad pointer holds (default 0, NULL). */
	address?: number | undefined;
}

export interface BurstSpec {
	/** Seconds busy. */
	on: number;
	/** Seconds idle. */
	off: number;
}

export interface ProcessSpec {
	name: string;
	/** Page references per simulated second when not stalled. */
	rate: number;
	/** Memory loads each page reference stands for (the TLB's lookups, tlb.ts); absent = 1. */
	loads?: number | undefined;
	regions: RegionSpec[];
	streams: StreamSpec[];
	oom_score_adj: number;
	/** 0 (random data, incompressible) .. 1 (mostly zeros); 0.5 compresses at the compressor's typical ratio. */
	compressibility: number;
	/** Idle/bursty duty cycle; absent = always busy. */
	burst?: BurstSpec | undefined;
	/** Lifetime in seconds from spawn; absent = runs until killed. */
	lifetime?: number | undefined;
	uid?: number | undefined;
	/** The cgroup v2 path the process runs in (`/system.slice/postgres.service`); absent = the root. */
	cgroup?: string | undefined;
	/** RLIMIT_STACK in bytes (default 8 MiB): how far the stack may grow; it also sets mmap_base. */
	stack_limit?: number | undefined;
}

/**
 * The program an exec loads: what a process spec says of its image (comm, regions, streams, rate),
 * not of the task, which keeps its pid, uid, cgroup and oom_score_adj across execve(2).
 */
export type ExecImage = Pick<
	ProcessSpec,
	'name' | 'rate' | 'loads' | 'regions' | 'streams' | 'compressibility' | 'burst' | 'lifetime'
>;

export interface ProcessGroupSpec extends ProcessSpec {
	count: number;
	/** Seconds from boot. */
	start: number;
	/** Seconds from boot at which the processes exit; absent = never. */
	end?: number | undefined;
}

// Everything outside the core (the workload's timed events, the keyboard, a recording) changes the
// machine only through these commands (commands.ts applies them). Each is plain JSON so a recording
// can store it verbatim.
export type Command =
	| {kind: 'spawn'; spec: ProcessSpec; count?: number | undefined}
	/**
	 * fork(2) of process `pid` (fork.ts): a child sharing its anon pages copy-on-write, with its own
	 * name, streams over the parent's regions and lifetime (defaults: a snapshot child that reads
	 * every anon page once and exits).
	 */
	| {
			kind: 'fork';
			pid: number;
			name?: string | undefined;
			streams?: StreamSpec[] | undefined;
			lifetime?: number | undefined;
	  }
	/**
	 * execve(2) in process `pid` (exec.ts): its address space is dropped and replaced by `image`'s
	 * (absent: the program it runs now, started afresh); pid, parent, uid, cgroup and oom_score_adj stay.
	 */
	| {kind: 'exec'; pid: number; image?: ExecImage | undefined}
	/** kill(2): SIGKILL (the default, and what a command without `signal` means) or SIGTERM. */
	| {kind: 'kill'; pid: number; signal?: KillSignal | undefined}
	| {kind: 'set-sysctl'; name: SysctlName; value: number}
	| {kind: 'set-oom-score-adj'; pid: number; value: number}
	| {kind: 'set-zswap'; enabled: boolean}
	/** echo N > /proc/sys/vm/drop_caches: 1 page cache, 2 slab, 3 both (only clean, unmapped pages go). */
	| {kind: 'drop-caches'; mode: 1 | 2 | 3}
	/** A balloon driver takes `bytes` of RAM away from the guest (negative: gives it back). */
	| {kind: 'balloon'; bytes: number}
	/** echo VALUE > /sys/fs/cgroup/PATH/FILE: a memory controller limit (null: "max", no limit). */
	| {kind: 'set-cgroup'; path: string; file: CgroupFile; value: number | null}
	/** systemctl start/stop systemd-oomd or earlyoom: which userspace OOM killer runs (one at a time). */
	| {kind: 'set-userspace-oom'; killer: UserspaceOomKiller};

export type CommandKind = Command['kind'];

/** The signals the kill command sends (htop's F9 menu offers these two, SIGTERM first). */
export const KILL_SIGNALS = ['SIGTERM', 'SIGKILL'] as const;
export type KillSignal = (typeof KILL_SIGNALS)[number];

/**
 * Who gave a command: `user`, a person (a key in the dashboard, a recorded command replayed), or
 * `workload`, the workload file's own timed events (the story's script). The event log says which.
 */
export type CommandOrigin = 'user' | 'workload';

export interface TimedEvent {
	/** Seconds from boot. */
	at: number;
	command: Command;
}

/** A line of narration from the workload file: what to watch, shown when the clock reaches `at`. */
export interface WorkloadNote {
	/** Seconds from boot. */
	at: number;
	text: string;
}

/** The memory controller's files a workload or a command may set (cgroup-v2.rst). */
export const CGROUP_FILES = [
	'memory.min',
	'memory.low',
	'memory.high',
	'memory.max',
	'memory.swap.max',
	'memory.oom.group',
] as const;
export type CgroupFile = (typeof CGROUP_FILES)[number];

/** A cgroup path below the root: /name/name..., names of letters, digits and _ . : @ - (the root is "/"). */
export const CGROUP_PATH_PATTERN = /^(\/[A-Za-z0-9_.:@-]{1,64}){1,8}$/;

export function isCgroupPath(v: unknown): v is string {
	return typeof v === 'string' && v.length <= 255 && CGROUP_PATH_PATTERN.test(v);
}

/** One cgroup's memory controller settings: sizes in bytes; absent = the kernel's default (0 for
 * min and low, "max" for high, max and swap.max, 0 for oom.group). */
export interface CgroupSpec {
	'memory.min'?: number | undefined;
	'memory.low'?: number | undefined;
	'memory.high'?: number | undefined;
	'memory.max'?: number | undefined;
	'memory.swap.max'?: number | undefined;
	'memory.oom.group'?: boolean | undefined;
	/** The unit's systemd-oomd settings (systemd.resource-control(5)): read by oomd, not the kernel. */
	ManagedOOMSwap?: ManagedOomMode | undefined;
	ManagedOOMMemoryPressure?: ManagedOomMode | undefined;
	/** Percent; absent (or 0 %, as systemd takes it) = oomd.conf's DefaultMemoryPressureLimit. */
	ManagedOOMMemoryPressureLimit?: number | undefined;
	/** Seconds (at least 1, systemd >= 252); absent = oomd.conf's DefaultMemoryPressureDurationSec. */
	ManagedOOMMemoryPressureDurationSec?: number | undefined;
	/** avoid: oomd picks it last; omit: never (the user.oomd_avoid / user.oomd_omit xattrs); absent = none. */
	ManagedOOMPreference?: 'none' | 'avoid' | 'omit' | undefined;
}

/** The userspace OOM killers the machine can run (userspace-oom.ts): none, or one of them. */
export const USERSPACE_OOM_KILLERS = ['none', 'systemd-oomd', 'earlyoom'] as const;
export type UserspaceOomKiller = (typeof USERSPACE_OOM_KILLERS)[number];

/** A unit's ManagedOOMSwap= / ManagedOOMMemoryPressure= (systemd.resource-control(5)): kill, or auto (no action). */
export type ManagedOomMode = 'kill' | 'auto';

/** oomd.conf(5)'s [OOM] section: percentages and seconds; absent = systemd's defaults (90 %, 60 %, 30 s). */
export interface OomdConfSpec {
	SwapUsedLimit?: number | undefined;
	DefaultMemoryPressureLimit?: number | undefined;
	DefaultMemoryPressureDurationSec?: number | undefined;
}

/**
 * Which systemd-oomd unit defaults the machine ships: `systemd`, the upstream build's (no unit sets
 * ManagedOOM*=, so oomd watches only what the workload marks), or `desktop`, the drop-ins of the
 * systemd-oomd package of Fedora, Debian and Ubuntu: ManagedOOMSwap=kill on -.slice (the root),
 * ManagedOOMMemoryPressure=kill with ManagedOOMMemoryPressureLimit=50% on every user@UID.service,
 * and DefaultMemoryPressureDurationSec=20s in oomd.conf.
 */
export const OOMD_DEFAULTS = ['systemd', 'desktop'] as const;
export type OomdDefaults = (typeof OOMD_DEFAULTS)[number];

/** earlyoom's -m and -s: [SIGTERM percent, SIGKILL percent] (absent: 10,5). */
export interface EarlyoomSpec {
	m?: [number, number] | undefined;
	s?: [number, number] | undefined;
}

export interface Workload {
	name: string;
	description: string;
	machine: MachineSpec;
	processes: ProcessGroupSpec[];
	events: TimedEvent[];
	/** Narration in time order; absent when the file has none. Changes nothing in the machine. */
	notes?: WorkloadNote[] | undefined;
	/** The cgroup v2 tree below the root, by path (parents listed or implied); absent when the file has none. */
	cgroups?: Record<string, CgroupSpec> | undefined;
	/** The userspace OOM killer running from boot; absent = none. */
	userspace_oom?: UserspaceOomKiller | undefined;
	/** systemd-oomd's oomd.conf; absent = its defaults. */
	oomd?: OomdConfSpec | undefined;
	/** The distribution's systemd-oomd unit defaults; absent = systemd's own (none). */
	oomd_defaults?: OomdDefaults | undefined;
	/** earlyoom's thresholds; absent = its defaults. */
	earlyoom?: EarlyoomSpec | undefined;
}
