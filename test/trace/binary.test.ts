import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {gzipSync} from 'node:zlib';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {BINARY_MAGIC, binaryHeader, HEADER_BYTES, idWidth} from '../../source/trace/binary.js';
import {convertTrace} from '../../source/trace/convert.js';
import {runCurve} from '../../source/trace/curve.js';
import {openTraceInput} from '../../source/trace/input.js';
import {runTrace, type TraceOptions} from '../../source/trace/run.js';

let dir = '';
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'memtop-binary-test-'));
});
afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

const options: TraceOptions = {
	policies: ['fifo', 'lru', 'clock', 'opt'],
	frames: [1, 3, 4, 100],
	format: 'auto',
	pageSize: 4096,
	dataOnly: false,
	skipBad: false,
};
const convertOptions = {format: 'auto', pageSize: 4096, dataOnly: false, skipBad: false} as const;

async function convert(name: string, text: string): Promise<string> {
	const src = join(dir, `${name}.txt`);
	const out = join(dir, `${name}.mtrace`);
	await writeFile(src, text);
	await convertTrace(await openTraceInput(src, process.stdin), out, convertOptions);
	return out;
}

const strip = (r: {results: unknown[]; references: number; distinct: number}) => ({
	results: r.results,
	references: r.references,
	distinct: r.distinct,
});

describe('binary traces', () => {
	it('convert and load: the same counts as the text, for every id width', async () => {
		for (const pages of [20, 300, 66_000]) {
			// The 4-byte width needs more than 65,536 pages: there, one policy is enough.
			const opts = pages > 1000 ? {...options, policies: ['lru'], frames: [100]} : options;
			const text = Array.from({length: pages + 2000}, (_, i) => ((i * 7919) % pages) * 4096 + 2 ** 40).join(
				'\n',
			);
			const out = await convert(`w${pages}`, text);
			const bytes = await readFile(out);
			expect(bytes.subarray(0, 8)).toEqual(Buffer.from(BINARY_MAGIC));
			expect(bytes.length).toBe(HEADER_BYTES + 8 * pages + idWidth(pages) * (pages + 2000));
			const fromText = await runTrace({name: 'x', chunks: [Buffer.from(text)], size: undefined}, opts);
			const fromBinary = await runTrace(await openTraceInput(out, process.stdin), opts);
			expect(fromBinary.format).toBe('binary');
			expect(strip(fromBinary)).toEqual({
				...strip(fromText),
				results: fromText.results.map((r) => ({...r, file: out})),
			});
		}
	});

	it('keeps page numbers: a binary trace converts back to the same counts and curve', async () => {
		const out = await convert('lackey', '==1== Lackey\n L 1000,4\n S 2ffe,4\nI  1000,2\n M 5000,8\n');
		const curveText = await runCurve(
			{
				name: 'x',
				chunks: [Buffer.from('==1== Lackey\n L 1000,4\n S 2ffe,4\nI  1000,2\n M 5000,8\n')],
				size: undefined,
			},
			{...convertOptions, policies: ['lru', 'opt', 'fifo']},
		);
		const curveBinary = await runCurve(await openTraceInput(out, process.stdin), {
			...convertOptions,
			policies: ['lru', 'opt', 'fifo'],
		});
		expect(curveBinary.curves).toEqual(curveText.curves);
		expect(curveBinary.distinct).toBe(4);
	});

	it('loads from standard input and gzip too', async () => {
		const out = await convert('stdin', '1,2,3,4,1,2,5,1,2,3,4,5');
		const bytes = await readFile(out);
		const fromStdin = await runTrace(
			await openTraceInput('-', Readable.from([bytes.subarray(0, 10), bytes.subarray(10)])),
			options,
		);
		const gz = join(dir, 'b.mtrace.gz');
		await writeFile(gz, gzipSync(bytes));
		const fromGzip = await runTrace(await openTraceInput(gz, process.stdin), options);
		for (const r of [fromStdin, fromGzip]) {
			expect(r.format).toBe('binary');
			expect(r.results.find((x) => x.policy === 'fifo' && x.frames === 4)!.faults).toBe(10);
		}
	});

	it('a bad header, a wrong length or a bad id: one line', async () => {
		const good = await readFile(await convert('bad', '1,2,3,4,1,2,5'));
		const fail = async (bytes: Uint8Array, pattern: RegExp): Promise<void> => {
			const path = join(dir, 'bad.mtrace');
			await writeFile(path, bytes);
			await expect(runTrace(await openTraceInput(path, process.stdin), options)).rejects.toThrow(pattern);
		};
		const patched = (at: number, write: (v: DataView) => void): Uint8Array => {
			const b = new Uint8Array(good);
			write(new DataView(b.buffer, at));
			return b;
		};
		await fail(
			good.subarray(0, 20),
			/bad\.mtrace: not a valid memtop binary trace \(expected a 64-byte header/,
		);
		await fail(
			patched(8, (v) => v.setUint32(0, 2, true)),
			/format version 2; this memtop reads version 1/,
		);
		await fail(
			good.subarray(0, good.length - 1),
			/wrong length: the header says 7 references to 5 pages, 111 bytes; the file has 110/,
		);
		await fail(Buffer.concat([good, Buffer.of(0)]), /wrong length: .* the file has 112/);
		await fail(
			patched(12, (v) => v.setUint32(0, 4, true)),
			/id width 4 for 5 pages; expected 1/,
		);
		await fail(
			patched(16, (v) => v.setFloat64(0, 0.5, true)),
			/reference count 0\.5/,
		);
		await fail(
			patched(HEADER_BYTES + 40, (v) => v.setUint8(0, 9)),
			/a reference to page id 9; there are 5 pages/,
		);
		await fail(
			patched(HEADER_BYTES, (v) => v.setFloat64(0, Number.NaN, true)),
			/page number NaN for id 0/,
		);
		// A header alone, claiming references it does not have.
		await fail(
			binaryHeader(10, 1, 0),
			/wrong length: the header says 10 references to 1 pages, 82 bytes; the file has 64/,
		);
	});

	it('refuses to convert a file onto itself', async () => {
		const src = join(dir, 'self.txt');
		await writeFile(src, '1 2 3');
		await expect(convertTrace(await openTraceInput(src, process.stdin), src, convertOptions)).rejects.toThrow(
			/is the input/,
		);
	});
});
