import {writeSync} from 'node:fs';
import {escapeText} from '../text/escape.js';

// Where a command writes; process.stdout/stderr fit, and so does a test's collector.
export interface CommandIo {
	stdout: IoStream;
	stderr: IoStream;
}

/** A stream to write to; isTTY and columns as a terminal's WriteStream has them (absent: not one). */
export interface IoStream {
	write(chunk: string): unknown;
	readonly isTTY?: boolean | undefined;
	readonly columns?: number | undefined;
}

/** One line on stderr, escaped: messages quote paths and names from files (text/escape.ts). */
export function warn(io: CommandIo, line: string): void {
	io.stderr.write(`${escapeText(line)}\n`);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write all of `text` to a file descriptor now, synchronously: a closed pipe throws EPIPE here, in
 * the loop that is printing, so a headless run stops at once instead of computing for nobody. A full
 * non-blocking pipe (a slow reader) is waited for.
 */
export function writeAll(fd: number, text: string): void {
	const buf = Buffer.from(text, 'utf8');
	for (let at = 0; at < buf.length; ) {
		try {
			at += writeSync(fd, buf, at, buf.length - at);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
			Atomics.wait(pause, 0, 0, 2);
		}
	}
}

/** The process's own stdout and stderr, written synchronously (see writeAll). */
export const processIo: CommandIo = {
	stdout: {
		write: (chunk: string) => writeAll(1, chunk),
		get isTTY() {
			return process.stdout.isTTY === true;
		},
		get columns() {
			return process.stdout.columns;
		},
	},
	stderr: {
		write: (chunk: string) => writeAll(2, chunk),
		get isTTY() {
			return process.stderr.isTTY === true;
		},
		get columns() {
			return process.stderr.columns;
		},
	},
};
