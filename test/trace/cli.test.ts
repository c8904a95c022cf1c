import {PassThrough, Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {traceCommand, traceHelp} from '../../source/cli/trace.js';
import {UserError} from '../../source/common/user-error.js';

const FIXTURE = new URL('../fixtures/trace/walk.trace.gz', import.meta.url).pathname;

interface Captured {
	code: number;
	stdout: string;
	stderr: string;
}

function sink(): {stream: PassThrough; text: () => string} {
	const stream = new PassThrough();
	const parts: Buffer[] = [];
	stream.on('data', (c: Buffer) => parts.push(c));
	return {stream, text: () => Buffer.concat(parts).toString('utf8')};
}

async function run(argv: string[], stdinText = ''): Promise<Captured> {
	const out = sink();
	const err = sink();
	const stdin = Readable.from([Buffer.from(stdinText)]);
	const code = await traceCommand(argv, {stdout: out.stream, stderr: err.stream, stdin});
	return {code, stdout: out.text(), stderr: err.text()};
}

async function userError(argv: string[], stdinText = ''): Promise<string> {
	try {
		await run(argv, stdinText);
	} catch (e) {
		expect(e).toBeInstanceOf(UserError);
		expect((e as UserError).exitCode).toBe(2);
		return (e as UserError).message;
	}
	throw new Error('expected a UserError');
}

describe('memtop trace', () => {
	it('has help in Usage / Options / Examples form', async () => {
		expect(traceHelp).toMatch(/Usage[\s\S]*Options[\s\S]*Examples/);
		const r = await run(['--help']);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('$ memtop trace FILE...');
		expect(r.stdout).toContain('--page-size');
	});

	it("prints the table and chart with Belady's anomaly", async () => {
		const r = await run(['-', '--policy', 'fifo,lru,opt', '--frames', '3,4'], '1,2,3,4,1,2,5,1,2,3,4,5\n');
		expect(r.code).toBe(0);
		expect(r.stderr).toBe('');
		expect(r.stdout).toBe(
			[
				'<stdin>: 12 references to 5 pages (pages)',
				'',
				'policy  frames  references  hits  faults  fault ratio',
				'fifo         3          12     3       9       75.00%',
				'fifo         4          12     2      10       83.33%',
				'lru          3          12     2      10       83.33%',
				'lru          4          12     4       8       66.67%',
				'opt          3          12     5       7       58.33%',
				'opt          4          12     6       6       50.00%',
				'',
				'faults by frame count (bar = faults; ^ = more faults than with fewer frames)',
				`fifo 3 |${'#'.repeat(53)}${' '.repeat(6)}  9`,
				`     4 |${'#'.repeat(59)} 10 ^ Belady`,
				`lru  3 |${'#'.repeat(59)} 10`,
				`     4 |${'#'.repeat(47)}${' '.repeat(12)}  8`,
				`opt  3 |${'#'.repeat(41)}${' '.repeat(18)}  7`,
				`     4 |${'#'.repeat(35)}${' '.repeat(24)}  6`,
				'',
			].join('\n'),
		);
		for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(79);
	});

	it('prints no chart for a single frame count', async () => {
		const r = await run(['-', '--policy', 'lru', '--frames', '2'], '1 2 1 3\n');
		expect(r.stdout).not.toContain('faults by frame count');
		expect(r.stdout).toContain('lru          2           4     1       3       75.00%');
	});

	it('prints JSON for every file, policy and frame count', async () => {
		const r = await run(['-', '--policy', 'fifo', '--frames', '4,3', '--json'], '1,2,3,4,1,2,5,1,2,3,4,5');
		expect(JSON.parse(r.stdout)).toEqual([
			{file: '<stdin>', policy: 'fifo', frames: 3, references: 12, hits: 3, faults: 9},
			{file: '<stdin>', policy: 'fifo', frames: 4, references: 12, hits: 2, faults: 10},
		]);
	});

	it('runs several files, one table each', async () => {
		const r = await run([FIXTURE, '-', '--policy', 'lru', '--frames', '16', '--json'], '1 2 3');
		const rows = JSON.parse(r.stdout) as {file: string}[];
		expect(rows.map((x) => x.file)).toEqual([FIXTURE, '<stdin>']);
		const text = await run([FIXTURE, '-', '--policy', 'lru', '--frames', '16'], '1 2 3');
		expect(text.stdout).toContain(`${FIXTURE}: 95,258 references to 66 pages (lackey)`);
		expect(text.stdout).toContain('<stdin>: 3 references to 3 pages (pages)');
	});

	it('accepts repeated flags and --format, --page-size, --data-only', async () => {
		const r = await run(
			[
				'-',
				'--policy',
				'lru',
				'--policy=fifo',
				'--frames',
				'1',
				'--format',
				'addresses',
				'--page-size',
				'8192',
				'--json',
			],
			'0x0\n0x1000\n0x2000\n',
		);
		const rows = JSON.parse(r.stdout) as {faults: number}[];
		expect(rows.map((x) => x.faults)).toEqual([2, 2]);
		const d = await run(
			['-', '--policy', 'lru', '--frames', '4', '--data-only', '--json'],
			'I  1000,4\n L 2000,4\n',
		);
		expect(JSON.parse(d.stdout)[0].references).toBe(1);
	});

	it('counts skipped lines on stderr under --skip-bad', async () => {
		const r = await run(['-', '--policy', 'lru', '--frames', '2', '--skip-bad'], '1\nfoo\n2\nbar\n');
		expect(r.code).toBe(0);
		expect(r.stderr).toBe(
			"memtop: <stdin>: skipped 2 malformed lines (first: <stdin>:2: expected a page number (decimal digits, separated by commas, spaces or newlines), found 'foo')\n",
		);
		expect(r.stdout).toContain('<stdin>: 2 references');
	});

	it('fails with FILE:LINE on a malformed line', async () => {
		expect(await userError(['-', '--format', 'lackey'], ' L 1000,4\n L zz,4\n')).toBe(
			"<stdin>:2: expected a lackey access ('I', ' L', ' S' or ' M', then hex address,size), found 'L zz,4'",
		);
	});

	it('rejects bad options with one line listing what is accepted', async () => {
		expect(await userError(['-', '--policy', 'lru,belady'])).toMatch(
			/^unknown policy 'belady' \(accepted: fifo, lru, clock, opt/,
		);
		expect(await userError(['-', '--frames', '16,0'])).toBe(
			"invalid frame count '0' (accepted: whole numbers 1 to 67108864)",
		);
		expect(await userError(['-', '--frames', '2.5'])).toMatch(/^invalid frame count '2\.5'/);
		expect(await userError(['-', '--format', 'csv'])).toMatch(
			/^unknown trace format 'csv' \(accepted: auto, pages/,
		);
		expect(await userError(['-', '--page-size', '1000'])).toMatch(
			/^invalid page size '1000' \(accepted: a power of two/,
		);
		expect(await userError(['-', '--fames', '3'])).toMatch(
			/^unknown option '--fames' \(accepted: --policy, --frames/,
		);
		expect(await userError(['-', '-x'])).toMatch(/^unknown option '-x'/);
		expect(await userError([])).toBe('no trace file given (give a path, or - for standard input)');
		expect(await userError(['-', '-'])).toMatch(/only once/);
		expect(await userError(['-', '--format', 'pages', '--data-only'])).toMatch(
			/--data-only applies to lackey/,
		);
		expect(await userError(['/nonexistent/trace.txt'])).toBe('/nonexistent/trace.txt: no such file');
	});

	it('rejects a value flag with no value instead of using its default (issue 18 item 9)', async () => {
		expect(await userError(['-', '--frames'])).toBe(
			'option --frames needs a value (for example --frames 16,64,256)',
		);
		expect(await userError(['-', '--policy'])).toBe(
			'option --policy needs a value (for example --policy lru,opt)',
		);
		expect(await userError(['-', '--policy', '--json'])).toMatch(/^option --policy needs a value/);
		expect(await userError(['-', '--frames='])).toMatch(/^option --frames needs a value/);
		expect(await userError(['-', '--curve', '--sample'])).toMatch(/^option --sample needs a value/);
		expect(await userError(['-', '--sample', '0.1'])).toBe('--sample goes with --curve');
		expect(await userError(['-', '--curve', '--sample', '2'])).toMatch(/^invalid sampling rate '2'/);
		expect(await userError(['-', '--seed', '-1'])).toMatch(/^invalid seed/);
	});

	it('a flag given twice and a short-flag-looking value are one line, not meow exiting (issue 15 fuzz)', async () => {
		expect(await userError(['-', '--format', 'pages', '--format', 'lackey'])).toBe(
			'option --format given 2 times; give it once (see memtop trace --help)',
		);
		expect(await userError(['-', '--json', '--no-json'])).toMatch(/^option --json given 2 times/);
		expect(await userError(['-', '-5M'])).toMatch(/^unknown option '-5M' \(accepted: /);
		// --policy and --frames may repeat; a negative number is still an argument.
		expect((await run(['-', '--policy', 'lru', '--policy', 'fifo', '--frames', '2'], '1 2 1\n')).code).toBe(
			0,
		);
		expect(await userError(['-', '-1'])).toBe('-1: no such file');
		expect(await userError(['-', '--curve', '--sample', '-5M'])).toBe(
			'option --sample needs a value (for example --sample 0.01)',
		);
		expect(await userError(['-', '--frames', '-1'])).toMatch(/^invalid frame count '-1'/);
	});

	it('--curve prints the chart, the anomalies and the table in 80 columns', async () => {
		const r = await run(['-', '--curve'], '1,2,3,4,1,2,5,1,2,3,4,5\n');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('<stdin>: 12 references to 5 pages (pages)');
		expect(r.stdout).toContain('lru and opt exact at every frame count');
		expect(r.stdout).toContain('fifo and clock run once per frame count, at every one from 1 to 5');
		expect(r.stdout).toContain('  fifo with 4 frames: 10 faults, 9 with 3');
		expect(r.stdout).toMatch(/frames {2}lru {2}opt {2}fifo {2}clock\n {5}1 {3}12 {3}12 {4}12 {5}12\n/);
		expect(r.stdout).toMatch(/\n {5}3 {3}10 {4}7 {5}9 {6}9\n {5}4 {4}8 {4}6 {4}10 {5}10\n/);
		for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(79);
	});

	it('--curve --json gives every curve point', async () => {
		const r = await run(['-', '--curve', '--policy', 'lru,fifo', '--json'], '1,2,3,4,1,2,5,1,2,3,4,5');
		const [report] = JSON.parse(r.stdout) as {
			curves: {policy: string; frames: number[]; faults: number[]}[];
		}[];
		expect(report!.curves).toEqual([
			{policy: 'lru', method: 'stack', frames: [1, 2, 3, 4, 5], faults: [12, 12, 10, 8, 5], belady: []},
			{
				policy: 'fifo',
				method: 'per-size',
				frames: [1, 2, 3, 4, 5],
				faults: [12, 12, 9, 10, 5],
				belady: [{frames: 4, faults: 10, fewerFrames: 3, fewerFaults: 9}],
			},
		]);
	});

	it('--convert writes a binary trace that gives the same results', async () => {
		const {mkdtemp, rm} = await import('node:fs/promises');
		const {join} = await import('node:path');
		const {tmpdir} = await import('node:os');
		const dir = await mkdtemp(join(tmpdir(), 'memtop-cli-convert-'));
		try {
			const out = join(dir, 'walk.mtrace');
			const c = await run(['--convert', FIXTURE, out]);
			expect(c.stdout).toBe(`${out}: 95,258 references to 66 pages, 95,850 bytes (from lackey)\n`);
			const a = await run([FIXTURE, '--json']);
			const b = await run([out, '--json']);
			const rows = (t: string) => (JSON.parse(t) as {faults: number}[]).map((x) => x.faults);
			expect(rows(b.stdout)).toEqual(rows(a.stdout));
			expect(await userError(['--convert', FIXTURE])).toMatch(/^--convert: expected FILE OUT/);
			expect(await userError(['--convert', FIXTURE, out, '--curve'])).toBe('--convert does not take --curve');
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});
});
