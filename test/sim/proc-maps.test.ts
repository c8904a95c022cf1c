// /proc/PID/maps lines and the four-level page walk (proc-maps.ts), by hand; two processes with the
// same virtual address reach different frames.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {PROT_EXEC, PROT_READ, PROT_WRITE} from '../../source/sim/mmap-layout.js';
import {mkSwapEntry, PageTable} from '../../source/sim/page-table.js';
import {PageTableMap} from '../../source/sim/page-table-map.js';
import {mapsLine, pageWalk, walkIndexes} from '../../source/sim/proc-maps.js';
import {REGION_ANON, REGION_FILE, type Region} from '../../source/sim/vma.js';
import {group, MIB, workload} from '../helpers/workload.js';

const region = (over: Partial<Region>): Region => ({
	name: 'r',
	kind: REGION_ANON,
	startVpn: 0,
	pages: 1,
	va: 0,
	prot: PROT_READ | PROT_WRITE,
	shared: false,
	growsDown: false,
	placement: 'mmap',
	objectId: -1,
	mmap: true,
	locked: false,
	grows: false,
	grown: 0,
	raAddr: 0,
	raWin: 0,
	raHits: 0,
	...over,
});

describe('/proc/PID/maps', () => {
	it('range, perms, offset, device, inode, padded to column 73, then the name', () => {
		const text = region({
			kind: REGION_FILE,
			va: 0x555555554000,
			pages: 2,
			prot: PROT_READ | PROT_EXEC,
			placement: 'text',
			objectId: 6,
		});
		expect(mapsLine(text, 'file:/usr/bin/app')).toBe(
			`555555554000-555555556000 r-xp 00000000 08:01 7${' '.repeat(26)}/usr/bin/app`,
		);
		// The head is 48 characters, padded to 72, a space: the name starts in column 74 (1-based).
		expect(mapsLine(text, 'file:/usr/bin/app')!.indexOf('/usr')).toBe(73);
		// A brk heap shows as far as it has grown (nothing before its first page), a stack from its top down.
		const heap = region({va: 0x555555556000, pages: 1024, grows: true, grown: 3, placement: 'heap'});
		expect(mapsLine(heap)).toMatch(/^555555556000-555555559000 rw-p 00000000 00:00 0 +\[heap\]$/);
		expect(mapsLine({...heap, grown: 0})).toBeNull();
		const stack = region({
			va: 0x7fffff7ff000,
			pages: 2048,
			grows: true,
			grown: 2,
			growsDown: true,
			placement: 'stack',
		});
		expect(mapsLine(stack)).toMatch(/^7fffffffd000-7ffffffff000 rw-p 00000000 00:00 0 +\[stack\]$/);
		expect(mapsLine(region({va: 0x7ffff7ffb000, pages: 4, name: 'cache'}))).toMatch(/ \[anon:cache\]$/);
		expect(
			mapsLine(region({va: 0x7ffff7ffb000, pages: 4, kind: 2, shared: true, objectId: 0}), 'shmem:pg-shared'),
		).toMatch(/rw-s 00000000 00:01 1 +\/dev\/shm\/pg-shared \(deleted\)$/);
	});
});

describe('the page walk', () => {
	it('indexes: 9 bits each from bit 39, 30, 21, 12', () => {
		expect(walkIndexes(0x555555554000)).toEqual([170, 341, 170, 340]);
		expect(walkIndexes(0x7fffffffe000)).toEqual([255, 511, 511, 510]);
	});

	it('stops at the first table page missing; ends at a frame, a swap slot or none', () => {
		// One region at 0x7fffffffe000 (vpn 0x7fffffffe ≡ 510 mod 512), host vpn 510.
		const r = region({va: 0x7fffffffe000, startVpn: 510, pages: 2});
		const pt = new PageTable(512, PageTableMap.of([{startVpn: 510, vpn: 0x7fffffffe, pages: 2}]));
		const walk = (addr: number) => pageWalk(pt, r, addr).text;
		expect(walk(0x7fffffffe000)).toBe('7fffffffe000: none');
		pt.pgd = 1;
		expect(walk(0x7fffffffe000)).toBe('7fffffffe000: PGD[255] → none');
		pt.puds[0] = 1;
		pt.pmds[0] = 1;
		expect(walk(0x7fffffffe000)).toBe('7fffffffe000: PGD[255] → PUD[511] → PMD[511] → none');
		pt.tables[0] = 1;
		expect(walk(0x7fffffffe000)).toBe('7fffffffe000: PGD[255] → PUD[511] → PMD[511] → PTE[510] → none');
		pt.set(510, 42 + 1);
		pt.set(511, mkSwapEntry(7));
		expect(walk(0x7fffffffe000)).toBe('7fffffffe000: PGD[255] → PUD[511] → PMD[511] → PTE[510] → frame 42');
		expect(walk(0x7ffffffff000)).toBe(
			'7ffffffff000: PGD[255] → PUD[511] → PMD[511] → PTE[511] → swap slot 7',
		);
	});

	it('two processes, the same virtual address, two frames', () => {
		const m = new Machine(
			workload(
				[
					group('a', {rate: 1000, regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}]}),
					group('b', {rate: 1000, regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}]}),
				],
				{ram: 256 * MIB},
			),
			{seed: 1},
		);
		for (let t = 0; t < 100; t++) m.step();
		const [a, b] = m.liveProcs();
		const [ra, rb] = [a!.regions[0]!, b!.regions[0]!];
		// Both heaps are 4 MiB of anon memory: 2 MiB aligned under mmap_base: 0x7ffff7fff000 − 4 MiB = 0x7ffff7bff000, down to 0x7ffff7a00000.
		expect([ra.va.toString(16), rb.va.toString(16)]).toEqual(['7ffff7a00000', '7ffff7a00000']);
		let same = 0;
		for (let off = 0; off < ra.pages; off++) {
			const wa = pageWalk(a!.pt, ra, ra.va + off * 4096);
			const wb = pageWalk(b!.pt, rb, rb.va + off * 4096);
			if (wa.frame >= 0 && wb.frame >= 0) {
				same++;
				expect(wa.indexes).toEqual(wb.indexes);
				expect(wa.frame).not.toBe(wb.frame);
			}
		}
		expect(same).toBeGreaterThan(100);
	});
});
