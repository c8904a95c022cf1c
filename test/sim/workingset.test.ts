// Refault detection (mm/workingset.c; reference doc §3): shadow entries, refault distance, the
// workingset a refault competes with, and what eviction and refault do to the lruvec.
import {describe, expect, it} from 'vitest';
import {FRAME_FILE, FrameTable, PG_WORKINGSET} from '../../source/sim/frames.js';
import {Lruvec} from '../../source/sim/lruvec.js';
import {zeroVmstat} from '../../source/sim/proc-names.js';
import {
	EVICTION_BITS,
	EVICTION_MASK,
	packShadow,
	REFAULT_ACTIVATE,
	REFAULT_COLD,
	REFAULT_RESTORE,
	refaultDistance,
	shadowAge,
	shadowWorkingset,
	workingsetEviction,
	workingsetRefault,
	workingsetSize,
} from '../../source/sim/workingset.js';

describe('shadow entries', () => {
	it('pack the eviction age and PG_workingset, never 0', () => {
		expect(EVICTION_BITS).toBe(29);
		expect(EVICTION_MASK).toBe(2 ** 29 - 1);
		expect(packShadow(0, false)).toBe(1);
		expect(shadowAge(packShadow(0, false))).toBe(0);
		expect(shadowWorkingset(packShadow(0, false))).toBe(false);
		const s = packShadow(12_345, true);
		expect(shadowAge(s)).toBe(12_345);
		expect(shadowWorkingset(s)).toBe(true);
		// The largest shadow still fits an Int32Array slot (and its negation a page-cache slot).
		const top = packShadow(EVICTION_MASK, true);
		expect(top).toBe(2 ** 30);
		expect(Int32Array.of(-top)[0]).toBe(-top);
	});

	it('keep only the low 29 bits of the age', () => {
		// 2^29 + 7 → 7; 3·2^29 + 1 → 1.
		expect(shadowAge(packShadow(2 ** 29 + 7, false))).toBe(7);
		expect(shadowAge(packShadow(3 * 2 ** 29 + 1, true))).toBe(1);
		expect(shadowWorkingset(packShadow(2 ** 29 + 7, false))).toBe(false);
	});
});

describe('refaultDistance = (age_now − age_evicted) mod 2^29', () => {
	it('plain difference', () => {
		expect(refaultDistance(1000, packShadow(400, false))).toBe(600);
		expect(refaultDistance(400, packShadow(400, true))).toBe(0);
	});

	it('wraps around like the kernel’s unsigned arithmetic', () => {
		// Evicted at 2^29 − 3, now 2^29 + 5 (stored as 5): (5 − (2^29 − 3)) mod 2^29 = 8.
		expect(refaultDistance(2 ** 29 + 5, packShadow(2 ** 29 - 3, false))).toBe(8);
		// Now 3 (after a wrap), evicted at 2^29 − 1: 4.
		expect(refaultDistance(3, packShadow(2 ** 29 - 1, true))).toBe(4);
		// A whole lap later looks like distance 0: the kernel cannot tell either.
		expect(refaultDistance(2 ** 29 + 100, packShadow(100, false))).toBe(0);
		// Evicted "after" now (age went round almost a lap): 2^29 − 10.
		expect(refaultDistance(90, packShadow(100, false))).toBe(2 ** 29 - 10);
	});
});

describe('workingsetSize (workingset_test_recent)', () => {
	const lists = {activeFile: 100, inactiveFile: 200, activeAnon: 300, inactiveAnon: 400};

	it('file refault with swap: active file + active anon + inactive anon', () => {
		// 100 + 300 + 400 = 800.
		expect(workingsetSize(lists, false, true)).toBe(800);
	});

	it('file refault without swap: active file only (anon cannot be reclaimed to make room)', () => {
		expect(workingsetSize(lists, false, false)).toBe(100);
	});

	it('anon refault with swap: active file + inactive file + active anon', () => {
		// 100 + 200 + 300 = 600.
		expect(workingsetSize(lists, true, true)).toBe(600);
	});

	it('anon refault without swap: active file + inactive file', () => {
		// 100 + 200 = 300.
		expect(workingsetSize(lists, true, false)).toBe(300);
	});
});

describe('workingset_eviction and workingset_refault on a lruvec', () => {
	/** A lruvec whose active file list holds `active` pages (lru2: inserted with activate). */
	function lruvecWithActiveFile(active: number): Lruvec {
		const frames = new FrameTable(64);
		const lruvec = new Lruvec('lru2', frames);
		for (let f = 0; f < active; f++) {
			frames.kind[f] = FRAME_FILE;
			lruvec.policy.inserted(f, true);
		}
		return lruvec;
	}

	it('eviction stamps the age (and PG_workingset) and ages the lruvec by one', () => {
		const lruvec = lruvecWithActiveFile(0);
		lruvec.ageNonresident(10);
		const shadow = workingsetEviction(lruvec, PG_WORKINGSET);
		expect(shadowAge(shadow)).toBe(10);
		expect(shadowWorkingset(shadow)).toBe(true);
		expect(lruvec.nonresidentAge).toBe(11);
	});

	it('a refault within the workingset activates; a PG_workingset one is a restore and costs 32 IOs', () => {
		const lruvec = lruvecWithActiveFile(10);
		const vm = zeroVmstat();
		lruvec.ageNonresident(10);
		const shadow = workingsetEviction(lruvec, PG_WORKINGSET); // age 10; now 11
		lruvec.ageNonresident(5); // 16: distance 16 − 10 = 6 ≤ workingset 10 (active file, swap empty)
		expect(workingsetRefault(lruvec, vm, shadow, false, true)).toBe(REFAULT_RESTORE);
		expect(vm.workingset_refault_file).toBe(1);
		expect(vm.workingset_activate_file).toBe(1);
		expect(vm.workingset_restore_file).toBe(1);
		expect(lruvec.fileCost).toBe(32);
		expect(lruvec.recentFileRefaults).toBe(true);
		expect(lruvec.nonresidentAge).toBe(17);
	});

	it('a recent refault of a page that was not PG_workingset activates but is no restore and no memstall', () => {
		// mm/workingset.c: folio_set_workingset() only `if (workingset)`, the shadow's bit. Distance 6 <= 10.
		const lruvec = lruvecWithActiveFile(10);
		const vm = zeroVmstat();
		lruvec.ageNonresident(10);
		const shadow = workingsetEviction(lruvec, 0); // age 10; now 11
		lruvec.ageNonresident(5); // 16: distance 6
		expect(workingsetRefault(lruvec, vm, shadow, false, true)).toBe(REFAULT_ACTIVATE);
		expect([vm.workingset_activate_file, vm.workingset_restore_file, lruvec.fileCost]).toEqual([1, 0, 0]);
	});

	it('a PG_workingset page refaulting from farther back than the workingset is cold: no restore', () => {
		// distance 10 > workingset 4: workingset_test_recent() fails before the shadow's bit is looked at.
		const lruvec = lruvecWithActiveFile(4);
		const vm = zeroVmstat();
		const shadow = workingsetEviction(lruvec, PG_WORKINGSET); // age 0; now 1
		lruvec.ageNonresident(9);
		expect(workingsetRefault(lruvec, vm, shadow, true, true)).toBe(REFAULT_COLD);
		expect(vm.workingset_restore_anon).toBe(0);
	});

	it('a refault farther back than the workingset is only counted', () => {
		const lruvec = lruvecWithActiveFile(4);
		const vm = zeroVmstat();
		const shadow = workingsetEviction(lruvec, 0); // age 0; now 1
		lruvec.ageNonresident(9); // 10: distance 10 > workingset 4
		expect(workingsetRefault(lruvec, vm, shadow, true, true)).toBe(REFAULT_COLD);
		expect(vm.workingset_refault_anon).toBe(1);
		expect(vm.workingset_activate_anon).toBe(0);
		expect(lruvec.anonCost).toBe(0);
		expect(lruvec.nonresidentAge).toBe(10);
	});

	it('no shadow (a first fault) is no refault', () => {
		const lruvec = lruvecWithActiveFile(4);
		const vm = zeroVmstat();
		expect(workingsetRefault(lruvec, vm, 0, false, true)).toBe(REFAULT_COLD);
		expect(vm.workingset_refault_file).toBe(0);
	});
});
