// The balloon (balloon.ts): inflating takes at most 640 pages a tick with __GFP_NORETRY, never past
// the high watermark of what the kernel does not keep; the pages leave MemTotal; deflating is at once.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {MIB, workload} from '../helpers/workload.js';

describe('balloon', () => {
	it('inflates 640 pages a tick to its target, and gives pages back at once', () => {
		// 16 MiB, 4 MiB kernel: 3072 managed pages, high watermark 164.
		const m = new Machine(workload([], {ram: 16 * MIB, kernel: 4 * MIB}), {seed: 1});
		m.apply({kind: 'balloon', bytes: 4 * MIB}); // 1024 pages
		m.step();
		expect(m.zone.balloonPages).toBe(640);
		m.step();
		expect(m.zone.balloonPages).toBe(1024);
		expect(takeSnapshot(m).meminfo.MemTotal).toBe((4096 - 1024) * 4);
		m.apply({kind: 'balloon', bytes: -2 * MIB});
		expect(m.zone.balloonPages).toBe(512);
		expect(m.balloon.target).toBe(512);
	});

	it('never takes more than RAM − kernel − high: 4096 − 1024 − 164 = 2908 pages', () => {
		const m = new Machine(workload([], {ram: 16 * MIB, kernel: 4 * MIB}), {seed: 1});
		m.apply({kind: 'balloon', bytes: 64 * MIB});
		expect(m.balloon.target).toBe(2908);
	});
});
