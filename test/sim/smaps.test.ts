// /proc/PID/smaps_rollup (fs/proc/task_mmu.c): Pss shares each page among its mappers, USS is what
// only the process maps, SwapPss shares swap entries (issue 11). Numbers worked by hand below.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {FRAME_ANON, FRAME_FILE, FRAME_SHMEM} from '../../source/sim/frames.js';
import {Machine} from '../../source/sim/machine.js';
import {PSS_SHIFT, SmapsWalk, smapsRollup, ussOf} from '../../source/sim/smaps.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {sumRollups} from '../../source/view/tree.js';
import {group, MIB, workload} from '../helpers/workload.js';

describe('smaps_account', () => {
	it('a page mapped once is private and whole; twice, shared and half', () => {
		const w = new SmapsWalk();
		w.account(FRAME_FILE, 1, false, true); // private clean, referenced
		w.account(FRAME_FILE, 2, true, false); // shared dirty
		w.account(FRAME_ANON, 1, true, false); // private dirty anon
		const r = w.rollup();
		// Pss = 4 + 4/2 + 4 = 10 kB; Rss 12 kB.
		expect(r).toMatchObject({Rss: 12, Pss: 10, Pss_File: 6, Pss_Anon: 4, Pss_Shmem: 0});
		expect(r).toMatchObject({Private_Clean: 4, Private_Dirty: 4, Shared_Clean: 0, Shared_Dirty: 4});
		expect(r).toMatchObject({Referenced: 4, Anonymous: 4});
		expect(ussOf(r)).toBe(8);
	});

	it('divides in fixed point and rounds down as the kernel prints it', () => {
		// Three pages each mapped by three processes: (4096 << 12) / 3 = 5592405 (rounded down) each,
		// 16777215 in all, >> 12 = 4095 bytes (not 4096): Pss 3 kB, not 4.
		const w = new SmapsWalk();
		for (let i = 0; i < 3; i++) w.account(FRAME_SHMEM, 3, false, false);
		expect(w.pssShmem).toBe(3 * Math.floor((4096 * 2 ** PSS_SHIFT) / 3));
		expect(w.pssShmem).toBe(16_777_215);
		expect(w.rollup()).toMatchObject({Rss: 12, Pss: 3, Pss_Shmem: 3, Shared_Clean: 12});
	});

	it('SwapPss divides a swap entry by the PTEs sharing its slot', () => {
		const w = new SmapsWalk();
		w.swapEntry(1);
		w.swapEntry(2);
		w.swapEntry(4);
		// 4 + 2 + 1 kB.
		expect(w.rollup()).toMatchObject({Swap: 12, SwapPss: 7});
	});

	it('a group line sums its members', () => {
		const a = new SmapsWalk();
		a.account(FRAME_ANON, 1, true, true);
		const b = new SmapsWalk();
		b.account(FRAME_FILE, 2, false, false);
		expect(sumRollups([a.rollup(), b.rollup()])).toMatchObject({
			Rss: 8,
			Pss: 6,
			Private_Dirty: 4,
			Shared_Clean: 4,
		});
	});
});

const LIB = 8 * MIB;
const user = (name: string, libPages: 'all' | 'half') =>
	group(name, {
		rate: 40_000,
		regions: [
			{name: 'libc', kind: 'file', size: libPages === 'all' ? LIB : LIB / 2, object: '/usr/lib/libc.so.6'},
			{name: 'heap', kind: 'anon', size: 4 * MIB},
		],
		streams: [
			{region: 'libc', pattern: 'sequential', weight: 0.5, write_ratio: 0},
			{region: 'heap', pattern: 'sequential', weight: 0.5, write_ratio: 1},
		],
	});

describe('smaps_rollup of a running machine', () => {
	it('two processes mapping one library: the shared half counts half in each, the rest whole', () => {
		// a maps all 2048 pages of libc, b the first 1024; both touch all of them and all of their
		// 1024-page heaps within a second (40000 refs/s, half to each region, sequential).
		const m = new Machine(workload([user('a', 'all'), user('b', 'half')], {ram: 512 * MIB}), {seed: 1});
		for (let t = 0; t < 300; t++) m.step();
		const snap = takeSnapshot(m);
		const [a, b] = [snap.processes.find((p) => p.name === 'a')!, snap.processes.find((p) => p.name === 'b')!];
		expect(a.file).toBe(2048);
		expect(b.file).toBe(1024);
		// a: 1024 shared pages at 2 kB + 1024 private at 4 kB = 6144 kB of libc; b: 1024 x 2 kB = 2048 kB.
		expect(a.smaps.Pss_File).toBe(6144);
		expect(b.smaps.Pss_File).toBe(2048);
		expect(a.smaps.Shared_Clean).toBe(4096);
		expect(b.smaps.Shared_Clean).toBe(4096);
		expect(a.smaps.Private_Clean).toBe(4096);
		// The heaps were written: private dirty anon, whole.
		expect(a.smaps.Pss_Anon).toBe(4096);
		expect(a.smaps.Private_Dirty).toBe(4096);
		// RSS counts the shared half in both (12 + 8 MiB), PSS once: 8 MiB of libc + two heaps.
		expect(a.smaps.Rss + b.smaps.Rss).toBe((3072 + 2048) * 4);
		expect(a.smaps.Pss + b.smaps.Pss).toBe((2048 + 2048) * 4);
		// USS: what exiting would free: a's private half of libc and its heap; b only its heap.
		expect(ussOf(a.smaps)).toBe((1024 + 1024) * 4);
		expect(ussOf(b.smaps)).toBe(1024 * 4);
	});

	it('property: Pss over all processes is the memory mapped, each page once (within rounding)', () => {
		fc.assert(
			fc.property(
				fc.integer({min: 1, max: 4}),
				fc.integer({min: 1, max: 3}),
				fc.integer({min: 50, max: 400}),
				fc.integer({min: 1, max: 1000}),
				(sharers, privates, ticks, seed) => {
					const procs = [
						...Array.from({length: sharers}, (_, i) => user(`s${i}`, i % 2 ? 'half' : 'all')),
						...Array.from({length: privates}, (_, i) =>
							group(`p${i}`, {regions: [{name: 'heap', kind: 'anon', size: 8 * MIB}]}),
						),
					];
					// Small RAM with swap: reclaim unmaps shared pages from all mappers and swaps anon.
					const m = new Machine(workload(procs, {ram: 48 * MIB, kernel: 8 * MIB}), {seed});
					for (let t = 0; t < ticks; t++) m.step();
					let pssFixed = 0;
					let rss = 0;
					let swapPss = 0;
					let swapEnts = 0;
					for (const p of m.procs) {
						if (!p || p.exited) continue;
						const w = smapsRollup(m.zone, m.files, p);
						pssFixed += w.pssAnon + w.pssFile + w.pssShmem;
						rss += w.resident;
						swapPss += w.swapPss;
						swapEnts += p.swapEnts;
						expect(w.resident).toBe(p.rss);
					}
					// Distinct mapped frames: the anon pages in page tables plus the file pages mapped.
					let anonMapped = 0;
					for (const p of m.procs) {
						if (!p || p.exited) continue;
						for (let v = 0; v < p.pt.covered; v++) {
							const e = p.pt.get(v);
							if (e > 0 && m.zone.frames.kind[e - 1] === FRAME_ANON) anonMapped++;
						}
					}
					const mapped = anonMapped + m.rmap.nrMapped;
					const exact = mapped * 4096 * 2 ** PSS_SHIFT;
					// Each page loses less than one fixed-point unit per mapper to rounding.
					expect(pssFixed).toBeLessThanOrEqual(exact);
					expect(exact - pssFixed).toBeLessThan(rss);
					// Nothing shares a swap slot yet: SwapPss is VmSwap.
					expect(swapPss).toBe(swapEnts * 4096 * 2 ** PSS_SHIFT);
				},
			),
			{numRuns: 12},
		);
	});
});
