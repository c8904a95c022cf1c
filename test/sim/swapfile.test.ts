// Swap slots and the swap cache (swapfile.ts): a page read back from the device keeps its slot
// (SwapCached) until it is written; writing it frees the slot and dirties the page.
import {describe, expect, it} from 'vitest';
import {FRAME_ANON, PG_DIRTY, PG_SWAPCACHE} from '../../source/sim/frames.js';
import {Machine} from '../../source/sim/machine.js';
import {SLOT_DISK, SLOT_FREE} from '../../source/sim/swap.js';
import {MIB, workload} from '../helpers/workload.js';

describe('swap cache', () => {
	it('adding keeps the slot; dropping frees it and dirties the page', () => {
		const m = new Machine(workload([], {ram: 16 * MIB, kernel: 4 * MIB}), {seed: 1});
		const area = m.swapfile.area!;
		const frame = m.zone.rmqueue();
		m.zone.setKind(frame, FRAME_ANON);
		const slot = area.alloc();
		area.state[slot] = SLOT_DISK;
		m.swapfile.addToSwapCache(frame, slot);
		expect(m.swapfile.nrSwapCached).toBe(1);
		expect(m.zone.frames.flags[frame]! & PG_SWAPCACHE).toBe(PG_SWAPCACHE);
		expect(m.zone.frameSlot[frame]).toBe(slot);
		expect(area.used).toBe(1);
		m.swapfile.dropSwapCache(frame);
		expect(m.swapfile.nrSwapCached).toBe(0);
		expect(m.zone.frames.flags[frame]! & (PG_SWAPCACHE | PG_DIRTY)).toBe(PG_DIRTY);
		expect(area.state[slot]).toBe(SLOT_FREE);
		expect(area.used).toBe(0);
	});

	it('swap is usable while slots are left', () => {
		const m = new Machine(workload([], {ram: 16 * MIB, kernel: 4 * MIB, swap: {size: 8192, device: 'ssd'}}), {
			seed: 1,
		});
		expect(m.swapfile.totalPages).toBe(2);
		expect(m.swapfile.canSwap).toBe(true);
		m.swapfile.area!.alloc();
		m.swapfile.area!.alloc();
		expect(m.swapfile.canSwap).toBe(false);
	});
});
