// Page migration (migrate.ts) on a running machine: a moved page keeps its contents' state, every
// PTE that mapped it maps the new frame (a shared file page in both mappers), the page cache points
// at it, and the accounting holds. Then compaction for a hugetlb pool on a fragmented machine.
import {describe, expect, it} from 'vitest';
import {MIGRATE_MOVABLE} from '../../source/sim/buddy.js';
import {FRAME_ANON, FRAME_FILE} from '../../source/sim/frames.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {Migrate} from '../../source/sim/migrate.js';
import {mkPresent, presentFrame} from '../../source/sim/page-table.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** Host vpn of page `off` of region `name` (regions lie at their virtual addresses: vma.ts). */
const vpnOf = (
	p: {regions: readonly {name: string; startVpn: number}[]},
	name: string,
	off: number,
): number => p.regions.find((r) => r.name === name)!.startVpn + off;

const mapper = (name: string, start = 0) =>
	group(name, {
		start,
		rate: 10_000,
		regions: [
			{name: 'f', kind: 'file', size: MIB, object: 'shared'},
			{name: 'heap', kind: 'anon', size: MIB},
		],
		streams: [
			{region: 'f', pattern: 'sequential', weight: 1},
			{region: 'heap', pattern: 'sequential', weight: 1, write_ratio: 0.5},
		],
	});

describe('migrate_folio_move', () => {
	it('moves a shared file page: both PTEs, the page cache slot and _mapcount follow it', () => {
		const m = new Machine(workload([mapper('a'), mapper('b', 1)], {ram: 64 * MIB}), {seed: 1});
		for (let t = 0; t < 200; t++) m.step();
		const [a, b] = m.liveProcs();
		const src = presentFrame(a!.pt.get(vpnOf(a!, 'f', 5))!);
		expect(m.zone.frames.kind[src]).toBe(FRAME_FILE);
		expect(m.zone.mapcount[src]).toBe(1);
		const migrate = new Migrate(m, m.memcg, m.rmap);
		expect(migrate.movable(src)).toBe(true);
		const dst = m.zone.rmqueue(MIGRATE_MOVABLE);
		const free = m.zone.freePages;
		migrate.move(src, dst);
		expect([a!.pt.get(vpnOf(a!, 'f', 5)), b!.pt.get(vpnOf(b!, 'f', 5))]).toEqual([
			mkPresent(dst),
			mkPresent(dst),
		]);
		expect(m.files.files[0]!.cache[5]).toBe(mkPresent(dst));
		expect(m.zone.mapcount[dst]).toBe(1);
		expect(m.zone.frames.index[dst]).toBe(5);
		// The old frame is free again (one more free page than after taking dst).
		expect(m.zone.freePages).toBe(free + 1);
		expect(m.zone.buddy.orderOf(src) >= 0 || m.zone.frames.kind[src] === 0).toBe(true);
		expect(checkInvariants(m)).toEqual([]);
		for (let t = 0; t < 50; t++) m.step();
		expect(checkInvariants(m)).toEqual([]);
	});

	it('moves an anon page: its owner maps the new frame, RSS unchanged', () => {
		const m = new Machine(workload([mapper('a')], {ram: 64 * MIB}), {seed: 1});
		for (let t = 0; t < 200; t++) m.step();
		const [a] = m.liveProcs();
		const vpn = vpnOf(a!, 'heap', 3);
		const src = presentFrame(a!.pt.get(vpn)!);
		expect(m.zone.frames.kind[src]).toBe(FRAME_ANON);
		const rss = a!.rssAnon;
		const dst = m.zone.rmqueue(MIGRATE_MOVABLE);
		new Migrate(m, m.memcg, m.rmap).move(src, dst);
		expect(a!.pt.get(vpn)).toBe(mkPresent(dst));
		expect(a!.rssAnon).toBe(rss);
		expect(checkInvariants(m)).toEqual([]);
	});
});

describe('nr_hugepages on a fragmented machine', () => {
	it('direct compaction makes order-9 blocks; every mapped frame stays mapped by its PTEs', () => {
		// Two processes fault their heaps in turn, so their pages interleave in memory; one exits, and
		// its pages leave holes in every 2 MiB block the other still uses.
		const heap = (name: string) =>
			group(name, {
				rate: 20_000,
				regions: [{name: 'heap', kind: 'anon', size: 16 * MIB}],
				streams: [{region: 'heap', pattern: 'sequential', weight: 1, write_ratio: 1}],
			});
		const m = new Machine(workload([heap('a'), heap('b')], {ram: 64 * MIB, swap: {size: 0, device: 'ssd'}}), {
			seed: 3,
		});
		for (let t = 0; t < 300; t++) m.step();
		const [a] = m.liveProcs();
		m.lifecycle.exit(a!, 'killed');
		m.step();
		expect(checkInvariants(m)).toEqual([]);
		const before = m.zone.buddy.freeBlocks(9) + m.zone.buddy.freeBlocks(10) * 2;
		m.apply({kind: 'set-sysctl', name: 'nr_hugepages', value: before + 4});
		expect(m.vm.compact_stall).toBeGreaterThan(0);
		expect(m.vm.compact_success).toBeGreaterThan(0);
		expect(m.vm.compact_migrate_scanned).toBeGreaterThan(0);
		expect(m.sysctl.nr_hugepages).toBeGreaterThan(before);
		expect(m.zone.hugetlbPages).toBe(m.sysctl.nr_hugepages * 512);
		expect(checkInvariants(m)).toEqual([]);
		for (let t = 0; t < 100; t++) m.step();
		expect(checkInvariants(m)).toEqual([]);
		m.apply({kind: 'set-sysctl', name: 'nr_hugepages', value: 0});
		expect(m.zone.hugetlbPages).toBe(0);
		expect(checkInvariants(m)).toEqual([]);
	});
});
