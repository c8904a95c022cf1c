// Reverse mapping (mm/rmap.c): from a frame back to the page-table entries that map it, so reclaim
// can unmap a page it evicts. An anon page has one mapper, its owner (frames.owner, frames.index). A
// file or shmem page may be mapped by many processes: its _mapcount (zone.mapcount, −1 when no PTE
// maps it, as struct page's) counts the PTEs, each mapper's RssFile/RssShmem counts it (per-mm
// counters, so a page shared by three processes is in each one's RSS and oom_badness), and
// try_to_unmap() walks the object's mappers (rmap_walk_file over i_mmap: here every process whose
// regions map the object) and clears each PTE.
//
// After fork(2) an anon page may be mapped by several processes of one fork family (the anon_vma
// they share: Proc.anonVma), each at the same virtual page (fork keeps addresses). Its mapcount is
// then kept in anonMapcount (mappers − 1; the word in zone.mapcount holds an anon page's swap slot),
// allocated at the first fork; frames.owner is any one mapper, and rmap_walk_anon is a walk of the
// family at frames.index. Before any fork every anon page has one mapper and none of this is touched.
import {type Core, CoreModule} from './core.js';
import {FRAME_ANON, PG_ANON_SHARED, PG_SWAPCACHE} from './frames.js';
import {type FileObject, mkShadowEntry} from './page-cache.js';
import {mkPresent, mkSwapEntry, PTE_NONE} from './page-table.js';
import type {Proc} from './process.js';
import {SLOT_ZSWAP, type SwapArea} from './swap.js';

/** Host bytes of the anon mapcounts a fork allocates (a Uint16 per frame). */
export function anonMapcountBytes(frames: number): number {
	return frames * 2;
}

export class Rmap extends CoreModule {
	/** File and shmem pages mapped by some process (Mapped). */
	nrMapped = 0;
	/** Per frame, from the first fork: a fork-shared anon page's mappers − 1 (0: one mapper). */
	anonMapcount: Uint16Array | null = null;

	constructor(
		core: Core,
		/** The swap area, if any: fork-shared slots count their references there. */
		private readonly swapArea: SwapArea | null,
	) {
		super(core);
	}

	/** The first fork: anon pages can have more than one mapper from now on. */
	enableAnonSharing(): void {
		this.anonMapcount ??= new Uint16Array(this.zone.frames.count);
		this.swapArea?.enableSharing();
	}

	/** page_mapcount() of an anon page. */
	anonMappers(frame: number): number {
		return 1 + (this.anonMapcount ? this.anonMapcount[frame]! : 0);
	}

	/**
	 * One more mapper of an anon page, write-protected: fork's copy_present_pte (folio_dup_file_rmap's
	 * anon twin), or a family member mapping a shared slot's swap-cache page.
	 */
	dupAnon(frame: number): void {
		this.anonMapcount![frame]!++;
		this.zone.frames.flags[frame]! |= PG_ANON_SHARED;
	}

	/**
	 * rmap_walk_anon(): each live process of the page's fork family whose PTE at the page's vpn maps
	 * it, `fn` called with each (the owner too). Returns how many.
	 */
	forEachAnonMapper(frame: number, fn: (p: Proc) => void): number {
		const frames = this.zone.frames;
		const owner = this.tasks.procs[frames.owner[frame]!];
		if (!owner) return 0;
		const vpn = frames.index[frame]!;
		const entry = mkPresent(frame);
		const family = owner.anonVma;
		let n = 0;
		for (const p of this.tasks.procs) {
			if (!p || p.exited || p.anonVma !== family) continue;
			if (vpn >= p.pt.covered || p.pt.get(vpn) !== entry) continue;
			fn(p);
			n++;
		}
		return n;
	}

	/**
	 * folio_remove_rmap_pte() as `p` stops mapping the anon page (exit, COW break; its PTE is already
	 * gone or about to be). Returns true if that was the last mapper (the caller frees the page);
	 * otherwise the page stays, owned by another mapper.
	 */
	removeAnon(frame: number, p: Proc): boolean {
		const mc = this.anonMapcount;
		if (!mc || mc[frame] === 0) return true;
		mc[frame]!--;
		const frames = this.zone.frames;
		if (frames.owner[frame] === p.slot) {
			const vpn = frames.index[frame]!;
			const entry = mkPresent(frame);
			for (const q of this.tasks.procs) {
				if (!q || q === p || q.exited || q.anonVma !== p.anonVma) continue;
				if (vpn < q.pt.covered && q.pt.get(vpn) === entry) {
					frames.owner[frame] = q.slot;
					break;
				}
			}
		}
		return false;
	}

	/** page_add_file_rmap(): `p` maps a file/shmem page with one more PTE; its RssFile/RssShmem counts it. */
	charge(p: Proc, frame: number, shmem: boolean): void {
		const mapcount = this.zone.mapcount;
		if (++mapcount[frame]! === 0) this.nrMapped++;
		if (shmem) p.rssShmem++;
		else p.rssFile++;
	}

	/** page_remove_rmap() as the exiting `p` tears down one PTE of this page (its counters go with its mm). */
	exitMapping(frame: number): void {
		if (--this.zone.mapcount[frame]! === -1) this.nrMapped--;
	}

	/** try_to_unmap() of a file or shmem page: every mapper's PTE for it is cleared (rmap_walk_file). */
	unmapFile(frame: number, obj: FileObject, off: number, shmem: boolean): void {
		const mapcount = this.zone.mapcount;
		if (mapcount[frame]! < 0) return;
		const entry = mkPresent(frame);
		for (const p of this.tasks.procs) {
			if (!p || p.exited) continue;
			const pt = p.pt;
			for (const r of p.regions) {
				if (r.objectId !== obj.id || off >= r.pages) continue;
				const vpn = r.startVpn + off;
				if (vpn >= pt.covered || pt.get(vpn) !== entry) continue;
				pt.set(vpn, PTE_NONE);
				if (shmem) p.rssShmem--;
				else p.rssFile--;
				mapcount[frame]!--;
			}
		}
		mapcount[frame] = -1;
		this.nrMapped--;
	}

	/**
	 * remove_migration_ptes() for an anon page migrated from `src` to `dst` (migrate.ts): each mapper's
	 * PTE (every one in the family for a fork-shared page) and its mapcount.
	 */
	moveAnon(src: number, dst: number): void {
		const frames = this.zone.frames;
		const vpn = frames.index[src]!;
		const to = mkPresent(dst);
		const mc = this.anonMapcount;
		if (mc && mc[src]! > 0) {
			this.forEachAnonMapper(src, (q) => q.pt.set(vpn, to));
			mc[dst] = mc[src]!;
			mc[src] = 0;
		} else {
			const p = this.tasks.procs[frames.owner[src]!];
			if (p && vpn < p.pt.covered && p.pt.get(vpn) === mkPresent(src)) p.pt.set(vpn, to);
		}
	}

	/**
	 * A zswap entry was written back to the device (zswap.ts): the processes whose PTEs hold it (after
	 * a fork maybe several, each at the same vpn) no longer count it in zswap. Shmem entries have none.
	 */
	zswapWrittenBack(slot: number): void {
		const vpn = this.swapArea!.vpn![slot]!;
		if (vpn < 0) return;
		const entry = mkSwapEntry(slot);
		for (const q of this.tasks.procs) {
			if (q && !q.exited && vpn < q.pt.covered && q.pt.get(vpn) === entry) q.zswapEnts--;
		}
	}

	/**
	 * swap_cache_get_folio() for a fork-shared slot: the swap-cache page another process of `p`'s family
	 * read it into is mapped by that process at the same vpn. Returns the frame, or −1.
	 */
	swapCachePage(p: Proc, vpn: number, slot: number): number {
		const {flags} = this.zone.frames;
		for (const q of this.tasks.procs) {
			if (!q || q === p || q.exited || q.anonVma !== p.anonVma || vpn >= q.pt.covered) continue;
			const e = q.pt.get(vpn);
			if (e > 0 && flags[e - 1]! & PG_SWAPCACHE && this.zone.frameSlot[e - 1] === slot) return e - 1;
		}
		return -1;
	}

	/** The first live process mapping this object, or null (a shmem page compresses like its data). */
	firstMapperOf(objectId: number): Proc | null {
		for (const p of this.tasks.procs) {
			if (!p || p.exited) continue;
			for (const r of p.regions) if (r.objectId === objectId) return p;
		}
		return null;
	}

	/** A clean file page leaves the page cache: its slot keeps the shadow. */
	unmapFileToShadow(frame: number, obj: FileObject, off: number, shadow: number): void {
		this.unmapFile(frame, obj, off, false);
		obj.cache[off] = mkShadowEntry(shadow);
	}

	/**
	 * try_to_unmap() of a swap-backed page: its PTE (anon; every mapper's, for a fork-shared page, each
	 * then a reference to the slot: swap_duplicate) or its shmem slot now holds the swap entry. Each
	 * anon mapper counts the entry, and counts it in zswap when the slot's copy is in the pool.
	 */
	unmapToSlot(frame: number, slot: number): void {
		const frames = this.zone.frames;
		if (frames.kind[frame] === FRAME_ANON) {
			const swap = this.swapArea!;
			const vpn = frames.index[frame]!;
			const swapEntry = mkSwapEntry(slot);
			const zswapped = swap.state[slot] === SLOT_ZSWAP;
			const unmap = (q: Proc): void => {
				q.pt.set(vpn, swapEntry);
				q.rssAnon--;
				q.swapEnts++;
				if (zswapped) q.zswapEnts++;
			};
			if (swap.vpn) swap.vpn[slot] = vpn;
			if (this.anonMapcount && this.anonMapcount[frame]! > 0) {
				const n = this.forEachAnonMapper(frame, unmap);
				swap.extra![slot]! += n - 1;
				this.anonMapcount[frame] = 0;
				return;
			}
			unmap(this.tasks.procs[frames.owner[frame]!]!);
		} else {
			const obj = this.files.files[frames.owner[frame]!]!;
			const off = frames.index[frame]!;
			this.unmapFile(frame, obj, off, true);
			obj.cache[off] = mkSwapEntry(slot);
		}
	}

	save() {
		return {nrMapped: this.nrMapped, ...(this.anonMapcount ? {anonMapcount: this.anonMapcount} : {})};
	}

	load(s: {nrMapped: number; anonMapcount?: Uint16Array | null | undefined}): void {
		this.nrMapped = s.nrMapped;
		if (s.anonMapcount) {
			this.enableAnonSharing();
			this.anonMapcount!.set(s.anonMapcount);
		} else this.anonMapcount = null;
	}
}
