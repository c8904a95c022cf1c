// Dirty limits and balance_dirty_pages (mm/page-writeback.c; reference doc §4): over dirtyable
// memory (free + file LRU − high), bg = 10 % and thresh = 20 %; past the setpoint (bg + thresh) / 2
// a writer pauses up to 200 ms per 32-page batch, quadratically toward thresh; the flusher writes
// back past bg.
import {describe, expect, it} from 'vitest';
import {FRAME_FILE} from '../../source/sim/frames.js';
import {NO_END} from '../../source/sim/lifecycle.js';
import {Machine} from '../../source/sim/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** 16 MiB, 4 MiB kernel (high watermark 164), with 600 frames made file pages off the LRU. */
function setup() {
	const m = new Machine(workload([], {ram: 16 * MIB, kernel: 4 * MIB}), {seed: 1});
	const p = m.lifecycle.spawn(group('w', {rate: 0, streams: []}), NO_END)!;
	// Past tick 0, which is also the flusher's periodic wake-up (every 5 s writes all expired data).
	m.step();
	const frames: number[] = [];
	for (let i = 0; i < 600; i++) {
		const f = m.zone.rmqueue();
		m.zone.setKind(f, FRAME_FILE);
		frames.push(f);
	}
	return {m, p, frames};
}

describe('dirty limits', () => {
	it('dirtyable = free 2472 − high 164 = 2308: bg 230, thresh 461', () => {
		const {m} = setup();
		expect(m.zone.freePages).toBe(2472);
		expect(m.writeback.dirtyThresholds()).toEqual({bg: 230, thresh: 461});
	});

	it('no pause up to the setpoint 345.5; at thresh the full 200 ms / 32 = 6250 µs', () => {
		const {m, p, frames} = setup();
		const pauses = frames.slice(0, 461).map((f) => m.writeback.dirtyFilePage(p, f));
		expect(pauses.slice(0, 345).every((x) => x === 0)).toBe(true);
		// 346 dirty: over = 0.5 / 115.5; pause = 200000 · over² / 32.
		expect(pauses[345]).toBeCloseTo((200_000 * (0.5 / 115.5) ** 2) / 32, 9);
		expect(pauses[460]).toBe(6250);
		expect(m.writeback.nrDirty).toBe(461);
		// Dirtying a dirty page is free.
		expect(m.writeback.dirtyFilePage(p, frames[0]!)).toBe(0);
		expect(p.tickThrottleUs).toBe(pauses.reduce((a, b) => a + b, 0));
	});

	it('the flusher writes back until dirty is at bg', () => {
		const {m, p, frames} = setup();
		for (const f of frames.slice(0, 461)) m.writeback.dirtyFilePage(p, f);
		m.writeback.runFlusher();
		expect(m.writeback.nrDirty).toBe(230);
		expect(m.vm.pgpgout).toBe((461 - 230) * 4);
	});
});
