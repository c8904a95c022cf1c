import {describe, expect, it} from 'vitest';
import {
	COLUMNS,
	type ColumnContext,
	formatCell,
	layoutColumns,
	resample,
	sortProcesses,
} from '../../source/view/panels/columns.js';
import {ProcessTable} from '../../source/view/panels/process-table.js';
import {flatRows} from '../../source/view/tree.js';
import {autoUnmount, frameLines} from '../helpers/render-once.js';
import {buildSnapshot, fixtureProcesses, makeProcess, manyProcesses} from '../helpers/snapshot-fixture.js';

autoUnmount();

const rising: ColumnContext = {
	history: (pid) => (pid === 903 ? [10, 20, 30, 40, 50, 60, 70, 80] : [5, 5, 5, 5]),
};
const rows = sortProcesses(buildSnapshot().processes, 'rss', true, rising);

describe('column registry', () => {
	it('has one descriptor per column with unique ids', () => {
		expect(new Set(COLUMNS.map((c) => c.id)).size).toBe(COLUMNS.length);
		expect(COLUMNS.map((c) => c.title)).toEqual([
			'PID',
			'NAME',
			'STATE',
			'RSS',
			'ANON',
			'FILE',
			'SWAP',
			'ZSWAP',
			'PSS',
			'USS',
			'SWPPSS',
			'WSS',
			'MINFLT/s',
			'MAJFLT/s',
			'dTLB%',
			'STALL%',
			'PROG%',
			'OOM',
			'ADJ',
			'RSS 2min',
		]);
	});

	it('fits every default column but PSS at 120, PSS too at 130, and drops by priority at 80', () => {
		const defaults = COLUMNS.filter((c) => !c.optional).map((c) => c.id);
		expect(defaults).toContain('pss');
		expect(defaults).not.toContain('uss');
		expect(defaults).not.toContain('swappss');
		expect(layoutColumns(120).columns.map((c) => c.id)).toEqual(defaults.filter((id) => id !== 'pss'));
		expect(layoutColumns(130).columns.map((c) => c.id)).toEqual(defaults);
		// Chosen in setup, the optional ones show where they fit.
		expect(layoutColumns(200, [...defaults, 'uss', 'swappss']).columns.map((c) => c.id)).toContain('swappss');
		// At 80 columns PROG% (the thrashing column) stays, ahead of ANON, FILE and ZSWAP.
		expect(layoutColumns(80).columns.map((c) => c.id)).toEqual([
			'pid',
			'name',
			'state',
			'rss',
			'swap',
			'wss',
			'majflt',
			'stall',
			'progress',
			'oom',
			'adj',
		]);
		for (const width of [60, 80, 100, 120, 200]) {
			const {widths} = layoutColumns(width);
			expect(widths.reduce((n, w) => n + w, 0) + widths.length - 1).toBeLessThanOrEqual(width);
		}
	});

	it('sorts by any column, ties by pid', () => {
		const ctx: ColumnContext = {history: () => []};
		const procs = fixtureProcesses();
		expect(sortProcesses(procs, 'pid', false, ctx).map((p) => p.pid)).toEqual([
			1, 412, 530, 777, 901, 902, 903, 1024,
		]);
		expect(sortProcesses(procs, 'name', false, ctx)[0]!.name).toBe('backup');
		expect(sortProcesses(procs, 'stall', true, ctx)[0]!.name).toBe('hog');
		expect(sortProcesses(procs, 'majflt', true, ctx)[0]!.name).toBe('java');
		expect(sortProcesses(procs, 'adj', false, ctx)[0]!.name).toBe('postgres');
		// RSS history sorts by growth: the leaker rises, everyone else is flat.
		expect(sortProcesses(procs, 'history', true, rising)[0]!.name).toBe('leaker');
	});

	it('formats cells padded to their width', () => {
		const java = makeProcess({pid: 777, name: 'java', anon: 307_200, stall: 0.32, progress: 0.64});
		const ctx: ColumnContext = {history: () => [1, 2, 3, 4, 5, 6, 7, 8]};
		const cell = (id: string, width: number) =>
			formatCell(COLUMNS.find((c) => c.id === id)!, width, java, ctx);
		expect(cell('pid', 5)).toBe('  777');
		expect(cell('name', 10)).toBe('java      ');
		expect(cell('rss', 6)).toBe(' 1.17G');
		expect(cell('stall', 6)).toBe('  32.0');
		expect(cell('progress', 5)).toBe('   64');
		expect(cell('history', 8)).toBe('▁▂▃▄▅▆▇█');
		expect(resample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([2, 4, 6, 8, 10]);
	});
});

describe('ProcessTable', () => {
	it('renders header and rows at 80 columns', async () => {
		const lines = await frameLines(
			<ProcessTable
				rows={flatRows(rows)}
				selectedIndex={1}
				scrollTop={0}
				width={80}
				height={6}
				sortColumn="rss"
				descending
				context={rising}
			/>,
			80,
		);
		expect(lines).toEqual([
			'  PID NAME       STATE       RSS▼   SWAP    WSS MAJFLT/s STALL% PROG%  OOM   ADJ',
			'  777 java       swapin     1.17G   300M   900M       60   32.0    64  829     0',
			'  901 hog        reclaim    1.00G      0  1.00G        0   55.0    41  777   500',
			'  412 postgres   running     468M      0   281M        3    0.0   100    0 -1000',
			'  903 leaker     running     420M      0   252M        0    0.0   100  712     0',
			'  902 reader     throttled   201M      0   121M       55   12.0    93  688     0',
		]);
	});

	it('renders every column at 120 columns, with the RSS sparkline', async () => {
		const lines = await frameLines(
			<ProcessTable
				rows={flatRows(rows)}
				selectedIndex={0}
				scrollTop={0}
				width={120}
				height={5}
				sortColumn="rss"
				descending
				context={rising}
			/>,
			120,
		);
		expect(lines).toEqual([
			'  PID NAME        STATE       RSS▼   ANON   FILE   SWAP  ZSWAP    WSS MINFLT/s MAJFLT/s STALL% PROG%  OOM   ADJ RSS 2min',
			'  777 java        swapin     1.17G  1.17G      0   300M   100M   900M     5.2k       60   32.0    64  829     0     ████',
			'  901 hog         reclaim    1.00G  1.00G      0      0      0  1.00G     6.0k        0   55.0    41  777   500     ████',
			'  412 postgres    running     468M   300M  40.0M      0      0   281M      850        3    0.0   100    0 -1000     ████',
			'  903 leaker      running     420M   420M      0      0      0   252M     4.1k        0    0.0   100  712     0 ▁▂▃▄▅▆▇█',
		]);
	});

	it('marks the sort column and direction in the header', async () => {
		const asc = await frameLines(
			<ProcessTable
				rows={flatRows(rows)}
				selectedIndex={0}
				scrollTop={0}
				width={80}
				height={1}
				sortColumn="name"
				descending={false}
				context={rising}
			/>,
			80,
		);
		expect(asc[0]).toBe('  PID NAME▲      STATE        RSS   SWAP    WSS MAJFLT/s STALL% PROG%  OOM   ADJ');
	});

	it('shows only the rows from scrollTop that fit', async () => {
		const many = sortProcesses(manyProcesses(500), 'pid', false, {history: () => []});
		const lines = await frameLines(
			<ProcessTable
				rows={flatRows(many)}
				selectedIndex={250}
				scrollTop={245}
				width={80}
				height={11}
				sortColumn="pid"
				descending={false}
				context={{history: () => []}}
			/>,
			80,
		);
		expect(lines).toHaveLength(11);
		expect(lines[1]).toMatch(/^ {2}345 /);
		expect(lines[10]).toMatch(/^ {2}354 /);
	});

	it('says so when the filter hides everything', async () => {
		const lines = await frameLines(
			<ProcessTable
				rows={[]}
				selectedIndex={-1}
				scrollTop={0}
				width={80}
				height={4}
				sortColumn="rss"
				descending
				context={rising}
				emptyText='  no process matches "zzz"'
			/>,
			80,
		);
		expect(lines[1]).toBe('  no process matches "zzz"');
	});
});
