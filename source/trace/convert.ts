// `memtop trace --convert FILE OUT`: read a trace in any form and write it as a binary trace
// (binary.ts). The ids are gathered in memory first (4 bytes per reference, at most MAX_CONVERT
// references), because the header and the id width depend on the counts; the file is written under
// a temporary name and renamed into place, so OUT is never half written.
import {closeSync, openSync, realpathSync, renameSync, rmSync, writeSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {UserError} from '../common/user-error.js';
import {binaryHeader, encodeIds, idWidth} from './binary.js';
import type {TraceInput} from './input.js';
import type {TraceFormat} from './parse.js';
import {readTrace} from './source.js';

/** The most references a conversion holds: 2^28 (1 GiB of ids). */
export const MAX_CONVERT = 1 << 28;
const CHUNK = 1 << 20;

export interface ConvertOptions {
	format: TraceFormat | 'auto';
	pageSize: number;
	dataOnly: boolean;
	skipBad: boolean;
	onProgress?: ((rawBytes: number, references: number) => void) | undefined;
}

export interface ConvertResult {
	format: TraceFormat | 'binary';
	references: number;
	distinct: number;
	bytes: number;
	skipped: number;
	firstSkipped: string | undefined;
}

function samePath(a: string, b: string): boolean {
	try {
		return realpathSync(a) === realpathSync(b);
	} catch {
		return resolve(a) === resolve(b);
	}
}

export async function convertTrace(
	input: TraceInput,
	out: string,
	options: ConvertOptions,
): Promise<ConvertResult> {
	if (input.path && samePath(input.path, out))
		throw new UserError(`${out}: is the input; give another output file`);
	const chunks: Int32Array[] = [];
	let length = 0;
	const read = await readTrace(input, options, (ids, n) => {
		if (length + n > MAX_CONVERT) {
			throw new UserError(
				`${input.name}: more than ${MAX_CONVERT.toLocaleString('en-US')} references, the most --convert holds (4 bytes each)`,
			);
		}
		let i = 0;
		while (i < n) {
			const at = length % CHUNK;
			if (at === 0) chunks.push(new Int32Array(CHUNK));
			const take = Math.min(n - i, CHUNK - at);
			chunks[chunks.length - 1]!.set(ids.subarray(i, i + take), at);
			i += take;
			length += take;
		}
	});
	const width = idWidth(read.distinct);
	const tmp = `${resolve(dirname(out), `.${Date.now().toString(36)}-${process.pid}.memtop-convert.tmp`)}`;
	let fd: number | undefined;
	let bytes = 0;
	try {
		fd = openSync(tmp, 'wx');
		const write = (b: Uint8Array): void => {
			let off = 0;
			while (off < b.length) off += writeSync(fd!, b, off, b.length - off);
			bytes += b.length;
		};
		write(binaryHeader(length, read.distinct, read.pageSize));
		const pages = read.pages.subarray(0, read.distinct);
		write(new Uint8Array(pages.buffer, pages.byteOffset, pages.byteLength));
		for (let c = 0; c < chunks.length; c++) {
			const n = Math.min(CHUNK, length - c * CHUNK);
			write(encodeIds(chunks[c]!, n, width));
		}
		closeSync(fd);
		fd = undefined;
		renameSync(tmp, out);
	} catch (err) {
		if (fd !== undefined) closeSync(fd);
		rmSync(tmp, {force: true});
		if (err instanceof UserError) throw err;
		const e = err as NodeJS.ErrnoException;
		throw new UserError(`${out}: cannot write (${e.code ?? e.message})`);
	}
	return {
		format: read.format,
		references: length,
		distinct: read.distinct,
		bytes,
		skipped: read.skipped,
		firstSkipped: read.firstSkipped,
	};
}
