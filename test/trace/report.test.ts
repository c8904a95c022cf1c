import {describe, expect, it} from 'vitest';
import {formatChart, formatJson, formatReport, formatTable} from '../../source/trace/report.js';
import type {TraceReport, TraceResult} from '../../source/trace/run.js';

const result = (policy: string, frames: number, faults: number, references = 10_000_000): TraceResult => ({
	file: 'big.trace',
	policy,
	frames,
	references,
	hits: references - faults,
	faults,
});

describe('trace reports', () => {
	const results = [
		result('fifo', 16, 9_000_000),
		result('fifo', 256, 2_500_000),
		result('fifo', 4096, 2_600_000),
		result('opt', 16, 7_000_000),
		result('opt', 256, 900_000),
		result('opt', 4096, 12_345),
	];

	it('keeps the chart within 80 columns, bars on one scale, and flags more faults with more frames', () => {
		const chart = formatChart(results);
		const lines = chart.split('\n');
		for (const line of lines) expect(line.length).toBeLessThan(80);
		expect(lines).toHaveLength(1 + results.length);
		const bars = lines.slice(1).map((l) => (l.match(/#+/)?.[0] ?? '').length);
		expect(bars[0]).toBeGreaterThan(bars[1]!);
		expect(bars[2]).toBeGreaterThanOrEqual(bars[1]!);
		expect(bars[5]).toBe(1); // small but not zero: still visible
		expect(lines[3]).toMatch(/2,600,000 \^ Belady$/);
		expect(lines.filter((l) => l.includes('Belady'))).toHaveLength(1);
	});

	it('keeps the chart within 80 columns with long names and many frame counts', () => {
		const many = ['a-rather-long-policy', 'x'].flatMap((p) =>
			[1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 65_536, 67_108_864].map((f) =>
				result(p, f, Math.floor(1e12 / f)),
			),
		);
		for (const line of formatChart(many).split('\n')) expect(line.length).toBeLessThan(80);
	});

	it('prints a table with grouped numbers and the fault ratio', () => {
		const report: TraceReport = {
			file: 'big.trace',
			format: 'addresses',
			references: 10_000_000,
			distinct: 123_456,
			unavailable: [],
			results: results.slice(0, 2),
			skipped: 0,
			firstSkipped: undefined,
		};
		expect(formatTable(report)).toBe(
			[
				'big.trace: 10,000,000 references to 123,456 pages (addresses)',
				'',
				'policy  frames  references       hits     faults  fault ratio',
				'fifo        16  10,000,000  1,000,000  9,000,000       90.00%',
				'fifo       256  10,000,000  7,500,000  2,500,000       25.00%',
			].join('\n'),
		);
		expect(formatReport(report)).toContain('faults by frame count');
		expect(formatReport({...report, results: results.slice(0, 1)})).not.toContain('faults by frame count');
	});

	it('shows - as the fault ratio of an empty trace', () => {
		const report: TraceReport = {
			file: 'empty',
			format: 'pages',
			references: 0,
			distinct: 0,
			unavailable: [],
			results: [result('lru', 4, 0, 0)],
			skipped: 0,
			firstSkipped: undefined,
		};
		expect(formatTable(report).split('\n').at(-1)).toBe(
			'lru          4           0     0       0            -',
		);
	});

	it('prints JSON with exactly the documented keys', () => {
		const rows = JSON.parse(formatJson(results.slice(0, 1)));
		expect(rows).toEqual([
			{
				file: 'big.trace',
				policy: 'fifo',
				frames: 16,
				references: 10_000_000,
				hits: 1_000_000,
				faults: 9_000_000,
			},
		]);
		expect(Object.keys(rows[0])).toEqual(['file', 'policy', 'frames', 'references', 'hits', 'faults']);
	});
});
