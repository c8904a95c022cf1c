// zswap's shrink worker (mm/zswap.c shrink_worker, shrink_memcg, shrink_memcg_cb,
// zswap_writeback_entry), worked by hand. A run walks one entry per shrink_memcg() from the head of the
// pool's LRU: an entry stored since it was last looked at is referenced (zswap_store_page sets
// entry->referenced) and gets a second chance (cleared, rotated to the tail: the call fails); an
// unreferenced one is written back to the swap device. The run ends when the pool is at
// accept_threshold_percent of its limit, or after MAX_RECLAIM_RETRIES (16) failures. The worker, one
// kworker, does at most a tick (10,000 µs) of work a tick, and stops while the device is congested.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import type {Workload} from '../../source/sim/spec.js';
import {restoreMachine, saveMachine} from '../../source/sim/state-codec.js';
import {SLOT_DISK, SLOT_ZSWAP} from '../../source/sim/swap.js';
import {ZS_ZSWAP} from '../../source/sim/zsmalloc.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** A workload with zswap on: ram and the pool's percentages as given. */
function spec(ram: number, maxPool: number, accept: number, device: 'ssd' | 'hdd'): Workload {
	return workload([group('idle', {regions: [{name: 'heap', kind: 'anon', size: 1 * MIB}]})], {
		ram,
		swap: {size: 256 * MIB, device},
		zswap: {enabled: true, compressor: 'lz4', max_pool_percent: maxPool, accept_threshold_percent: accept},
	});
}

/** Its machine, nothing stepped. */
const machine = (...args: Parameters<typeof spec>): Machine => new Machine(spec(...args), {seed: 1});

/** The machine saved and restored (state-codec): the worker's state and the referenced bits go with it. */
const reloaded = (m: Machine, w: Workload): Machine => restoreMachine(w, saveMachine(m));

/** Store `n` entries of `bytes` each as reclaim's zswap_store() would; returns their slots, oldest first. */
function store(m: Machine, n: number, bytes: number): number[] {
	const swap = m.swapfile.area!;
	const slots: number[] = [];
	for (let i = 0; i < n; i++) {
		const slot = swap.alloc();
		expect(m.zs.reserve(ZS_ZSWAP, bytes)).toBe(true);
		m.zs.add(ZS_ZSWAP, bytes);
		m.zswap.stored++;
		swap.state[slot] = SLOT_ZSWAP;
		swap.size[slot] = bytes;
		swap.addZswapEntry(slot);
		slots.push(slot);
	}
	return slots;
}

/** `n` stores refused because the pool is full: each queues the worker (queue_work in zswap_store). */
function refuse(m: Machine, n: number): void {
	for (let i = 0; i < n; i++) expect(m.zswap.tryStore({costUs: 0}, 0.5)).toBe(-1);
}

describe('zswap shrink worker', () => {
	it('gives fresh entries a second chance: 16 rotations a run, writing back only once they have had it', () => {
		// 64 MiB = 16384 pages; max_pool_percent 10: limit ⌊16384 × 10 / 100⌋ = 1638 pages; accept 90 %:
		// thr ⌊1638 × 90 / 100⌋ = 1474 pages. 3300 entries of 2048 B = 1650 pages ≥ 1638: full.
		const w = spec(64 * MIB, 10, 90, 'ssd');
		let m = new Machine(w, {seed: 1});
		expect(m.totalPages).toBe(16384);
		const slots = store(m, 3300, 2048);
		expect(m.zswap.poolPages()).toBe(1650);
		// 100 refused stores: 100 runs, each gives 16 referenced entries their second chance and gives up
		// (MAX_RECLAIM_RETRIES failures): 1600 rotated, nothing written back.
		refuse(m, 100);
		expect(m.zswap.full).toBe(true);
		m.zswap.shrinkWorker();
		expect(m.vm.zswpwb).toBe(0);
		expect(m.zswap.poolPages()).toBe(1650);
		const ref = m.swapfile.area!.zswapRef!;
		expect(slots.slice(0, 1600).every((s) => ref[s] === 0)).toBe(true);
		expect(slots.slice(1600).every((s) => ref[s] === 1)).toBe(true);
		m = reloaded(m, w);
		expect([m.swapfile.area!.zswapRef![slots[1599]!], m.swapfile.area!.zswapRef![slots[1600]!]]).toEqual([
			0, 1,
		]);
		// 107 more: 106 runs rotate the other 1696; the 107th rotates the last 4 (4 failures), then finds
		// the first entry at the head unreferenced and writes back until the pool is at thr: 1474 pages =
		// 2948 entries, so 3300 − 2948 = 352 written back, the oldest (store order) first.
		refuse(m, 107);
		m.zswap.shrinkWorker();
		expect(m.vm.zswpwb).toBe(352);
		expect(m.zswap.poolPages()).toBe(1474);
		expect(m.zswap.stored).toBe(2948);
		const swap = m.swapfile.area!;
		expect(slots.slice(0, 352).every((s) => swap.state[s] === SLOT_DISK)).toBe(true);
		expect(slots.slice(352).every((s) => swap.state[s] === SLOT_ZSWAP)).toBe(true);
		// Nothing left queued: the next tick does nothing. The next store finds the pool at thr and is
		// accepted again (zswap_check_limits clears zswap_pool_reached_full).
		m.zswap.shrinkWorker();
		expect(m.vm.zswpwb).toBe(352);
		expect(m.zswap.tryStore({costUs: 0}, 0.5)).toBeGreaterThan(0);
		expect(m.zswap.full).toBe(false);
	});

	it('is paced by its kworker: a tick of work a tick, the run going on next tick', () => {
		// 128 MiB = 32768 pages; max_pool_percent 50: limit 16384 pages; accept 50 %: thr 8192 pages.
		// 32768 entries of 2048 B = 16384 pages, all already given their second chance.
		const w = spec(128 * MIB, 50, 50, 'ssd');
		let m = new Machine(w, {seed: 1});
		const slots = store(m, 32768, 2048);
		for (const s of slots) m.swapfile.area!.zswapRef![s] = 0;
		refuse(m, 1);
		// lz4: 0.9 µs decompression + 2 µs to allocate the swap-cache folio and submit = 2.9 µs an entry.
		// The worker writes while it has time left: after k entries 10,000 − 2.9 k µs, so entries 1..3449
		// (10,000 − 2.9 × 3448 = 0.8 > 0). The SSD is far from congested: 3449 × (120 / 32 + 8.192) µs
		// = 41.2 ms queued, under 100 ms.
		m.zswap.shrinkWorker();
		expect(m.vm.zswpwb).toBe(3449);
		// The run was cut short, not ended (and survives a save and restore): next tick it writes 3449 more
		// (the queue still under 100 ms).
		m = reloaded(m, w);
		m.zswap.shrinkWorker();
		expect(m.vm.zswpwb).toBe(6898);
		expect(m.zswap.stored).toBe(32768 - 6898);
	});

	it('on an HDD waits for the device: 13 writes fill its queue past 100 ms', () => {
		// HDD: each write is a seek, 8000 µs / depth 1 + 4096 / 180 = 22.76 µs transfer = 8022.76 µs of
		// device time. The worker writes while under 100 ms is queued: after 12 writes 96.27 ms, so a
		// 13th (104.3 ms), then it waits: submit_bio blocks for a tag.
		const m = machine(64 * MIB, 10, 90, 'hdd');
		const slots = store(m, 3300, 2048);
		for (const s of slots) m.swapfile.area!.zswapRef![s] = 0;
		refuse(m, 1);
		m.zswap.shrinkWorker();
		expect(m.vm.zswpwb).toBe(13);
		// Same moment, still congested: nothing more.
		m.zswap.shrinkWorker();
		expect(m.vm.zswpwb).toBe(13);
	});
});
