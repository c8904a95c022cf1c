import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {gzipSync} from 'node:zlib';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {openTraceInput, STDIN_NAME} from '../../source/trace/input.js';
import {
	parseFormat,
	parseFrames,
	parsePolicies,
	runTrace,
	runTraceText,
	type TraceOptions,
} from '../../source/trace/run.js';

const BELADY = '1,2,3,4,1,2,5,1,2,3,4,5';
const base: TraceOptions = {
	policies: ['fifo', 'lru', 'clock', 'opt'],
	frames: [3, 4],
	format: 'auto',
	pageSize: 4096,
	dataOnly: false,
	skipBad: false,
};

let dir = '';
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'memtop-trace-test-'));
});
afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

const faultsOf = (results: {policy: string; frames: number; faults: number}[]) =>
	Object.fromEntries(results.map((r) => [`${r.policy}/${r.frames}`, r.faults]));

describe('runTrace', () => {
	it('runs every (policy, frames) pair over one input', async () => {
		const report = await runTraceText(BELADY, base, 'belady');
		expect(report.format).toBe('pages');
		expect(report.references).toBe(12);
		expect(faultsOf(report.results)).toEqual({
			'fifo/3': 9,
			'fifo/4': 10,
			'lru/3': 10,
			'lru/4': 8,
			'clock/3': 9,
			'clock/4': 10,
			'opt/3': 7,
			'opt/4': 6,
		});
		for (const r of report.results) {
			expect(r.file).toBe('belady');
			expect(r.references).toBe(12);
			expect(r.hits + r.faults).toBe(12);
		}
	});

	it('gives the same counts however the input is chunked', async () => {
		const text = Array.from({length: 5000}, (_, i) => (i * 7919) % 300).join('\n');
		const whole = await runTraceText(text, {...base, frames: [16, 64]});
		const bytes = Buffer.from(text);
		const chunks: Buffer[] = [];
		for (let i = 0; i < bytes.length; i += 777) chunks.push(bytes.subarray(i, i + 777));
		const split = await runTrace({name: 'trace', chunks, size: bytes.length}, {...base, frames: [16, 64]});
		expect(split.results).toEqual(whole.results);
	});

	it('detects the format from the first lines', async () => {
		expect((await runTraceText('0x1000\n0x2000\n0x1fff\n', base)).format).toBe('addresses');
		expect((await runTraceText('==1== Lackey\n L 1000,4\n', base)).format).toBe('lackey');
		const addresses = await runTraceText('0x1000\n0x2000\n0x1fff\n', {
			...base,
			policies: ['lru'],
			frames: [1],
		});
		expect(addresses.results[0]).toMatchObject({references: 3, faults: 3});
	});

	it('handles an empty input', async () => {
		const report = await runTraceText('', base);
		expect(report.references).toBe(0);
		for (const r of report.results) expect(r).toMatchObject({references: 0, hits: 0, faults: 0});
	});

	it('reports skipped lines under skipBad', async () => {
		const report = await runTraceText('1\n2\nthree\n1\n', {...base, skipBad: true}, 'bad.txt');
		expect(report.skipped).toBe(1);
		expect(report.firstSkipped).toMatch(/^bad\.txt:3: /);
		expect(report.references).toBe(3);
	});

	it('fails on a bad line with FILE:LINE', async () => {
		await expect(runTraceText('1\n2\nthree\n', base, 'bad.txt')).rejects.toThrow(
			new UserError(
				"bad.txt:3: expected a page number (decimal digits, separated by commas, spaces or newlines), found 'three'",
			),
		);
	});
});

describe('inputs', () => {
	it('reads gzip files directly', async () => {
		const path = join(dir, 'belady.txt.gz');
		await writeFile(path, gzipSync(BELADY));
		const report = await runTrace(await openTraceInput(path, process.stdin), base);
		expect(report.file).toBe(path);
		expect(faultsOf(report.results)['fifo/4']).toBe(10);
	});

	it('reads concatenated gzip members', async () => {
		const path = join(dir, 'two.gz');
		await writeFile(path, Buffer.concat([gzipSync('1,2,3,'), gzipSync('4,1,2,5,1,2,3,4,5')]));
		const report = await runTrace(await openTraceInput(path, process.stdin), base);
		expect(report.references).toBe(12);
	});

	it('reads standard input, plain or compressed, in small chunks', async () => {
		const plain = Readable.from([Buffer.from('1,2,3,4,1,'), Buffer.from('2,5,1,2,3,4,5\n')]);
		const report = await runTrace(await openTraceInput('-', plain), base);
		expect(report.file).toBe(STDIN_NAME);
		expect(faultsOf(report.results)['fifo/3']).toBe(9);

		const gz = gzipSync(BELADY);
		const bytes = [...gz].map((b) => Buffer.of(b)); // one byte per chunk
		const report2 = await runTrace(await openTraceInput('-', Readable.from(bytes)), base);
		expect(faultsOf(report2.results)['fifo/3']).toBe(9);
	});

	it('accepts string chunks from a stream in text mode', async () => {
		const stream = Readable.from(['1,2,3,4,1,2,5,', '1,2,3,4,5']);
		const report = await runTrace(await openTraceInput('-', stream), base);
		expect(report.references).toBe(12);
	});

	it('names the file in one line when it cannot be read', async () => {
		await expect(openTraceInput(join(dir, 'missing.txt'), process.stdin)).rejects.toThrow(
			new UserError(`${join(dir, 'missing.txt')}: no such file`),
		);
		const sub = join(dir, 'sub');
		await mkdir(sub, {recursive: true});
		await expect(openTraceInput(sub, process.stdin)).rejects.toThrow(/is a directory/);
	});

	it('reports corrupt gzip data as a UserError', async () => {
		const path = join(dir, 'broken.gz');
		const gz = gzipSync('1\n'.repeat(10_000));
		await writeFile(path, gz.subarray(0, gz.length >> 1));
		const run = runTrace(await openTraceInput(path, process.stdin), base);
		await expect(run).rejects.toBeInstanceOf(UserError);
		await expect(run).rejects.toThrow(/broken\.gz: /);
	});
});

describe('option parsing', () => {
	it('splits and checks policy lists', () => {
		expect(parsePolicies(['fifo,lru', 'opt'])).toEqual(['fifo', 'lru', 'opt']);
		expect(() => parsePolicies(['fifo,nope'])).toThrow(UserError);
		expect(() => parsePolicies(['fifo,nope'])).toThrow(
			/^unknown policy 'nope' \(accepted: .*fifo.*lru.*clock.*opt/,
		);
		expect(() => parsePolicies([''])).toThrow(/no policy given/);
	});

	it('splits, sorts and checks frame counts', () => {
		expect(parseFrames(['256,16', '64,16'])).toEqual([16, 64, 256]);
		for (const bad of ['0', '1.5', 'abc', '-3', '1e3', '99999999999']) {
			expect(() => parseFrames([bad])).toThrow(
				new UserError(`invalid frame count '${bad}' (accepted: whole numbers 1 to 67108864)`),
			);
		}
	});

	it('checks the format', () => {
		expect(parseFormat('lackey')).toBe('lackey');
		expect(() => parseFormat('csv')).toThrow(
			new UserError("unknown trace format 'csv' (accepted: auto, pages, addresses, lackey)"),
		);
	});

	it('rejects an unknown policy or bad frame count passed straight to runTrace', async () => {
		await expect(runTraceText('1', {...base, policies: ['nope']})).rejects.toThrow(/unknown policy 'nope'/);
		await expect(runTraceText('1', {...base, frames: [0]})).rejects.toThrow(/invalid frame count '0'/);
	});
});
