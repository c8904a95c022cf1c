// fork(2) and copy-on-write (fork.ts, memory.ts wpFault, rmap.ts): dup_mmap shares every private anon
// page and swap entry; a write to a shared page copies it (wp_page_copy), the last user reuses it
// (wp_page_reuse); exit frees only what no one else maps; reclaim unmaps a shared page from all.
import {describe, expect, it} from 'vitest';
import {FORK_PTE_US} from '../../source/sim/costs.js';
import {PG_ANON_SHARED} from '../../source/sim/frames.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {mkPresent, presentFrame, swapEntrySlot} from '../../source/sim/page-table.js';
import {restoreMachine, saveMachine} from '../../source/sim/state-codec.js';
import {runChecked} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** One process that touches its 4 MiB heap (1024 pages) in its first 0.2 s, then sleeps. */
function parentMachine(swap = false): Machine {
	const w = workload(
		[
			group('redis', {
				rate: 10_240,
				burst: {on: 0.2, off: 100},
				regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}],
				streams: [{region: 'heap', pattern: 'sequential', weight: 1}],
			}),
		],
		{ram: 64 * MIB, ...(swap ? {swap: {size: 64 * MIB, device: 'ssd' as const}} : {})},
	);
	const m = new Machine(w, {seed: 1});
	runChecked(m, 30);
	return m;
}

const ok = (m: Machine): void => expect(checkInvariants(m)).toEqual([]);

/** Reclaim's swap-out of a page by hand: a slot on the device, every mapper's PTE to it, the frame freed. */
function swapOutShared(m: Machine, f: number): number {
	const slot = m.swapfile.area!.alloc();
	m.swapfile.area!.state[slot] = 1;
	m.rmap.unmapToSlot(f, slot);
	m.lruvec.policy.removed(f);
	m.zone.freePage(f);
	return slot;
}

describe('fork', () => {
	it('dup_mmap shares every present anon page: both map it, mapcount 2, write-protected; the copy costs the parent 0.05 µs a PTE', () => {
		const m = parentMachine();
		const parent = m.liveProcs()[0]!;
		expect(parent.rssAnon).toBe(1024);
		const framesBefore = m.zone.frames.kind.filter((k) => k === 1).length;
		// What the parent still owes of its last tick's work (its faults overran it), before the fork.
		const owed = parent.debtCpuUs;
		const r = m.fork.fork(parent, {name: 'bgsave', streams: [], lifetime: 5});
		const child = r.child!;
		// 1024 PTEs copied: 1024 × 0.05 µs = 51.2 µs of the parent's time.
		expect(r.copied).toBe(1024);
		expect(parent.debtCpuUs - owed).toBeCloseTo(1024 * FORK_PTE_US, 9);
		expect(r.line).toBe('fork 100 (redis): child 101 (bgsave), 1,024 PTEs copied in 0.1 ms');
		expect(child.ppid).toBe(100);
		expect(child.anonVma).toBe(parent.anonVma);
		expect(child.rssAnon).toBe(1024);
		// No page was copied: the anon frames are the same 1024.
		expect(m.zone.frames.kind.filter((k) => k === 1).length).toBe(framesBefore);
		const e = parent.pt.get(5);
		expect(child.pt.get(5)).toBe(e);
		const f = presentFrame(e);
		expect(m.rmap.anonMappers(f)).toBe(2);
		expect(m.zone.frames.flags[f]! & PG_ANON_SHARED).toBeTruthy();
		// The child has its own page tables: PGD, PUD, PMD and two PTE pages (4 MiB = two 2 MiB spans).
		expect(child.pt.levels()).toEqual({pgd: 1, pud: 1, pmd: 1, pte: 2});
		ok(m);
	});

	it('a write to a shared page copies it (wp_page_copy); the last user then reuses its page (wp_page_reuse)', () => {
		const m = parentMachine();
		const parent = m.liveProcs()[0]!;
		const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
		const old = presentFrame(parent.pt.get(7));
		const minflt = child.minflt;
		// The child writes page 7: a new page for it; the old one is the parent's alone (mapcount 1).
		const cost = m.memory.wpFault(child, 7, old);
		expect(cost).toBe(1);
		const copy = presentFrame(child.pt.get(7));
		expect(copy).not.toBe(old);
		expect(child.cowFaults).toBe(1);
		expect(child.minflt).toBe(minflt + 1);
		expect(m.rmap.anonMappers(old)).toBe(1);
		expect(m.zone.frames.owner[old]).toBe(parent.slot);
		expect(m.zone.frames.flags[copy]! & PG_ANON_SHARED).toBe(0);
		ok(m);
		// The parent writes it next: it is the last user, so the page is reused, no copy.
		const frames = m.zone.frames.kind.filter((k) => k === 1).length;
		expect(m.memory.wpFault(parent, 7, old)).toBe(0.5);
		expect(parent.pt.get(7)).toBe(mkPresent(old));
		expect(parent.cowFaults).toBe(0);
		expect(m.zone.frames.flags[old]! & PG_ANON_SHARED).toBe(0);
		expect(m.zone.frames.kind.filter((k) => k === 1).length).toBe(frames);
		ok(m);
	});

	it('the owner exiting leaves shared pages to the child; the child exiting then frees them', () => {
		const m = parentMachine();
		const parent = m.liveProcs()[0]!;
		const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
		const free = m.zone.freePages;
		const f = presentFrame(parent.pt.get(3));
		m.lifecycle.exit(parent, 'killed');
		ok(m);
		// Only the parent's page tables went (PGD, PUD, PMD, 2 PTE pages = 5 pages); its data stayed.
		expect(m.zone.freePages).toBe(free + 5);
		expect(m.zone.frames.owner[f]).toBe(child.slot);
		expect(m.rmap.anonMappers(f)).toBe(1);
		m.lifecycle.exit(child, 'killed');
		ok(m);
		expect(m.zone.freePages).toBe(free + 5 + 1024 + 5);
	});

	it('reclaim unmaps a shared page from both (rmap_walk_anon): one slot with two references, freed with the last', () => {
		const m = parentMachine(true);
		const parent = m.liveProcs()[0]!;
		const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
		const slot = swapOutShared(m, presentFrame(parent.pt.get(9)));
		ok(m);
		expect(swapEntrySlot(parent.pt.get(9))).toBe(slot);
		expect(child.pt.get(9)).toBe(parent.pt.get(9));
		expect([parent.swapEnts, child.swapEnts]).toEqual([1, 1]);
		expect(m.swapfile.area!.extraRefs(slot)).toBe(1);
		// The parent exits: one reference goes, the slot stays the child's.
		m.lifecycle.exit(parent, 'killed');
		ok(m);
		expect(m.swapfile.area!.state[slot]).toBe(1);
		expect(m.swapfile.area!.extraRefs(slot)).toBe(0);
		m.lifecycle.exit(child, 'killed');
		ok(m);
		expect(m.swapfile.area!.state[slot]).toBe(0);
	});

	it('a shared swap entry read by one process is found in the swap cache by the other (a minor fault)', () => {
		const m = parentMachine(true);
		const parent = m.liveProcs()[0]!;
		const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
		const slot = swapOutShared(m, presentFrame(parent.pt.get(9)));
		const major = parent.majflt;
		m.memory.anonFault(parent, 9, false);
		expect(parent.majflt).toBe(major + 1);
		const page = presentFrame(parent.pt.get(9));
		expect(m.rmap.swapCachePage(child, 9, slot)).toBe(page);
		ok(m);
		const childMajor = child.majflt;
		expect(m.memory.anonFault(child, 9, false)).toBe(0.5);
		expect(child.majflt).toBe(childMajor);
		expect(child.pt.get(9)).toBe(mkPresent(page));
		expect(m.rmap.anonMappers(page)).toBe(2);
		ok(m);
	});

	it('a forked machine saves and loads bit for bit', () => {
		const m = parentMachine(true);
		const parent = m.liveProcs()[0]!;
		m.fork.fork(parent, {
			name: 'worker',
			streams: [{region: 'heap', pattern: 'random', weight: 1, write_ratio: 0.5}],
		});
		for (let t = 0; t < 50; t++) m.step();
		ok(m);
		const bytes = saveMachine(m);
		const n = restoreMachine(m.workload, bytes);
		expect(saveMachine(n)).toEqual(bytes);
		for (let t = 0; t < 20; t++) {
			m.step();
			n.step();
		}
		ok(n);
		expect(saveMachine(n)).toEqual(saveMachine(m));
	});
});

describe('fork and the memory controller (mem_cgroup_charge on fork, COW and exit)', () => {
	// redis in /svc: 1024 data pages + 5 page-table pages charged (GFP_PGTABLE_USER is __GFP_ACCOUNT).
	function cgroupMachine(): Machine {
		const w = {
			...workload(
				[
					group('redis', {
						rate: 10_240,
						burst: {on: 0.2, off: 100},
						cgroup: '/svc',
						regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}],
						streams: [{region: 'heap', pattern: 'sequential', weight: 1}],
					}),
				],
				{ram: 64 * MIB},
			),
			cgroups: {'/svc': {}},
		};
		const m = new Machine(w, {seed: 1});
		runChecked(m, 30);
		return m;
	}
	const current = (m: Machine): number => m.memcg.usage[m.memcg.idOf('/svc')]!;

	it('the child is in its parent cgroup; shared pages stay charged once, COW copies are charged, exits uncharge what they free', () => {
		const m = cgroupMachine();
		const parent = m.liveProcs()[0]!;
		const before = current(m);
		const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
		expect(m.memcg.memcgOfProc(child)).toBe(m.memcg.idOf('/svc'));
		// Only the child's own page tables are new: PGD, PUD, PMD and 2 PTE pages = 5 pages.
		expect(current(m) - before).toBe(5);
		// Three COW copies: 3 more pages charged to /svc (the writer's memcg).
		for (const v of [1, 2, 3]) m.memory.wpFault(child, v, presentFrame(child.pt.get(v)));
		expect(current(m) - before).toBe(8);
		ok(m);
		// The parent exits: its 3 old pages (only it mapped them) and its 5 table pages are uncharged;
		// the 1021 pages it shared stay charged, now mapped by the child alone.
		m.lifecycle.exit(parent, 'killed');
		expect(current(m) - before).toBe(8 - 3 - 5);
		ok(m);
		m.lifecycle.exit(child, 'killed');
		expect(current(m)).toBe(0);
		ok(m);
	});
});
