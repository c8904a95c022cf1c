import {describe, expect, it} from 'vitest';
import {
	clip,
	fitLeft,
	fitRight,
	formatBinary,
	formatBytes,
	formatClock,
	formatCount,
	formatDmesgTime,
	formatDuration,
	formatKb,
	formatPages,
	formatPercent,
	formatSpeed,
	parseTime,
	sparkline,
} from '../../source/view/format.js';

describe('sizes', () => {
	it('formats pages htop-style in at most five characters', () => {
		expect(formatPages(0)).toBe('0');
		expect(formatPages(1)).toBe('4K');
		expect(formatPages(255)).toBe('1020K');
		expect(formatPages(256)).toBe('1.00M');
		expect(formatPages(2496)).toBe('9.75M');
		expect(formatPages(3149)).toBe('12.3M');
		expect(formatPages(131_072)).toBe('512M');
		expect(formatPages(261_900)).toBe('1023M');
		expect(formatPages(262_144)).toBe('1.00G');
		expect(formatPages(317_194)).toBe('1.21G');
		expect(formatPages(4_194_304)).toBe('16.0G');
		for (let p = 1; p < 1e9; p = Math.ceil(p * 1.37)) expect(formatPages(p).length).toBeLessThanOrEqual(5);
	});

	it('formats bytes, kB and binary sizes for messages', () => {
		expect(formatBytes(512)).toBe('512B');
		expect(formatBytes(-2048)).toBe('-2K');
		expect(formatKb(3)).toBe('12 kB');
		expect(formatBinary(256 * 1024 * 1024)).toBe('256 MiB');
		expect(formatBinary(1024 ** 3)).toBe('1 GiB');
		expect(formatBinary(1.5 * 1024 ** 3)).toBe('1.5 GiB');
	});
});

describe('numbers and times', () => {
	it('formats counts and rates', () => {
		expect(formatCount(0)).toBe('0');
		expect(formatCount(999.4)).toBe('999');
		expect(formatCount(999.6)).toBe('1.0k');
		expect(formatCount(12_880)).toBe('12.9k');
		expect(formatCount(123_456)).toBe('123k');
		expect(formatCount(2_500_000)).toBe('2.5M');
	});

	it('formats percentages, clock, durations, dmesg time and speed', () => {
		expect(formatPercent(0.123)).toBe('12%');
		expect(formatPercent(0.1234, 1)).toBe('12.3%');
		expect(formatClock(0)).toBe('0:00:00');
		expect(formatClock(3725.9)).toBe('1:02:05');
		expect(formatDuration(45)).toBe('45s');
		expect(formatDuration(240)).toBe('4m');
		expect(formatDuration(260)).toBe('4m20s');
		expect(formatDuration(3900)).toBe('1h05m');
		expect(formatDmesgTime(4567)).toBe('[   45.67]');
		expect(formatSpeed(0.25)).toBe('×0.25');
		expect(formatSpeed(Number.POSITIVE_INFINITY)).toBe('max');
	});

	it('parses mm:ss, h:mm:ss and seconds', () => {
		expect(parseTime('1:23')).toBe(83);
		expect(parseTime('1:02:03')).toBe(3723);
		expect(parseTime(' 90 ')).toBe(90);
		expect(parseTime('1:2x')).toBeNull();
		expect(parseTime('')).toBeNull();
	});
});

describe('text fitting and sparklines', () => {
	it('pads and truncates to exact widths', () => {
		expect(fitRight('java', 6)).toBe('java  ');
		expect(fitRight('chromium-renderer', 8)).toBe('chromiu…');
		expect(fitLeft('42', 5)).toBe('   42');
		expect(fitLeft('123456', 4)).toBe('3456');
		expect(clip('abcdef', 4)).toBe('abc…');
	});

	it('draws eight steps from zero to the peak, blank for zero', () => {
		expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8)).toBe('▁▂▃▄▅▆▇█');
		expect(sparkline([0, 4, 8], 3)).toBe(' ▄█');
		expect(sparkline([5, 5], 4)).toBe('  ██');
		expect(sparkline([], 3)).toBe('   ');
	});
});
