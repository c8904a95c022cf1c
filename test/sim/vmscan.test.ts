// Reclaim's pageout of one page (mm/vmscan.c shrink_folio_list; reference doc §4, §5): a clean file
// page goes at once and leaves a shadow, a dirty one is marked for the flusher and kept, an anon
// page is written to swap (or cannot go without it), a clean swap-cache page goes without IO.
import {describe, expect, it} from 'vitest';
import {FRAME_FREE, PG_RECLAIM} from '../../source/sim/frames.js';
import {Machine} from '../../source/sim/machine.js';
import {shadowEntryValue} from '../../source/sim/page-cache.js';
import {presentFrame, swapEntrySlot} from '../../source/sim/page-table.js';
import {CANNOT, EVICTED, KEPT} from '../../source/sim/policies/policy.js';
import type {MachineSpec} from '../../source/sim/spec.js';
import {SLOT_DISK} from '../../source/sim/swap.js';
import {shadowAge} from '../../source/sim/workingset.js';
import {group, MIB, workload} from '../helpers/workload.js';

function machineWith(streamWrite: number, kind: 'file' | 'anon', spec: Partial<MachineSpec> = {}): Machine {
	const p = group('a', {
		rate: 1000,
		regions: [{name: 'r', kind, size: MIB, ...(kind === 'file' ? {object: 'f'} : {})}],
		streams: [{region: 'r', pattern: 'sequential', weight: 1, write_ratio: streamWrite}],
	});
	const m = new Machine(workload([p], {ram: 32 * MIB, kernel: 8 * MIB, ...spec}), {seed: 1});
	for (let t = 0; t < 20; t++) m.step();
	return m;
}

describe('pageout', () => {
	it('a clean file page is freed at once; its slot keeps a shadow with the eviction age', () => {
		const m = machineWith(0, 'file');
		const obj = m.files.files[0]!;
		const frame = presentFrame(obj.cache[0]!);
		const age = m.lruvec.nonresidentAge;
		const rssFile = m.procs[0]!.rssFile;
		expect(m.vmscan.pageout(frame)).toBe(EVICTED);
		expect(m.zone.frames.kind[frame]).toBe(FRAME_FREE);
		expect(obj.cache[0]).toBeLessThan(0);
		expect(shadowAge(shadowEntryValue(obj.cache[0]!))).toBe(age);
		expect(m.lruvec.nonresidentAge).toBe(age + 1);
		// It was mapped by a: the PTE is gone and so is its RssFile page.
		expect(m.procs[0]!.pt.get(m.procs[0]!.regions[0]!.startVpn)).toBe(0);
		expect(m.procs[0]!.rssFile).toBe(rssFile - 1);
	});

	it('a dirty file page is marked PG_reclaim for the flusher and kept', () => {
		const m = machineWith(1, 'file');
		const frame = presentFrame(m.files.files[0]!.cache[0]!);
		expect(m.vmscan.pageout(frame)).toBe(KEPT);
		expect(m.zone.frames.flags[frame]! & PG_RECLAIM).toBe(PG_RECLAIM);
	});

	it('an anon page without swap cannot go', () => {
		const m = machineWith(0, 'anon', {swap: {size: 0, device: 'ssd'}});
		const frame = presentFrame(m.procs[0]!.pt.get(m.procs[0]!.regions[0]!.startVpn));
		expect(m.vmscan.pageout(frame)).toBe(CANNOT);
	});

	it('an anon page with swap is written to the device and its PTE holds the swap entry', () => {
		const m = machineWith(0, 'anon');
		const p = m.procs[0]!;
		const frame = presentFrame(p.pt.get(p.regions[0]!.startVpn));
		const rss = p.rssAnon;
		expect(m.vmscan.pageout(frame)).toBe(EVICTED);
		const slot = swapEntrySlot(p.pt.get(p.regions[0]!.startVpn));
		expect(m.swapfile.area!.state[slot]).toBe(SLOT_DISK);
		expect([m.vm.pswpout, m.vm.pgpgout, p.rssAnon, p.swapEnts]).toEqual([1, 4, rss - 1, 1]);
	});

	it('a clean swap-cache page goes without IO: its slot still holds the copy', () => {
		const m = machineWith(0, 'anon');
		const p = m.procs[0]!;
		const frame = presentFrame(p.pt.get(p.regions[0]!.startVpn));
		const slot = m.swapfile.area!.alloc();
		m.swapfile.area!.state[slot] = SLOT_DISK;
		m.zone.frames.flags[frame] = 0; // clean
		m.swapfile.addToSwapCache(frame, slot);
		expect(m.vmscan.pageout(frame)).toBe(EVICTED);
		expect(m.vm.pswpout).toBe(0);
		expect(m.swapfile.nrSwapCached).toBe(0);
		expect(swapEntrySlot(p.pt.get(p.regions[0]!.startVpn))).toBe(slot);
	});
});
