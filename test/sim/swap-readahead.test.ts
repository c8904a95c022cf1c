// VMA-based swap readahead's adaptive window (swap-readahead.ts; mm/swap_state.c __swapin_nr_pages,
// swap_vma_ra_win, swap_cache_get_folio), worked by hand from the kernel's code.
import {describe, expect, it} from 'vitest';
import {SWAP_RA_HITS_MAX, swapinNrPages, swapRaHit, swapVmaRaWin} from '../../source/sim/swap-readahead.js';
import type {Region} from '../../source/sim/vma.js';

function region(startVpn: number, pages: number): Region {
	return {
		name: 'heap',
		kind: 0,
		startVpn,
		pages,
		va: startVpn * 4096,
		prot: 3,
		shared: false,
		growsDown: false,
		placement: 'mmap',
		objectId: -1,
		mmap: true,
		locked: false,
		grows: false,
		grown: 0,
		raAddr: 0,
		raWin: 0,
		raHits: 0,
	};
}

describe('__swapin_nr_pages', () => {
	it('no hits: 2 pages next to the last fault, else 1; never below half the last window', () => {
		// hits 0: pages = 2; offset 101 after 100 is adjacent, so 2.
		expect(swapinNrPages(100, 101, 0, 8, 0)).toBe(2);
		expect(swapinNrPages(100, 99, 0, 8, 0)).toBe(2);
		// Not adjacent: 1 (no readahead), unless the last window was 8: 8 / 2 = 4.
		expect(swapinNrPages(100, 500, 0, 8, 0)).toBe(1);
		expect(swapinNrPages(100, 500, 0, 8, 8)).toBe(4);
		expect(swapinNrPages(100, 500, 0, 8, 3)).toBe(1);
	});

	it('hits: hits + 2 rounded up to a power of two, at least 4, at most the maximum', () => {
		// 1 hit: 3 → 4. 3 hits: 5 → 8. 7 hits: 9 → 16, capped at 8 (page_cluster 3).
		expect(swapinNrPages(0, 900, 1, 8, 0)).toBe(4);
		expect(swapinNrPages(0, 900, 3, 8, 0)).toBe(8);
		expect(swapinNrPages(0, 900, 7, 8, 0)).toBe(8);
		expect(swapinNrPages(0, 900, 7, 32, 0)).toBe(16);
	});
});

describe('swap_vma_ra_win', () => {
	const out = new Int32Array(2);

	it('page_cluster 0 reads one page and leaves the VMA as it was', () => {
		const r = region(0, 4096);
		expect(swapVmaRaWin(r, 10, 0, out)).toBe(1);
		expect([r.raAddr, r.raWin, r.raHits]).toEqual([0, 0, 0]);
	});

	it('a sequential reader: the window grows with hits, runs forward, stops at the 2 MiB boundary', () => {
		const r = region(0, 4096);
		// First fault at 1000, last address 0: not adjacent, no hits → 1, no readahead.
		expect(swapVmaRaWin(r, 1000, 3, out)).toBe(1);
		expect([r.raAddr, r.raWin]).toEqual([1000, 1]);
		// Fault at 1001, next to 1000: 2 pages, forward from the fault: [1001, 1003).
		expect(swapVmaRaWin(r, 1001, 3, out)).toBe(2);
		expect([...out]).toEqual([1001, 1003]);
		// Page 1002 came by readahead and is used: a hit at 1002. Fault at 1003: 1 hit → 4 pages,
		// adjacent to 1002, forward: [1003, 1007).
		swapRaHit(r, 1002);
		expect(swapVmaRaWin(r, 1003, 3, out)).toBe(4);
		expect([...out]).toEqual([1003, 1007]);
		// Three hits (1004..1006), fault at 1007: 5 → 8 pages, [1007, 1015), but the PMD ends at 1024;
		// at 1020 the same window [1020, 1028) is clipped to [1020, 1024).
		for (const v of [1004, 1005, 1006]) swapRaHit(r, v);
		expect(swapVmaRaWin(r, 1007, 3, out)).toBe(8);
		expect([...out]).toEqual([1007, 1015]);
		for (const v of [1017, 1018, 1019]) swapRaHit(r, v);
		expect(swapVmaRaWin(r, 1020, 3, out)).toBe(8);
		expect([...out]).toEqual([1020, 1024]);
	});

	it('a random reader: the window shrinks by half per miss, never all at once, to 1', () => {
		const r = region(0, 4096);
		r.raAddr = 50;
		r.raWin = 8;
		// No hits, not adjacent: 1, but at least 8 / 2 = 4, centred: left = 2000 - (4 - 1) / 2 = 1999.
		expect(swapVmaRaWin(r, 2000, 3, out)).toBe(4);
		expect([...out]).toEqual([1999, 2003]);
		expect(swapVmaRaWin(r, 3000, 3, out)).toBe(2);
		expect([...out]).toEqual([3000, 3002]);
		expect(swapVmaRaWin(r, 100, 3, out)).toBe(1);
	});

	it('backward: a fault just below the last runs the window down; clipped to the VMA', () => {
		const r = region(600, 100);
		r.raAddr = 611;
		r.raHits = 2;
		// 2 hits: 4 → 4 pages; 610 is one below 611: left = 610 - 4 + 1 = 607, [607, 611).
		expect(swapVmaRaWin(r, 610, 3, out)).toBe(4);
		expect([...out]).toEqual([607, 611]);
		r.raHits = 6;
		// 8 pages centred at 601 (left 598): the VMA starts at 600.
		r.raAddr = 0;
		expect(swapVmaRaWin(r, 601, 3, out)).toBe(8);
		expect([...out]).toEqual([600, 606]);
	});

	it('hits are counted up to SWAP_RA_HITS_MAX (63)', () => {
		const r = region(0, 4096);
		for (let i = 0; i < 100; i++) swapRaHit(r, i);
		expect(r.raHits).toBe(SWAP_RA_HITS_MAX);
		expect(r.raAddr).toBe(99);
	});
});
