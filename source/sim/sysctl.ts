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
	/** A mode the kernel reads and writes as words (sysfs `[always] madvise never`): the word of each value. */
	readonly names?: readonly string[];
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
	compact_memory: {
		default: 0,
		min: 0,
		max: 1,
		values: [0, 1],
		unit: '',
		meaning: "writing 1 compacts all of memory now (compact_nodes), in the writer's context; reads 0",
		path: '/proc/sys/vm/compact_memory',
		source: 'mm/compaction.c sysctl_compaction_handler (write-only; 1), compact_nodes',
	},
	// Transparent huge pages (Documentation/admin-guide/mm/transhuge.rst). mm/Kconfig's default is
	// TRANSPARENT_HUGEPAGE_ALWAYS (Fedora and RHEL ship it); memtop's is madvise, as Ubuntu and Debian
	// ship (CONFIG_TRANSPARENT_HUGEPAGE_MADVISE): the shipped workloads' stories are told with 4 KiB
	// pages, and a workload that is about THPs (thp-db) says `enabled: always`.
	transparent_hugepage_enabled: {
		default: 1,
		min: 0,
		max: 2,
		values: [0, 1, 2],
		names: ['always', 'madvise', 'never'],
		unit: '',
		meaning:
			'may an anon fault in an aligned 2 MiB range take a huge page: always (0), madvise (1: MADV_HUGEPAGE regions only) or never (2)',
		path: '/sys/kernel/mm/transparent_hugepage/enabled',
		source: 'mm/huge_memory.c enabled_store, thp_vma_allowable_order, do_huge_pmd_anonymous_page',
	},
	transparent_hugepage_defrag: {
		default: 3,
		min: 0,
		max: 4,
		values: [0, 1, 2, 3, 4],
		names: ['always', 'defer', 'defer+madvise', 'madvise', 'never'],
		unit: '',
		meaning:
			'a huge page fault with no free 2 MiB block: always (0) compacts directly, defer (1) wakes kcompactd, defer+madvise (2) compacts for MADV_HUGEPAGE regions and wakes kcompactd for others, madvise (3) compacts for MADV_HUGEPAGE regions only, never (4) falls back',
		path: '/sys/kernel/mm/transparent_hugepage/defrag',
		source: 'mm/huge_memory.c defrag_store, vma_thp_gfp_mask',
	},
	khugepaged_pages_to_scan: {
		default: 4096,
		min: 1,
		max: UINT_MAX,
		unit: 'PTEs',
		meaning: 'PTEs khugepaged scans each wake, looking for 2 MiB ranges to collapse',
		path: '/sys/kernel/mm/transparent_hugepage/khugepaged/pages_to_scan',
		source: 'mm/khugepaged.c pages_to_scan_store (kstrtouint, not 0), khugepaged_do_scan',
	},
	khugepaged_scan_sleep_millisecs: {
		default: 10000,
		min: 0,
		max: UINT_MAX,
		unit: 'ms',
		meaning: 'khugepaged sleeps this long between scans',
		path: '/sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs',
		source: 'mm/khugepaged.c scan_sleep_millisecs_store (kstrtouint), khugepaged_wait_work',
	},
	khugepaged_alloc_sleep_millisecs: {
		default: 60000,
		min: 0,
		max: UINT_MAX,
		unit: 'ms',
		meaning: 'after a failed huge page allocation khugepaged sleeps this long',
		path: '/sys/kernel/mm/transparent_hugepage/khugepaged/alloc_sleep_millisecs',
		source: 'mm/khugepaged.c alloc_sleep_millisecs_store (kstrtouint), khugepaged_alloc_sleep',
	},
	khugepaged_max_ptes_none: {
		default: 511,
		min: 0,
		max: 511,
		unit: 'PTEs',
		meaning: 'a range is collapsed only with at most this many empty PTEs (each becomes a zeroed page)',
		path: '/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none',
		source: 'mm/khugepaged.c max_ptes_none_store (≤ HPAGE_PMD_NR − 1), hpage_collapse_scan_pmd',
	},
	khugepaged_max_ptes_swap: {
		default: 64,
		min: 0,
		max: 511,
		unit: 'PTEs',
		meaning: 'a range is collapsed only with at most this many swapped-out PTEs (each read back in)',
		path: '/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_swap',
		source: 'mm/khugepaged.c max_ptes_swap_store (≤ HPAGE_PMD_NR − 1), hpage_collapse_scan_pmd',
	},
	khugepaged_max_ptes_shared: {
		default: 256,
		min: 0,
		max: 511,
		unit: 'PTEs',
		meaning: 'a range is collapsed only with at most this many pages shared with a fork relative',
		path: '/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_shared',
		source: 'mm/khugepaged.c max_ptes_shared_store (≤ HPAGE_PMD_NR − 1), hpage_collapse_scan_pmd',
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

/**
 * What a set-sysctl command did, in the words of the file it writes: `vm.swappiness = 60`, or for a
 * sysfs mode `transparent_hugepage/enabled = never`.
 */
export function sysctlLine(name: SysctlName, value: number): string {
	const info: SysctlInfo = SYSCTLS[name];
	const sysfs = '/sys/kernel/mm/';
	const thp = info.path.startsWith(`${sysfs}transparent_hugepage/`);
	const file = thp ? info.path.slice(sysfs.length) : `vm.${name}`;
	return `${file} = ${info.names?.[value] ?? value}`;
}

/** A mode sysctl's value from its word (`never` → 2), or undefined for a word it does not have. */
export function sysctlValueOf(name: SysctlName, word: string): number | undefined {
	const info: SysctlInfo = SYSCTLS[name];
	const i = info.names?.indexOf(word) ?? -1;
	return i >= 0 ? i : undefined;
}
