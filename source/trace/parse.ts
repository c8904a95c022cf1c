// Streaming trace parsers: bytes in (any chunking), page numbers out in batches.
// They work on the raw bytes of each chunk, keep only the state of the line or number in
// progress between chunks, and allocate nothing per reference or per line.
import {UserError} from '../common/user-error.js';

export type TraceFormat = 'pages' | 'addresses' | 'lackey';
export const TRACE_FORMATS: readonly TraceFormat[] = ['pages', 'addresses', 'lackey'];

export interface ParserOptions {
	/** Shown in FILE:LINE messages. */
	name: string;
	format: TraceFormat;
	/** Bytes per page, a power of two (addresses and lackey). */
	pageSize: number;
	/** lackey: leave out instruction fetches. */
	dataOnly: boolean;
	/** Count and skip malformed lines instead of failing. */
	skipBad: boolean;
}

/** Receives page numbers; `refs` is reused after the call returns. */
export type RefSink = (refs: Float64Array, n: number) => void;

const MAX_PAGE = Number.MAX_SAFE_INTEGER;
/** Lines of the line-based formats are short; a longer one is a wrong file, not a trace. */
export const MAX_LINE = 4096;
/** lackey sizes are a few bytes (up to a few KiB for xsave); anything bigger is garbage. */
const MAX_ACCESS = 1 << 20;
/** Page numbers up to 2^53 have at most 16 digits; leading zeros aside, more is not a number. */
const MAX_DIGITS = 24;
/** --skip-bad gives up on this much malformed input without a line break (/dev/zero, a binary). */
export const MAX_BAD_RUN = 1 << 20;
/** --skip-bad gives up once more than this many lines are bad and they are most of the lines. */
export const MAX_BAD_LINES = 1000;

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const COMMA = 44;
const HASH = 35;

// pages-format tokenizer states
const TOKEN = 0;
const COMMENT = 1;
const SKIP_TOKEN = 2;

const EXPECT = {
	pages: 'a page number (decimal digits, separated by commas, spaces or newlines)',
	addresses: 'one address per line (0x-prefixed hexadecimal or decimal)',
	lackey: "a lackey access ('I', ' L', ' S' or ' M', then hex address,size)",
} as const;

export class TraceParser {
	/** Line being read (1-based). */
	line = 1;
	/** References emitted so far. */
	references = 0;
	/** Malformed lines skipped (skipBad). */
	badLines = 0;
	/** The first skipped line's message. */
	firstBad: string | undefined;

	private readonly opts: ParserOptions;
	private readonly sink: RefSink;
	private readonly batch: Float64Array;
	private n = 0;
	private readonly shift: number;
	private readonly mask: number;
	private lastBadLine = 0;
	/** Bytes skipped since the last line break (comments, bad tokens, an over-long line). */
	private skipRun = 0;
	// pages: the number in progress across chunk boundaries
	private value = 0;
	private digits = 0;
	private mode = TOKEN;
	// line formats: the incomplete last line of the previous chunk
	private readonly carry = new Uint8Array(MAX_LINE);
	private carryLen = 0;
	private discarding = false;
	// results of parseHex (two words, so 64-bit addresses stay exact)
	private hexHi = 0;
	private hexLo = 0;

	constructor(opts: ParserOptions, sink: RefSink, batchSize = 1 << 15) {
		const ps = opts.pageSize;
		if (!Number.isInteger(ps) || ps < 1 || ps > 2 ** 30 || (ps & (ps - 1)) !== 0) {
			throw new UserError(`page size must be a power of two from 1 to 1073741824, got ${ps}`);
		}
		this.opts = opts;
		this.sink = sink;
		this.batch = new Float64Array(batchSize);
		this.shift = Math.log2(ps);
		this.mask = ps - 1;
	}

	push(chunk: Uint8Array): void {
		if (this.opts.format === 'pages') this.pushPages(chunk);
		else this.pushLines(chunk);
	}

	/** End of input: finish the last line and flush. */
	end(): void {
		if (this.opts.format === 'pages') {
			if (this.mode === TOKEN && this.digits > 0) {
				this.emitPage(this.value);
				this.value = 0;
				this.digits = 0;
			}
		} else if (this.carryLen > 0 && !this.discarding) {
			this.parseLine(this.carry, 0, this.carryLen);
			this.carryLen = 0;
		}
		this.flush();
	}

	private flush(): void {
		if (this.n > 0) {
			const n = this.n;
			this.n = 0;
			this.references += n;
			this.sink(this.batch, n);
		}
	}

	private emitPage(page: number): void {
		if (page > MAX_PAGE) {
			this.bad(`page number ${page} is above 2^53`);
			return;
		}
		this.batch[this.n++] = page;
		if (this.n === this.batch.length) this.flush();
	}

	/** A malformed line: fail with FILE:LINE, or count it under skipBad. */
	private bad(what: string): void {
		const message = `${this.opts.name}:${this.line}: ${what}`;
		if (!this.opts.skipBad) throw new UserError(message);
		if (this.line !== this.lastBadLine) {
			this.lastBadLine = this.line;
			this.badLines++;
			this.firstBad ??= message;
			if (this.badLines > MAX_BAD_LINES && this.badLines * 2 > this.line) {
				throw new UserError(
					`${this.opts.name}: ${this.badLines} of the first ${this.line} lines are malformed; not a ${this.opts.format} trace (--skip-bad skips stray lines, not whole files; first: ${this.firstBad})`,
				);
			}
		}
	}

	/** Skipping bytes of one line: bounded, so an endless line (/dev/zero) ends the run. */
	private skipped(bytes: number): void {
		this.skipRun += bytes;
		if (this.skipRun > MAX_BAD_RUN) {
			throw new UserError(
				`${this.opts.name}:${this.line}: more than ${MAX_BAD_RUN} bytes without a line break; not a ${this.opts.format} trace`,
			);
		}
	}

	private expected(found: string): string {
		return `expected ${EXPECT[this.opts.format]}, found ${found}`;
	}

	// --- pages: one byte-level state machine, numbers may span chunks ---

	private pushPages(chunk: Uint8Array): void {
		const batch = this.batch;
		const cap = batch.length;
		const len = chunk.length;
		let n = this.n;
		let v = this.value;
		let digits = this.digits;
		let mode = this.mode;
		for (let i = 0; i < len; i++) {
			const c = chunk[i]!;
			if (mode === TOKEN) {
				const d = c - 48;
				if (d >= 0 && d <= 9) {
					v = v * 10 + d;
					if (++digits > MAX_DIGITS) {
						this.n = n;
						this.bad(this.expected(`a number of more than ${MAX_DIGITS} digits`));
						v = 0;
						digits = 0;
						mode = SKIP_TOKEN;
					}
					continue;
				}
				if (c === NL || c === COMMA || c === SPACE || c === CR || c === TAB) {
					if (digits !== 0) {
						if (v <= MAX_PAGE) {
							batch[n++] = v;
							if (n === cap) {
								this.n = n;
								this.flush();
								n = 0;
							}
						} else {
							this.n = n;
							this.emitPage(v);
							n = this.n;
						}
						v = 0;
						digits = 0;
					}
					if (c === NL) {
						this.line++;
						this.skipRun = 0;
					}
					continue;
				}
				if (c === HASH && digits === 0) {
					mode = COMMENT;
					continue;
				}
				// Something that is not a page number: report the whole token.
				this.n = n;
				this.bad(this.expected(tokenAt(chunk, i, digits > 0 ? String(v) : '')));
				v = 0;
				digits = 0;
				mode = SKIP_TOKEN;
			} else if (c === NL) {
				this.line++;
				this.skipRun = 0;
				mode = TOKEN;
			} else if (mode === SKIP_TOKEN && (c === COMMA || c === SPACE || c === CR || c === TAB)) {
				mode = TOKEN;
			} else if ((++this.skipRun & 0xfff) === 0) {
				this.n = n;
				this.skipped(0);
			}
		}
		this.n = n;
		this.value = v;
		this.digits = digits;
		this.mode = mode;
	}

	// --- addresses and lackey: whole lines, the incomplete tail carried to the next chunk ---

	private pushLines(chunk: Uint8Array): void {
		const len = chunk.length;
		let pos = 0;
		if (this.carryLen > 0 || this.discarding) {
			let nl = 0;
			while (nl < len && chunk[nl] !== NL) nl++;
			this.appendCarry(chunk, 0, nl);
			if (nl === len) return;
			if (!this.discarding) this.parseLine(this.carry, 0, this.carryLen);
			this.carryLen = 0;
			this.discarding = false;
			this.skipRun = 0;
			this.line++;
			pos = nl + 1;
		}
		for (;;) {
			let nl = pos;
			while (nl < len && chunk[nl] !== NL) nl++;
			if (nl === len) break;
			this.parseLine(chunk, pos, nl);
			this.line++;
			pos = nl + 1;
		}
		if (pos < len) this.appendCarry(chunk, pos, len);
	}

	/** Keep part of a line for the next chunk; a line too long to be a trace line is dropped. */
	private appendCarry(chunk: Uint8Array, from: number, to: number): void {
		if (this.discarding) {
			this.skipped(to - from);
			return;
		}
		const size = to - from;
		if (this.carryLen + size > MAX_LINE) {
			this.bad(`expected ${EXPECT[this.opts.format]}, found a line longer than ${MAX_LINE} bytes`);
			this.discarding = true;
			this.carryLen = 0;
			return;
		}
		this.carry.set(chunk.subarray(from, to), this.carryLen);
		this.carryLen += size;
	}

	private parseLine(buf: Uint8Array, start: number, end: number): void {
		if (end > start && buf[end - 1] === CR) end--;
		if (this.opts.format === 'lackey') this.parseLackey(buf, start, end);
		else this.parseAddress(buf, start, end);
	}

	private parseAddress(buf: Uint8Array, start: number, end: number): void {
		let i = skipBlanks(buf, start, end);
		if (i === end || buf[i] === HASH) return;
		let page: number;
		if (buf[i] === 48 && i + 1 < end && (buf[i + 1]! | 0x20) === 120) {
			const stop = this.parseHex(buf, i + 2, end);
			if (stop === i + 2 || stop < 0) {
				this.bad(stop < 0 ? 'address wider than 64 bits' : this.expected(lineText(buf, start, end)));
				return;
			}
			i = stop;
			page = this.hexPage();
		} else {
			let v = 0;
			const from = i;
			while (i < end) {
				const d = buf[i]! - 48;
				if (d < 0 || d > 9) break;
				v = v * 10 + d;
				i++;
			}
			if (i === from) {
				this.bad(this.expected(lineText(buf, start, end)));
				return;
			}
			if (v > MAX_PAGE) {
				this.bad(`decimal address ${lineText(buf, from, i)} is above 2^53 (write it in hexadecimal)`);
				return;
			}
			page = Math.floor(v / (this.mask + 1));
		}
		i = skipBlanks(buf, i, end);
		if (i < end && buf[i] !== HASH) {
			this.bad(this.expected(lineText(buf, start, end)));
			return;
		}
		if (page > MAX_PAGE) {
			this.bad(`page number of ${lineText(buf, start, end)} is above 2^53 (use a larger --page-size)`);
			return;
		}
		this.emitPage(page);
	}

	private parseLackey(buf: Uint8Array, start: number, end: number): void {
		let i = skipBlanks(buf, start, end);
		if (i === end) return;
		const kind = buf[i]!;
		// valgrind's own messages: ==pid== (banner, summary), --pid-- (debug), **pid** (warnings).
		if ((kind === 61 || kind === 45 || kind === 42) && i + 1 < end && buf[i + 1] === kind) return;
		// I, L, S, M
		if (kind !== 73 && kind !== 76 && kind !== 83 && kind !== 77) {
			this.bad(this.expected(lineText(buf, start, end)));
			return;
		}
		if (kind === 73 && this.opts.dataOnly) return;
		i++;
		const afterKind = i;
		i = skipBlanks(buf, i, end);
		if (i === afterKind) {
			this.bad(this.expected(lineText(buf, start, end)));
			return;
		}
		if (buf[i] === 48 && i + 1 < end && (buf[i + 1]! | 0x20) === 120) i += 2;
		const stop = this.parseHex(buf, i, end);
		if (stop <= i || stop >= end || buf[stop] !== COMMA) {
			this.bad(stop < 0 ? 'address wider than 64 bits' : this.expected(lineText(buf, start, end)));
			return;
		}
		i = stop + 1;
		let size = 0;
		const sizeFrom = i;
		while (i < end) {
			const d = buf[i]! - 48;
			if (d < 0 || d > 9) break;
			size = size * 10 + d;
			i++;
		}
		if (i === sizeFrom || skipBlanks(buf, i, end) !== end) {
			this.bad(this.expected(lineText(buf, start, end)));
			return;
		}
		if (size > MAX_ACCESS) {
			this.bad(`expected an access size of at most ${MAX_ACCESS} bytes, found ${size}`);
			return;
		}
		const first = this.hexPage();
		if (first > MAX_PAGE) {
			this.bad(`page number of ${lineText(buf, start, end)} is above 2^53 (use a larger --page-size)`);
			return;
		}
		// An access that crosses page boundaries touches every page it covers, in address order;
		// size 0 (rare, from some instructions) still touches its first byte's page.
		const offset = this.hexLo & this.mask;
		const span = size > 1 ? Math.floor((offset + size - 1) / (this.mask + 1)) : 0;
		for (let k = 0; k <= span; k++) this.emitPage(first + k);
	}

	/** Hex digits from `i` into hexHi:hexLo; returns the index after them, or -1 past 16 digits. */
	private parseHex(buf: Uint8Array, i: number, end: number): number {
		let hi = 0;
		let lo = 0;
		const from = i;
		for (; i < end; i++) {
			const c = buf[i]!;
			let d: number;
			if (c >= 48 && c <= 57) d = c - 48;
			else if (c >= 97 && c <= 102) d = c - 87;
			else if (c >= 65 && c <= 70) d = c - 55;
			else break;
			if (i - from === 16) return -1;
			hi = ((hi << 4) | (lo >>> 28)) >>> 0;
			lo = ((lo << 4) | d) >>> 0;
		}
		this.hexHi = hi;
		this.hexLo = lo;
		return i;
	}

	/** hexHi:hexLo >> log2(pageSize), exact as long as the result is below 2^53. */
	private hexPage(): number {
		const s = this.shift;
		return this.hexHi * 2 ** (32 - s) + (s === 0 ? this.hexLo : this.hexLo >>> s);
	}
}

function skipBlanks(buf: Uint8Array, i: number, end: number): number {
	while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
	return i;
}

/** A line for an error message, quoted: trimmed, at most 60 characters, odd bytes escaped;
 * mostly non-text bytes are called what they are. */
function lineText(buf: Uint8Array, start: number, end: number): string {
	let s = '';
	let odd = 0;
	for (let i = start; i < end && i - start < 60; i++) {
		const c = buf[i]!;
		if (c >= 32 && c < 127) s += String.fromCharCode(c);
		else {
			odd++;
			s += `\\x${c.toString(16).padStart(2, '0')}`;
		}
	}
	if (odd * 4 > Math.min(end - start, 60)) return 'binary data';
	if (end - start > 60) s += '...';
	return `'${s.trim()}'`;
}

/** The token going on at `i` (up to a separator), for an error message; `before`: its digits so far. */
function tokenAt(buf: Uint8Array, i: number, before: string): string {
	let end = i;
	while (end < buf.length && end - i < 40) {
		const c = buf[end]!;
		if (c === NL || c === COMMA || c === SPACE || c === CR || c === TAB) break;
		end++;
	}
	const rest = lineText(buf, i, end);
	return rest === 'binary data' || before === '' ? rest : `'${before}${rest.slice(1)}`;
}

/**
 * Guess the format from the first lines: valgrind's banner or lackey access lines → lackey;
 * 0x-prefixed numbers → addresses; anything else → pages (decimal byte addresses need
 * --format addresses).
 */
export function detectFormat(head: Uint8Array): TraceFormat {
	const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 1 << 16)).toString('latin1');
	const lines = text.split('\n', 64);
	let hex = false;
	for (const raw of lines) {
		const line = raw.replace(/\r$/, '');
		if (/^\s*==\d+==/.test(line) || /^(I|\s+[LSM])\s+(0x)?[0-9a-fA-F]+,\d+\s*$/.test(line)) return 'lackey';
		if (/^\s*0[xX][0-9a-fA-F]+\s*(#.*)?$/.test(line)) hex = true;
	}
	return hex ? 'addresses' : 'pages';
}
