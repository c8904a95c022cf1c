// Compaction (source/sim/compaction.ts) on a tiny zone, worked by hand: which page moves where, the
// scanners' counts, compaction_suitable() with the fragmentation index, the proactive score marks.
import {describe, expect, it} from 'vitest';
import {MIGRATE_MOVABLE} from '../../source/sim/buddy.js';
import {
	COMPACT_SKIPPED,
	COMPACT_SUCCESS,
	Compaction,
	compactionSuitable,
	fragmentationScore,
	fragmentationScoreWmark,
	freeBlocksByOrder,
	type Migrator,
	zoneWatermarkOk,
} from '../../source/sim/compaction.js';
import type {Core} from '../../source/sim/core.js';
import {FRAME_ANON} from '../../source/sim/frames.js';
import {zeroVmstat} from '../../source/sim/proc-names.js';
import {DEFAULT_SYSCTLS} from '../../source/sim/sysctl.js';
import {Zone} from '../../source/sim/zone.js';

/**
 * A 2048-page zone (four pageblocks of 512: 0, 512, 1024, 1536) with no kernel pages and
 * min_free_kbytes 128: min 32 pages, gap max(32/4, 2048·10/10000) = 8, low 40, high 48. Every page is
 * allocated (anon), then all are freed but `pinned`.
 */
function fragmented(pinned: number[]) {
	const sysctl = {...DEFAULT_SYSCTLS, min_free_kbytes: 128};
	const zone = new Zone(2048, 0, sysctl);
	for (let i = 0; i < 2048; i++) zone.setKind(zone.rmqueue(MIGRATE_MOVABLE), FRAME_ANON);
	for (let f = 0; f < 2048; f++) if (!pinned.includes(f)) zone.freePage(f);
	const vm = zeroVmstat();
	const moves: [number, number][] = [];
	// The migrator moves the page's kind and frees the source, as migrate.ts does for a real page.
	const migrator: Migrator = {
		movable: (f) => zone.frames.kind[f] === FRAME_ANON,
		move: (src, dst) => {
			moves.push([src, dst]);
			zone.setKind(dst, FRAME_ANON);
			zone.freePage(src);
		},
	};
	const core = {zone, vm, sysctl} as unknown as Core;
	return {zone, vm, moves, compaction: new Compaction(core, migrator)};
}

const DIRECT_ASYNC = {order: 9, async: true, direct: true, proactive: false};

describe('a zone with one page pinned in each pageblock', () => {
	it('has 2044 pages free and no order-9 block: one free block of each order 0..8 per pageblock', () => {
		const {zone} = fragmented([0, 512, 1024, 1536]);
		expect(zone.wm).toEqual({min: 32, low: 40, high: 48});
		expect(zone.freePages).toBe(2044);
		// 511 free pages beside the pinned one: 1 + 2 + 4 + … + 256, one block of each order.
		expect(freeBlocksByOrder(zone)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0]);
		expect(zoneWatermarkOk(zone, 9, zone.wm.min)).toBe(false);
	});

	it('compaction_suitable: 2044 > low 40 + compact_gap 1024, and the fragmentation index 862 > 500', () => {
		const {zone} = fragmented([0, 512, 1024, 1536]);
		// index = 1000 − (1000 + 2044·1000/512) / 36 blocks = 1000 − floor(4992 / 36) = 1000 − 138 = 862.
		expect(compactionSuitable(zone.freePages, zone.wm, freeBlocksByOrder(zone), 9, 500)).toBe(true);
		expect(compactionSuitable(zone.freePages, zone.wm, freeBlocksByOrder(zone), 9, 862)).toBe(false);
		// 1064 free pages or fewer: not enough room to migrate into, whatever the index.
		expect(compactionSuitable(1064, zone.wm, freeBlocksByOrder(zone), 9, 500)).toBe(false);
	});

	it('direct compaction moves page 0 to 1537 and block 0 merges into an order-9 block', () => {
		const {zone, vm, moves, compaction} = fragmented([0, 512, 1024, 1536]);
		const st = compaction.compactZone(DIRECT_ASYNC, zone.wm.min);
		// The migrate scanner looks at 0 (taken), then the head of each free block: 1, 2, 4, … 256 (10
		// pfns) and ends the block. The free scanner starts at the last pageblock (1536): 1536 is in use,
		// 1537 is a free order-0 block: isolated (2 pfns), enough for one page.
		expect(moves).toEqual([[0, 1537]]);
		expect(st).toEqual({
			result: COMPACT_SUCCESS,
			migrateScanned: 10,
			freeScanned: 2,
			isolated: 2,
			migrated: 1,
			costUs: 12 * 0.01 + 2,
		});
		expect([vm.compact_migrate_scanned, vm.compact_free_scanned, vm.compact_isolated]).toEqual([10, 2, 2]);
		// Freeing 0 merges 0+1, 0..3, … up to 0..511 (its order-9 buddy 512 is in use). Block 3 lost its
		// order-0 block to the move.
		expect(zone.buddy.orderOf(0)).toBe(9);
		expect(freeBlocksByOrder(zone)).toEqual([2, 3, 3, 3, 3, 3, 3, 3, 3, 1, 0]);
		expect(zone.freePages).toBe(2044);
		expect(zoneWatermarkOk(zone, 9, zone.wm.min)).toBe(true);
	});

	it('async direct compaction skips unmovable pageblocks as migration sources', () => {
		const {zone, moves, compaction} = fragmented([0, 512, 1024, 1536]);
		zone.buddy.blockMt[0] = 0; // MIGRATE_UNMOVABLE
		const st = compaction.compactZone(DIRECT_ASYNC, zone.wm.min);
		// Block 0 is skipped; block 1's page 512 moves to 1537, and 512..1023 becomes the order-9 block.
		expect(moves).toEqual([[512, 1537]]);
		expect(st.migrateScanned).toBe(10);
		expect(zone.buddy.orderOf(512)).toBe(9);
	});

	it('does nothing when a block is already free, and is skipped when it would not help', () => {
		const done = fragmented([0]);
		// 512..1023 and 1024..2047 are free: an order-9 and an order-10 block.
		expect(done.compaction.compactZone(DIRECT_ASYNC, done.zone.wm.min)).toMatchObject({
			result: COMPACT_SUCCESS,
			migrateScanned: 0,
		});
		// Only every 32nd page free (64 pages): 64 ≤ low 40 + 1024, skipped (COMPACT_SKIPPED).
		const low = fragmented(Array.from({length: 2048}, (_, f) => f).filter((f) => f % 32 !== 0));
		expect(low.zone.freePages).toBe(64);
		expect(low.compaction.compactZone(DIRECT_ASYNC, low.zone.wm.min).result).toBe(COMPACT_SKIPPED);
		expect(low.moves).toEqual([]);
	});
});

describe('proactive compaction marks (fragmentation_score_wmark, fragmentation_score_zone_weighted)', () => {
	it('proactiveness 20: low 80, high 90; 100: low 5 (the floor), high 15; 0: low 100, high 100', () => {
		expect([fragmentationScoreWmark(20, true), fragmentationScoreWmark(20, false)]).toEqual([80, 90]);
		expect([fragmentationScoreWmark(100, true), fragmentationScoreWmark(100, false)]).toEqual([5, 15]);
		expect([fragmentationScoreWmark(0, true), fragmentationScoreWmark(0, false)]).toEqual([100, 100]);
	});

	it('scores the share of free memory below order 9, weighted by present / (present + 1)', () => {
		// [4,4,…,4 (0..8),0,0]: 2044 free, none in order-9 blocks: extfrag 100; ×2048/2049 → 99.
		expect(fragmentationScore([4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0], 2048)).toBe(99);
		// After the move above: 512 of 2044 in an order-9 block: (1532·100)/2044 = 74.95 → 74; ×2048/2049 → 73.
		expect(fragmentationScore([2, 3, 3, 3, 3, 3, 3, 3, 3, 1, 0], 2048)).toBe(73);
		expect(fragmentationScore([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 2048)).toBe(0);
	});
});
