// Files and shmem objects (struct address_space): each has one slot per page offset saying where
// the page is, and the file table that names them. Slots use page-table.ts's encoding for a cached
// page (mkPresent) and, in shmem (tmpfs) objects, for a swapped-out one (mkSwapEntry); a file's
// evicted page leaves its shadow entry instead (mkShadowEntry); 0 is a page never cached.
import type {RegionSpec} from './spec.js';
import {bytesToPages} from './units.js';

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

/** The slot of a file page evicted with `shadow` (workingset.ts). */
export function mkShadowEntry(shadow: number): number {
	return -shadow;
}

/** The shadow a file slot holds (slot < 0). */
export function shadowEntryValue(entry: number): number {
	return -entry;
}

/** Every file and shmem object, by id (their index) and by name. */
export class FileTable {
	readonly files: FileObject[] = [];
	private readonly byName = new Map<string, FileObject>();

	/** The object a region maps: regions naming the same object share it (a bigger mapping grows it). */
	objectFor(procName: string, r: RegionSpec): FileObject {
		const key = `${r.kind}:${r.object ?? `${procName}/${r.name}`}`;
		let obj = this.byName.get(key);
		const pages = bytesToPages(r.size);
		if (obj && obj.pages < pages) obj.grow(pages);
		if (!obj) {
			obj = new FileObject(this.files.length, key, r.kind === 'shmem' ? OBJ_SHMEM : OBJ_FILE, pages);
			this.files.push(obj);
			this.byName.set(key, obj);
		}
		return obj;
	}

	/** Forget the objects from id `count` on (an exec that was refused opened nothing; they hold no pages). */
	dropSince(count: number): void {
		while (this.files.length > count) this.byName.delete(this.files.pop()!.name);
	}

	/** Committed_AS of shmem objects: each is accounted once, for its whole size (shmem_acct_size). */
	shmemPages(): number {
		let pages = 0;
		for (const f of this.files) if (f.kind === OBJ_SHMEM) pages += f.pages;
		return pages;
	}

	save() {
		return {
			files: this.files.map((f) => ({
				name: f.name,
				kind: f.kind,
				pages: f.pages,
				mmapMiss: f.mmapMiss,
				cache: f.cache,
			})),
		};
	}

	load(s: {files: {name: string; kind: number; pages: number; mmapMiss: number; cache: Int32Array}[]}): void {
		this.files.length = 0;
		this.byName.clear();
		for (const f of s.files) {
			const obj = new FileObject(this.files.length, f.name, f.kind, f.pages);
			obj.cache.set(f.cache);
			obj.mmapMiss = f.mmapMiss;
			this.files.push(obj);
			this.byName.set(f.name, obj);
		}
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

/** Host bytes of a file or shmem object of `pages` pages: one Int32 slot per page offset. */
export function fileObjectBytes(pages: number): number {
	return pages * 4;
}
