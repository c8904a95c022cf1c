// Names of /proc fields, in the order /proc prints them. One table, used by the machine's
// accounting, the headless output and the dashboard.

/**
 * /proc/meminfo fields memtop models, values in kB, but for HugePages_Total, _Free, _Rsvd and _Surp,
 * which are counts of huge pages (hugetlb_report_meminfo prints them so).
 */
export const MEMINFO_FIELDS = [
	'MemTotal',
	'MemFree',
	'MemAvailable',
	'Buffers',
	'Cached',
	'SwapCached',
	'Active',
	'Inactive',
	'Active(anon)',
	'Inactive(anon)',
	'Active(file)',
	'Inactive(file)',
	'Unevictable',
	'Mlocked',
	'SwapTotal',
	'SwapFree',
	'Zswap',
	'Zswapped',
	'Dirty',
	'Writeback',
	'AnonPages',
	'Mapped',
	'Shmem',
	'SUnreclaim',
	'PageTables',
	'CommitLimit',
	'Committed_AS',
	'AnonHugePages',
	'HugePages_Total',
	'HugePages_Free',
	'HugePages_Rsvd',
	'HugePages_Surp',
	'Hugepagesize',
	'Hugetlb',
] as const;
export type MeminfoField = (typeof MEMINFO_FIELDS)[number];
export type Meminfo = Record<MeminfoField, number>;

/** /proc/vmstat counters memtop models (pages or events, as the kernel counts them). */
export const VMSTAT_FIELDS = [
	'nr_free_pages',
	'nr_inactive_anon',
	'nr_active_anon',
	'nr_inactive_file',
	'nr_active_file',
	'nr_unevictable',
	'nr_dirty',
	'nr_writeback',
	'nr_shmem',
	'nr_anon_pages',
	'nr_mapped',
	'nr_file_pages',
	'nr_swapcached',
	'nr_zspages',
	'nr_anon_transparent_hugepages',
	'pgfault',
	'pgmajfault',
	'pswpin',
	'pswpout',
	'zswpin',
	'zswpout',
	'zswpwb',
	'pgpgin',
	'pgpgout',
	'pgscan_kswapd',
	'pgscan_direct',
	'pgscan_anon',
	'pgscan_file',
	'pgsteal_kswapd',
	'pgsteal_direct',
	'pgsteal_anon',
	'pgsteal_file',
	'pgrefill',
	'pgactivate',
	'pgdeactivate',
	'pgrotated',
	'allocstall_normal',
	'pageoutrun',
	'kswapd_low_wmark_hit_quickly',
	'kswapd_high_wmark_hit_quickly',
	'workingset_refault_anon',
	'workingset_refault_file',
	'workingset_activate_anon',
	'workingset_activate_file',
	'workingset_restore_anon',
	'workingset_restore_file',
	'workingset_nodereclaim',
	'swap_ra',
	'swap_ra_hit',
	'drop_pagecache',
	'oom_kill',
	'compact_migrate_scanned',
	'compact_free_scanned',
	'compact_isolated',
	'compact_stall',
	'compact_fail',
	'compact_success',
	'compact_daemon_wake',
	'compact_daemon_migrate_scanned',
	'compact_daemon_free_scanned',
	'htlb_buddy_alloc_success',
	'htlb_buddy_alloc_fail',
	'thp_fault_alloc',
	'thp_fault_fallback',
	'thp_fault_fallback_charge',
	'thp_collapse_alloc',
	'thp_collapse_alloc_failed',
	'thp_split_page',
	'thp_split_pmd',
	'zswap_pool_limit_hit',
	'zswap_reject_compress_poor',
] as const;
export type VmstatField = (typeof VMSTAT_FIELDS)[number];
export type Vmstat = Record<VmstatField, number>;

/** The counters behind /proc/vmstat, all zero, as one object with a fixed shape (VMSTAT_FIELDS order). */
export function zeroVmstat(): Vmstat {
	const v = {} as Vmstat;
	for (const f of VMSTAT_FIELDS) v[f] = 0;
	return v;
}

/**
 * /proc/zoneinfo fields memtop models for its one zone, in pages, in the order the kernel prints them
 * (zoneinfo_show_print: "pages free", boost, min, low, high, spanned, present, managed; min, low and
 * high include the boost, as min_wmark_pages() and the others do).
 */
export const ZONEINFO_FIELDS = [
	'free',
	'boost',
	'min',
	'low',
	'high',
	'spanned',
	'present',
	'managed',
] as const;
export type ZoneinfoField = (typeof ZONEINFO_FIELDS)[number];
/**
 * The fields, then `nr_free`: zone->free_area[order].nr_free for each order 0..NR_PAGE_ORDERS − 1, the
 * free blocks of 2^order pages (all migratetypes), so free = Σ nr_free[order] << order.
 */
export type Zoneinfo = Record<ZoneinfoField, number> & {nr_free: number[]};
