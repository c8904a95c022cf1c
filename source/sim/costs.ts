// The stall clock's price list (microseconds), from the reference doc's latency table (§12).
import type {Compressor, SwapDeviceKind} from './spec.js';

/** Demand-zero minor fault of an anonymous page (median ≈1 µs on 6.6). */
export const MINOR_FAULT_ZERO_US = 1;
/** Minor fault that finds the page in the page cache or swap cache. */
export const MINOR_FAULT_CACHED_US = 0.5;
/** Kernel path of a major fault on top of the device read. */
export const MAJOR_FAULT_KERNEL_US = 10;
/** read(2) of a page the page cache holds: the copy to user space. */
export const READ_HIT_US = 0.3;
/** read(2) that misses the page cache: the syscall's own path on top of the device read. */
export const READ_MISS_KERNEL_US = 2;
/** Reclaim: scanning one page (LRU isolation, rmap walk for the accessed bit). */
export const SCAN_PAGE_US = 0.15;
/** Reclaim: unmapping a page and flushing its TLB entry. */
export const UNMAP_PAGE_US = 1;
/** Direct reclaim returns after each 32-page batch (SWAP_CLUSTER_MAX), with this fixed overhead. */
export const DIRECT_RECLAIM_BATCH_US = 20;
/** kswapd naps 100 ms (HZ/10) once balanced before it sleeps for good. */
export const KSWAPD_NAP_TICKS = 10;
/** balance_dirty_pages pauses a writer for at most 200 ms. */
export const MAX_DIRTY_PAUSE_US = 200_000;
/** An allocator that finds an OOM victim still exiting sleeps this long before retrying (schedule_timeout_killable(1)). */
export const OOM_WAIT_US = 1_000;

export interface DeviceProfile {
	/** Latency of one 4 KiB read that finds the device idle. */
	readUs: number;
	/** Transfer time per page once the device is busy (bandwidth limit). */
	transferUs: number;
	/** HDD: seeks occupy the device; SSDs overlap requests. */
	seekOccupies: boolean;
}

/** NVMe ~20–150 µs, SATA SSD 100–200 µs, HDD 5–15 ms per random 4 KiB read. */
export const DEVICE_PROFILES: Record<Exclude<SwapDeviceKind, 'zram'>, DeviceProfile> = {
	nvme: {readUs: 60, transferUs: 2, seekOccupies: false}, // ~2 GB/s
	ssd: {readUs: 150, transferUs: 8, seekOccupies: false}, // ~500 MB/s
	hdd: {readUs: 8_000, transferUs: 35, seekOccupies: true}, // ~120 MB/s sequential
};

export interface CompressorProfile {
	/** Typical ratio on mixed data (Silesia): lz4 2.1, lzo 2.1, zstd-1 2.9. */
	typicalRatio: number;
	compressUs: number;
	decompressUs: number;
}

/** From facebook/zstd README throughputs: compress 740/660/530 MB/s, decompress 4500/845/1700 MB/s, + ~1 µs overhead. */
export const COMPRESSORS: Record<Compressor, CompressorProfile> = {
	lz4: {typicalRatio: 2.1, compressUs: 5.5, decompressUs: 0.9 + 1},
	lzo: {typicalRatio: 2.1, compressUs: 6.2, decompressUs: 4.8 + 1},
	zstd: {typicalRatio: 2.9, compressUs: 7.7, decompressUs: 2.4 + 1},
};
