// VMA-based swap readahead's window (mm/swap_state.c swap_vma_ra_win, __swapin_nr_pages): the window
// adapts to how many of the last readahead's pages were used. Each VMA keeps the address of its last
// swap fault or readahead hit, the window it last chose and the hits since (vma->swap_readahead_info).
//
// __swapin_nr_pages(prev, offset, hits, max, prevWin):
//   pages = hits + 2; with no hits, 2 pages only if this fault is next to the previous one, else 1;
//   with hits, rounded up to a power of two, at least 4; at most max (2^min(page_cluster, 5)); and at
//   least prevWin / 2 ("don't shrink readahead too fast").
// swap_vma_ra_win() then places the window: forward from a fault one page after the last, backward
// from one just before it, centred otherwise; clipped to the VMA and to the faulting PMD's 2 MiB.
import type {Region} from './vma.js';

/** SWAP_RA_ORDER_CEILING on 64-bit: the window is at most 2^5 pages whatever page_cluster says. */
export const SWAP_RA_ORDER_CEILING = 5;
/** SWAP_RA_HITS_MASK: hits are kept in PAGE_SHIFT / 2 bits. */
export const SWAP_RA_HITS_MAX = (1 << 6) - 1;
/** Pages a PMD maps: readahead never crosses the faulting address's 2 MiB (faddr & PMD_MASK). */
const PMD_PAGES = 512;

/** mm/swap_state.c __swapin_nr_pages(). */
export function swapinNrPages(
	prev: number,
	offset: number,
	hits: number,
	maxPages: number,
	prevWin: number,
): number {
	let pages = hits + 2;
	if (pages === 2) {
		if (offset !== prev + 1 && offset !== prev - 1) pages = 1;
	} else {
		let roundup = 4;
		while (roundup < pages) roundup <<= 1;
		pages = roundup;
	}
	if (pages > maxPages) pages = maxPages;
	const lastRa = prevWin >>> 1;
	if (pages < lastRa) pages = lastRa;
	return pages;
}

/**
 * mm/swap_state.c swap_vma_ra_win(): the window for a swap fault at `vpn` in `r`, as [start, end) in
 * `out`; updates r's readahead info (the fault's address, the window, hits back to 0). Returns the
 * window's size (1: no readahead).
 */
export function swapVmaRaWin(r: Region, vpn: number, pageCluster: number, out: Int32Array): number {
	const maxWin = 1 << Math.min(pageCluster, SWAP_RA_ORDER_CEILING);
	if (maxWin === 1) return 1;
	const prev = r.raAddr;
	const win = swapinNrPages(prev, vpn, r.raHits, maxWin, r.raWin);
	r.raAddr = vpn;
	r.raWin = win;
	r.raHits = 0;
	if (win === 1) return 1;
	let left: number;
	if (vpn === prev + 1) left = vpn;
	else if (prev === vpn + 1) left = vpn - win + 1;
	else left = vpn - ((win - 1) >>> 1);
	const right = left + win;
	if (left < 0) left = 0;
	const pmd = vpn - (vpn % PMD_PAGES);
	out[0] = Math.max(left, r.startVpn, pmd);
	out[1] = Math.min(right, r.startVpn + r.pages, pmd + PMD_PAGES);
	return win;
}

/** mm/swap_state.c swap_cache_get_folio(): a readahead page found in the swap cache is a hit at `vpn`. */
export function swapRaHit(r: Region, vpn: number): void {
	r.raAddr = vpn;
	r.raHits = Math.min(r.raHits + 1, SWAP_RA_HITS_MAX);
}
