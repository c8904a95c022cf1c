// Physical memory: one slot per 4 KiB frame, held in typed arrays (struct of arrays), never objects.

/** What a frame currently holds. */
export const FRAME_FREE = 0;
export const FRAME_ANON = 1;
export const FRAME_FILE = 2;
export const FRAME_SHMEM = 3;
/** Kernel memory: static reservation and balloon pages. */
export const FRAME_KERNEL = 4;
/** Backing store of compressed pages (zswap pool or zram). */
export const FRAME_ZPOOL = 5;

/** Page flags, named after the kernel's PG_* bits and the PTE accessed bit. */
export const PG_REFERENCED = 1;
/** The PTE accessed ("young") bit that hardware sets on every access to a mapped page. */
export const PG_YOUNG = 2;
export const PG_ACTIVE = 4;
export const PG_DIRTY = 8;
/** Set when a page is deactivated or refaults as workingset (mm/workingset.c). */
export const PG_WORKINGSET = 16;
export const PG_WRITEBACK = 32;
/** Reclaim found the page dirty and asked for writeback; rotate it to the tail when done. */
export const PG_RECLAIM = 64;
/** mlocked: kept on the unevictable list. */
export const PG_UNEVICTABLE = 128;
/** The page has a swap slot holding a valid copy (SwapCached). */
export const PG_SWAPCACHE = 256;
/** Brought in by readahead and not yet used (a later hit counts swap_ra_hit / a readahead hit). */
export const PG_READAHEAD = 512;
/**
 * An anon page fork shared (the inverse of PageAnonExclusive, include/linux/page-flags.h): its PTEs
 * are write-protected, so a write takes do_wp_page (memory.ts wpFault), which copies the page while
 * others map it and reuses it once the writer is its last user.
 */
export const PG_ANON_SHARED = 1024;
/**
 * A subpage of a transparent huge page (PageTransCompound): one of the 512 frames of an order-9 block
 * that a huge PMD maps in at least one process (huge-memory.ts). Cleared when the THP is split.
 */
export const PG_THP = 2048;

export class FrameTable {
	readonly count: number;
	/** FRAME_* */
	readonly kind: Uint8Array;
	/** PG_* bits */
	readonly flags: Uint16Array;
	/** Anon: the owning process slot. File/shmem: the file object id. */
	readonly owner: Int32Array;
	/** Anon: virtual page number in the owner. File/shmem: page offset in the object. */
	readonly index: Int32Array;

	constructor(count: number) {
		this.count = count;
		this.kind = new Uint8Array(count);
		this.flags = new Uint16Array(count);
		this.owner = new Int32Array(count).fill(-1);
		this.index = new Int32Array(count);
	}

	/** Anon and shmem pages are swap-backed (folio_test_swapbacked). */
	isSwapBacked(frame: number): boolean {
		const k = this.kind[frame];
		return k === FRAME_ANON || k === FRAME_SHMEM;
	}
}

/** Host bytes of a FrameTable of `count` frames: kind (1), flags (2), owner (4) and index (4) each. */
export function frameTableBytes(count: number): number {
	return count * (1 + 2 + 4 + 4);
}
