// Reverse mapping (mm/rmap.c): from a frame back to the page-table entries that map it, so reclaim
// can unmap a page it evicts. An anon page has one mapper, its owner (frames.owner, frames.index). A
// file or shmem page may be mapped by many processes: its _mapcount (zone.mapcount, −1 when no PTE
// maps it, as struct page's) counts the PTEs, each mapper's RssFile/RssShmem counts it (per-mm
// counters, so a page shared by three processes is in each one's RSS and oom_badness), and
// try_to_unmap() walks the object's mappers (rmap_walk_file over i_mmap: here every process whose
// regions map the object) and clears each PTE.
import {CoreModule} from './core.js';
import {FRAME_ANON} from './frames.js';
import {type FileObject, mkShadowEntry} from './page-cache.js';
import {mkPresent, mkSwapEntry, PTE_NONE} from './page-table.js';
import type {Proc} from './process.js';

export class Rmap extends CoreModule {
	/** File and shmem pages mapped by some process (Mapped). */
	nrMapped = 0;

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

	/** try_to_unmap() of a swap-backed page: its PTE (anon) or its shmem slot now holds the swap entry. */
	unmapToSlot(frame: number, slot: number): void {
		const frames = this.zone.frames;
		if (frames.kind[frame] === FRAME_ANON) {
			const p = this.tasks.procs[frames.owner[frame]!]!;
			p.pt.set(frames.index[frame]!, mkSwapEntry(slot));
			p.rssAnon--;
			p.swapEnts++;
		} else {
			const obj = this.files.files[frames.owner[frame]!]!;
			const off = frames.index[frame]!;
			this.unmapFile(frame, obj, off, true);
			obj.cache[off] = mkSwapEntry(slot);
		}
	}

	save() {
		return {nrMapped: this.nrMapped};
	}

	load(s: {nrMapped: number}): void {
		this.nrMapped = s.nrMapped;
	}
}
