// Where compaction resumes (mm/compaction.c): the zone's cached scanner positions
// (compact_cached_migrate_pfn for async and sync runs, compact_cached_free_pfn) and the per-pageblock
// skip hints (PB_migrate_skip) that keep a run from rescanning blocks that recently gave nothing.
// A direct compaction whose scanners met sets compact_blockskip_flush; kswapd going to sleep, or
// compaction restarting after the longest deferral, then clears the hints (__reset_isolation_suitable).
import {PAGEBLOCK_NR_PAGES} from './buddy.js';

export const pageblockStart = (pfn: number): number => pfn & ~(PAGEBLOCK_NR_PAGES - 1);

export class CompactCache {
	/** compact_cached_migrate_pfn[async, sync]: where the migrate scanner resumes. */
	readonly migratePfn = [0, 0];
	/** compact_cached_free_pfn: where the free scanner resumes (a pageblock's first pfn). */
	freePfn: number;
	/** compact_blockskip_flush: a direct compaction's scanners met since the hints were last cleared. */
	blockskipFlush = false;
	/** PB_migrate_skip per pageblock. */
	readonly skip: Uint8Array;

	constructor(private readonly totalPages: number) {
		this.skip = new Uint8Array(Math.ceil(totalPages / PAGEBLOCK_NR_PAGES));
		this.freePfn = this.lastBlock;
	}

	get lastBlock(): number {
		return pageblockStart(this.totalPages - 1);
	}

	/** reset_cached_positions(): both scanners back to the zone's two ends. */
	resetPositions(): void {
		this.migratePfn[0] = this.migratePfn[1] = 0;
		this.freePfn = this.lastBlock;
	}

	/**
	 * __reset_isolation_suitable(): only after a direct compaction's scanners met. Every skip hint is
	 * cleared and the scanners go back to the zone's ends (the kernel samples each pageblock for an LRU
	 * or a free page to pick the restart points; here every block qualifies, so they are the ends).
	 */
	resetIsolationSuitable(): void {
		if (!this.blockskipFlush) return;
		this.blockskipFlush = false;
		this.skip.fill(0);
		this.resetPositions();
	}

	/** update_cached_migrate(): resume after `pfn`'s pageblock; a sync run moves both slots, async its own. */
	updateMigrate(pfn: number, async: boolean): void {
		const end = pageblockStart(pfn - 1) + PAGEBLOCK_NR_PAGES;
		if (end > this.migratePfn[0]!) this.migratePfn[0] = end;
		if (!async && end > this.migratePfn[1]!) this.migratePfn[1] = end;
	}

	/** update_pageblock_skip() for the free scanner: skip `block`, resume below it. */
	skipFreeBlock(block: number): void {
		this.skip[block >> 9] = 1;
		this.freePfn = Math.min(this.freePfn, block - PAGEBLOCK_NR_PAGES);
	}

	/** Only what differs from boot, so a state of a run that never compacted keeps its layout. */
	save() {
		const atEnds = this.migratePfn[0] === 0 && this.migratePfn[1] === 0 && this.freePfn === this.lastBlock;
		return {
			...(atEnds ? {} : {compactCached: [...this.migratePfn, this.freePfn]}),
			...(this.blockskipFlush ? {compactFlush: true} : {}),
			...(this.skip.some((x) => x !== 0) ? {compactSkip: this.skip} : {}),
		};
	}

	load(s: {
		compactCached?: number[] | undefined;
		compactFlush?: boolean | undefined;
		compactSkip?: Uint8Array | undefined;
	}): void {
		this.resetPositions();
		if (s.compactCached) {
			this.migratePfn[0] = s.compactCached[0]!;
			this.migratePfn[1] = s.compactCached[1]!;
			this.freePfn = s.compactCached[2]!;
		}
		this.blockskipFlush = s.compactFlush ?? false;
		if (s.compactSkip) this.skip.set(s.compactSkip);
		else this.skip.fill(0);
	}
}
