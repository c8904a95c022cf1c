import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {detectFormat, type ParserOptions, type TraceFormat, TraceParser} from '../../source/trace/parse.js';

interface Parsed {
	pages: number[];
	parser: TraceParser;
}

function parse(
	text: string,
	format: TraceFormat,
	options: Partial<ParserOptions> = {},
	chunks: number[] = [],
): Parsed {
	const pages: number[] = [];
	const parser = new TraceParser(
		{name: 't.trace', format, pageSize: 4096, dataOnly: false, skipBad: false, ...options},
		(refs, n) => {
			for (let i = 0; i < n; i++) pages.push(refs[i]!);
		},
		4, // tiny batches: exercise flushing
	);
	const bytes = Buffer.from(text, 'latin1');
	let pos = 0;
	for (const size of chunks) {
		parser.push(bytes.subarray(pos, Math.min(bytes.length, pos + size)));
		pos = Math.min(bytes.length, pos + size);
	}
	parser.push(bytes.subarray(pos));
	parser.end();
	return {pages, parser};
}

const pagesOf = (text: string, format: TraceFormat, options: Partial<ParserOptions> = {}): number[] =>
	parse(text, format, options).pages;

function failure(fn: () => unknown): string {
	try {
		fn();
	} catch (err) {
		expect(err).toBeInstanceOf(UserError);
		return (err as UserError).message;
	}
	throw new Error('expected a UserError');
}

describe('pages format', () => {
	it('reads numbers separated by newlines, commas, spaces and tabs', () => {
		expect(pagesOf('1,2,3\n4 5\t6\r\n7', 'pages')).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(pagesOf('1, 2 ,,3\n\n\n4\n', 'pages')).toEqual([1, 2, 3, 4]);
		expect(pagesOf('', 'pages')).toEqual([]);
	});

	it('skips # comments', () => {
		expect(pagesOf('# a trace\n1 2 # two pages\n3\n', 'pages')).toEqual([1, 2, 3]);
	});

	it('reads page numbers up to 2^53 - 1', () => {
		expect(pagesOf('4503599627370496\n9007199254740991', 'pages')).toEqual([2 ** 52, 2 ** 53 - 1]);
	});

	it('reports FILE:LINE, what was expected and what was found', () => {
		expect(failure(() => pagesOf('1\n2\nabc\n4', 'pages'))).toBe(
			"t.trace:3: expected a page number (decimal digits, separated by commas, spaces or newlines), found 'abc'",
		);
		expect(failure(() => pagesOf('1,2\n3,12x,4', 'pages'))).toMatch(/^t\.trace:2: .* found '12x'$/);
		expect(failure(() => pagesOf('-1', 'pages'))).toMatch(/found '-1'$/);
		expect(failure(() => pagesOf('1\n9007199254740993', 'pages'))).toMatch(
			/^t\.trace:2: page number .* above 2\^53/,
		);
	});

	it('skips bad tokens under skipBad and counts the lines', () => {
		const {pages, parser} = parse('1\nx\n2 y z 3\n4\n', 'pages', {skipBad: true});
		expect(pages).toEqual([1, 2, 3, 4]);
		expect(parser.badLines).toBe(2);
		expect(parser.firstBad).toMatch(/^t\.trace:2: .*found 'x'$/);
	});
});

describe('addresses format', () => {
	it('turns hex and decimal byte addresses into page numbers', () => {
		expect(pagesOf('0x1000\n0x1fff\n8192\n0X2000  \n  0xABCDEF\n', 'addresses')).toEqual([1, 1, 2, 2, 0xabc]);
		expect(pagesOf('0x12345678\n', 'addresses', {pageSize: 65536})).toEqual([0x1234]);
		expect(pagesOf('4095\n4096\n', 'addresses', {pageSize: 1})).toEqual([4095, 4096]);
	});

	it('keeps 64-bit addresses exact', () => {
		expect(pagesOf('0xffffffffffffffff\n0x7ffd12345678\n', 'addresses')).toEqual([2 ** 52 - 1, 0x7ffd12345]);
		expect(failure(() => pagesOf('0xffffffffffffffff\n', 'addresses', {pageSize: 1}))).toMatch(
			/^t\.trace:1: page number .* above 2\^53/,
		);
		expect(failure(() => pagesOf('0x1ffffffffffffffff\n', 'addresses'))).toBe(
			't.trace:1: address wider than 64 bits',
		);
	});

	it('skips blank lines and comments', () => {
		expect(pagesOf('# addresses\n\n0x1000 # one\n', 'addresses')).toEqual([1]);
	});

	it('rejects anything else with FILE:LINE', () => {
		expect(failure(() => pagesOf('0x1000\n0x\n', 'addresses'))).toBe(
			"t.trace:2: expected one address per line (0x-prefixed hexadecimal or decimal), found '0x'",
		);
		expect(failure(() => pagesOf('0x1000 0x2000\n', 'addresses'))).toMatch(
			/^t\.trace:1: .*found '0x1000 0x2000'$/,
		);
		expect(failure(() => pagesOf('\n\nfoo\n', 'addresses'))).toMatch(/^t\.trace:3: .*found 'foo'$/);
	});

	it('rejects a page size that is not a power of two', () => {
		expect(failure(() => pagesOf('1', 'addresses', {pageSize: 3000}))).toMatch(/power of two/);
	});
});

const LACKEY = `==4242== Lackey, an example Valgrind tool
==4242== Copyright (C) 2002-2017, and GNU GPL'd, by Nicholas Nethercote.
==4242== Command: ./walk
==4242== 
I  00401000,1
 S 1fff000768,8
I  00401001,3
 L 00403ffc,8
 M 00405000,4
 M 00405ffe,4
==4242== 
==4242== Exit code:       0
`;

describe('lackey format', () => {
	it('skips valgrind banner lines and reads I, L, S and M accesses', () => {
		expect(pagesOf(LACKEY, 'lackey')).toEqual([0x401, 0x1fff000, 0x401, 0x403, 0x404, 0x405, 0x405, 0x406]);
	});

	it('touches every page an access spans, in address order, and M once per page', () => {
		expect(pagesOf(' L 0ffe,4\n', 'lackey')).toEqual([0, 1]);
		expect(pagesOf(' S 1ffc,8\n', 'lackey')).toEqual([1, 2]);
		expect(pagesOf(' M 1000,4\n', 'lackey')).toEqual([1]);
		expect(pagesOf(' L 0fff,8194\n', 'lackey')).toEqual([0, 1, 2, 3]);
		expect(pagesOf(' L 1000,4096\n', 'lackey')).toEqual([1]);
		expect(pagesOf(' L 1000,0\n', 'lackey')).toEqual([1]);
	});

	it('leaves out instruction fetches with dataOnly', () => {
		expect(pagesOf(LACKEY, 'lackey', {dataOnly: true})).toEqual([
			0x1fff000, 0x403, 0x404, 0x405, 0x405, 0x406,
		]);
	});

	it('accepts CRLF line ends and skips --pid-- and **pid** messages', () => {
		expect(pagesOf('--1-- debug\r\n**1** warning\r\n L 2000,4\r\n', 'lackey')).toEqual([2]);
	});

	it('rejects lines that are not accesses with FILE:LINE', () => {
		expect(failure(() => pagesOf(`${LACKEY}hello world\n`, 'lackey'))).toBe(
			"t.trace:13: expected a lackey access ('I', ' L', ' S' or ' M', then hex address,size), found 'hello world'",
		);
		expect(failure(() => pagesOf(' L 1000\n', 'lackey'))).toMatch(/^t\.trace:1: .*found 'L 1000'$/);
		expect(failure(() => pagesOf(' X 1000,4\n', 'lackey'))).toMatch(/found 'X 1000,4'$/);
		expect(failure(() => pagesOf(' L1000,4\n', 'lackey'))).toMatch(/found 'L1000,4'$/);
		expect(failure(() => pagesOf(' L 1000,4x\n', 'lackey'))).toMatch(/found 'L 1000,4x'$/);
		expect(failure(() => pagesOf(' L 1000,99999999\n', 'lackey'))).toMatch(/access size of at most/);
	});

	it('skips bad lines under skipBad and counts them', () => {
		const {pages, parser} = parse(`program output\n L 1000,4\noops\n`, 'lackey', {skipBad: true});
		expect(pages).toEqual([1]);
		expect(parser.badLines).toBe(2);
		expect(parser.firstBad).toMatch(/^t\.trace:1: /);
	});

	it('reports a line too long to be a trace line', () => {
		const long = `${' L 1000,4\n'}${'x'.repeat(10_000)}\n L 2000,4\n`;
		expect(failure(() => parse(long, 'lackey', {}, [100, 1000, 1000]))).toMatch(
			/^t\.trace:2: .*longer than 4096/,
		);
		const {pages, parser} = parse(long, 'lackey', {skipBad: true}, [100, 1000, 1000]);
		expect(pages).toEqual([1, 2]);
		expect(parser.badLines).toBe(1);
	});
});

describe('chunking', () => {
	const samples: [TraceFormat, string][] = [
		['pages', '1,22,333\n4444 55555\r\n# c\n666666,\t7\n123456789012345'],
		['addresses', '0x1000\n8192\n# c\n0x7ffd12345678\r\n  0xABC  \n12288'],
		['lackey', `${LACKEY} L 0ffe,4\n M 7fff0000fff,2\nI  00401000,1`],
	];
	it.each(samples)('%s: any split into chunks gives the same pages and line numbers', (format, text) => {
		const whole = parse(text, format);
		fc.assert(
			fc.property(fc.array(fc.integer({min: 0, max: 9}), {maxLength: 40}), (sizes) => {
				const split = parse(text, format, {}, sizes);
				expect(split.pages).toEqual(whole.pages);
				expect(split.parser.line).toBe(whole.parser.line);
				expect(split.parser.references).toBe(whole.pages.length);
			}),
			{numRuns: 200},
		);
	});

	it('reports the right line when the bad line straddles chunks', () => {
		const text = ' L 1000,4\n L 2000,4\n L 30zz,4\n';
		for (let cut = 0; cut < text.length; cut++) {
			expect(failure(() => parse(text, 'lackey', {}, [cut]))).toMatch(/^t\.trace:3: .*found 'L 30zz,4'$/);
		}
	});
});

describe('detectFormat', () => {
	const detect = (text: string): TraceFormat => detectFormat(Buffer.from(text));
	it('recognises lackey by its banner or its access lines', () => {
		expect(detect(LACKEY)).toBe('lackey');
		expect(detect('I  00401000,1\n L 1fff000768,8\n')).toBe('lackey');
		expect(detect(' S 04017ef0,8\n')).toBe('lackey');
	});
	it('recognises 0x addresses', () => {
		expect(detect('0x7ffd1000\n0x7ffd2000\n')).toBe('addresses');
		expect(detect('# comment\n0X1000\n')).toBe('addresses');
	});
	it('takes anything else for page numbers', () => {
		expect(detect('1\n2\n3\n')).toBe('pages');
		expect(detect('1,2,3,4,1,2,5')).toBe('pages');
		expect(detect('')).toBe('pages');
	});
});
