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
		expect(hdd.busyUntilUs).toBeCloseTo(8000 + 2 * page, 6);
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
});
