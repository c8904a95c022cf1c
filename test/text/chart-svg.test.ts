// The chart memtop plot draws: time labels, the axes' ticks, each panel's scale, markers kept inside.
import {describe, expect, it} from 'vitest';
import {chartSvg, clockLabel} from '../../source/text/chart-svg.js';

const chart = (t1: number, markerAt: number) =>
	chartSvg({
		title: 'a <run>',
		panels: [
			{
				id: 'free',
				title: 'Free memory',
				unit: 'MiB',
				series: [
					{
						id: 'free',
						label: 'MemFree',
						colour: '#000',
						points: [
							[0, 0],
							[t1, 730],
						],
					},
				],
			},
		],
		markers: [{t: markerAt, label: 'OOM kill: x (1)'}],
	});

describe('chartSvg', () => {
	it('labels time as h:mm:ss', () => {
		expect([clockLabel(0), clockLabel(59.6), clockLabel(3725), clockLabel(90061)]).toEqual([
			'0:00:00',
			'0:01:00',
			'1:02:05',
			'25:01:01',
		]);
	});

	it('puts the y axis top at a round step above the largest value, the time ticks at round times', () => {
		const svg = chart(7200, 10);
		expect(svg).toContain('data-max="800"');
		for (const v of ['0', '200', '400', '600', '800'])
			expect(svg).toMatch(new RegExp(`text-anchor="end"[^>]*>${v}<`));
		const times = [...svg.matchAll(/<text class="time"[^>]*>([^<]*)</g)].map((m) => m[1]);
		expect(times).toEqual([
			'0:00:00',
			'0:15:00',
			'0:30:00',
			'0:45:00',
			'1:00:00',
			'1:15:00',
			'1:30:00',
			'1:45:00',
			'2:00:00',
		]);
		expect(svg).toContain('<title>a &lt;run&gt;</title>');
	});

	it('keeps a marker label inside the picture near the right edge', () => {
		expect(chart(100, 10)).toMatch(/<text x="[\d.]+" y="\d+" fill="#c62828">OOM kill/);
		expect(chart(100, 99)).toMatch(/<text x="[\d.]+" y="\d+" text-anchor="end" fill="#c62828">OOM kill/);
	});
});
