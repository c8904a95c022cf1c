// mm/vmscan.c prepare_scan_control(): may_deactivate per type, cache_trim_mode and the full
// file_is_tiny condition (file + free <= high && !(may_deactivate & DEACTIVATE_ANON) &&
// inactive_anon >> priority), on the two-list LRU with hand-counted lists.
import {describe, expect, it} from 'vitest';
import {FRAME_ANON, FRAME_FILE, FrameTable, PG_ACTIVE} from '../../../source/sim/frames.js';
import {TwoListLru} from '../../../source/sim/policies/lru2.js';
import {EVICTED, newScanStats, type ReclaimContext} from '../../../source/sim/policies/policy.js';
import {mayDeactivate} from '../../../source/sim/scan-balance.js';

/** Cold pages: `ia` inactive anon, `aa` active anon, `if_` inactive file, `af` active file. */
function setup(ia: number, aa: number, if_: number, af: number) {
	const n = ia + aa + if_ + af;
	const frames = new FrameTable(n);
	const lru = new TwoListLru();
	lru.attach(frames);
	let f = 0;
	const add = (count: number, kind: number, active: boolean) => {
		for (let i = 0; i < count; i++, f++) {
			frames.kind[f] = kind;
			frames.flags[f] = active ? PG_ACTIVE : 0;
			lru.inserted(f, active);
		}
	};
	add(ia, FRAME_ANON, false);
	add(aa, FRAME_ANON, true);
	add(if_, FRAME_FILE, false);
	add(af, FRAME_FILE, true);
	const stats = newScanStats();
	const ctx = (extra: Partial<ReclaimContext> = {}): ReclaimContext => ({
		frames,
		swappiness: 60,
		canSwap: true,
		cacheBelowHigh: true,
		anonCost: 0,
		fileCost: 0,
		stats,
		tick: 0,
		evict: () => EVICTED,
		...extra,
	});
	return {lru, stats, ctx};
}

describe('prepare_scan_control', () => {
	it('may_deactivate: a low inactive list or workingset activations since the last cycle', () => {
		// Under 1 GiB the ratio is 1: low iff inactive < active.
		expect(mayDeactivate(10, 0, false)).toBe(false);
		expect(mayDeactivate(3, 4, false)).toBe(true);
		expect(mayDeactivate(10, 0, true)).toBe(true);
	});

	it('file_is_tiny: cache below high, anon not being refilled, inactive anon >> priority > 0: anon only', () => {
		// 16 inactive anon at priority 2: 16 >> 2 = 4 anon pages scanned, no file page.
		const {lru, stats, ctx} = setup(16, 0, 8, 0);
		expect(lru.reclaim(ctx(), 100, 2)).toBe(4);
		expect([stats.scannedAnon, stats.scannedFile]).toEqual([4, 0]);
	});

	it('anon activations since the last cycle set DEACTIVATE_ANON: the cache is not tiny, it is trimmed', () => {
		// file_is_tiny is false, so cache_trim_mode (8 >> 2 = 2 > 0, file not deactivating) scans file only.
		const {lru, stats, ctx} = setup(16, 0, 8, 0);
		expect(lru.reclaim(ctx({recentAnonRefaults: true}), 100, 2)).toBe(2);
		expect([stats.scannedAnon, stats.scannedFile]).toEqual([0, 2]);
	});

	it('too little inactive anon for the priority (3 >> 2 = 0): the cache is not tiny', () => {
		const {lru, stats, ctx} = setup(3, 0, 8, 0);
		lru.reclaim(ctx(), 100, 2);
		expect([stats.scannedAnon, stats.scannedFile]).toEqual([0, 2]);
	});
});
