// Opening trace inputs: files or standard input, plain or gzip (detected by its magic bytes, so a
// compressed stdin works too), read as a stream of byte chunks.
import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import {pipeline, Readable} from 'node:stream';
import {createGunzip} from 'node:zlib';
import {describeFsError} from '../common/file-error.js';
import {UserError} from '../common/user-error.js';

export interface TraceInput {
	/** For messages: the path, or "<stdin>". */
	name: string;
	/** Raw (possibly compressed) byte chunks: a stream, or an array of buffers. */
	chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
	/** Raw size in bytes when known (regular files), for progress. */
	size: number | undefined;
	/** The path of a regular file (binary traces are read from it whole, not streamed). */
	path?: string | undefined;
}

export const STDIN_NAME = '<stdin>';

/** Check a path up front so a typo fails before any work, with one clear line. */
export async function openTraceInput(path: string, stdin: NodeJS.ReadableStream): Promise<TraceInput> {
	if (path === '-')
		return {name: STDIN_NAME, chunks: stdin as AsyncIterable<Uint8Array | string>, size: undefined};
	let size: number;
	let regular: boolean;
	try {
		const st = await stat(path);
		if (st.isDirectory()) throw new UserError(`${path}: is a directory, not a trace file`);
		regular = st.isFile();
		size = regular ? st.size : 0;
	} catch (err) {
		throw fileError(path, err);
	}
	// Opened only when read (a binary trace is read whole instead). Big reads: fewer chunks, fewer
	// async hops per byte.
	const chunks: AsyncIterable<Uint8Array | string> = {
		[Symbol.asyncIterator]: () =>
			createReadStream(path, {highWaterMark: 1 << 20})[Symbol.asyncIterator]() as AsyncIterator<
				Uint8Array | string
			>,
	};
	return {name: path, chunks, size: size || undefined, path: regular ? path : undefined};
}

export function fileError(name: string, err: unknown): Error {
	if (err instanceof UserError) return err;
	const code = (err as NodeJS.ErrnoException).code;
	if (code === 'EISDIR') return new UserError(`${name}: is a directory, not a trace file`);
	if (code?.startsWith('Z_') || (err as Error).message?.includes('header check')) {
		return new UserError(`${name}: not valid gzip data (${(err as Error).message})`);
	}
	// The file-error wording every reader shares (common/file-error.ts).
	return new UserError(`${name}: ${describeFsError(err)}`);
}

const asBytes = (c: Uint8Array | string): Uint8Array =>
	typeof c === 'string' ? Buffer.from(c, 'latin1') : c;

/**
 * The decompressed bytes of an input. `onRaw` sees each raw chunk's size (progress against the
 * file size). Read errors and gzip errors become UserErrors naming the input.
 */
export async function* decodedChunks(
	input: TraceInput,
	onRaw?: (bytes: number) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
	const src = input.chunks;
	const it: AsyncIterator<Uint8Array | string> | Iterator<Uint8Array | string> =
		Symbol.asyncIterator in src ? src[Symbol.asyncIterator]() : src[Symbol.iterator]();
	try {
		// Enough bytes to see the gzip magic (stdin may deliver tiny chunks).
		let head: Uint8Array = new Uint8Array(0);
		let ended = false;
		while (head.length < 2) {
			const r = await it.next();
			if (r.done) {
				ended = true;
				break;
			}
			const b = asBytes(r.value);
			onRaw?.(b.length);
			head = head.length === 0 ? b : Buffer.concat([head, b]);
		}
		async function* raw(): AsyncGenerator<Uint8Array, void, undefined> {
			if (head.length > 0) yield head;
			if (ended) return;
			for (;;) {
				const r = await it.next();
				if (r.done) return;
				const b = asBytes(r.value);
				onRaw?.(b.length);
				yield b;
			}
		}
		if (head[0] === 0x1f && head[1] === 0x8b) {
			const gunzip = createGunzip({chunkSize: 1 << 18});
			// pipeline() forwards errors on either side to gunzip, which ends the loop below with them.
			pipeline(Readable.from(raw()), gunzip, () => {});
			for await (const chunk of gunzip) yield chunk as Uint8Array;
		} else {
			yield* raw();
		}
	} catch (err) {
		throw fileError(input.name, err);
	} finally {
		await it.return?.();
	}
}
