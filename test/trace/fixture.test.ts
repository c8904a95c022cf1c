// Replays a real valgrind lackey trace (test/fixtures/trace/README.md) and pins the counts.
import {describe, expect, it} from 'vitest';
import {openTraceInput} from '../../source/trace/input.js';
import {runTrace, type TraceOptions} from '../../source/trace/run.js';

const FIXTURE = new URL('../fixtures/trace/walk.trace.gz', import.meta.url).pathname;

const options: TraceOptions = {
	policies: ['fifo', 'lru', 'clock', 'opt'],
	frames: [8, 32, 64, 66],
	format: 'auto',
	pageSize: 4096,
	dataOnly: false,
	skipBad: false,
};

async function replay(dataOnly: boolean) {
	const report = await runTrace(await openTraceInput(FIXTURE, process.stdin), {...options, dataOnly});
	return {
		report,
		faults: Object.fromEntries(report.results.map((r) => [`${r.policy}/${r.frames}`, r.faults])),
	};
}

describe('a real lackey trace (walk.trace.gz)', () => {
	it('parses as lackey: banner skipped, page-straddling stores counted twice', async () => {
		const {report} = await replay(false);
		expect(report.format).toBe('lackey');
		expect(report.skipped).toBe(0);
		// 62,098 I + 24,771 L + 4,165 S + 4,161 M lines, and 63 stores that touch two pages.
		expect(report.references).toBe(95_258);
		for (const r of report.results) expect(r.hits + r.faults).toBe(95_258);
	});

	it('gives stable fault counts', async () => {
		const {faults} = await replay(false);
		expect(faults).toEqual({
			'fifo/8': 248,
			'fifo/32': 206,
			'fifo/64': 200,
			'fifo/66': 66,
			'lru/8': 194,
			'lru/32': 194,
			'lru/64': 194,
			'lru/66': 66,
			'clock/8': 196,
			'clock/32': 196,
			'clock/64': 196,
			'clock/66': 66,
			'opt/8': 182,
			'opt/32': 134,
			'opt/64': 70,
			'opt/66': 66,
		});
	});

	it('leaves out instruction fetches with --data-only', async () => {
		const {report, faults} = await replay(true);
		expect(report.references).toBe(33_160);
		expect(faults).toEqual({
			'fifo/8': 217,
			'fifo/32': 199,
			'fifo/64': 196,
			'fifo/66': 65,
			'lru/8': 193,
			'lru/32': 193,
			'lru/64': 193,
			'lru/66': 65,
			'clock/8': 194,
			'clock/32': 194,
			'clock/64': 194,
			'clock/66': 65,
			'opt/8': 179,
			'opt/32': 131,
			'opt/64': 67,
			'opt/66': 65,
		});
	});
});
