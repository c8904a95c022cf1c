// The x86-64 address space without randomisation (mmap-layout.ts), the host packing that keeps each
// host span one PTE page of it (vma.ts), and the page-table pages the real addresses need
// (page-table-map.ts), worked by hand.
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {
	type LayoutInput,
	layoutAddressSpace,
	mmapBase,
	permsText,
	topDown,
} from '../../source/sim/mmap-layout.js';
import {PageTableMap} from '../../source/sim/page-table-map.js';
import type {RegionSpec} from '../../source/sim/spec.js';
import {DEFAULT_SYSCTLS} from '../../source/sim/sysctl.js';
import {parseWorkload} from '../../source/workload/load.js';
import {GIB, group, MIB, workload} from '../helpers/workload.js';

const K = 4096;
const input = (name: string, size: number, more: Partial<LayoutInput> = {}): LayoutInput => ({
	name,
	kind: 'anon',
	size,
	grows: false,
	writes: true,
	...more,
});

describe('mmap_base and the gaps', () => {
	it('mmap_base: TASK_SIZE less a 128 MiB gap (8 MiB RLIMIT_STACK + 1 MiB guard gap is under the minimum)', () => {
		// 0x7ffffffff000 − 0x8000000 = 0x7ffff7fff000.
		expect(mmapBase(8 * MIB).toString(16)).toBe('7ffff7fff000');
		// A 1 GiB stack limit: 1 GiB + 1 MiB = 0x40100000 below TASK_SIZE: 0x7fffbfeff000.
		expect(mmapBase(GIB).toString(16)).toBe('7fffbfeff000');
	});

	it('top-down first fit; a 2 MiB multiple of anon memory is 2 MiB aligned (thp_get_unmapped_area)', () => {
		const high = 0x7ffff7fff000;
		// 4 pages: right under mmap_base.
		expect(topDown([], 4 * K, high, false).toString(16)).toBe('7ffff7ffb000');
		// 1 GiB, THP: the highest 2 MiB boundary at or below 0x7ffff7fff000 − 1 GiB = 0x7fffb7fff000.
		expect(topDown([], GIB, high, true).toString(16)).toBe('7fffb7e00000');
		// A mapping at [0x7ffff7000000, 0x7ffff7fff000) leaves a 16 MiB hole below mmap_base... none: the
		// next fit is under it.
		const placed = [{start: 0x7ffff7000000, end: 0x7ffff7fff000, growsDown: false}];
		expect(topDown(placed, 4 * K, high, false).toString(16)).toBe('7ffff6ffc000');
		// A hole of 8 pages between two mappings takes a 4-page one; a 9-page one goes below.
		const holed = [
			{start: 0x7ffff7ff7000, end: 0x7ffff7fff000, growsDown: false},
			{start: 0x7ffff7000000, end: 0x7ffff7fef000, growsDown: false},
		];
		expect(topDown(holed, 8 * K, high, false).toString(16)).toBe('7ffff7fef000');
		expect(topDown(holed, 9 * K, high, false).toString(16)).toBe('7ffff6ff7000');
	});
});

describe('layoutAddressSpace', () => {
	it('places text, data, bss, heap from 0x555555554000, mmaps top-down from mmap_base, the stack at the top', () => {
		const laid = layoutAddressSpace([
			input('text', 2 * K, {kind: 'file', placement: 'text', writes: false}),
			input('data', K, {placement: 'data'}),
			input('bss', 3 * K, {placement: 'bss'}),
			input('heap', 64 * MIB, {grows: true}),
			input('cache', GIB),
			input('lib', 2 * MIB + K, {kind: 'file', writes: false}),
			input('shm', 16 * K, {kind: 'shmem'}),
			input('stack', 8 * MIB, {placement: 'stack', grows: true}),
		]);
		if ('error' in laid) throw new Error(laid.error.message);
		const rows = laid.vmas.map(
			(v) => `${v.start.toString(16)}-${v.end.toString(16)} ${permsText(v.prot, v.shared)} ${v.placement}`,
		);
		expect(rows).toEqual([
			'555555554000-555555556000 r-xp text',
			'555555556000-555555557000 rw-p data',
			'555555557000-55555555a000 rw-p bss',
			// brk starts where bss ends; 64 MiB = 0x4000000.
			'55555555a000-55555955a000 rw-p heap',
			// 0x7ffff7fff000 − 1 GiB = 0x7fffb7fff000, down to a 2 MiB boundary.
			'7fffb7e00000-7ffff7e00000 rw-p mmap',
			// 2 MiB + 4 KiB (not a 2 MiB multiple): right under the 1 GiB one, 0x7fffb7e00000 − 0x201000.
			'7fffb7bff000-7fffb7e00000 r--p mmap',
			// shmem is shared. First fit from the top: the THP alignment left a hole of 0x1ff000 bytes
			// between the 1 GiB mapping's end and mmap_base, too small for lib but room for its 16 pages.
			'7ffff7fef000-7ffff7fff000 rw-s mmap',
			// The stack's 8 MiB end at STACK_TOP 0x7ffffffff000.
			'7fffff7ff000-7ffffffff000 rw-p stack',
		]);
	});

	it('refuses overlapping fixed placements, a misaligned or too low address, what does not fit, bad perms', () => {
		const err = (inputs: LayoutInput[]) => {
			const laid = layoutAddressSpace(inputs);
			return 'error' in laid ? `${laid.error.index}.${laid.error.field}: ${laid.error.message}` : 'ok';
		};
		expect(err([input('a', 2 * MIB, {at: 0x10000000}), input('b', K, {at: 0x10100000})])).toBe(
			'1.at: expected an address range nothing maps (MAP_FIXED_NOREPLACE), got 0x10100000-0x10101000 over a (10000000-10200000)',
		);
		expect(err([input('a', K, {at: 0x10000800})])).toBe(
			'0.at: expected an address aligned to 4 KiB, got 0x10000800',
		);
		expect(err([input('a', K, {at: 0x1000})])).toMatch(
			/^0\.at: expected an address at or above vm\.mmap_min_addr/,
		);
		expect(err([input('big', 1024 * 1024 * GIB)])).toBe(
			'0.size: expected a region that fits the address space below mmap_base 0x7ffff7fff000, got 1024T',
		);
		expect(err([input('a', K, {perms: 'rwz'})])).toMatch(/^0\.perms: expected perms like r-x/);
		expect(err([input('a', K, {placement: 'heap', kind: 'file'})])).toBe(
			'0.placement: expected a anon region for placement heap, got a file region',
		);
		expect(err([input('s1', K, {placement: 'stack'}), input('s2', K, {placement: 'stack'})])).toMatch(
			/^1\.placement: expected one stack region/,
		);
		// x86: PROT_WRITE without PROT_READ is accepted (the page is readable anyway; maps shows -w-p).
		expect(err([input('a', K, {perms: '-w-'})])).toBe('ok');
	});

	it('a workload file names the field and line of a region that cannot be placed, and exits 2', () => {
		const file =
			'machine: {ram: 1G}\nprocesses:\n  - name: p\n    rate: 10\n    regions:\n      - {name: a, size: 2M, at: 0x10000000}\n      - {name: b, size: 4K, at: 0x10100000}\n    streams: [{region: a, pattern: random}]\n';
		try {
			parseWorkload(file, 'fixed.yaml');
			expect.unreachable();
		} catch (e) {
			expect(e).toBeInstanceOf(UserError);
			expect((e as Error).message).toBe(
				'fixed.yaml:7: processes[0].regions[1].at: expected an address range nothing maps (MAP_FIXED_NOREPLACE), got 0x10100000-0x10101000 over a (10000000-10200000)',
			);
		}
		expect(() =>
			parseWorkload(
				'machine: {ram: 1G}\nprocesses:\n  - {name: p, rate: 10, regions: [{name: a, size: 4K, perms: rw}], streams: [{region: a, pattern: random}]}\n',
				'perms.yaml',
			),
		).toThrow(/^perms\.yaml:3: processes\[0\]\.regions\[0\]\.perms: expected perms like r-x/);
	});
});

describe('host packing and the real page-table pages', () => {
	const spec = (regions: RegionSpec[]) =>
		workload(
			[group('p', {rate: 1, regions, streams: [{region: regions[0]!.name, pattern: 'random', weight: 1}]})],
			{
				ram: 256 * MIB,
				sysctl: {...DEFAULT_SYSCTLS, overcommit_memory: 1},
			},
		);

	it('each host vpn is its virtual vpn modulo 512; regions in one virtual span share a host span', () => {
		const m = new Machine(
			spec([
				{name: 'text', kind: 'anon', size: 2 * K, placement: 'text', perms: 'r-x'},
				{name: 'data', kind: 'anon', size: K, placement: 'data'},
				{name: 'cache', kind: 'anon', size: GIB},
				{name: 'stack', kind: 'anon', size: 8 * MIB, placement: 'stack'},
			]),
			{seed: 1},
		);
		m.step();
		const p = m.tasks.procs.find((x) => x?.name === 'p')!;
		const at = Object.fromEntries(p.regions.map((r) => [r.name, r]));
		for (const r of p.regions) expect(r.startVpn % 512).toBe((r.va / K) % 512);
		// text at vpn 0x555555554 (≡ 340 mod 512): host 340; data follows in the same span at 342.
		expect([at.text!.startVpn, at.data!.startVpn]).toEqual([340, 342]);
		// The 1 GiB cache is 2 MiB aligned (≡ 0): the next span, 512; the stack's 0x7fffff7ff ≡ 511 after it.
		expect(at.cache!.startVpn).toBe(512);
		expect(at.stack!.startVpn).toBe(512 + 262144 + 511);
	});

	it('text at 0x555555554000 and stack at 0x7fffffffe000: PGD 170 and 255, so 2 PUD, 2 PMD, 2 PTE pages', () => {
		const m = new Machine(
			spec([
				{name: 'text', kind: 'anon', size: 2 * K, placement: 'text'},
				{name: 'stack', kind: 'anon', size: 8 * MIB, placement: 'stack'},
			]),
			{seed: 1},
		);
		m.step();
		const p = m.tasks.procs.find((x) => x?.name === 'p')!;
		const [text, stack] = [p.regions[0]!, p.regions[1]!];
		// PGD indexes: 0x555555554000 >> 39 = 170; 0x7fffffffe000 >> 39 = 255. PUD: 341 and 511; PMD 170
		// and 511; PTE 340 and 510. Nothing is shared below the PGD.
		expect(Math.floor(text.va / 2 ** 39)).toBe(170);
		expect(Math.floor((stack.va + stack.pages * K - K) / 2 ** 39)).toBe(255);
		for (const vpn of [text.startVpn, stack.startVpn + stack.pages - 1])
			if (p.pt.get(vpn) <= 0) expect(m.memory.anonFault(p, vpn, true)).toBeGreaterThanOrEqual(0);
		expect(p.pt.levels()).toEqual({pgd: 1, pud: 2, pmd: 2, pte: 2});
		// VmPTE: PUD + PMD + PTE pages, 6 × 4 KiB (the packed host layout would have had 3).
		expect(p.pgtablesBytes).toBe(6 * K);
		expect(checkInvariants(m)).toEqual([]);
	});

	it('a 1 GiB region 2 MiB aligned but not 1 GiB aligned spans two PMD pages', () => {
		// The cache lies at [0x7fffb7e00000, 0x7ffff7e00000): GiB slots 0x1fffe (at offset 0x37e00000 in it) and 0x1ffff.
		const map = PageTableMap.of([{startVpn: 0, vpn: 0x7fffb7e00, pages: 262144}]);
		expect(map.pmdSlots).toEqual([0x1fffe, 0x1ffff]);
		expect(map.pudSlots).toEqual([255]);
		// Host span 0 is in the first; span 0x40000000−0x37e00000 = 0x8200000 bytes in (65 spans) the second.
		expect(map.pmdOf(0)).toBe(0);
		expect(map.pmdOf(64)).toBe(0);
		expect(map.pmdOf(65)).toBe(1);
	});
});
