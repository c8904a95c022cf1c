// Files and shmem objects: each has one slot per page offset saying where the page is.
// File object: > 0 frame + 1, < 0 −shadow entry of an evicted page, 0 never cached.
// Shmem (tmpfs) object: > 0 frame + 1, < 0 −(swap slot + 1), 0 never touched.

export const OBJ_FILE = 0;
export const OBJ_SHMEM = 1;

/** VM_READAHEAD_PAGES: 128 KiB. */
export const RA_MAX_PAGES = 32;
/** MMAP_LOTSAMISS: stop reading around mmap faults after this many misses. */
export const MMAP_LOTSAMISS = 100;

export class FileObject {
	readonly id: number;
	readonly name: string;
	readonly kind: number;
	pages: number;
	cache: Int32Array;
	/** file_ra_state.mmap_miss. */
	mmapMiss = 0;

	/** A larger mapping of the same file: the object grows (the new pages are not cached). */
	grow(pages: number): void {
		const cache = new Int32Array(pages);
		cache.set(this.cache);
		this.cache = cache;
		this.pages = pages;
	}

	constructor(id: number, name: string, kind: number, pages: number) {
		this.id = id;
		this.name = name;
		this.kind = kind;
		this.pages = pages;
		this.cache = new Int32Array(pages);
	}
}

/** get_init_ra_size(): the first window for a sequential read of `req` pages. */
export function initialRaSize(req: number, max = RA_MAX_PAGES): number {
	let size = 1;
	while (size < req) size *= 2;
	if (size <= max / 32) return size * 4;
	if (size <= max / 4) return size * 2;
	return max;
}

/** get_next_ra_size(): each further sequential window grows ×4, then ×2, up to the maximum. */
export function nextRaSize(cur: number, max = RA_MAX_PAGES): number {
	if (cur < max / 16) return cur * 4;
	if (cur <= max / 2) return cur * 2;
	return max;
}
