// mm/vmscan.c folio_check_references(): the classic LRU looks twice before activating a mapped page.
import {describe, expect, it} from 'vitest';
import {
	FOLIOREF_ACTIVATE,
	FOLIOREF_KEEP,
	FOLIOREF_RECLAIM,
	FOLIOREF_RECLAIM_CLEAN,
	folioCheckReferences,
} from '../../source/sim/folio-references.js';
import {FRAME_ANON, FrameTable, PG_ACTIVE, PG_REFERENCED, PG_YOUNG} from '../../source/sim/frames.js';
import {TwoListLru} from '../../source/sim/policies/lru2.js';
import {EVICTED, newScanStats, type ReclaimContext} from '../../source/sim/policies/policy.js';

const check = (flags: number, ptes: number, file: boolean, exec = false) => {
	const f = new Uint16Array([flags]);
	const verdict = folioCheckReferences(f, 0, ptes, file, exec);
	return [verdict, f[0]!];
};

describe('folio_check_references', () => {
	it('a young anon page without PG_referenced is kept once and marked, not activated (since 5.9)', () => {
		// referenced_ptes = 1, referenced_folio = 0: folio_set_referenced, FOLIOREF_KEEP.
		expect(check(PG_YOUNG, 1, false)).toEqual([FOLIOREF_KEEP, PG_REFERENCED]);
	});
	it('referenced again before the next scan: activated, and PG_referenced stays set', () => {
		// referenced_ptes = 1, referenced_folio = 1 -> FOLIOREF_ACTIVATE (the mark is set again).
		expect(check(PG_YOUNG | PG_REFERENCED, 1, false)).toEqual([FOLIOREF_ACTIVATE, PG_REFERENCED]);
		expect(check(PG_YOUNG | PG_REFERENCED, 1, true)).toEqual([FOLIOREF_ACTIVATE, PG_REFERENCED]);
	});
	it('young in two mappings at once activates on the first scan (referenced_ptes > 1)', () => {
		expect(check(PG_YOUNG, 2, false)).toEqual([FOLIOREF_ACTIVATE, PG_REFERENCED]);
	});
	it('an executable file page activates after its first use; an executable anon page does not', () => {
		expect(check(PG_YOUNG, 1, true, true)).toEqual([FOLIOREF_ACTIVATE, PG_REFERENCED]);
		expect(check(PG_YOUNG, 1, false, true)).toEqual([FOLIOREF_KEEP, PG_REFERENCED]);
	});
	it('no PTE reference: PG_referenced is cleared; a file page reclaims if clean, anon reclaims', () => {
		expect(check(PG_REFERENCED, 0, true)).toEqual([FOLIOREF_RECLAIM_CLEAN, 0]);
		expect(check(PG_REFERENCED, 0, false)).toEqual([FOLIOREF_RECLAIM, 0]);
		expect(check(0, 0, false)).toEqual([FOLIOREF_RECLAIM, 0]);
	});

	it('lru2: a page touched once is reclaimed on its second scan without ever being activated', () => {
		// 4 anon pages faulted in (young), never touched again. Scan 1: all 4 kept with PG_referenced
		// (pgactivate 0); scan 2: no young bit, PG_referenced cleared, all 4 reclaimed.
		const frames = new FrameTable(4);
		const lru = new TwoListLru();
		lru.attach(frames);
		for (let f = 0; f < 4; f++) {
			frames.kind[f] = FRAME_ANON;
			frames.flags[f] = PG_YOUNG;
			lru.inserted(f, false);
		}
		const stats = newScanStats();
		const evicted: number[] = [];
		const ctx: ReclaimContext = {
			frames,
			swappiness: 200,
			canSwap: true,
			cacheBelowHigh: true,
			anonCost: 0,
			fileCost: 0,
			stats,
			tick: 0,
			evict: (f) => {
				evicted.push(f);
				return EVICTED;
			},
		};
		// priority 0 scans the whole list (size >> 0 = 4 anon pages) each call.
		expect(lru.reclaim(ctx, 4, 0)).toBe(0);
		expect([stats.activated, stats.scannedAnon]).toEqual([0, 4]);
		expect(lru.reclaim(ctx, 4, 0)).toBe(4);
		expect([stats.activated, stats.reclaimedAnon, evicted.length]).toEqual([0, 4, 4]);
	});

	it('lru2: a page touched again between scans is activated on the second scan', () => {
		const frames = new FrameTable(1);
		const lru = new TwoListLru();
		lru.attach(frames);
		frames.kind[0] = FRAME_ANON;
		frames.flags[0] = PG_YOUNG;
		lru.inserted(0, false);
		const stats = newScanStats();
		const ctx: ReclaimContext = {
			frames,
			swappiness: 200,
			canSwap: true,
			cacheBelowHigh: true,
			anonCost: 0,
			fileCost: 0,
			stats,
			tick: 0,
			evict: () => EVICTED,
		};
		lru.reclaim(ctx, 1, 0);
		frames.flags[0]! |= PG_YOUNG; // the MMU sets the accessed bit again
		lru.reclaim(ctx, 1, 0);
		expect(stats.activated).toBe(1);
		expect(frames.flags[0]! & (PG_ACTIVE | PG_REFERENCED)).toBe(PG_ACTIVE | PG_REFERENCED);
	});
});
