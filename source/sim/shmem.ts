// tmpfs / shared anonymous memory (mm/shmem.c): pages of a shmem object live in its page cache and
// swap like anon pages; the object's slot holds the swap entry while a page is out. shmem_fault()
// maps a page another process already brought in (a minor fault), zero-fills a new one, or swaps
// one back in through memory.ts's shared swap-in read.
import {type Core, CoreModule} from './core.js';
import {MINOR_FAULT_CACHED_US, MINOR_FAULT_ZERO_US} from './costs.js';
import {FRAME_SHMEM, PG_DIRTY, PG_WORKINGSET, PG_YOUNG} from './frames.js';
import type {Memory, VmOperations} from './memory.js';
import type {PageAlloc} from './page-alloc.js';
import {mkPresent, presentFrame, swapEntrySlot} from './page-table.js';
import type {Proc} from './process.js';
import type {Rmap} from './rmap.js';
import type {Swapfile} from './swapfile.js';
import type {Region} from './vma.js';

export class Shmem extends CoreModule implements VmOperations {
	constructor(
		core: Core,
		private readonly memory: Memory,
		private readonly pageAlloc: PageAlloc,
		private readonly swapfile: Swapfile,
		private readonly rmap: Rmap,
	) {
		super(core);
	}

	/** shmem_fault(). */
	fault(p: Proc, region: Region, vpn: number, off: number): number {
		const obj = this.files.files[region.objectId]!;
		const c = obj.cache[off]!;
		if (c > 0) return this.mapCached(p, vpn, c);
		const pt = this.memory.pteAlloc(p, vpn);
		if (pt < 0) return pt;
		const before = p.tickReclaimUs;
		const frame = this.pageAlloc.allocPage(p);
		if (frame < 0) return frame;
		const reclaimUs = p.tickReclaimUs - before;
		let cost = MINOR_FAULT_ZERO_US;
		let activate = false;
		let ws = false;
		if (c < 0) {
			// shmem_swapin_folio(): back from swap (a major fault); the slot is freed at once.
			const slot = swapEntrySlot(c);
			cost = this.memory.readSwapSlot(p, slot, -1, false);
			activate = this.memory.lastSwapinActivate;
			ws = this.memory.lastSwapinWorkingset;
			this.swapfile.freeSlot(slot);
		} else {
			p.minflt++;
			p.secMinflt++;
			this.vm.pgfault++;
		}
		const frames = this.zone.frames;
		this.zone.setKind(frame, FRAME_SHMEM);
		frames.owner[frame] = obj.id;
		frames.index[frame] = off;
		frames.flags[frame] = PG_YOUNG | PG_DIRTY | (ws || activate ? PG_WORKINGSET : 0);
		obj.cache[off] = mkPresent(frame);
		p.pt.set(vpn, mkPresent(frame));
		this.rmap.charge(p, frame, true);
		this.lruvec.policy.inserted(frame, activate);
		return cost + reclaimUs;
	}

	/** The page is in the object already: a hit if this process maps it, else a minor fault mapping it. */
	private mapCached(p: Proc, vpn: number, entry: number): number {
		const frame = presentFrame(entry);
		this.zone.frames.flags[frame]! |= PG_YOUNG;
		if (p.pt.get(vpn) === entry) {
			if (this.lruvec.needsEveryAccess) this.lruvec.policy.accessed(frame);
			return 0;
		}
		// Mapping a page another process already brought in: a minor fault (and its PTE page).
		const ptc = this.memory.pteAlloc(p, vpn);
		if (ptc < 0) return ptc;
		p.pt.set(vpn, entry);
		this.rmap.charge(p, frame, true);
		p.minflt++;
		p.secMinflt++;
		this.vm.pgfault++;
		return MINOR_FAULT_CACHED_US;
	}
}
