// The allocator's policy (mm/page_alloc.c __alloc_pages; reference doc §1): above the low watermark
// a page is simply taken; below it kswapd is woken and the allocation may dip to min; at min the
// process reclaims directly, and when nothing is reclaimable the OOM killer picks a victim.
import {describe, expect, it} from 'vitest';
import {FRAME_KERNEL} from '../../source/sim/frames.js';
import {NO_END} from '../../source/sim/lifecycle.js';
import {Machine} from '../../source/sim/machine.js';
import {ALLOC_KILLED, ALLOC_NONE} from '../../source/sim/page-alloc.js';
import type {Zone} from '../../source/sim/zone.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** 16 MiB, 4 MiB of it kernel: 3072 pages managed; min_free_kbytes 443 → min 110, low 137, high 164. */
function machine(): Machine {
	return new Machine(workload([], {ram: 16 * MIB, kernel: 4 * MIB, swap: {size: 0, device: 'ssd'}}), {
		seed: 1,
	});
}

/** Take frames until `free` are left, as kernel memory nobody can reclaim. */
function leaveFree(zone: Zone, free: number): void {
	while (zone.freePages > free) zone.setKind(zone.rmqueue(), FRAME_KERNEL);
}

const idle = group('p', {rate: 0, streams: [], regions: [{name: 'heap', kind: 'anon', size: MIB}]});

describe('__alloc_pages', () => {
	it('the watermarks of a 16 MiB machine', () => {
		expect(machine().zone.wm).toEqual({min: 110, low: 137, high: 164});
	});

	it('above low: a page, and kswapd sleeps on', () => {
		const m = machine();
		const p = m.lifecycle.spawn(idle, NO_END)!;
		leaveFree(m.zone, 138);
		expect(m.pageAlloc.allocPage(p)).toBeGreaterThanOrEqual(0);
		expect(m.kswapd.state).toBe('sleeping');
		expect(m.vm.allocstall_normal).toBe(0);
	});

	it('at low: kswapd is woken, and the allocation still takes a page above min', () => {
		const m = machine();
		const p = m.lifecycle.spawn(idle, NO_END)!;
		leaveFree(m.zone, 137);
		expect(m.pageAlloc.allocPage(p)).toBeGreaterThanOrEqual(0);
		expect(m.kswapd.state).toBe('reclaiming');
		expect(m.vm.pageoutrun).toBe(1);
		expect(m.vm.allocstall_normal).toBe(0);
	});

	it('at min with nothing reclaimable: a direct reclaim stall, then the OOM killer takes the only task', () => {
		const m = machine();
		const p = m.lifecycle.spawn(idle, NO_END)!;
		leaveFree(m.zone, 110);
		expect(m.pageAlloc.allocPage(p)).toBe(ALLOC_KILLED);
		expect(m.vm.allocstall_normal).toBe(1);
		expect(m.vm.oom_kill).toBe(1);
		expect(p.dying).toBe(true);
		expect(p.directReclaims).toBe(1);
		// One 32-page batch that found nothing: the batch overhead is the stall.
		expect(p.tickReclaimUs).toBe(20);
	});

	it('without reclaim: pages only above the mark; __GFP_NORETRY reclaims once and never kills', () => {
		const m = machine();
		const p = m.lifecycle.spawn(idle, NO_END)!;
		leaveFree(m.zone, 120);
		expect(m.pageAlloc.allocAbove(m.zone.wm.low, p)).toBe(ALLOC_NONE);
		expect(m.pageAlloc.allocAbove(m.zone.wm.min, p)).toBeGreaterThanOrEqual(0);
		leaveFree(m.zone, 110);
		expect(m.pageAlloc.allocNoRetry()).toBe(ALLOC_NONE);
		expect(m.kswapd.state).toBe('reclaiming');
		expect(m.vm.oom_kill).toBe(0);
	});
});
