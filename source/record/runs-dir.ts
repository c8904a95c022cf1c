// Where recordings live by default, what they are called, and a quick summary of each for
// `memtop runs` (header + the tick of the last complete line; no replaying).
import {closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync} from 'node:fs';
import {homedir} from 'node:os';
import {isAbsolute, join} from 'node:path';
import {describeFsError} from '../common/file-error.js';
import {FormatError, RECORDING_SUFFIX} from './format.js';
import {headerFormat, looksLikeHeader} from './validate.js';

type Env = Record<string, string | undefined>;

/** $XDG_STATE_HOME/memtop/runs, else ~/.local/state/memtop/runs (a relative XDG_STATE_HOME is ignored, as the spec says). */
export function runsDir(env: Env = process.env): string {
	const xdg = env.XDG_STATE_HOME;
	const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.local', 'state');
	return join(base, 'memtop', 'runs');
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** 2026-11-21T23-40-12 in local time: sorts by time and is safe in any file system. */
export function timeStamp(date: Date): string {
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
}

/** The default file for a run of `workload` started at `date`: unique in `dir` (-2, -3... on a clash). */
export function defaultRecordingPath(
	workload: string,
	date: Date = new Date(),
	dir: string = runsDir(),
): string {
	const name = workload.replace(/[^A-Za-z0-9_.-]/g, '-') || 'run';
	const base = `${timeStamp(date)}_${name}`;
	let path = join(dir, `${base}${RECORDING_SUFFIX}`);
	// lstat: a dangling symbolic link is there too (a recording is never written through a link).
	for (let i = 2; taken(path); i++) path = join(dir, `${base}-${i}${RECORDING_SUFFIX}`);
	return path;
}

function taken(path: string): boolean {
	try {
		lstatSync(path);
		return true;
	} catch {
		return false;
	}
}

export interface RunSummary {
	path: string;
	name: string;
	size: number;
	/** From the header; null when the file is not a readable recording. */
	created: Date | null;
	workload: string | null;
	seed: number | null;
	policy: string | null;
	/** First and last tick (the last complete line's). */
	startTick: number;
	endTick: number;
	/** The run closed cleanly (an end line). */
	complete: boolean;
	parent: {file: string; tick: number} | null;
	/** Why the file could not be summarised. */
	problem: string | null;
}

const HEADER_LIMIT = 16 * 1024 * 1024;
const TAIL_LIMIT = 64 * 1024 * 1024;

function readAt(fd: number, position: number, length: number): Buffer {
	const buf = Buffer.alloc(length);
	let got = 0;
	while (got < length) {
		const n = readSync(fd, buf, got, length - got, position + got);
		if (n === 0) break;
		got += n;
	}
	return buf.subarray(0, got);
}

/** The first line (without its newline), or null if there is no newline within the limit. */
function firstLine(fd: number, size: number): string | null {
	let length = Math.min(size, 64 * 1024);
	for (;;) {
		const buf = readAt(fd, 0, length);
		const nl = buf.indexOf(10);
		if (nl !== -1) return buf.subarray(0, nl).toString('utf8');
		if (length >= size || length >= HEADER_LIMIT) return length >= size ? buf.toString('utf8') : null;
		length = Math.min(size, length * 4);
	}
}

const LINE_PREFIX = /^\{"t":(\d+),"(cmd|checkpoint|end)"/;

/** The tick and kind of the last complete line after the header, read from the file's tail. */
function lastLine(fd: number, size: number, headerEnd: number): {tick: number; kind: string} | null {
	if (size <= headerEnd) return null;
	for (let window = 64 * 1024; ; window *= 4) {
		const start = Math.max(headerEnd, size - window);
		const buf = readAt(fd, start, size - start);
		// The last complete line ends at the last newline and starts after the newline before it.
		const end = buf.lastIndexOf(10);
		const before = end <= 0 ? -1 : buf.lastIndexOf(10, end - 1);
		const found = end !== -1 && (before !== -1 || start === headerEnd);
		if (found) {
			const line = buf.subarray(before + 1, Math.min(end, before + 1 + 64)).toString('latin1');
			const m = LINE_PREFIX.exec(line);
			return m ? {tick: Number(m[1]), kind: m[2]!} : null;
		}
		if (start === headerEnd || window >= TAIL_LIMIT) return null;
	}
}

/** Header facts and length of one recording, without validating every line (replay does that). */
export function summarizeRun(path: string): RunSummary {
	const name = path.split(/[\\/]/).pop() ?? path;
	const summary: RunSummary = {
		path,
		name,
		size: 0,
		created: null,
		workload: null,
		seed: null,
		policy: null,
		startTick: 0,
		endTick: 0,
		complete: false,
		parent: null,
		problem: null,
	};
	// Only regular files are opened: a FIFO would block the listing, a directory cannot be read.
	try {
		const st = statSync(path);
		if (!st.isFile()) {
			summary.problem = `not a regular file (${st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : 'a device or socket'})`;
			return summary;
		}
	} catch (error) {
		summary.problem = `cannot read: ${describeFsError(error)}`;
		return summary;
	}
	let fd: number;
	try {
		fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		summary.problem = `cannot read: ${describeFsError(error)}`;
		return summary;
	}
	try {
		const size = fstatSync(fd).size;
		summary.size = size;
		const text = firstLine(fd, size);
		let header: unknown;
		try {
			header = text === null ? null : JSON.parse(text);
		} catch {
			header = null;
		}
		if (!looksLikeHeader(header)) {
			summary.problem = size === 0 ? 'empty' : 'not a memtop recording';
			return summary;
		}
		try {
			headerFormat(header);
		} catch (error) {
			summary.problem = error instanceof FormatError ? error.message : 'bad header';
			return summary;
		}
		const h = header as Record<string, unknown>;
		const created = typeof h.created === 'string' ? new Date(h.created) : null;
		summary.created = created && !Number.isNaN(created.getTime()) ? created : null;
		const workload = h.workload as {name?: unknown} | null;
		summary.workload = workload && typeof workload.name === 'string' ? workload.name : null;
		summary.seed = typeof h.seed === 'number' ? h.seed : null;
		summary.policy = typeof h.policy === 'string' ? h.policy : null;
		const parent = h.parent as {file?: unknown; tick?: unknown} | null;
		if (parent && typeof parent.file === 'string' && typeof parent.tick === 'number') {
			summary.parent = {file: parent.file, tick: parent.tick};
			summary.startTick = parent.tick;
		}
		const headerEnd = Buffer.byteLength(text ?? '', 'utf8') + 1;
		const last = lastLine(fd, size, headerEnd);
		summary.endTick = Math.max(summary.startTick, last?.tick ?? summary.startTick);
		summary.complete = last?.kind === 'end';
	} finally {
		closeSync(fd);
	}
	return summary;
}

/** Recordings in `dir`, newest first (by the header's time, else the file name). [] if the directory does not exist. */
export function listRuns(dir: string = runsDir()): RunSummary[] {
	let names: string[];
	try {
		names = readdirSync(dir).filter((n) => n.endsWith(RECORDING_SUFFIX));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}
	const runs = names.map((n) => summarizeRun(join(dir, n)));
	const time = (r: RunSummary): number => r.created?.getTime() ?? Number.NEGATIVE_INFINITY;
	return runs.sort((a, b) => time(b) - time(a) || b.name.localeCompare(a.name));
}
