// Compaction deferral (mm/compaction.c defer_compaction, compaction_deferred, compaction_defer_reset,
// compaction_restarting) and the cached scanner positions (update_cached_migrate,
// update_pageblock_skip, __reset_isolation_suitable), worked by hand.
import {describe, expect, it} from 'vitest';
import {MIGRATE_MOVABLE} from '../../source/sim/buddy.js';
import {
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_SUCCESS,
	Compaction,
	type Migrator,
} from '../../source/sim/compaction.js';
import {CompactCache} from '../../source/sim/compaction-cache.js';
import {COMPACT_MAX_DEFER_SHIFT, CompactDefer} from '../../source/sim/compaction-defer.js';
import type {Core} from '../../source/sim/core.js';
import {FRAME_ANON, FRAME_KERNEL} from '../../source/sim/frames.js';
import {zeroVmstat} from '../../source/sim/proc-names.js';
import {DEFAULT_SYSCTLS} from '../../source/sim/sysctl.js';
import {Zone} from '../../source/sim/zone.js';

/** Attempts at `order` until one is let through; returns how many were skipped first. */
function skippedBeforeTry(d: CompactDefer, order: number): number {
	let skipped = 0;
	while (d.deferred(order)) skipped++;
	return skipped;
}

describe('deferral', () => {
	it('each failure doubles the attempts skipped: 1, 3, 7, … up to 63 (shift 6)', () => {
		const d = new CompactDefer();
		// Boot: shift 0, limit 1: ++considered = 1 ≥ 1, so the first attempt runs.
		expect(d.deferred(9)).toBe(false);
		// Failure 1: shift 1, limit 2: attempt 1 (considered 1 < 2) skipped, attempt 2 runs.
		d.defer(9);
		expect(skippedBeforeTry(d, 9)).toBe(1);
		d.defer(9); // shift 2, limit 4: 3 skipped
		expect(skippedBeforeTry(d, 9)).toBe(3);
		for (let i = 0; i < 10; i++) d.defer(9);
		// Capped at COMPACT_MAX_DEFER_SHIFT = 6: limit 64, 63 skipped; then compaction is "restarting".
		expect(d.shift).toBe(COMPACT_MAX_DEFER_SHIFT);
		expect(d.restarting(9)).toBe(false);
		expect(skippedBeforeTry(d, 9)).toBe(63);
		expect(d.considered).toBe(64);
		expect(d.restarting(9)).toBe(true);
	});

	it('a success resets the shift and raises compact_order_failed past the order: smaller orders never wait', () => {
		const d = new CompactDefer();
		d.defer(9);
		d.defer(9);
		// reset(9, true): considered 0, shift 0, order_failed 9 + 1 = 10.
		d.reset(9, true);
		expect([d.considered, d.shift, d.orderFailed]).toEqual([0, 0, 10]);
		// A failure at 9 again: shift 1, order_failed min(10, 9) = 9; order 8 < 9 is never deferred.
		d.defer(9);
		expect(d.orderFailed).toBe(9);
		expect(d.deferred(8)).toBe(false);
		expect(d.deferred(9)).toBe(true);
		// reset(9, false) (compaction thinks it succeeded, the page is not taken yet): shift stays.
		d.reset(9, false);
		expect([d.shift, d.orderFailed]).toEqual([1, 10]);
	});
});

describe('cached scanner positions (CompactCache)', () => {
	it('update_cached_migrate moves past the pageblock; the free scanner resumes below a used-up block', () => {
		// A 2048-page zone: pageblocks at 0, 512, 1024, 1536; the free scanner starts at 1536.
		const c = new CompactCache(2048);
		expect([...c.migratePfn, c.freePfn]).toEqual([0, 0, 1536]);
		// pfn 700 is in block 512..1023: resume at its end, 1024; async moves only slot 0.
		c.updateMigrate(700, true);
		expect(c.migratePfn).toEqual([1024, 0]);
		c.updateMigrate(1024, false);
		expect(c.migratePfn).toEqual([1024, 1024]);
		// Block 1536 scanned to its end: skip it; resume at 1536 − 512 = 1024.
		c.skipFreeBlock(1536);
		expect([c.skip[3], c.freePfn]).toEqual([1, 1024]);
		// __reset_isolation_suitable does nothing until a direct compaction's scanners met.
		c.resetIsolationSuitable();
		expect(c.freePfn).toBe(1024);
		c.blockskipFlush = true;
		c.resetIsolationSuitable();
		expect([...c.migratePfn, c.freePfn, c.skip[3], c.blockskipFlush]).toEqual([0, 0, 1536, 0, false]);
	});

	it('a second direct compaction resumes after the block the first found nothing in', () => {
		// 2048 pages, min_free_kbytes 128 (min 32); all allocated as anon, then freed but one page in each
		// pageblock: 0 (made a kernel page, not movable), 512, 1024, 1536.
		const zone = new Zone(2048, 0, {...DEFAULT_SYSCTLS, min_free_kbytes: 128});
		for (let i = 0; i < 2048; i++) zone.setKind(zone.rmqueue(MIGRATE_MOVABLE), FRAME_ANON);
		for (let f = 0; f < 2048; f++) if (![0, 512, 1024, 1536].includes(f)) zone.freePage(f);
		zone.frames.kind[0] = FRAME_KERNEL;
		const moves: [number, number][] = [];
		const migrator: Migrator = {
			movable: (f) => zone.frames.kind[f] === FRAME_ANON,
			move: (src, dst) => {
				moves.push([src, dst]);
				zone.setKind(dst, FRAME_ANON);
				zone.freePage(src);
			},
		};
		const c = new Compaction({zone, vm: zeroVmstat(), sysctl: DEFAULT_SYSCTLS} as unknown as Core, migrator);
		const SYNC = {order: 9, async: false, direct: true, proactive: false};
		// Run 1: block 0 gives nothing (pfns 0, 1, 2, 4, … 256: 10 scanned): skipped from now on, the
		// cached migrate pfn is 512 (both slots: a sync run). Block 1's page 512 moves to 1537.
		const first = c.compactZone(SYNC, zone.wm.min);
		expect(first.result).toBe(COMPACT_SUCCESS);
		expect(moves).toEqual([[512, 1537]]);
		expect(first.migrateScanned).toBe(10 + 10);
		expect([c.cache.skip[0], ...c.cache.migratePfn]).toEqual([1, 512, 512]);
		// The new order-9 block at 512 is taken: run 2 starts at 512, not 0. Block 1 is now one allocated
		// block (512 pfns, nothing movable): skipped after it. Block 2's page 1024 is isolated, but the
		// scanner is then at 1536, the free scanner's block: nothing above it to migrate into. The
		// scanners met on a run that did not start at the zone's start: COMPACT_PARTIAL_SKIPPED; the
		// positions go back to the ends, and (a direct run) the skip hints wait for kswapd to clear them.
		zone.rmqueueOrder(9, MIGRATE_MOVABLE);
		const second = c.compactZone(SYNC, zone.wm.min);
		expect(second.result).toBe(COMPACT_PARTIAL_SKIPPED);
		expect(moves).toHaveLength(1);
		expect(second.migrateScanned).toBe(512 + 10);
		expect([...c.cache.migratePfn, c.cache.freePfn, c.cache.blockskipFlush]).toEqual([0, 0, 1536, true]);
		expect(Array.from(c.cache.skip)).toEqual([1, 1, 0, 0]);
		c.cache.resetIsolationSuitable();
		expect(Array.from(c.cache.skip)).toEqual([0, 0, 0, 0]);
	});
});
