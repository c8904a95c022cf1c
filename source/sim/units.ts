// One source of truth for units: pages, bytes, ticks, microseconds.

/** x86-64 base page size. */
export const PAGE_SIZE = 4096;
export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;

/** The simulated clock advances in fixed ticks of 10 ms (HZ=100, as many distro kernels once used). */
export const TICK_US = 10_000;
export const TICKS_PER_SECOND = 1_000_000 / TICK_US;

export const bytesToPages = (bytes: number): number => Math.ceil(bytes / PAGE_SIZE);
/** /proc shows sizes in kB (KiB). */
export const pagesToKb = (pages: number): number => pages * (PAGE_SIZE / KIB);
/** A kB figure in whole pages, as the kernel shifts it (kbytes >> (PAGE_SHIFT - 10)). */
export const kbToPages = (kb: number): number => Math.floor(kb / (PAGE_SIZE / KIB));
export const secondsToTicks = (seconds: number): number => Math.round(seconds * TICKS_PER_SECOND);
export const ticksToSeconds = (ticks: number): number => ticks / TICKS_PER_SECOND;

/** Integer square root, as the kernel's int_sqrt(). */
export function intSqrt(x: number): number {
	if (x <= 0) return 0;
	let r = Math.floor(Math.sqrt(x));
	while (r * r > x) r--;
	while ((r + 1) * (r + 1) <= x) r++;
	return r;
}

/**
 * mm/internal.h MAX_RECLAIM_RETRIES: should_reclaim_retry() gives up after 16 reclaim rounds without
 * progress (and memcg's try_charge and zswap's shrink worker count to it too).
 */
export const MAX_RECLAIM_RETRIES = 16;
