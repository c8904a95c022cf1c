// Devices (issue 10 rule 4): a random 4 KiB latency, a sequential bandwidth, a queue depth; requests
// that continue the previous one are merged and pay no seek.
import {describe, expect, it} from 'vitest';
import {BlockDevice} from '../../source/sim/block-device.js';
import {DEVICE_PROFILES} from '../../source/sim/costs.js';

describe('block device', () => {
	it('HDD: a random read waits for the seek and the transfer; a continuing read only for its transfer', () => {
		const hdd = new BlockDevice(DEVICE_PROFILES.hdd);
		const page = 4096 / 180; // 22.76 µs at 180 MB/s
		expect(hdd.read(0, 1)).toBeCloseTo(8000 + page, 6);
		// Issued at once behind it: queued 8022.76, then one page, no seek.
		expect(hdd.read(0, 1, false)).toBeCloseTo(8000 + 2 * page, 6);
		expect(hdd.queuedAt(0)).toBeCloseTo(8000 + 2 * page, 6);
	});

	it('HDD: 32 consecutive writes are one seek and 32 transfers (merged): 8 ms + 728 µs', () => {
		const hdd = new BlockDevice(DEVICE_PROFILES.hdd);
		let done = 0;
		for (let i = 0; i < 32; i++) done = hdd.write(0, 1, i === 0);
		expect(done).toBeCloseTo(8000 + (32 * 4096) / 180, 6);
		// Unmerged, each would seek: 32 × 8022.76.
		const scattered = new BlockDevice(DEVICE_PROFILES.hdd);
		for (let i = 0; i < 32; i++) done = scattered.write(0, 1, true);
		expect(done).toBeCloseTo(32 * (8000 + 4096 / 180), 6);
	});

	it('NVMe overlaps 256 requests: 64 random reads at once, the last waits 63 × 1.83 + 51.6 µs', () => {
		const nvme = new BlockDevice(DEVICE_PROFILES.nvme);
		// Each occupies 4096/2500 = 1.6384 µs of bandwidth + 50/256 = 0.1953 µs of its latency.
		const occupy = 4096 / 2500 + 50 / 256;
		let wait = 0;
		for (let i = 0; i < 64; i++) wait = nvme.read(0, 1);
		expect(wait).toBeCloseTo(63 * occupy + 4096 / 2500 + 50, 6);
		expect(wait).toBeLessThan(170);
	});

	it('sequential bandwidth: a 32-page read on each kind transfers at the sequential rate', () => {
		// wait = latency + 32 × 4096 / bandwidth: HDD 8000 + 728.2; SSD 120 + 262.1; NVMe 50 + 52.4.
		expect(new BlockDevice(DEVICE_PROFILES.hdd).read(0, 32)).toBeCloseTo(8000 + (32 * 4096) / 180, 6);
		expect(new BlockDevice(DEVICE_PROFILES.ssd).read(0, 32)).toBeCloseTo(120 + (32 * 4096) / 500, 6);
		expect(new BlockDevice(DEVICE_PROFILES.nvme).read(0, 32)).toBeCloseTo(50 + (32 * 4096) / 2500, 6);
	});

	it('a request waits for work issued before it in simulated time, not for work simulated before it', () => {
		// Processes run one after another in a tick, each from the tick's start: the second process's read
		// at 1 ms is simulated after the first's at 8 ms, but the SSD serves it first.
		const ssd = new BlockDevice(DEVICE_PROFILES.ssd);
		ssd.beginTick(0);
		const page = 4096 / 500; // 8.192 µs
		expect(ssd.read(8000, 1)).toBeCloseTo(120 + page, 6);
		expect(ssd.read(1000, 1)).toBeCloseTo(120 + page, 6);
		// A read issued 2 µs after the one at 1 ms finds what is left of its 8.192 + 120/32 µs of device time.
		expect(ssd.read(1002, 1)).toBeCloseTo(page + 3.75 - 2 + 120 + page, 6);
	});

	it('HDD: a tick asked for more than it can do leaves a backlog the next tick waits for', () => {
		const hdd = new BlockDevice(DEVICE_PROFILES.hdd);
		const seek = 8000 + 4096 / 180; // 8022.76 µs of device time each
		hdd.beginTick(0);
		// Three processes fault at the tick's start: 24.07 ms of work in a 10 ms tick.
		for (let i = 0; i < 3; i++) hdd.read(0, 1);
		hdd.beginTick(10_000);
		expect(hdd.queuedAt(10_000)).toBeCloseTo(3 * seek - 10_000, 6);
		// A read at 12 ms waits for what is left of it: 14.07 − 2 ms, then its own seek and transfer.
		expect(hdd.read(12_000, 1)).toBeCloseTo(3 * seek - 12_000 + seek, 6);
		// The queue is a state between ticks: saved and loaded, the next tick finds the same backlog.
		const copy = new BlockDevice(DEVICE_PROFILES.hdd);
		copy.load(hdd.save(20_000), 20_000);
		hdd.beginTick(20_000);
		copy.beginTick(20_000);
		expect(copy.queuedAt(20_000)).toBe(hdd.queuedAt(20_000));
		expect(copy.queuedAt(20_000)).toBeCloseTo(4 * seek - 20_000, 6);
	});

	it('congestion: reclaim backs off once 100 ms of writes are queued, and the wait is what exceeds it', () => {
		const hdd = new BlockDevice(DEVICE_PROFILES.hdd);
		hdd.beginTick(0);
		for (let i = 0; i < 13; i++) hdd.write(0, 1, true); // 13 × 8022.76 = 104.3 ms
		expect(hdd.congested(0)).toBe(true);
		expect(hdd.congestionWait(0)).toBeCloseTo(13 * (8000 + 4096 / 180) - 100_000, 6);
		// 4.3 ms later the queue is back under the mark.
		expect(hdd.congested(4400)).toBe(false);
	});
});
