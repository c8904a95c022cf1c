// Reverse mapping (mm/rmap.c): from a frame back to the page-table entries that map it, so reclaim
// can unmap a page it evicts. An anon page has one mapper, its owner (frames.owner, frames.index). A
// file or shmem page is charged to the first process that maps it (zone.mapper); the others map it
// uncounted. Mapcounts, and unmapping every mapper, would grow here.
import {CoreModule} from './core.js';
import {FRAME_ANON} from './frames.js';
import {type FileObject, mkShadowEntry} from './page-cache.js';
import {mkPresent, mkSwapEntry, PTE_NONE} from './page-table.js';
import type {Proc} from './process.js';
import {NO_MAPPER} from './zone.js';

export class Rmap extends CoreModule {
	/** File and shmem pages mapped by some process (Mapped). */
	nrMapped = 0;

	/** page_add_file_rmap(): the first process to map a file/shmem page is charged for it (RssFile/RssShmem). */
	charge(p: Proc, frame: number, shmem: boolean): void {
		const mapper = this.zone.mapper;
		if (mapper[frame]! >= 0) return;
		mapper[frame] = p.slot;
		this.nrMapped++;
		if (shmem) p.rssShmem++;
		else p.rssFile++;
	}

	/** The exiting process `p` was charged for this page of object `objectId`: nobody is now. */
	exitMapping(p: Proc, frame: number, objectId: number): void {
		if (this.zone.mapper[frame] === p.slot && this.zone.frames.owner[frame] === objectId) {
			this.zone.mapper[frame] = NO_MAPPER;
			this.nrMapped--;
		}
	}

	/** try_to_unmap() of a file or shmem page: the charged mapper's PTEs for it are cleared. */
	unmapFile(frame: number, obj: FileObject, off: number, shmem: boolean): void {
		const m = this.zone.mapper[frame]!;
		if (m < 0) return;
		const p = this.tasks.procs[m];
		if (p) {
			const pte = p.pt.pte;
			for (const r of p.regions) {
				if (r.objectId !== obj.id) continue;
				const vpn = r.startVpn + off;
				if (vpn < pte.length && pte[vpn] === mkPresent(frame)) pte[vpn] = PTE_NONE;
			}
			if (shmem) p.rssShmem--;
			else p.rssFile--;
		}
		this.zone.mapper[frame] = NO_MAPPER;
		this.nrMapped--;
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
			p.pt.pte[frames.index[frame]!] = mkSwapEntry(slot);
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
