// The page cache (mm/filemap.c, mm/readahead.c): a reference to a file page, through mmap (a page
// fault, filemap_fault) or read(2) (no fault; folio_mark_accessed does the LRU promotion). A miss
// reads the page and its readahead window from disk; a refault of a page that was in the workingset
// is thrashing (memory stall), a cold miss is IO. Also drop_caches (mm/truncate.c).
import type {BlockDevice} from './block-device.js';
import {type Core, CoreModule} from './core.js';
import {MAJOR_FAULT_KERNEL_US, MINOR_FAULT_CACHED_US, READ_HIT_US, READ_MISS_KERNEL_US} from './costs.js';
import {FRAME_FILE, PG_DIRTY, PG_READAHEAD, PG_WORKINGSET, PG_WRITEBACK, PG_YOUNG} from './frames.js';
import type {Memory, VmOperations} from './memory.js';
import {ALLOC_NONE, type PageAlloc} from './page-alloc.js';
import {
	type FileObject,
	initialRaSize,
	MMAP_LOTSAMISS,
	nextRaSize,
	RA_MAX_PAGES,
	shadowEntryValue,
} from './page-cache.js';
import {mkPresent, PTE_NONE, presentFrame} from './page-table.js';
import type {Writeback} from './page-writeback.js';
import {PAT_SEQUENTIAL, PAT_STREAM, type Proc} from './process.js';
import type {Rmap} from './rmap.js';
import type {Swapfile} from './swapfile.js';
import {pagesToKb} from './units.js';
import type {Region} from './vma.js';
import {REFAULT_COLD, REFAULT_RESTORE, workingsetRefault} from './workingset.js';

export class Filemap extends CoreModule implements VmOperations {
	constructor(
		core: Core,
		private readonly memory: Memory,
		private readonly pageAlloc: PageAlloc,
		private readonly swapfile: Swapfile,
		private readonly rmap: Rmap,
		private readonly writeback: Writeback,
		private readonly disk: BlockDevice,
	) {
		super(core);
	}

	/** A reference to page `off` of the region's file (mmap or read(2): the page cache either way). */
	fault(p: Proc, region: Region, vpn: number, off: number, stream: number, write: boolean): number {
		const obj = this.files.files[region.objectId]!;
		const c = obj.cache[off]!;
		if (c > 0) return this.hit(p, region, obj, vpn, presentFrame(c), write);
		if (write && !region.mmap) return this.writeBegin(p, obj, off, c);
		return this.miss(p, region, obj, vpn, off, c, stream, write);
	}

	/** The page is cached: a minor fault if this process does not map it yet, else nothing but the access. */
	private hit(p: Proc, region: Region, obj: FileObject, vpn: number, frame: number, write: boolean): number {
		const flags = this.zone.frames.flags;
		let cost = 0;
		if (flags[frame]! & PG_READAHEAD) {
			flags[frame]! &= ~PG_READAHEAD;
			if (obj.mmapMiss > 0) obj.mmapMiss--;
		}
		if (region.mmap) {
			flags[frame]! |= PG_YOUNG;
			const entry = mkPresent(frame);
			if (p.pt.get(vpn) !== entry) {
				// filemap_map_pages()/filemap_fault() finding the page cached: a minor fault (its PTE
				// page first, if this is the first page mapped in its 2 MiB).
				const ptc = this.memory.pteAlloc(p, vpn);
				if (ptc < 0) return ptc;
				p.pt.set(vpn, entry);
				this.rmap.charge(p, frame, false);
				p.minflt++;
				p.secMinflt++;
				this.vm.pgfault++;
				cost = MINOR_FAULT_CACHED_US;
			}
			if (this.lruvec.needsEveryAccess) this.lruvec.policy.accessed(frame);
		} else {
			// read(2) hit: folio_mark_accessed() does the LRU promotion itself.
			this.lruvec.policy.accessed(frame);
			cost = READ_HIT_US;
		}
		if (write) cost += this.writeback.dirtyFilePage(p, frame);
		return cost;
	}

	/** A page-cache miss: read the page (and its readahead window) from disk. `c`: the slot (a shadow, or none). */
	private miss(
		p: Proc,
		region: Region,
		obj: FileObject,
		vpn: number,
		off: number,
		c: number,
		stream: number,
		write: boolean,
	): number {
		const before = p.tickReclaimUs;
		if (region.mmap) {
			const ptc = this.memory.pteAlloc(p, vpn);
			if (ptc < 0) return ptc;
		}
		const frame = this.pageAlloc.allocPage(p);
		if (frame < 0) return frame;
		const reclaimUs = p.tickReclaimUs - before;
		const shadow = c < 0 ? shadowEntryValue(c) : 0;
		const verdict = workingsetRefault(this.lruvec, this.vm, shadow, false, this.swapfile.canSwap);
		const activate = verdict !== REFAULT_COLD;
		const ws = verdict === REFAULT_RESTORE;
		const pattern = p.streamPattern[stream]!;
		const sequential = pattern === PAT_SEQUENTIAL || pattern === PAT_STREAM;
		const window = this.readaheadWindow(p, region, obj, off, stream, sequential);
		this.insertPage(frame, obj, off, ws);
		this.lruvec.policy.inserted(frame, activate);
		const extra = this.readahead(p, obj, off, window, sequential);
		if (sequential) p.streamRaNext[stream] = Math.min(obj.pages, off + 1 + extra) % obj.pages;
		const waitUs =
			(region.mmap ? MAJOR_FAULT_KERNEL_US : READ_MISS_KERNEL_US) +
			this.disk.read(this.clock.nowUs, 1 + extra);
		this.vm.pgpgin += pagesToKb(1 + extra);
		if (region.mmap) {
			p.pt.set(vpn, mkPresent(frame));
			this.rmap.charge(p, frame, false);
			this.zone.frames.flags[frame]! |= PG_YOUNG;
			p.majflt++;
			p.secMajflt++;
			this.vm.pgfault++;
			this.vm.pgmajfault++;
		} else {
			this.lruvec.policy.accessed(frame);
		}
		// Waiting on a refaulting workingset page is thrashing (memory stall); a cold miss is IO.
		if (ws) p.tickMemUs += waitUs;
		else p.tickIoUs += waitUs;
		p.tickFileIoUs += waitUs;
		p.lastWait = 'io';
		this.clock.nowUs += waitUs;
		let cost = waitUs + reclaimUs;
		if (write) cost += this.writeback.dirtyFilePage(p, frame);
		return cost;
	}

	/**
	 * write(2) of a page that is not cached: generic_perform_write() → write_begin on a whole page needs
	 * no read (the copy overwrites all of it): the page is added, filled and dirtied; no readahead.
	 * A reference here is one whole page, so every write(2) miss is a full-page write (an append, an
	 * overwrite, a hole); only a partial write would read first, and the workloads make none. A write
	 * through mmap faults the page in first (filemap_fault reads it): that goes through miss().
	 */
	private writeBegin(p: Proc, obj: FileObject, off: number, c: number): number {
		const before = p.tickReclaimUs;
		const frame = this.pageAlloc.allocPage(p);
		if (frame < 0) return frame;
		const shadow = c < 0 ? shadowEntryValue(c) : 0;
		const verdict = workingsetRefault(this.lruvec, this.vm, shadow, false, this.swapfile.canSwap);
		this.insertPage(frame, obj, off, verdict === REFAULT_RESTORE);
		this.lruvec.policy.inserted(frame, verdict !== REFAULT_COLD);
		this.lruvec.policy.accessed(frame);
		return READ_HIT_US + (p.tickReclaimUs - before) + this.writeback.dirtyFilePage(p, frame);
	}

	/** How many pages this miss reads: the sequential window, or read-around for mmap faults. */
	private readaheadWindow(
		p: Proc,
		region: Region,
		obj: FileObject,
		off: number,
		stream: number,
		sequential: boolean,
	): number {
		if (sequential) {
			// ondemand_readahead(): a miss where the last window ended continues the sequence.
			const next = p.streamRaNext[stream]!;
			const cur = p.streamRaSize[stream]!;
			const window = next === off && cur > 0 ? nextRaSize(cur) : initialRaSize(1);
			p.streamRaSize[stream] = window;
			return window;
		}
		if (region.mmap && obj.mmapMiss < MMAP_LOTSAMISS) {
			// do_sync_mmap_readahead(): read around the fault until mmap_miss says it does not pay.
			obj.mmapMiss++;
			return RA_MAX_PAGES;
		}
		return 1;
	}

	/** Readahead pages: from free memory above the low watermark only, never reclaiming for them. */
	private readahead(p: Proc, obj: FileObject, off: number, window: number, sequential: boolean): number {
		let start = off;
		if (!sequential && window > 1) start = Math.max(0, off - window / 2);
		let extra = 0;
		for (let o = start; o < Math.min(obj.pages, start + window); o++) {
			if (o === off || obj.cache[o]! > 0) continue;
			const f = this.pageAlloc.allocAbove(this.zone.wm.low, p);
			if (f === ALLOC_NONE) break;
			this.insertPage(f, obj, o, false);
			this.zone.frames.flags[f]! |= PG_READAHEAD;
			this.lruvec.policy.inserted(f, false);
			extra++;
		}
		return extra;
	}

	/** filemap_add_folio(): the frame holds page `off` of the object. */
	private insertPage(frame: number, obj: FileObject, off: number, workingset: boolean): void {
		const frames = this.zone.frames;
		this.zone.setKind(frame, FRAME_FILE);
		frames.owner[frame] = obj.id;
		frames.index[frame] = off;
		frames.flags[frame] = workingset ? PG_WORKINGSET : 0;
		obj.cache[off] = mkPresent(frame);
	}

	/** drop_caches=1: invalidate clean, unmapped page-cache pages (no shadow entries are left). */
	dropCaches(): number {
		const zone = this.zone;
		const frames = zone.frames;
		let dropped = 0;
		for (let f = 0; f < zone.totalPages; f++) {
			if (frames.kind[f] !== FRAME_FILE) continue;
			if (frames.flags[f]! & (PG_DIRTY | PG_WRITEBACK)) continue;
			if (zone.mapcount[f]! >= 0) continue;
			const obj = this.files.files[frames.owner[f]!]!;
			obj.cache[frames.index[f]!] = PTE_NONE;
			this.lruvec.policy.removed(f);
			zone.freePage(f);
			dropped++;
		}
		return dropped;
	}
}
