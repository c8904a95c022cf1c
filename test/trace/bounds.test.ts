// Hostile and huge inputs (issue 18, items 9 and 11): bounded memory, bounded time, one line.
import {Readable} from 'node:stream';
import {gzipSync} from 'node:zlib';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {createPolicy} from '../../source/sim/policies/index.js';
import {runCurve} from '../../source/trace/curve.js';
import {MAX_BAD_RUN} from '../../source/trace/parse.js';
import {runTrace, runTraceText, type TraceOptions} from '../../source/trace/run.js';
import {TraceSim} from '../../source/trace/sim.js';

const base: TraceOptions = {
	policies: ['fifo', 'lru', 'clock', 'opt'],
	frames: [16, 64, 256],
	format: 'auto',
	pageSize: 4096,
	dataOnly: false,
	skipBad: false,
};

describe('trace bounds', () => {
	it('frames beyond the distinct pages allocate nothing: 2^26 frames on a 3-reference trace', async () => {
		// Before: 2.9 GB per policy and "Array buffer allocation failed".
		const sim = new TraceSim(createPolicy('lru'), 1 << 26, 3);
		expect(sim.frames.count).toBe(3);
		const before = process.memoryUsage().arrayBuffers;
		const report = await runTraceText('1 2 3', {...base, frames: [1 << 26]});
		expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
		expect(report.results.map((r) => r.faults)).toEqual([3, 3, 3, 3]);
		expect(report.results.every((r) => r.frames === 1 << 26)).toBe(true);
	});

	it('big frame counts on a long trace: sized by its distinct pages, same counts as streamed', async () => {
		const pages = Array.from({length: 5000}, (_, i) => (i * 7919) % 300).join('\n');
		const small = await runTraceText(pages, {...base, frames: [100, 299, 300]});
		const big = await runTraceText(pages, {...base, frames: [100, 299, 300, 1 << 20]});
		const key = (r: {policy: string; frames: number}) => `${r.policy}/${r.frames}`;
		const faults = new Map(big.results.map((r) => [key(r), r.faults]));
		for (const r of small.results) expect(faults.get(key(r))).toBe(r.faults);
		for (const p of base.policies) expect(faults.get(`${p}/${1 << 20}`)).toBe(300);
	});

	it('a trace longer than the store: opt is refused in one line, the streaming runs are kept', async () => {
		// Before: opt stored every reference (a 1 MB gzip bomb reached 1.15 GB). The store's bound is
		// 2^25 references in real runs; here it is 1,000, over a gzip-compressed input.
		const text = Buffer.from('1\n2\n3\n4\n5\n'.repeat(1000));
		const gz = gzipSync(text);
		const report = await runTrace(
			{name: 'bomb.gz', chunks: [gz], size: gz.length},
			{...base, frames: [2, 1 << 20], storeLimit: 1000},
		);
		expect(report.references).toBe(5000);
		expect(report.unavailable.map((u) => `${u.policy}/${u.frames}`)).toEqual(['opt/2', `opt/${1 << 20}`]);
		expect(report.unavailable[0]!.reason).toMatch(/more than 1,000 references, the most opt keeps in memory/);
		const lru = report.results.filter((r) => r.policy === 'lru').map((r) => r.faults);
		expect(lru).toEqual([5000, 5]);
		const curve = await runCurve(
			{name: 'bomb.gz', chunks: [gz], size: gz.length},
			{
				policies: ['lru', 'opt'],
				format: 'auto',
				pageSize: 4096,
				dataOnly: false,
				skipBad: false,
				storeLimit: 1000,
			},
		);
		expect(curve.curves.map((c) => c.policy)).toEqual(['lru']);
		expect(curve.unavailable[0]!.reason).toMatch(/sample it with --sample RATE/);
	});

	it('--skip-bad on endless garbage (/dev/zero) stops after a stated amount, with one line', async () => {
		// Before: `memtop trace /dev/zero --skip-bad` ran forever. 8 MiB of zeros, chunked.
		const zeros = new Uint8Array(1 << 16);
		const chunks = Array.from({length: 128}, () => zeros);
		for (const format of ['pages', 'addresses', 'lackey'] as const) {
			const run = runTrace({name: '/dev/zero', chunks, size: undefined}, {...base, format, skipBad: true});
			await expect(run).rejects.toThrow(
				new UserError(
					`/dev/zero:1: more than ${MAX_BAD_RUN} bytes without a line break; not a ${format} trace`,
				),
			);
		}
	});

	it('--skip-bad gives up when most lines are malformed', async () => {
		const text = 'x\n'.repeat(5000);
		await expect(runTraceText(text, {...base, skipBad: true}, 'junk')).rejects.toThrow(
			/^junk: 1001 of the first 1001 lines are malformed; not a pages trace/,
		);
		// A few stray lines in a real trace are still skipped.
		const ok = await runTraceText(`${'1\n2\n'.repeat(3000)}junk\n`, {...base, skipBad: true}, 'ok');
		expect(ok.skipped).toBe(1);
	});

	it('an endless number is a bad token, not a hang', async () => {
		const ones = new Uint8Array(1 << 16).fill(49);
		const chunks = Array.from({length: 64}, () => ones);
		await expect(
			runTrace({name: 'ones', chunks, size: undefined}, {...base, skipBad: true, format: 'pages'}),
		).rejects.toThrow(/more than 1048576 bytes without a line break/);
		await expect(runTraceText('1234567890123456789012345\n', base, 'long')).rejects.toThrow(
			/^long:1: expected a page number .*, found a number of more than 24 digits/,
		);
	});

	it('an endless stream stays an endless stream: readable input is consumed lazily', async () => {
		let produced = 0;
		const stream = new Readable({
			read() {
				produced++;
				this.push(produced > 4 ? null : Buffer.from('1\n2\n'.repeat(1000)));
			},
		});
		const report = await runTrace({name: 's', chunks: stream, size: undefined}, {...base, policies: ['lru']});
		expect(report.references).toBe(8000);
	});
});
