// The `machine:` part of a workload file: RAM, CPUs, the disk, swap (a device or zram), zswap, the
// sysctls (their ranges from sim/sysctl.ts, the one sysctl table) and the reclaim policy.
import {z} from 'zod';
import type {MachineSpec, SwapSpec, SysctlName} from '../sim/spec.js';
import {DEFAULT_SYSCTLS, SYSCTLS} from '../sim/sysctl.js';
import {GIB, MIB} from '../sim/units.js';
import {DEFAULTS} from './defaults.js';
import {didYouMean} from './hints.js';
import {bool, Expected, int, type Leaf, leaf, oneOf, policy, size, strict} from './leaves.js';
import {formatBytes, roundUpToPages} from './quantities.js';

/** The simulator keeps state per 4 KiB frame; bigger machines only make it slower. */
const RAM_MIN = 16 * MIB;
const RAM_MAX = 64 * GIB;

// Every range comes from the sysctl table (sim/sysctl.ts), which has the kernel's.
const sysctlInt = (name: SysctlName): Leaf<number> => int(SYSCTLS[name].min, SYSCTLS[name].max);
/** A mode sysfs reads and writes as words (`enabled: never`); its number (0..) is what commands carry. */
function sysctlMode<N extends 'transparent_hugepage_enabled' | 'transparent_hugepage_defrag'>(
	name: N,
): Leaf<(typeof SYSCTLS)[N]['values'][number]> {
	type V = (typeof SYSCTLS)[N]['values'][number];
	const names: readonly string[] = SYSCTLS[name].names;
	const values: readonly unknown[] = SYSCTLS[name].values;
	const expected = names.join(', ');
	return leaf((v) => {
		if (typeof v === 'string' && names.includes(v)) return names.indexOf(v) as V;
		if (values.includes(v)) return v as V;
		return new Expected(expected, typeof v === 'string' ? didYouMean(v, [...names]) : undefined);
	});
}
export const sysctlLeaves = {
	swappiness: sysctlInt('swappiness'),
	min_free_kbytes: sysctlInt('min_free_kbytes'),
	watermark_scale_factor: sysctlInt('watermark_scale_factor'),
	watermark_boost_factor: sysctlInt('watermark_boost_factor'),
	dirty_ratio: sysctlInt('dirty_ratio'),
	dirty_background_ratio: sysctlInt('dirty_background_ratio'),
	overcommit_memory: oneOf(SYSCTLS.overcommit_memory.values, '0 (heuristic), 1 (always) or 2 (strict)'),
	overcommit_ratio: sysctlInt('overcommit_ratio'),
	admin_reserve_kbytes: sysctlInt('admin_reserve_kbytes'),
	user_reserve_kbytes: sysctlInt('user_reserve_kbytes'),
	page_cluster: sysctlInt('page_cluster'),
	min_ttl_ms: sysctlInt('min_ttl_ms'),
	extfrag_threshold: sysctlInt('extfrag_threshold'),
	compaction_proactiveness: sysctlInt('compaction_proactiveness'),
	nr_hugepages: sysctlInt('nr_hugepages'),
	compact_memory: oneOf(SYSCTLS.compact_memory.values, '0 or 1 (compact all of memory now)'),
	transparent_hugepage_enabled: sysctlMode('transparent_hugepage_enabled'),
	transparent_hugepage_defrag: sysctlMode('transparent_hugepage_defrag'),
	khugepaged_pages_to_scan: sysctlInt('khugepaged_pages_to_scan'),
	khugepaged_scan_sleep_millisecs: sysctlInt('khugepaged_scan_sleep_millisecs'),
	khugepaged_alloc_sleep_millisecs: sysctlInt('khugepaged_alloc_sleep_millisecs'),
	khugepaged_max_ptes_none: sysctlInt('khugepaged_max_ptes_none'),
	khugepaged_max_ptes_swap: sysctlInt('khugepaged_max_ptes_swap'),
	khugepaged_max_ptes_shared: sysctlInt('khugepaged_max_ptes_shared'),
} satisfies Record<SysctlName, Leaf<number>>;

export const sysctlSchema = strict(
	{
		swappiness: sysctlLeaves.swappiness.default(DEFAULT_SYSCTLS.swappiness),
		min_free_kbytes: sysctlLeaves.min_free_kbytes.optional(),
		watermark_scale_factor: sysctlLeaves.watermark_scale_factor.default(
			DEFAULT_SYSCTLS.watermark_scale_factor,
		),
		watermark_boost_factor: sysctlLeaves.watermark_boost_factor.default(
			DEFAULT_SYSCTLS.watermark_boost_factor,
		),
		dirty_ratio: sysctlLeaves.dirty_ratio.default(DEFAULT_SYSCTLS.dirty_ratio),
		dirty_background_ratio: sysctlLeaves.dirty_background_ratio.default(
			DEFAULT_SYSCTLS.dirty_background_ratio,
		),
		overcommit_memory: sysctlLeaves.overcommit_memory.default(DEFAULT_SYSCTLS.overcommit_memory),
		overcommit_ratio: sysctlLeaves.overcommit_ratio.default(DEFAULT_SYSCTLS.overcommit_ratio),
		admin_reserve_kbytes: sysctlLeaves.admin_reserve_kbytes.optional(),
		user_reserve_kbytes: sysctlLeaves.user_reserve_kbytes.optional(),
		page_cluster: sysctlLeaves.page_cluster.default(DEFAULT_SYSCTLS.page_cluster),
		min_ttl_ms: sysctlLeaves.min_ttl_ms.default(DEFAULT_SYSCTLS.min_ttl_ms),
		extfrag_threshold: sysctlLeaves.extfrag_threshold.default(DEFAULT_SYSCTLS.extfrag_threshold),
		compaction_proactiveness: sysctlLeaves.compaction_proactiveness.default(
			DEFAULT_SYSCTLS.compaction_proactiveness,
		),
		nr_hugepages: sysctlLeaves.nr_hugepages.default(DEFAULT_SYSCTLS.nr_hugepages),
		compact_memory: sysctlLeaves.compact_memory.default(DEFAULT_SYSCTLS.compact_memory),
		transparent_hugepage_enabled: sysctlLeaves.transparent_hugepage_enabled.default(
			DEFAULT_SYSCTLS.transparent_hugepage_enabled,
		),
		transparent_hugepage_defrag: sysctlLeaves.transparent_hugepage_defrag.default(
			DEFAULT_SYSCTLS.transparent_hugepage_defrag,
		),
		khugepaged_pages_to_scan: sysctlLeaves.khugepaged_pages_to_scan.default(
			DEFAULT_SYSCTLS.khugepaged_pages_to_scan,
		),
		khugepaged_scan_sleep_millisecs: sysctlLeaves.khugepaged_scan_sleep_millisecs.default(
			DEFAULT_SYSCTLS.khugepaged_scan_sleep_millisecs,
		),
		khugepaged_alloc_sleep_millisecs: sysctlLeaves.khugepaged_alloc_sleep_millisecs.default(
			DEFAULT_SYSCTLS.khugepaged_alloc_sleep_millisecs,
		),
		khugepaged_max_ptes_none: sysctlLeaves.khugepaged_max_ptes_none.default(
			DEFAULT_SYSCTLS.khugepaged_max_ptes_none,
		),
		khugepaged_max_ptes_swap: sysctlLeaves.khugepaged_max_ptes_swap.default(
			DEFAULT_SYSCTLS.khugepaged_max_ptes_swap,
		),
		khugepaged_max_ptes_shared: sysctlLeaves.khugepaged_max_ptes_shared.default(
			DEFAULT_SYSCTLS.khugepaged_max_ptes_shared,
		),
	},
	'a mapping of sysctls like {swappiness: 60}',
);

const compressor = oneOf(['lz4', 'lzo', 'zstd'] as const);

const swapSchema = strict(
	{
		size: size({allowZero: true}),
		device: oneOf(['nvme', 'ssd', 'hdd', 'zram'] as const).optional(),
		mem_limit: size({allowZero: true}).optional(),
		compressor: compressor.optional(),
	},
	'a mapping like {size: 2G, device: ssd}, a size, or none',
);

/** `swap: none`, `swap: false`, `swap: 2G` are shorthands for {size: 0} and {size: 2G}. */
function swapShorthand(value: unknown): unknown {
	if (value === 'none' || value === false) return {size: 0};
	if (typeof value === 'string' || typeof value === 'number') return {size: value};
	return value;
}

export const zswapSchema = strict(
	{
		// Writing a zswap: mapping turns it on unless it says enabled: false.
		enabled: bool.default(true),
		compressor: compressor.default(DEFAULTS.zswap.compressor),
		max_pool_percent: int(1, 100).default(DEFAULTS.zswap.max_pool_percent),
		accept_threshold_percent: int(0, 100).default(DEFAULTS.zswap.accept_threshold_percent),
	},
	'a mapping like {enabled: true, compressor: lz4}, or true/false',
);

export const machineSchema = strict(
	{
		ram: size({min: RAM_MIN, max: RAM_MAX}),
		cpus: int(1, 1024).default(DEFAULTS.cpus),
		kernel: size().optional(),
		disk: oneOf(['nvme', 'ssd', 'hdd'] as const).default(DEFAULTS.disk),
		swap: z.preprocess(swapShorthand, swapSchema).optional(),
		zswap: z.preprocess((v) => (typeof v === 'boolean' ? {enabled: v} : v), zswapSchema).optional(),
		sysctl: sysctlSchema.prefault({}),
		policy: policy.default(DEFAULTS.policy),
	},
	'a mapping of machine settings like {ram: 4G}',
)
	.superRefine((m, ctx) => {
		if (m.kernel !== undefined && m.kernel > m.ram / 2)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['kernel'],
				message: `expected at most half of RAM (${formatBytes(m.ram / 2)}), got ${formatBytes(m.kernel)}`,
			});
		const device = m.swap?.device ?? m.disk;
		for (const field of ['mem_limit', 'compressor'] as const) {
			const value = m.swap?.[field];
			if (value !== undefined && device !== 'zram')
				ctx.addIssue({
					code: 'custom',
					continue: false,
					path: ['swap', field],
					message: `expected ${field} only with device: zram (swap here is on ${device}), got ${typeof value === 'number' ? formatBytes(value) : value}`,
				});
		}
		const swapSize = m.swap?.size ?? DEFAULTS.swapSize;
		if (m.zswap?.enabled && swapSize === 0)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['zswap', 'enabled'],
				message:
					'expected a swap device for zswap to sit in front of (zswap caches pages on their way to swap), got swap: none',
			});
		const minFree = m.sysctl.min_free_kbytes;
		const maxMinFree = Math.floor(m.ram / 1024 / 4);
		if (minFree !== undefined && minFree > maxMinFree)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['sysctl', 'min_free_kbytes'],
				message: `expected at most ${maxMinFree} (a quarter of RAM, in KiB), got ${minFree}`,
			});
	})
	.transform((m): MachineSpec => {
		const kernel =
			m.kernel ?? roundUpToPages(Math.max(DEFAULTS.kernelMinimum, m.ram * DEFAULTS.kernelRamShare));
		const device = m.swap?.device ?? m.disk;
		const swap: SwapSpec = {size: m.swap?.size ?? DEFAULTS.swapSize, device};
		if (device === 'zram') {
			swap.mem_limit = m.swap?.mem_limit ?? DEFAULTS.zramMemLimit;
			swap.compressor = m.swap?.compressor ?? DEFAULTS.zramCompressor;
		}
		return {
			ram: m.ram,
			cpus: m.cpus,
			kernel,
			disk: m.disk,
			swap,
			zswap: m.zswap ?? {...DEFAULTS.zswap},
			sysctl: m.sysctl,
			policy: m.policy,
		};
	});
