import {escapeText} from '../text/escape.js';

// Where a command writes; process.stdout/stderr fit, and so does a test's collector.
export interface CommandIo {
	stdout: {write(chunk: string): unknown};
	stderr: {write(chunk: string): unknown};
}

/** One line on stderr, escaped: messages quote paths and names from files (text/escape.ts). */
export function warn(io: CommandIo, line: string): void {
	io.stderr.write(`${escapeText(line)}\n`);
}
