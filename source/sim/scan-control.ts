// struct scan_control (mm/vmscan.c): what one reclaim pass knows and adds to, and the policies'
// ReclaimContext: the tunables and costs they read, and evict(), which filters the frames a pass may
// take (memcg reclaim's target range, memory.min/low) before vmscan's pageout.
import type {Core} from './core.js';
import {CoreModule} from './core.js';
import type {FrameTable} from './frames.js';
import type {MemcgProtection} from './memcg-protection.js';
import {
	CANNOT,
	type EvictResult,
	KEPT,
	newScanStats,
	type ReclaimContext,
	type ScanStats,
} from './policies/policy.js';
import type {Swapfile} from './swapfile.js';
import type {ReclaimTime} from './zswap.js';

/** What a ScanControl needs of vmscan. */
export interface ScanTarget {
	readonly protection: MemcgProtection;
	memcgOfFrame(frame: number): number;
	pageout(frame: number): EvictResult;
}

/** struct scan_control: what one reclaim pass knows and adds to; the policies' ReclaimContext. */
export class ScanControl extends CoreModule implements ReclaimContext, ReclaimTime {
	readonly stats: ScanStats = newScanStats();
	/** Time the current reclaimer has spent (µs), charged to kswapd or the direct reclaimer. */
	costUs = 0;
	readonly frames: FrameTable;

	constructor(
		core: Core,
		private readonly vmscan: ScanTarget,
		private readonly swapfile: Swapfile,
	) {
		super(core);
		this.frames = core.zone.frames;
	}

	get swappiness(): number {
		return this.sysctl.swappiness;
	}

	get minTtlMs(): number {
		return this.sysctl.min_ttl_ms;
	}

	/** sc->may_swap: off for kswapd's boosted reclaim (balance_pgdat); get_scan_count() then scans file only. */
	maySwap = true;
	/** sc->may_writepage: off for boosted reclaim; shrink_folio_list() keeps a page that would need writing. */
	mayWritepage = true;

	get canSwap(): boolean {
		return this.maySwap && this.swapfile.canSwap;
	}

	/** free + file LRU ≤ the high watermark (file_is_tiny's first condition; the policy adds the rest). */
	get cacheBelowHigh(): boolean {
		const lru = this.lruvec.lru;
		return this.zone.freePages + lru.activeFile + lru.inactiveFile <= this.zone.wm.high;
	}

	get anonCost(): number {
		return this.lruvec.anonCost;
	}

	get fileCost(): number {
		return this.lruvec.fileCost;
	}

	get recentAnonRefaults(): boolean {
		return this.lruvec.recentAnonRefaults;
	}

	get recentFileRefaults(): boolean {
		return this.lruvec.recentFileRefaults;
	}

	get tick(): number {
		return this.clock.tick;
	}

	/** Memcg reclaim's target (mem_cgroup_iter from sc->target_mem_cgroup): ids lo .. hi − 1; −1: global reclaim. */
	memcgLo = -1;
	memcgHi = -1;

	evict(frame: number): EvictResult {
		const prot = this.vmscan.protection;
		if (this.memcgLo >= 0 || prot.active) {
			const c = this.vmscan.memcgOfFrame(frame);
			// Reclaim for one memcg scans only its own pages (its lruvecs): another memcg's page is
			// left where it is and not counted as scanned.
			if (this.memcgLo >= 0 && (c < this.memcgLo || c >= this.memcgHi)) return this.unscanned(frame, KEPT);
			// A page of a memcg under its memory.min/low (memcg-protection.ts) is not counted as
			// scanned either, and goes back as one reclaim cannot take (to the active list or the
			// youngest generation): out of the way of the pages it may take, as the protected
			// memcg's own lruvec would be. (With KEPT it would fill the inactive list, which would
			// then never look low, and the other memcgs' active pages would never be deactivated.)
			if (prot.active && prot.skips(c)) return this.unscanned(frame, CANNOT);
		}
		return this.vmscan.pageout(frame);
	}

	private unscanned(frame: number, result: EvictResult): EvictResult {
		if (this.frames.isSwapBacked(frame)) this.stats.scannedAnon--;
		else this.stats.scannedFile--;
		return result;
	}
}
