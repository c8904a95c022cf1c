// Zone watermarks (reference doc §1): min_free_kbytes = clamp(int_sqrt(lowmem_kbytes·16), 128, 262144);
// min = min_free_kbytes / 4 pages; gap = max(min/4, managed·watermark_scale_factor/10000);
// low = min + gap; high = min + 2·gap. All integer maths, as mm/page_alloc.c does it.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {GIB, PAGE_SIZE} from '../../source/sim/units.js';
import {computeWatermarks, defaultMinFreeKbytes} from '../../source/sim/watermarks.js';
import {group, MIB, workload} from '../helpers/workload.js';

const pages = (bytes: number): number => bytes / PAGE_SIZE;

describe('defaultMinFreeKbytes (calculate_min_free_kbytes)', () => {
	it('1 GiB: int_sqrt(1048576 kB · 16) = int_sqrt(16777216) = 4096 kB', () => {
		expect(defaultMinFreeKbytes(pages(GIB))).toBe(4096);
	});

	it('4 GiB: int_sqrt(4194304 kB · 16) = int_sqrt(67108864) = 8192 kB', () => {
		expect(defaultMinFreeKbytes(pages(4 * GIB))).toBe(8192);
	});

	it('16 GiB: int_sqrt(16777216 kB · 16) = int_sqrt(268435456) = 16384 kB (the doc example)', () => {
		expect(defaultMinFreeKbytes(pages(16 * GIB))).toBe(16384);
	});

	it('rounds the square root down (int_sqrt), not to nearest', () => {
		// 12288 pages = 49152 kB; 49152·16 = 786432; sqrt = 886.81… → 886.
		expect(defaultMinFreeKbytes(12288)).toBe(886);
		// 100 MiB = 102400 kB; ·16 = 1638400; sqrt = 1280 exactly.
		expect(defaultMinFreeKbytes(pages(100 * MIB))).toBe(1280);
	});

	it('clamps to at least 128 kB', () => {
		// 1 MiB = 1024 kB; ·16 = 16384; sqrt = 128: exactly the floor.
		expect(defaultMinFreeKbytes(pages(MIB))).toBe(128);
		// 256 KiB = 64 pages: 256·16 = 4096; sqrt = 64 → clamped up to 128.
		expect(defaultMinFreeKbytes(64)).toBe(128);
		// 4 pages = 16 kB: 16·16 = 256; sqrt = 16 → 128.
		expect(defaultMinFreeKbytes(4)).toBe(128);
	});

	it('clamps to at most 262144 kB (256 MiB)', () => {
		// 4 TiB = 2^32 kB; ·16 = 2^36; sqrt = 2^18 = 262144: exactly the ceiling.
		expect(defaultMinFreeKbytes(pages(4096 * GIB))).toBe(262_144);
		// 16 TiB = 2^34 kB; ·16 = 2^38; sqrt = 2^19 = 524288 → clamped to 262144.
		expect(defaultMinFreeKbytes(pages(16384 * GIB))).toBe(262_144);
		// 1 TiB = 2^30 kB; ·16 = 2^34; sqrt = 2^17 = 131072: still under the ceiling.
		expect(defaultMinFreeKbytes(pages(1024 * GIB))).toBe(131_072);
	});
});

describe('computeWatermarks (__setup_per_zone_wmarks, one zone)', () => {
	it('16 GiB, default min_free_kbytes and scale factor 10: min 4096, low 8290, high 12484 pages', () => {
		// managed = 16 GiB / 4 KiB = 4194304 pages; min = 16384 kB / 4 = 4096 pages.
		// gap = max(4096/4 = 1024, 4194304·10/10000 = 4194.304 → 4194) = 4194.
		// low = 4096 + 4194 = 8290; high = 4096 + 2·4194 = 12484 (≈ 48.8 MiB).
		expect(computeWatermarks(4_194_304, 16_384, 10)).toEqual({min: 4096, low: 8290, high: 12_484});
	});

	it('4 GiB: min 2048, low 3096, high 4144', () => {
		// managed = 1048576; min = 8192/4 = 2048; gap = max(512, 1048576·10/10000 = 1048.576 → 1048) = 1048.
		expect(computeWatermarks(1_048_576, 8192, 10)).toEqual({min: 2048, low: 3096, high: 4144});
	});

	it('1 GiB: min 1024, low 1286, high 1548', () => {
		// managed = 262144; min = 4096/4 = 1024; gap = max(256, 262144·10/10000 = 262.144 → 262) = 262.
		expect(computeWatermarks(262_144, 4096, 10)).toEqual({min: 1024, low: 1286, high: 1548});
	});

	it('a user min_free_kbytes wins (THP-style 67584 kB on 16 GiB)', () => {
		// min = 67584/4 = 16896; gap = max(16896/4 = 4224, 4194) = 4224 — here min/4 is the larger.
		// low = 16896 + 4224 = 21120; high = 16896 + 8448 = 25344.
		expect(computeWatermarks(4_194_304, 67_584, 10)).toEqual({min: 16_896, low: 21_120, high: 25_344});
	});

	it('watermark_scale_factor 10 vs 100 vs 3000 on 16 GiB', () => {
		// 100: gap = max(1024, 4194304·100/10000 = 41943.04 → 41943) = 41943; low 46039; high 87982.
		expect(computeWatermarks(4_194_304, 16_384, 100)).toEqual({min: 4096, low: 46_039, high: 87_982});
		// 3000 (the maximum): gap = 4194304·3000/10000 = 1258291.2 → 1258291; low 1262387; high 2520678.
		expect(computeWatermarks(4_194_304, 16_384, 3000)).toEqual({
			min: 4096,
			low: 1_262_387,
			high: 2_520_678,
		});
		// 1: gap = max(1024, 419.43 → 419) = 1024 — the min/4 floor; low 5120, high 6144.
		expect(computeWatermarks(4_194_304, 16_384, 1)).toEqual({min: 4096, low: 5120, high: 6144});
	});

	it('min_free_kbytes that is not a multiple of 4 kB rounds down to whole pages', () => {
		// 886 kB >> 2 = 221 pages; gap = max(221/4 = 55.25 → 55, 12288·10/10000 = 12.288 → 12) = 55.
		expect(computeWatermarks(12_288, 886, 10)).toEqual({min: 221, low: 276, high: 331});
		// The 128 kB floor: 32 pages; gap = max(8, 64·10/10000 → 0) = 8.
		expect(computeWatermarks(64, 128, 10)).toEqual({min: 32, low: 40, high: 48});
	});
});

describe('the machine uses them', () => {
	// 64 MiB RAM, 16 MiB kernel: managed = 48 MiB = 12288 pages → min_free_kbytes 886 (worked above).
	const w = workload([group('idle', {rate: 0, streams: []})], {ram: 64 * MIB, kernel: 16 * MIB});

	it('derives the marks from managed pages when min_free_kbytes is unset', () => {
		const m = new Machine(w, {seed: 1});
		expect(m.zone.wm).toEqual({min: 221, low: 276, high: 331});
		expect(takeSnapshot(m).watermarks).toEqual({min: 221, low: 276, high: 331, boost: 0});
	});

	it('recomputes them when min_free_kbytes or watermark_scale_factor is set', () => {
		const m = new Machine(w, {seed: 1});
		m.apply({kind: 'set-sysctl', name: 'min_free_kbytes', value: 4096});
		// min = 1024; gap = max(256, 12) = 256; low 1280; high 1536.
		expect(m.zone.wm).toEqual({min: 1024, low: 1280, high: 1536});
		m.apply({kind: 'set-sysctl', name: 'watermark_scale_factor', value: 1000});
		// gap = max(256, 12288·1000/10000 = 1228.8 → 1228) = 1228; low 2252; high 3480.
		expect(m.zone.wm).toEqual({min: 1024, low: 2252, high: 3480});
		expect(takeSnapshot(m).sysctl.watermark_scale_factor).toBe(1000);
	});

	it('a workload min_free_kbytes wins over the derived one', () => {
		const m = new Machine(
			workload([group('idle', {rate: 0, streams: []})], {
				ram: 64 * MIB,
				kernel: 16 * MIB,
				sysctl: {...w.machine.sysctl, min_free_kbytes: 2000},
			}),
			{seed: 1},
		);
		// min = 2000/4 = 500; gap = max(125, 12) = 125.
		expect(m.zone.wm).toEqual({min: 500, low: 625, high: 750});
	});
});
