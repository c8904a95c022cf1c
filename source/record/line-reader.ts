// Reading a recording line by line: in chunks (recordings can be hundreds of MB), each line with its
// byte offset and number, and a last line without its newline marked as such (a cut-short file).
import {readSync} from 'node:fs';
import {UserError} from '../common/user-error.js';

/** No line of a recording is longer (a full state of a 64 GiB machine is far below it). */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;
const READ_CHUNK = 4 * 1024 * 1024;

export interface RawLine {
	bytes: Buffer;
	offset: number;
	number: number;
	terminated: boolean;
}

/** The lines of a file, read in chunks (recordings can be hundreds of MB). */
export function* readLines(fd: number, label: string): Generator<RawLine> {
	const buf = Buffer.alloc(READ_CHUNK);
	let carry: Buffer[] = [];
	let carryLength = 0;
	let lineStart = 0;
	let number = 1;
	for (;;) {
		const n = readSync(fd, buf, 0, READ_CHUNK, null);
		if (n === 0) break;
		let from = 0;
		for (;;) {
			const nl = buf.indexOf(10, from);
			if (nl === -1 || nl >= n) break;
			const piece = buf.subarray(from, nl);
			const bytes = carry.length ? Buffer.concat([...carry, piece]) : Buffer.from(piece);
			yield {bytes, offset: lineStart, number, terminated: true};
			lineStart += bytes.length + 1;
			number++;
			carry = [];
			carryLength = 0;
			from = nl + 1;
		}
		if (from < n) {
			carry.push(Buffer.from(buf.subarray(from, n)));
			carryLength += n - from;
			if (carryLength > MAX_LINE_BYTES) {
				throw new UserError(
					`${label}:${number}: line longer than ${MAX_LINE_BYTES / 2 ** 20} MiB; not a memtop recording`,
				);
			}
		}
	}
	if (carryLength > 0) yield {bytes: Buffer.concat(carry), offset: lineStart, number, terminated: false};
}

const utf8 = new TextDecoder('utf-8', {fatal: true});

export function parseJson(bytes: Uint8Array): unknown {
	return JSON.parse(utf8.decode(bytes));
}

/** The first line of an error's message. */
export function errorText(error: unknown): string {
	return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
