// The stall clock's price list (microseconds), from the reference doc's latency table (§12).
import type {Compressor, SwapDeviceKind} from './spec.js';

/** Demand-zero minor fault of an anonymous page (median ≈1 µs on 6.6). */
export const MINOR_FAULT_ZERO_US = 1;
/** Minor fault that finds the page in the page cache or swap cache. */
export const MINOR_FAULT_CACHED_US = 0.5;
/** Kernel path of a major fault on top of the device read. */
export const MAJOR_FAULT_KERNEL_US = 10;
/** The fault path of a swap-in that needs no IO: a zswap load or a zram read (SWP_SYNCHRONOUS_IO). */
export const SYNC_SWAPIN_FAULT_US = 1;
/** read(2) of a page the page cache holds: the copy to user space. */
export const READ_HIT_US = 0.3;
/** read(2) that misses the page cache: the syscall's own path on top of the device read. */
export const READ_MISS_KERNEL_US = 2;
/**
 * fork(2): copying one PTE of the parent (copy_pte_range: the entry, the page's mapcount, the write
 * protect). Redis's latency notes measure fork at about 13 ms per GB of RSS on Linux (262,144 PTEs):
 * 0.05 µs each.
 */
export const FORK_PTE_US = 0.05;
/**
 * A COW break (wp_page_copy): a new page and a 4 KiB copy (copy_user_highpage), as dear as the
 * demand-zero fault's page clearing; reusing the page (wp_page_reuse) costs the minor fault's entry.
 */
export const COW_COPY_US = 1;
/** clear_page() of one 4 KiB page: the part of MINOR_FAULT_ZERO_US that grows with the page size. */
export const CLEAR_PAGE_US = 0.5;
/**
 * mm/huge_memory.c do_huge_pmd_anonymous_page: one fault, then clear_huge_page() of 512 subpages:
 * a 4 KiB zero fault plus 511 more page clears (~256 µs: 2 MiB at ~8 GB/s).
 */
export const THP_FAULT_US = MINOR_FAULT_ZERO_US + 511 * CLEAR_PAGE_US;
/** copy_mc_user_highpage() of one 4 KiB page when khugepaged collapses a range (__collapse_huge_page_copy). */
export const COPY_PAGE_US = COW_COPY_US;
/** Reclaim: scanning one page (LRU isolation, rmap walk for the accessed bit). */
export const SCAN_PAGE_US = 0.15;
/** Reclaim: unmapping a page and flushing its TLB entry. */
export const UNMAP_PAGE_US = 1;
/** Direct reclaim returns after each 32-page batch (SWAP_CLUSTER_MAX), with this fixed overhead. */
export const DIRECT_RECLAIM_BATCH_US = 20;
/**
 * Compaction: migrating one 4 KiB page (unmap with its TLB flush as UNMAP_PAGE_US, copy_highpage at
 * ~10 GB/s ≈ 0.4 µs, remove_migration_ptes): 2 µs, an assumption in line with the table's fault costs.
 */
export const MIGRATE_PAGE_US = 2;
/** Compaction: each pfn a scanner looks at (a test of struct page's flags): 0.01 µs, an assumption. */
export const COMPACT_SCAN_PFN_US = 0.01;
/**
 * The TLB (tlb.ts), at 3 GHz, assumptions in line with Intel's published latencies: an L1 dTLB miss
 * that hits the STLB costs its lookup, ~9 cycles (0.003 µs); a page walk that finds its upper levels
 * in the paging-structure caches reads one entry from the data caches, ~25 cycles (0.008 µs); a full
 * walk of the four levels is four dependent loads that often go past L2, ~300 cycles (0.1 µs).
 */
export const TLB_STLB_HIT_US = 0.003;
export const TLB_PWC_WALK_US = 0.008;
export const TLB_FULL_WALK_US = 0.1;
/**
 * A hugetlb fault (mm/hugetlb.c hugetlb_no_page): a pool page cleared whole (folio_zero_user, 2 MiB at
 * ~10 GB/s ≈ 200 µs) and one PMD set; an assumption in line with MIGRATE_PAGE_US's copy rate.
 */
export const HUGETLB_FAULT_US = 200;
/** kswapd naps 100 ms (HZ/10) once balanced before it sleeps for good. */
export const KSWAPD_NAP_TICKS = 10;
/** balance_dirty_pages pauses a writer for at most 200 ms. */
export const MAX_DIRTY_PAUSE_US = 200_000;
/** An allocator that finds an OOM victim still exiting sleeps this long before retrying (schedule_timeout_killable(1)). */
export const OOM_WAIT_US = 1_000;

export interface DeviceProfile {
	/** Latency of one random 4 KiB read on an idle device. */
	randomUs: number;
	/** Transfer time per page at the sequential bandwidth (4096 B / bandwidth). */
	transferUs: number;
	/** Requests served at once: seeks overlap this many ways (an HDD seeks one at a time). */
	queueDepth: number;
	/** A disk: its latency is a head movement, paid only when a request does not continue the last. */
	rotational: boolean;
}

/**
 * Issue 10 rule 4: HDD ~8 ms random, 150-200 MB/s sequential (180: 4096 / 180 = 22.8 µs a page), one
 * seek at a time; SATA SSD ~100-150 µs, ~500 MB/s (8.2 µs a page), NCQ depth 32; NVMe ~30-80 µs,
 * 2-3 GB/s (2.5: 1.64 µs a page), hundreds in flight (256 modelled).
 */
export const DEVICE_PROFILES: Record<Exclude<SwapDeviceKind, 'zram'>, DeviceProfile> = {
	nvme: {randomUs: 50, transferUs: 4096 / 2500, queueDepth: 256, rotational: false},
	ssd: {randomUs: 120, transferUs: 4096 / 500, queueDepth: 32, rotational: false},
	hdd: {randomUs: 8_000, transferUs: 4096 / 180, queueDepth: 1, rotational: true},
};

export interface CompressorProfile {
	/** Typical ratio on mixed data (Silesia): lz4 2.1, lzo 2.1, zstd-1 2.9. */
	typicalRatio: number;
	compressUs: number;
	/** Decompressing one page (a zswap load, a zram read). */
	decompressUs: number;
	/** Worst-case expansion of a 4 KiB page of incompressible data, bytes (the compressor's bound - 4096). */
	boundOverhead: number;
}

/**
 * Compress: facebook/zstd README throughputs 740/660/530 MB/s + ~1 µs overhead. Decompress one page (issue
 * 10 rule 5): lz4 ~1 µs (4500 MB/s), lzo(-rle) ~1.5 µs, zstd ~2.5 µs (1700 MB/s). Bounds for 4096 bytes:
 * LZ4_COMPRESSBOUND 4096/255 + 16 = 32; lzo1x_worst_compress 4096/16 + 64 + 3 = 323;
 * ZSTD_COMPRESSBOUND (4096 >> 8) + ((128 KiB - 4096) >> 11) = 16 + 62 = 78.
 */
/**
 * The zswap shrink worker's own time (mm/zswap.c shrink_worker), an assumption: writing an entry back
 * (zswap_writeback_entry) allocates a swap-cache folio, decompresses into it and submits the write,
 * 2 µs besides the decompression; giving an entry its second chance (shrink_memcg_cb's LRU_ROTATE) is
 * a list move under the LRU lock, 0.1 µs. The worker is one kworker (an unbound workqueue with
 * max_active 1), so it does at most a tick's worth of this a tick.
 */
export const ZSWAP_WRITEBACK_SUBMIT_US = 2;
export const ZSWAP_ROTATE_US = 0.1;

export const COMPRESSORS: Record<Compressor, CompressorProfile> = {
	lz4: {typicalRatio: 2.1, compressUs: 5.5, decompressUs: 0.9, boundOverhead: 32},
	lzo: {typicalRatio: 2.1, compressUs: 6.2, decompressUs: 1.5, boundOverhead: 323},
	zstd: {typicalRatio: 2.9, compressUs: 7.7, decompressUs: 2.5, boundOverhead: 78},
};
