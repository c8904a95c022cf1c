// The tunables memtop models, in one table: name, default, range, unit, meaning and where the kernel
// defines them. Everything else derives from it: the SysctlName and Sysctls types, the defaults, the
// workload schema's sysctl leaves, the clamp a set-sysctl command goes through, the recording
// header's validation and the docs' table (test/sim/sysctl.test.ts holds docs/workloads.md to it).
//
// Ranges are the kernel's: a sysctl handled by proc_dointvec_minmax() takes extra1..extra2 (an absent
// bound is the int's own), one in sysfs takes what its store function parses.

/** INT_MAX: the upper bound of an int sysctl whose table entry has no extra2. */
const INT_MAX = 2 ** 31 - 1;
/** UINT_MAX: what kstrtouint() accepts. */
const UINT_MAX = 2 ** 32 - 1;
/** An unsigned long sysctl (proc_doulongvec_minmax) takes up to ULONG_MAX; here up to 2^53 − 1, exact in a double. */
const ULONG_SAFE = Number.MAX_SAFE_INTEGER;

export interface SysctlInfo {
	/** The kernel's default; null when the kernel derives it at boot (min_free_kbytes). */
	readonly default: number | null;
	readonly min: number;
	readonly max: number;
	/** The only values allowed, when the sysctl is a mode rather than a quantity. */
	readonly values?: readonly number[];
	readonly unit: string;
	/** One line: what it does here. */
	readonly meaning: string;
	/** Where it lives on a real machine. */
	readonly path: string;
	/** Where the kernel defines its range and uses it. */
	readonly source: string;
}

export const SYSCTLS = {
	swappiness: {
		default: 60,
		min: 0,
		max: 200,
		unit: '',
		meaning: 'anon vs file reclaim balance (100 = equal IO cost)',
		path: '/proc/sys/vm/swappiness',
		source: 'mm/vmscan.c vm_swappiness (SYSCTL_ZERO..SYSCTL_TWO_HUNDRED), get_scan_count',
	},
	min_free_kbytes: {
		default: null,
		min: 0,
		max: INT_MAX,
		unit: 'KiB',
		meaning: 'the min watermark; absent: derived from RAM as calculate_min_free_kbytes() does',
		path: '/proc/sys/vm/min_free_kbytes',
		source: 'mm/page_alloc.c min_free_kbytes_sysctl_handler (SYSCTL_ZERO..), __setup_per_zone_wmarks',
	},
	watermark_scale_factor: {
		default: 10,
		min: 1,
		max: 3000,
		unit: '1/10000 of RAM',
		meaning: 'gap between the min, low and high watermarks',
		path: '/proc/sys/vm/watermark_scale_factor',
		source: 'mm/page_alloc.c watermark_scale_factor (SYSCTL_ONE..SYSCTL_THREE_THOUSAND)',
	},
	watermark_boost_factor: {
		default: 15000,
		min: 0,
		max: INT_MAX,
		unit: '1/10000 of high',
		meaning:
			'after a fallback steals from another pageblock, watermarks rise by a pageblock, up to this share of high; kswapd then reclaims clean cache (0: off)',
		path: '/proc/sys/vm/watermark_boost_factor',
		source:
			'mm/page_alloc.c watermark_boost_factor (SYSCTL_ZERO..), boost_watermark; mm/vmscan.c balance_pgdat',
	},
	dirty_ratio: {
		default: 20,
		min: 0,
		max: 100,
		unit: '%',
		meaning: 'share of dirtyable memory at which writers are throttled',
		path: '/proc/sys/vm/dirty_ratio',
		source: 'mm/page-writeback.c vm_dirty_ratio (SYSCTL_ZERO..SYSCTL_ONE_HUNDRED), balance_dirty_pages',
	},
	dirty_background_ratio: {
		default: 10,
		min: 0,
		max: 100,
		unit: '%',
		meaning: 'share at which the flusher starts background writeback',
		path: '/proc/sys/vm/dirty_background_ratio',
		source: 'mm/page-writeback.c dirty_background_ratio (SYSCTL_ZERO..SYSCTL_ONE_HUNDRED)',
	},
	overcommit_memory: {
		default: 0,
		min: 0,
		max: 2,
		values: [0, 1, 2],
		unit: '',
		meaning: '0 heuristic, 1 always, 2 strict (CommitLimit)',
		path: '/proc/sys/vm/overcommit_memory',
		source: 'mm/util.c overcommit_policy_handler (SYSCTL_ZERO..SYSCTL_TWO), __vm_enough_memory',
	},
	overcommit_ratio: {
		default: 50,
		// The kernel's handler is plain proc_dointvec (any int); a negative ratio would put CommitLimit
		// below SwapTotal, which no one means, so the floor is 0. Above 100 is allowed, as there.
		min: 0,
		max: INT_MAX,
		unit: '%',
		meaning: 'share of RAM in CommitLimit (mode 2)',
		path: '/proc/sys/vm/overcommit_ratio',
		source: 'mm/util.c overcommit_ratio_handler, vm_commit_limit',
	},
	admin_reserve_kbytes: {
		default: null,
		min: 0,
		max: ULONG_SAFE,
		unit: 'KiB',
		meaning: 'kept back from mode 2 requests of non-root processes; absent: min(free at boot / 32, 8 MiB)',
		path: '/proc/sys/vm/admin_reserve_kbytes',
		source: 'mm/util.c __vm_enough_memory (proc_doulongvec_minmax), mm/mmap.c init_admin_reserve',
	},
	user_reserve_kbytes: {
		default: null,
		min: 0,
		max: ULONG_SAFE,
		unit: 'KiB',
		meaning:
			'mode 2 keeps min(total_vm / 32, this) back from each request; absent: min(free at boot / 32, 128 MiB)',
		path: '/proc/sys/vm/user_reserve_kbytes',
		source: 'mm/util.c __vm_enough_memory (proc_doulongvec_minmax), mm/mmap.c init_user_reserve',
	},
	page_cluster: {
		default: 3,
		min: 0,
		max: 31,
		unit: 'log2 pages',
		meaning: 'swap readahead of 2^n pages',
		path: '/proc/sys/vm/page-cluster',
		source: 'mm/swap.c page_cluster (SYSCTL_ZERO..page_cluster_max = 31), mm/swap_state.c',
	},
	min_ttl_ms: {
		default: 0,
		min: 0,
		max: UINT_MAX,
		unit: 'ms',
		meaning: 'MGLRU: never evict generations younger than this',
		path: '/sys/kernel/mm/lru_gen/min_ttl_ms',
		source: 'mm/vmscan.c min_ttl_ms_store (kstrtouint); Documentation/admin-guide/mm/multigen_lru.rst',
	},
	extfrag_threshold: {
		default: 500,
		min: 0,
		max: 1000,
		unit: '1/1000',
		meaning: 'direct compaction for a costly order runs only if the fragmentation index is above this',
		path: '/proc/sys/vm/extfrag_threshold',
		source:
			'mm/compaction.c sysctl_extfrag_threshold (SYSCTL_ZERO..SYSCTL_ONE_THOUSAND), compaction_suitable',
	},
	compaction_proactiveness: {
		default: 20,
		min: 0,
		max: 100,
		unit: '',
		meaning: 'kcompactd compacts in the background while the fragmentation score is above 100 − this (+10)',
		path: '/proc/sys/vm/compaction_proactiveness',
		source:
			'mm/compaction.c sysctl_compaction_proactiveness (SYSCTL_ZERO..SYSCTL_ONE_HUNDRED), fragmentation_score_wmark',
	},
	nr_hugepages: {
		default: 0,
		min: 0,
		max: INT_MAX,
		unit: '2 MiB pages',
		meaning:
			'the persistent hugetlb pool: order-9 pages taken from the buddy allocator (with direct compaction)',
		path: '/proc/sys/vm/nr_hugepages',
		source: 'mm/hugetlb.c hugetlb_sysctl_handler, set_max_huge_pages, alloc_buddy_hugetlb_folio',
	},
} as const satisfies Record<string, SysctlInfo>;

export type SysctlName = keyof typeof SYSCTLS;

/** Every sysctl name, in the table's order. */
export const SYSCTL_NAMES = Object.keys(SYSCTLS) as SysctlName[];

type Table = typeof SYSCTLS;
/** Sysctls whose default the kernel derives at boot: absent from a workload until set. */
type DerivedName = {[K in SysctlName]: Table[K]['default'] extends null ? K : never}[SysctlName];
type ValueOf<K extends SysctlName> = Table[K] extends {values: readonly (infer V)[]} ? V : number;

/** The sysctls in effect: one value each (a derived one may be absent, meaning "as the kernel derives it"). */
export type Sysctls = Flat<
	{[K in Exclude<SysctlName, DerivedName>]: ValueOf<K>} & {[K in DerivedName]?: number | undefined}
>;
type Flat<T> = {[K in keyof T]: T[K]};

/** The kernel's defaults, for every sysctl that has a fixed one. */
export const DEFAULT_SYSCTLS = Object.fromEntries(
	SYSCTL_NAMES.filter((n) => SYSCTLS[n].default !== null).map((n) => [n, SYSCTLS[n].default]),
) as {readonly [K in Exclude<SysctlName, DerivedName>]: Table[K]['default']};

export function isSysctlName(name: unknown): name is SysctlName {
	return typeof name === 'string' && Object.hasOwn(SYSCTLS, name);
}

/** A set-sysctl command's value as the machine takes it: an integer within the kernel's range. */
export function clampSysctl(name: SysctlName, value: number): number {
	const {min, max} = SYSCTLS[name];
	return Math.max(min, Math.min(max, Math.trunc(value)));
}
