// Anonymous faults (mm/memory.c; reference doc §5): demand-zero first touches are minor faults,
// pages swapped out to the device come back as major faults with VMA readahead (page-cluster) and
// stay in the swap cache while swap is under half full.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {MachineSpec} from '../../source/sim/spec.js';
import {proc, pushedOutThenBack, runChecked} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

// 64 MiB of RAM, 16 MiB of it kernel: 12288 pages free at boot, nothing under pressure.
const roomy: Partial<MachineSpec> = {ram: 64 * MIB};

describe('anonymous memory', () => {
	it('first touch is a minor fault (demand zero): pgfault++, minflt++, no major fault', () => {
		const w = workload(
			[
				group('a', {
					rate: 10_000,
					regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}],
					streams: [{region: 'heap', pattern: 'sequential', weight: 1}],
				}),
			],
			roomy,
		);
		const m = new Machine(w, {seed: 1});
		runChecked(m, 1);
		let s = takeSnapshot(m);
		// 10000 references/s = 100 per 10 ms tick, each to a new page.
		expect(proc(s, 'a').minflt).toBe(100);
		expect(s.vmstat.pgfault).toBe(100);
		expect(s.frames.anon).toBe(100);
		runChecked(m, 199);
		s = takeSnapshot(m);
		const a = proc(s, 'a');
		// The sequential walk wrapped many times, but only each page's first touch faulted: 1024 pages.
		expect(a.minflt).toBe(1024);
		expect(a.anon).toBe(1024);
		expect(a.majflt).toBe(0);
		expect(s.vmstat.pgfault).toBe(1024);
		expect(s.vmstat.pgmajfault).toBe(0);
		expect(s.meminfo.AnonPages).toBe(1024 * 4);
		// Page tables: 1024 PTEs = 2 PTE pages of 512, under one PMD, one PUD and the PGD: 5 pages of
		// kernel memory on top of the 16 MiB static.
		expect(s.frames.kernel).toBe(4096 + 5);
	});
});

describe('swap-in from the swap device', () => {
	it('a swapped-out anon page touched again is a major fault (ssd: pswpin)', () => {
		const {asleep, awake} = pushedOutThenBack('ssd', false);
		const a0 = proc(asleep, 'a');
		// The balloon pushed most of a out (a few hundred pages may stay), and it was written to the device.
		expect(a0.swap).toBeGreaterThan(1500);
		expect(a0.anon + a0.swap).toBe(2048);
		expect(a0.minflt).toBe(2048);
		expect(a0.majflt).toBe(0);
		expect(asleep.vmstat.pswpout).toBe(a0.swap);
		expect(asleep.vmstat.zswpout).toBe(0);
		expect(asleep.meminfo.SwapFree).toBe(asleep.meminfo.SwapTotal - a0.swap * 4);
		const a1 = proc(awake, 'a');
		// Back in a second: everything resident again.
		expect(a1.anon).toBe(2048);
		expect(a1.swap).toBe(0);
		expect(a1.majflt).toBeGreaterThan(0);
		expect(awake.vmstat.pgmajfault).toBe(a1.majflt);
		expect(awake.vmstat.pswpin).toBeGreaterThanOrEqual(a1.majflt);
		expect(awake.vmstat.zswpin).toBe(0);
		// page-cluster 3: one major fault brings in up to 8 pages (the rest by readahead).
		expect(a1.majflt * 8).toBeGreaterThanOrEqual(a0.swap);
		expect(a1.majflt + awake.vmstat.swap_ra).toBe(a0.swap);
		// Clean swapped-in pages keep their slot (SwapCached) while swap is under half full.
		expect(awake.meminfo.SwapCached).toBe(a0.swap * 4);
	});

	// Regression test for a fixed bug (source/sim/machine.ts, runProcess, the resident-anon branch): `const f = flags[frame]`
	// is read before readaheadHit() clears PG_READAHEAD, then `flags[frame] = f | PG_YOUNG` writes
	// the stale flag back, so every later access to a readahead page counts again as a minor fault
	// and a swap_ra_hit. The kernel counts swap_ra_hit at most once per readahead page.
	// Also: pswpin counts one per fault, not per page read (swap_read_folio counts PSWPIN for
	// readahead pages too). Remove `.fails` when fixed.
	it('swap readahead pages are counted once: swap_ra_hit ≤ swap_ra, pswpin = pages read', () => {
		const {asleep, awake} = pushedOutThenBack('ssd', false);
		const a0 = proc(asleep, 'a');
		const a1 = proc(awake, 'a');
		expect(awake.vmstat.swap_ra_hit).toBeLessThanOrEqual(awake.vmstat.swap_ra);
		// First touches (2048) plus one minor fault per readahead page found in the swap cache.
		expect(a1.minflt).toBe(2048 + awake.vmstat.swap_ra_hit);
		expect(awake.vmstat.pswpin).toBe(a0.swap);
	});
});
