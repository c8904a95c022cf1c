// The external fragmentation indices of mm/vmstat.c (debugfs extfrag/unusable_index and
// extfrag/extfrag_index), from the free blocks per order (nr_free), in thousandths as the kernel
// computes them.
import {NR_PAGE_ORDERS} from './buddy.js';

interface ContigInfo {
	freePages: number;
	freeBlocksTotal: number;
	freeBlocksSuitable: number;
}

/** fill_contig_page_info(): free pages, free blocks, and blocks of at least `order` counted in 2^order units. */
export function contigPageInfo(nrFree: ArrayLike<number>, order: number): ContigInfo {
	let freePages = 0;
	let freeBlocksTotal = 0;
	let freeBlocksSuitable = 0;
	for (let o = 0; o < NR_PAGE_ORDERS; o++) {
		const blocks = nrFree[o] ?? 0;
		freeBlocksTotal += blocks;
		freePages += blocks * 2 ** o;
		if (o >= order) freeBlocksSuitable += blocks * 2 ** (o - order);
	}
	return {freePages, freeBlocksTotal, freeBlocksSuitable};
}

/** unusable_free_index(): the share of free memory (‰) in blocks too small for `order`; 1000 with none free. */
export function unusableFreeIndex(nrFree: ArrayLike<number>, order: number): number {
	const info = contigPageInfo(nrFree, order);
	if (info.freePages === 0) return 1000;
	return Math.floor(((info.freePages - info.freeBlocksSuitable * 2 ** order) * 1000) / info.freePages);
}

/**
 * __fragmentation_index(): -1000 when a request of `order` would succeed; else towards 0 when it fails
 * for lack of memory and towards 1000 when it fails for fragmentation:
 * 1000 − (1000 + free_pages × 1000 / 2^order) / free_blocks_total, in integer division.
 */
export function fragmentationIndex(nrFree: ArrayLike<number>, order: number): number {
	const info = contigPageInfo(nrFree, order);
	if (info.freeBlocksTotal === 0) return 0;
	if (info.freeBlocksSuitable > 0) return -1000;
	const requested = 2 ** order;
	return 1000 - Math.floor((1000 + Math.floor((info.freePages * 1000) / requested)) / info.freeBlocksTotal);
}

/**
 * extfrag_for_order() (mm/vmstat.c): the share of free memory, in percent, in blocks too small for
 * `order`; 0 with nothing free (compaction's fragmentation score, at order 9).
 */
export function extfragForOrder(nrFree: ArrayLike<number>, order: number): number {
	const info = contigPageInfo(nrFree, order);
	if (info.freePages === 0) return 0;
	return Math.floor(((info.freePages - info.freeBlocksSuitable * 2 ** order) * 100) / info.freePages);
}
