// execve(2) (exec.ts, lifecycle.ts exitMmap): the old mm is dropped, freeing only the anon pages no
// one else maps; the task keeps its pid and slot and gets the new image's regions, untouched. After
// fork + exec the parent's pages are its own again: its writes reuse them (wp_page_reuse), no copy.
import {describe, expect, it} from 'vitest';
import {MINOR_FAULT_CACHED_US} from '../../source/sim/costs.js';
import {FRAME_ANON, PG_ANON_SHARED} from '../../source/sim/frames.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {OVERCOMMIT_NEVER} from '../../source/sim/overcommit.js';
import {presentFrame, swapEntrySlot} from '../../source/sim/page-table.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {ExecImage} from '../../source/sim/spec.js';
import {restoreMachine, saveMachine} from '../../source/sim/state-codec.js';
import {runChecked} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** redis (pid 100) touches its 4 MiB heap (1024 pages) in its first 0.2 s, then sleeps. */
function parentMachine(swap = false): Machine {
	const w = workload(
		[
			group('redis', {
				rate: 10_240,
				burst: {on: 0.2, off: 100},
				oom_score_adj: 300,
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

/** A small program: 1 MiB of anon memory it has not touched yet (rate 0: it makes no references). */
const SH: ExecImage = {
	name: 'sh',
	rate: 0,
	regions: [{name: 'heap', kind: 'anon', size: MIB, locked: false}],
	streams: [],
	compressibility: 0.5,
};

const ok = (m: Machine): void => expect(checkInvariants(m)).toEqual([]);
const anonFrames = (m: Machine): number => m.zone.frames.kind.filter((k) => k === FRAME_ANON).length;
const smaps = (m: Machine, pid: number) => takeSnapshot(m).processes.find((p) => p.pid === pid)!.smaps;

describe('exec', () => {
	it('fork + exec: the child gives every shared page back; RSS and PSS by hand', () => {
		const m = parentMachine();
		const parent = m.procByPid(100)!;
		const child = m.fork.fork(parent, {name: 'child', streams: [], lifetime: 5}).child!;
		// Shared by two: each RSS 1024 pages = 4096 kB, each PSS half of it, 2048 kB.
		expect(smaps(m, 100)).toMatchObject({Rss: 4096, Pss: 2048});
		expect(smaps(m, 101)).toMatchObject({Rss: 4096, Pss: 2048});
		const free = m.zone.freePages;
		const frames = anonFrames(m);
		const r = m.exec.exec(child, SH);
		ok(m);
		// No anon page was freed (the parent maps all 1024), only the child's five page-table pages
		// (PGD, PUD, PMD and two PTE pages for its 4 MiB).
		expect([r.freed, r.kept]).toEqual([0, 1024]);
		expect(r.line).toBe(
			'exec 101 (child) → sh: old mm freed 0 anon pages, 1,024 left to the processes still sharing them',
		);
		expect(m.zone.freePages).toBe(free + 5);
		expect(anonFrames(m)).toBe(frames);
		const sh = r.proc!;
		expect(m.procByPid(101)).toBe(sh);
		expect(sh.name).toBe('sh');
		expect([sh.rss, sh.pt.pages, sh.committed]).toEqual([0, 0, 256]);
		// Every page is the parent's alone again: mapcount 1, PSS = RSS = 4096 kB; the child 0.
		const f = presentFrame(parent.pt.get(7));
		expect(m.rmap.anonMappers(f)).toBe(1);
		expect(smaps(m, 100)).toMatchObject({Rss: 4096, Pss: 4096, Private_Clean: 0});
		expect(smaps(m, 101)).toMatchObject({Rss: 0, Pss: 0});
	});

	it('after fork + exec the parent rewrites every page with zero COW copies (wp_page_reuse); without exec it copies 1024', () => {
		for (const execs of [true, false]) {
			const m = parentMachine();
			const parent = m.procByPid(100)!;
			const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
			if (execs) m.exec.exec(child, SH);
			const frames = anonFrames(m);
			const heap = parent.regions[0]!;
			let us = 0;
			for (let v = heap.startVpn; v < heap.startVpn + 1024; v++)
				us += m.memory.wpFault(parent, v, presentFrame(parent.pt.get(v)));
			ok(m);
			if (execs) {
				// 1024 write faults, each a reuse: 1024 × 0.5 µs, no page allocated, none shared.
				expect(parent.cowFaults).toBe(0);
				expect(us).toBe(1024 * MINOR_FAULT_CACHED_US);
				expect(anonFrames(m)).toBe(frames);
				expect(m.zone.frames.flags[presentFrame(parent.pt.get(7))]! & PG_ANON_SHARED).toBe(0);
			} else {
				// The child still maps them: each write takes a copy, 1024 new anon pages.
				expect(parent.cowFaults).toBe(1024);
				expect(anonFrames(m)).toBe(frames + 1024);
			}
		}
	});

	it('the task stays: pid, slot, parent, oom_score_adj, fault counters; a new anon_vma family', () => {
		const m = parentMachine();
		const parent = m.procByPid(100)!;
		const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
		child.minflt = 7;
		child.oomScoreAdj = -200;
		const sh = m.exec.exec(child, SH).proc!;
		expect([sh.pid, sh.slot, sh.ppid, sh.oomScoreAdj, sh.minflt]).toEqual([101, child.slot, 100, -200, 7]);
		expect(sh.anonVma).toBe(-101);
		expect(sh.anonVma).not.toBe(parent.anonVma);
		expect(child.exited).toBe(true);
		// Its lifetime is the image's: none, so the snapshot child's 5 s end is gone.
		expect(sh.endTick).toBe(-1);
		runChecked(m, 600);
		expect(m.procByPid(101)).toBe(sh);
	});

	it('a process no one shares with frees its whole mm: 1024 anon pages and 5 table pages', () => {
		const m = parentMachine();
		const free = m.zone.freePages;
		const r = m.exec.exec(m.procByPid(100)!, undefined);
		ok(m);
		expect([r.freed, r.kept]).toEqual([1024, 0]);
		expect(r.line).toBe('exec 100 (redis) → redis: old mm freed 1,024 anon pages');
		expect(m.zone.freePages).toBe(free + 1024 + 5);
		// The same program again (no image): its regions afresh, untouched; it faults them in anew.
		const p = r.proc!;
		expect(p.regions.map((x) => [x.name, x.pages])).toEqual([['heap', 1024]]);
		expect(p.rss).toBe(0);
	});

	it('the parent execs while the child maps its pages: they stay, owned by the child', () => {
		const m = parentMachine();
		const parent = m.procByPid(100)!;
		const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
		const f = presentFrame(parent.pt.get(3));
		const r = m.exec.exec(parent, SH);
		ok(m);
		expect([r.freed, r.kept]).toEqual([0, 1024]);
		expect(m.zone.frames.owner[f]).toBe(child.slot);
		expect(m.rmap.anonMappers(f)).toBe(1);
		// The child's write now reuses the page: it is the last mapper.
		m.memory.wpFault(child, 3, f);
		expect(child.cowFaults).toBe(0);
		ok(m);
	});

	it('a swap entry shared with the parent loses one reference; an unshared one is freed', () => {
		const m = parentMachine(true);
		const parent = m.procByPid(100)!;
		// Reclaim's swap-out of page 9 by hand, before the fork: one slot, one reference.
		const f = presentFrame(parent.pt.get(9));
		const slot = m.swapfile.area!.alloc();
		m.swapfile.area!.state[slot] = 1;
		m.rmap.unmapToSlot(f, slot);
		m.lruvec.policy.removed(f);
		m.zone.freePage(f);
		const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
		expect(m.swapfile.area!.extraRefs(slot)).toBe(1);
		const r = m.exec.exec(child, SH);
		ok(m);
		expect(r.line).toBe(
			'exec 101 (redis) → sh: old mm freed 0 anon pages, 1,023 left to the processes still sharing them, 1 swap entries released',
		);
		expect([m.swapfile.area!.state[slot], m.swapfile.area!.extraRefs(slot)]).toEqual([1, 0]);
		expect(swapEntrySlot(parent.pt.get(9))).toBe(slot);
		// The parent execs too: the last reference goes, the slot is free.
		m.exec.exec(parent, SH);
		ok(m);
		expect(m.swapfile.area!.state[slot]).toBe(0);
	});

	it('bad input from commands: a pid not running, a dying one, a stream over a region the image lacks', () => {
		const m = parentMachine();
		m.apply({kind: 'exec', pid: 999});
		m.procByPid(100)!.dying = true;
		m.apply({kind: 'exec', pid: 100});
		m.procByPid(100)!.dying = false;
		m.apply({
			kind: 'exec',
			pid: 100,
			image: {...SH, streams: [{region: 'data', pattern: 'random', weight: 1}]},
		});
		const lines = m
			.drainEvents()
			.flatMap((e) => (e.kind === 'command' && e.command.kind === 'exec' ? [e.summary] : []));
		expect(lines).toEqual([
			'exec 999: no such process',
			'exec 100 (redis): no such process',
			'exec 100 (redis): the image has no region data',
		]);
		expect(m.procByPid(100)!.rss).toBe(1024);
	});

	it('overcommit_memory 2 refuses the new image past the point of no return: the task dies (ENOMEM)', () => {
		const m = parentMachine();
		m.apply({kind: 'set-sysctl', name: 'overcommit_memory', value: OVERCOMMIT_NEVER});
		m.drainEvents();
		// CommitLimit = 16384 pages of RAM × 50 % + 65536 of swap = 73728; a 512 MiB heap is 131072 pages.
		const big: ExecImage = {...SH, name: 'big', regions: [{name: 'heap', kind: 'anon', size: 512 * MIB}]};
		const r = m.exec.exec(m.procByPid(100)!, big);
		ok(m);
		expect(r.proc).toBeNull();
		expect(r.line).toMatch(
			/^exec 100 \(redis\) → big: mmap heap: Committed_AS 0 \+ 131072 pages >= CommitLimit 73728 less reserves = \d+ \(overcommit_memory=2\); the process dies$/,
		);
		expect(m.procByPid(100)).toBeUndefined();
		const kinds = m.drainEvents().map((e) => (e.kind === 'process-exit' ? `exit ${e.reason}` : e.kind));
		expect(kinds).toEqual(['alloc-fail', 'exit enomem']);
	});

	it('an exec machine saves and loads bit for bit, and goes on the same', () => {
		const m = parentMachine(true);
		const parent = m.procByPid(100)!;
		const child = m.fork.fork(parent, {streams: [], lifetime: 5}).child!;
		m.exec.exec(child, {
			...SH,
			rate: 5000,
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
		expect(n.procByPid(101)!.name).toBe('sh');
	});
});
