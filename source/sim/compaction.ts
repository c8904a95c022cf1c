// Memory compaction (mm/compaction.c): a migrate scanner walks up from the zone's start taking
// movable pages, a free scanner walks down from its end taking free pages, and each movable page is
// migrated into a free one near the end, so free memory gathers at the start in blocks that merge.
// It stops when a free block of the order asked for exists (direct compaction), when the
// fragmentation score is low enough (proactive), or when the scanners meet. A run for an allocation
// resumes where the last one left its scanners (compact_cached_migrate_pfn, compact_cached_free_pfn)
// and skips pageblocks that recently gave nothing (PB_migrate_skip); proactive and whole-zone runs
// start at the two ends and ignore the hints. Deferral after failures is compaction-defer.ts.
import {
	canStealFallback,
	MAX_ORDER,
	MIGRATE_MOVABLE,
	MIGRATE_TYPES,
	PAGEBLOCK_NR_PAGES,
	PAGEBLOCK_ORDER,
} from './buddy.js';
import {CompactCache, pageblockStart} from './compaction-cache.js';
import {CompactDefer} from './compaction-defer.js';
import {type Core, CoreModule} from './core.js';
import {COMPACT_SCAN_PFN_US, MIGRATE_PAGE_US} from './costs.js';
import {extfragForOrder, fragmentationIndex} from './fragmentation.js';
import {FRAME_FREE, PG_THP} from './frames.js';
import type {Watermarks} from './snapshot-types.js';
import type {Zone} from './zone.js';

/** COMPACT_CLUSTER_MAX (= SWAP_CLUSTER_MAX): pages isolated for one migrate_pages() call. */
export const COMPACT_CLUSTER_MAX = 32;
/** PAGE_ALLOC_COSTLY_ORDER: above it an allocation is "costly" (it may fail; extfrag_threshold applies). */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
/** COMPACTION_HPAGE_ORDER: the order the fragmentation score is about (a 2 MiB huge page). */
export const COMPACTION_HPAGE_ORDER = PAGEBLOCK_ORDER;

export const COMPACT_SKIPPED = 0;
export const COMPACT_CONTINUE = 1;
/** The scanners met: the whole zone was compacted without reaching the goal. */
export const COMPACT_COMPLETE = 2;
export const COMPACT_SUCCESS = 3;
/** migrate_pages() found no free page left to migrate into before the scanners met (-ENOMEM). */
export const COMPACT_CONTENDED = 4;
/** compaction_deferred(): not tried, recent failures at this order (try_to_compact_pages). */
export const COMPACT_DEFERRED = 5;
/** The scanners met, but the run started from cached positions, not the whole zone. */
export const COMPACT_PARTIAL_SKIPPED = 6;
export type CompactResult =
	| typeof COMPACT_SKIPPED
	| typeof COMPACT_CONTINUE
	| typeof COMPACT_COMPLETE
	| typeof COMPACT_SUCCESS
	| typeof COMPACT_CONTENDED
	| typeof COMPACT_DEFERRED
	| typeof COMPACT_PARTIAL_SKIPPED;

/** compact_gap(): free pages compaction needs on top of the watermark, as migration targets: 2 << order. */
export const compactGap = (order: number): number => 2 << order;

/** Free blocks of each order, all migratetypes (free_area[order].nr_free). */
export function freeBlocksByOrder(zone: Zone): number[] {
	const out: number[] = [];
	for (let o = 0; o <= MAX_ORDER; o++) out.push(zone.buddy.freeBlocks(o));
	return out;
}

/**
 * __zone_watermark_ok(): free − (2^order − 1) must stay above `mark`, and for order > 0 some list
 * of that order or above must hold a block.
 */
export function zoneWatermarkOk(zone: Zone, order: number, mark: number): boolean {
	if (zone.freePages - ((1 << order) - 1) <= mark) return false;
	for (let o = order; o <= MAX_ORDER; o++) if (zone.buddy.freeBlocks(o) > 0) return true;
	return false;
}

/**
 * compaction_suitable(): __compaction_suitable (order-0 free memory above the low watermark for a
 * costly order, min otherwise, plus compact_gap(order)), and for a costly order a fragmentation
 * index above extfrag_threshold: a failure for lack of memory (index towards 0) is left to reclaim.
 */
export function compactionSuitable(
	free: number,
	wm: Watermarks,
	nrFree: ArrayLike<number>,
	order: number,
	extfragThreshold: number,
): boolean {
	const mark = (order > PAGE_ALLOC_COSTLY_ORDER ? wm.low : wm.min) + compactGap(order);
	if (free <= mark) return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER) {
		const index = fragmentationIndex(nrFree, order);
		if (index >= 0 && index <= extfragThreshold) return false;
	}
	return true;
}

/** compaction_suitable() for `order` on the zone as it is now (its free pages, marks and free lists). */
export function zoneCompactionSuitable(zone: Zone, order: number, extfragThreshold: number): boolean {
	return compactionSuitable(zone.freePages, zone.wm, freeBlocksByOrder(zone), order, extfragThreshold);
}

/**
 * fragmentation_score_zone_weighted() for the one zone of the node: extfrag_for_order(zone, 9) × the
 * zone's present pages / (the node's present pages + 1), so 0..99.
 */
export function fragmentationScore(nrFree: ArrayLike<number>, presentPages: number): number {
	return Math.floor((extfragForOrder(nrFree, COMPACTION_HPAGE_ORDER) * presentPages) / (presentPages + 1));
}

/** fragmentation_score_wmark(): low = max(100 − proactiveness, 5); high = min(low + 10, 100). */
export function fragmentationScoreWmark(proactiveness: number, low: boolean): number {
	const wmarkLow = Math.max(100 - proactiveness, 5);
	return low ? wmarkLow : Math.min(wmarkLow + 10, 100);
}

/** What compaction asks of page migration (migrate.ts). */
export interface Migrator {
	movable(frame: number): boolean;
	move(src: number, dst: number): void;
}

/** struct compact_control, as far as memtop needs it. */
export interface CompactControl {
	/** -1: compact the whole zone (compact_memory, proactive). */
	order: number;
	/** MIGRATE_ASYNC: only movable pageblocks are migration sources. */
	async: boolean;
	direct: boolean;
	proactive: boolean;
}

/** What one compact_zone() did. */
export interface CompactStats {
	result: CompactResult;
	migrateScanned: number;
	freeScanned: number;
	isolated: number;
	migrated: number;
	/** The time it took (µs): scanning and migrating. */
	costUs: number;
}

export class Compaction extends CoreModule {
	/** The zone's deferral counters (defer_compaction, compaction_deferred). */
	readonly defer = new CompactDefer();
	/** The cached scanner positions and skip hints (compaction-cache.ts). */
	readonly cache: CompactCache;
	private migratePfn = 0;
	private freePfn = 0;
	/** whole_zone and ignore_skip_hint of the run under way (proactive, compact_memory). */
	private wholeZone = false;
	private ignoreSkip = false;
	private async = false;
	/** cc->freepages: isolated free frames, order 0 each. */
	private freelist: number[] = [];
	private migratelist: number[] = [];
	private stats: CompactStats = emptyStats();

	constructor(
		core: Core,
		private readonly migrate: Migrator,
	) {
		super(core);
		this.cache = new CompactCache(core.zone.totalPages);
	}

	/** compact_zone()'s start: the cached positions, checked to lie in the zone; or the zone's ends. */
	private startScanners(cc: CompactControl): void {
		const total = this.zone.totalPages;
		this.async = cc.async;
		this.wholeZone = this.ignoreSkip = cc.order < 0 || cc.proactive;
		if (this.wholeZone) {
			this.migratePfn = 0;
			this.freePfn = pageblockStart(total - 1);
			return;
		}
		const cache = this.cache;
		if (this.defer.restarting(cc.order)) cache.resetIsolationSuitable();
		this.migratePfn = cache.migratePfn[cc.async ? 0 : 1]!;
		this.freePfn = cache.freePfn;
		if (this.freePfn < 0 || this.freePfn >= total) this.freePfn = cache.freePfn = cache.lastBlock;
		if (this.migratePfn < 0 || this.migratePfn >= total) {
			this.migratePfn = 0;
			cache.migratePfn[0] = cache.migratePfn[1] = 0;
		}
		// compact_init_migrate_pfn is the zone's start here: a run from there is a whole-zone one.
		if (this.migratePfn === 0) this.wholeZone = true;
	}

	/** compact_zone(): run the two scanners until compact_finished() says stop. */
	compactZone(cc: CompactControl, allocMark: number): CompactStats {
		const zone = this.zone;
		const s = emptyStats();
		this.stats = s;
		if (cc.order >= 0 && !cc.proactive) {
			if (zoneWatermarkOk(zone, cc.order, allocMark)) {
				s.result = COMPACT_SUCCESS;
				return s;
			}
			if (!zoneCompactionSuitable(zone, cc.order, this.sysctl.extfrag_threshold)) {
				s.result = COMPACT_SKIPPED;
				return s;
			}
		}
		this.startScanners(cc);
		let result: CompactResult;
		while ((result = this.finished(cc)) === COMPACT_CONTINUE) {
			this.isolateMigratepages(cc);
			if (this.migratelist.length > 0 && !this.migratePages() && !this.scannersMet()) {
				result = COMPACT_CONTENDED;
				break;
			}
		}
		s.result = result;
		// release_freepages(): what the free scanner took and migration did not use goes back; the
		// cached free pfn may move back up to the highest of them ("only go back, not forward").
		let highest = -1;
		for (const f of this.freelist) {
			this.putFree(f);
			if (f > highest) highest = f;
		}
		this.freelist.length = 0;
		if (highest >= 0 && !this.wholeZone)
			this.cache.freePfn = Math.max(this.cache.freePfn, pageblockStart(highest));
		this.vm.compact_migrate_scanned += s.migrateScanned;
		this.vm.compact_free_scanned += s.freeScanned;
		this.vm.compact_isolated += s.isolated;
		s.costUs = (s.migrateScanned + s.freeScanned) * COMPACT_SCAN_PFN_US + s.migrated * MIGRATE_PAGE_US;
		return s;
	}

	/** compact_scanners_met(): the free scanner's pageblock is at or below the migrate scanner's. */
	private scannersMet(): boolean {
		return this.freePfn >> PAGEBLOCK_ORDER <= this.migratePfn >> PAGEBLOCK_ORDER;
	}

	/** __compact_finished(). */
	private finished(cc: CompactControl): CompactResult {
		if (this.scannersMet()) {
			// Let the next compaction start anew; after a direct run kswapd clears the hints when it sleeps.
			this.cache.resetPositions();
			if (cc.direct) this.cache.blockskipFlush = true;
			return this.wholeZone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
		}
		if (cc.proactive) {
			const score = fragmentationScore(freeBlocksByOrder(this.zone), this.zone.totalPages);
			return score > fragmentationScoreWmark(this.sysctl.compaction_proactiveness, true)
				? COMPACT_CONTINUE
				: COMPACT_SUCCESS;
		}
		if (cc.order < 0) return COMPACT_CONTINUE;
		// Always finish scanning a pageblock, to leave it as free as it can be.
		if (this.migratePfn & (PAGEBLOCK_NR_PAGES - 1)) return COMPACT_CONTINUE;
		const b = this.zone.buddy;
		for (let o = cc.order; o <= MAX_ORDER; o++) {
			if (b.head[o * MIGRATE_TYPES + MIGRATE_MOVABLE]! >= 0) return COMPACT_SUCCESS;
			// find_suitable_fallback(only_stealable): another type's block the allocation may claim.
			if (b.freeBlocks(o) > 0 && canStealFallback(o, MIGRATE_MOVABLE)) return COMPACT_SUCCESS;
		}
		return COMPACT_CONTINUE;
	}

	/**
	 * isolate_migratepages(): from the migrate scanner's pageblock up to the free scanner's, the first
	 * suitable_migration_source() block (async direct compaction: movable blocks only), then
	 * isolate_migratepages_block() on it: free blocks are stepped over, movable pages taken, at most
	 * COMPACT_CLUSTER_MAX of them; the scanner stops after the last page it looked at.
	 */
	private isolateMigratepages(cc: CompactControl): void {
		const zone = this.zone;
		const b = zone.buddy;
		const frames = zone.frames;
		const s = this.stats;
		let low = this.migratePfn;
		for (let end = pageblockStart(low) + PAGEBLOCK_NR_PAGES; end <= this.freePfn; end += PAGEBLOCK_NR_PAGES) {
			const blk = (end - 1) >> PAGEBLOCK_ORDER;
			// isolation_suitable(): a block whose isolation recently failed is not retried.
			if (!this.ignoreSkip && low === pageblockStart(low) && this.cache.skip[blk]) {
				this.migratePfn = low = end;
				continue;
			}
			if (cc.async && cc.direct && b.blockMt[blk] !== MIGRATE_MOVABLE) {
				this.cache.updateMigrate(end, this.async);
				this.migratePfn = low = end;
				continue;
			}
			for (; low < end; low++) {
				s.migrateScanned++;
				const order = b.orderOf(low);
				if (order >= 0) {
					low += (1 << order) - 1;
					continue;
				}
				// isolate_migratepages_block(): a compound page (a THP) of at least the target's order, or
				// of a pageblock, is not migrated: skip_isolation_on_order() steps over all of it.
				if (frames.flags[low]! & PG_THP) {
					low += PAGEBLOCK_NR_PAGES - 1 - (low % PAGEBLOCK_NR_PAGES);
					continue;
				}
				if (!this.migrate.movable(low)) continue;
				this.migratelist.push(low);
				s.isolated++;
				if (this.migratelist.length === COMPACT_CLUSTER_MAX) {
					low++;
					break;
				}
			}
			// isolate_migratepages_block(): a block scanned to its end with nothing isolated is marked
			// to be skipped, and the cached position moves past it.
			if (low === end && this.migratelist.length === 0) {
				if (!this.ignoreSkip) this.cache.skip[blk] = 1;
				this.cache.updateMigrate(end, this.async);
			}
			this.migratePfn = low;
			return;
		}
	}

	/**
	 * migrate_pages() with compaction_alloc(): each isolated page gets a free page from the free
	 * scanner's list (isolate_freepages() refills it); with none left (-ENOMEM) the rest stay put
	 * (putback_movable_pages) and it returns false.
	 */
	private migratePages(): boolean {
		let ok = true;
		for (const src of this.migratelist) {
			if (this.freelist.length === 0) this.isolateFreepages();
			const dst = this.freelist.pop();
			if (dst === undefined) {
				ok = false;
				break;
			}
			this.migrate.move(src, dst);
			this.stats.migrated++;
		}
		this.migratelist.length = 0;
		return ok;
	}

	/**
	 * isolate_freepages(): pageblocks from the free scanner down to just above the migrate scanner's;
	 * a suitable_migration_target() (a movable block that is not itself a free block of pageblock order)
	 * gives up its free blocks (isolate_freepages_block, each split to order 0) while the watermark
	 * allows (__isolate_free_page: free must stay above min + the block), until there are as many free
	 * pages as pages to migrate. A block left part-scanned is where the scanner resumes.
	 */
	private isolateFreepages(): void {
		const zone = this.zone;
		const b = zone.buddy;
		const s = this.stats;
		const want = this.migratelist.length;
		const lowPfn = pageblockStart(this.migratePfn) + PAGEBLOCK_NR_PAGES;
		let start = this.freePfn;
		for (; start >= lowPfn; start -= PAGEBLOCK_NR_PAGES) {
			this.freePfn = start;
			const first = b.orderOf(start);
			if (first >= PAGEBLOCK_ORDER) continue;
			if (b.blockMt[start >> PAGEBLOCK_ORDER] !== MIGRATE_MOVABLE) continue;
			if (!this.ignoreSkip && this.cache.skip[start >> PAGEBLOCK_ORDER]) continue;
			const end = Math.min(start + PAGEBLOCK_NR_PAGES, zone.totalPages);
			for (let f = start; f < end; f++) {
				s.freeScanned++;
				const order = b.orderOf(f);
				if (order < 0) continue;
				if (zone.freePages - (1 << order) <= zone.wm.min + (1 << order)) return;
				b.isolateFree(f);
				zone.kindCount[FRAME_FREE]! -= 1 << order;
				// split_page(): the lowest frame is used last (the list is popped from its end).
				for (let g = f + (1 << order) - 1; g >= f; g--) this.freelist.push(g);
				s.isolated += 1 << order;
				f += (1 << order) - 1;
				if (this.freelist.length >= want) return;
			}
			// update_pageblock_skip(): the block was scanned to its end: skip it, resume below it.
			if (!this.ignoreSkip) this.cache.skipFreeBlock(start);
		}
		// Every block down to the migrate scanner's was looked at: the scanners have met.
		this.freePfn = start;
	}

	/** The zone's compaction state (deferral, cached positions, skip hints): only what differs from boot. */
	save() {
		return {...this.defer.save(), ...this.cache.save()};
	}

	load(s: Parameters<CompactDefer['load']>[0] & Parameters<CompactCache['load']>[0]): void {
		this.defer.load(s);
		this.cache.load(s);
	}

	/** An isolated free page goes back to the buddy lists (release_freepages → __free_page). */
	private putFree(frame: number): void {
		this.zone.buddy.freeOne(frame, 0);
		this.zone.kindCount[FRAME_FREE]!++;
	}
}

function emptyStats(): CompactStats {
	return {result: COMPACT_SKIPPED, migrateScanned: 0, freeScanned: 0, isolated: 0, migrated: 0, costUs: 0};
}
