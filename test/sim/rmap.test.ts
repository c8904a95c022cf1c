// Reverse mapping (rmap.ts): a file or shmem page mapped by several processes is in each one's RSS
// (per-mm counters) and its _mapcount counts the PTEs; unmapping it for reclaim clears every mapper's
// PTE and RssFile (rmap_walk_file).
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {presentFrame} from '../../source/sim/page-table.js';
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
		regions: [{name: 'f', kind: 'file', size: MIB, object: 'shared'}],
		streams: [{region: 'f', pattern: 'sequential', weight: 1}],
	});

describe('rmap', () => {
	it('counts a shared page in every mapper; unmapping it clears every PTE', () => {
		const m = new Machine(workload([mapper('a'), mapper('b', 1)], {ram: 64 * MIB}), {seed: 1});
		for (let t = 0; t < 200; t++) m.step();
		const [a, b] = m.liveProcs();
		// 1 MiB = 256 pages, each mapped by both: RssFile 256 each, Mapped 256, _mapcount 1 (two PTEs).
		expect([a!.rssFile, b!.rssFile]).toEqual([256, 256]);
		expect(m.rmap.nrMapped).toBe(256);
		expect(b!.pt.get(vpnOf(b!, 'f', 5))).toBe(a!.pt.get(vpnOf(a!, 'f', 5)));
		const frame = presentFrame(a!.pt.get(vpnOf(a!, 'f', 5)));
		expect(m.zone.mapcount[frame]).toBe(1);
		m.rmap.unmapFile(frame, m.files.files[0]!, 5, false);
		expect([a!.pt.get(vpnOf(a!, 'f', 5)), b!.pt.get(vpnOf(b!, 'f', 5))]).toEqual([0, 0]);
		expect([a!.rssFile, b!.rssFile]).toEqual([255, 255]);
		expect(m.rmap.nrMapped).toBe(255);
		expect(m.zone.mapcount[frame]).toBe(-1);
	});

	it('a mapper that exits drops its PTEs; the page stays mapped by the other', () => {
		const m = new Machine(workload([mapper('a'), mapper('b', 1)], {ram: 64 * MIB}), {seed: 1});
		for (let t = 0; t < 200; t++) m.step();
		const [a, b] = m.liveProcs();
		const frame = presentFrame(b!.pt.get(vpnOf(b!, 'f', 5)));
		m.lifecycle.exit(a!, 'killed');
		expect(m.zone.mapcount[frame]).toBe(0);
		expect(m.rmap.nrMapped).toBe(256);
		expect(b!.rssFile).toBe(256);
	});
});
