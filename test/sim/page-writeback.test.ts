// Dirty limits, balance_dirty_pages and the flusher (mm/page-writeback.c, fs/fs-writeback.c;
// issue 10 rules 2 and 3). Every number below is worked by hand from the kernel's formulas.
import {describe, expect, it} from 'vitest';
import {FRAME_FILE, PG_DIRTY, PG_RECLAIM, PG_WRITEBACK} from '../../source/sim/frames.js';
import {NO_END} from '../../source/sim/lifecycle.js';
import {Machine} from '../../source/sim/machine.js';
import {mkPresent} from '../../source/sim/page-table.js';
import {KEPT} from '../../source/sim/policies/policy.js';
import type {MachineSpec} from '../../source/sim/spec.js';
import {restoreMachine, saveMachine, stateHash} from '../../source/sim/state-codec.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** 16 MiB, 4 MiB kernel (high watermark 164), two files; 600 frames made pages of file 0 off the LRU. */
function setup(machine: Partial<MachineSpec> = {}) {
	// 100,000 references/s (10 µs of think time a page) but no streams: it makes none by itself.
	const files = group('w', {
		rate: 100_000,
		regions: [
			{name: 'a', kind: 'file', size: 8 * MIB, object: 'a', access: 'read'},
			{name: 'b', kind: 'file', size: 8 * MIB, object: 'b', access: 'read'},
		],
		streams: [],
	});
	const m = new Machine(workload([], {ram: 16 * MIB, kernel: 4 * MIB, ...machine}), {seed: 1});
	const p = m.lifecycle.spawn(files, NO_END)!;
	// Past tick 0, which is also kupdate's periodic wake-up.
	m.step();
	const take = (obj: number, n: number) => {
		const out: number[] = [];
		for (let i = 0; i < n; i++) {
			const f = m.zone.rmqueue();
			m.zone.setKind(f, FRAME_FILE);
			m.zone.frames.owner[f] = obj;
			m.zone.frames.index[f] = i;
			m.files.files[obj]!.cache[i] = mkPresent(f);
			out.push(f);
		}
		return out;
	};
	const frames = take(0, 600);
	return {m, p, frames, take};
}

describe('domain_dirty_limits (rule 3)', () => {
	it('the machine: dirtyable = free 2472 − min(free, high 164) + file LRU 0 + 1 = 2309', () => {
		const {m} = setup();
		expect(m.zone.freePages).toBe(2472);
		// thresh = 819·2309/4096 = 461.7 → 461; bg = 409·2309/4096 = 230.6 → 230.
		expect(m.writeback.dirtyLimits()).toMatchObject({
			avail: 2309,
			thresh: 461,
			bg: 230,
			freerun: 345,
			setpoint: 403,
		});
	});

	it('with dirty_background_ratio >= dirty_ratio set by sysctl the machine halves it', () => {
		const {m} = setup();
		m.sysctl.dirty_background_ratio = 30;
		// bg = floor(30·4096/100 = 1228)·2309/4096 = 692 >= 461 → 461 / 2 = 230.
		expect(m.writeback.dirtyThresholds()).toEqual({bg: 230, thresh: 461});
	});
});

describe('balance_dirty_pages (rule 3)', () => {
	it('a writer past freerun pauses as an IO wait (throttled), never a memory stall', () => {
		const {m, p, frames} = setup();
		const pauses = frames.slice(0, 461).map((f) => m.writeback.dirtyFilePage(p, f));
		// freerun 345: the 345 first pages are free; the 346th (dirty 346) pauses.
		expect(pauses.slice(0, 345).every((x) => x === 0)).toBe(true);
		// dirty 346: x = (403 − 346)/(58 | 1 = 59); task_ratelimit = INIT_BW 25600 · (1 + x³) = 48686/s:
		// 20.54 µs a page, less the 10 µs the writer spends per page anyway.
		expect(pauses[345]).toBeCloseTo(1e6 / (25_600 * (1 + (57 / 59) ** 3)) - 10, 9);
		// dirty 461 = limit: max_pause.
		expect(pauses[460]).toBe(200_000);
		expect(m.writeback.nrDirty).toBe(461);
		expect(m.writeback.dirtyFilePage(p, frames[0]!)).toBe(0);
		const total = pauses.reduce((a, b) => a + b, 0);
		expect(p.tickThrottleUs).toBe(total);
		expect(p.tickIoUs).toBe(total);
		expect(p.tickMemUs).toBe(0);
	});
});

describe('writeback is a state (rule 2)', () => {
	it('pages stay PG_writeback until the HDD completes them: 231 written, 87 done 10 ms later, all by 20 ms', () => {
		const {m, p, frames} = setup({disk: 'hdd'});
		for (const f of frames.slice(0, 461)) m.writeback.dirtyFilePage(p, f);
		// Tick 1 (10 ms): background writeback down to bg 230: 231 pages queued, none done yet.
		m.step();
		expect(m.writeback.nrDirty).toBe(230);
		expect(m.writeback.nrWriteback).toBe(231);
		expect(m.vm.pgpgout).toBe(231 * 4);
		expect(frames.slice(0, 231).every((f) => m.zone.frames.flags[f]! & PG_WRITEBACK)).toBe(true);
		// One seek (8 ms) then 4096 / 180 MB/s = 22.76 µs a page, merged: page k completes at
		// 10 ms + 8 ms + k · 22.76 µs; by 20 ms, k ≤ 2000 / 22.76 = 87.9: 87 pages.
		expect(m.writeback.writebackWaitUs(10_000)).toBeCloseTo(8_000 + (32 * 4096) / 180, 6);
		m.step();
		expect(m.writeback.nrWriteback).toBe(231 - 87);
		// The last at 18 ms + 231 · 22.76 µs = 23.3 ms: done by the tick at 30 ms.
		m.step();
		expect(m.writeback.nrWriteback).toBe(0);
		expect(frames.some((f) => m.zone.frames.flags[f]! & PG_WRITEBACK)).toBe(false);
	});

	it('reclaim skips a page under writeback, marks it PG_reclaim, and counts it immediate when met again', () => {
		const {m, p, frames} = setup({disk: 'hdd'});
		for (const f of frames.slice(0, 461)) m.writeback.dirtyFilePage(p, f);
		m.step();
		const f = frames[0]!;
		expect(m.vmscan.pageout(f)).toBe(KEPT);
		expect(m.zone.frames.flags[f]! & PG_RECLAIM).toBeTruthy();
		expect(m.vmscan.writebackImmediate).toBe(0);
		expect(m.vmscan.pageout(f)).toBe(KEPT);
		expect(m.vmscan.writebackImmediate).toBe(1);
		// A dirty page is kept too, marked for the flusher.
		const d = frames[300]!;
		expect(m.zone.frames.flags[d]! & PG_DIRTY).toBeTruthy();
		expect(m.vmscan.pageout(d)).toBe(KEPT);
		expect(m.zone.frames.flags[d]! & PG_RECLAIM).toBeTruthy();
	});

	it('kupdate writes a whole inode once it has been dirty 30 s, pages dirtied later too', () => {
		const {m, p, frames, take} = setup();
		const b = take(1, 10);
		const stepTo = (tick: number) => {
			while (m.clock.tick < tick) m.step();
		};
		for (const f of frames.slice(0, 10)) m.writeback.dirtyFilePage(p, f);
		stepTo(1000);
		for (const f of b) m.writeback.dirtyFilePage(p, f);
		stepTo(2000);
		for (const f of frames.slice(10, 20)) m.writeback.dirtyFilePage(p, f);
		expect(m.writeback.inode(0)).toEqual({dirty: 20, dirtiedWhen: 1});
		expect(m.writeback.inode(1)).toEqual({dirty: 10, dirtiedWhen: 1000});
		// Below bg: nothing written at the 5 s wake-ups up to 30 s (inode 0 is 29.99 s dirty at 3000).
		stepTo(3001);
		expect(m.writeback.nrDirty + m.writeback.nrWriteback).toBe(30);
		expect(m.vm.pgpgout).toBe(0);
		// At 35 s inode 0 (dirty since tick 1) is expired: all 20 pages go, its 15 s old ones too;
		// inode 1 (dirty since 10 s) is not.
		stepTo(3501);
		expect(m.writeback.inode(0)).toEqual({dirty: 0, dirtiedWhen: -1});
		expect(m.writeback.inode(1).dirty).toBe(10);
		expect(m.vm.pgpgout).toBe(20 * 4);
		stepTo(4001);
		expect(m.writeback.nrDirty).toBe(0);
		expect(m.vm.pgpgout).toBe(30 * 4);
	});

	it('a full-page write(2) of an uncached page reads nothing; an mmap write fault reads first', () => {
		const w = (access: 'read' | 'mmap') =>
			workload([
				group('dd', {
					rate: 10_000,
					regions: [{name: 'out', kind: 'file', size: 64 * MIB, object: 'out', access}],
					streams: [{region: 'out', pattern: 'stream', weight: 1, write_ratio: 1}],
				}),
			]);
		const m = new Machine(w('read'), {seed: 1});
		for (let i = 0; i < 100; i++) m.step();
		expect(m.vm.pgpgin).toBe(0);
		expect(m.vm.pgmajfault).toBe(0);
		expect(m.writeback.nrDirty + m.writeback.nrWriteback).toBeGreaterThan(5_000);
		const mm = new Machine(w('mmap'), {seed: 1});
		for (let i = 0; i < 100; i++) mm.step();
		expect(mm.vm.pgpgin).toBeGreaterThan(0);
	});

	it('a state saved mid-writeback restores and continues bit for bit', () => {
		const w = workload(
			[
				group('dd', {
					rate: 100_000,
					regions: [{name: 'out', kind: 'file', size: 256 * MIB, object: 'out', access: 'read'}],
					streams: [{region: 'out', pattern: 'stream', weight: 1, write_ratio: 1}],
				}),
			],
			{disk: 'hdd'},
		);
		const m = new Machine(w, {seed: 2});
		for (let i = 0; i < 150; i++) m.step();
		expect(m.writeback.nrWriteback).toBeGreaterThan(0);
		const r = restoreMachine(w, saveMachine(m));
		for (let i = 0; i < 150; i++) {
			m.step();
			r.step();
		}
		expect(stateHash(r)).toBe(stateHash(m));
		expect(r.writeback.nrWriteback).toBe(m.writeback.nrWriteback);
	});
});
