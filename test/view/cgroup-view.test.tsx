// The cgroup view (C): its lines in tree order with the processes under each cgroup, the bar's
// scale and marks, the sizes the limit prompts take, the layout at 120 and 80 columns; the tree
// view grouped by cgroup path; and the OOM report's constraint.
import {describe, expect, it} from 'vitest';
import {GIB, MIB, PAGE_SIZE} from '../../source/sim/units.js';
import {
	byCgroupPath,
	type CgroupRow,
	cgroupRows,
	lowOf,
	parseLimit,
	selectedCgroup,
} from '../../source/view/cgroup-rows.js';
import {barSpans, CgroupView, cgroupLayout, NO_CGROUPS} from '../../source/view/panels/cgroup-view.js';
import {oomConstraint} from '../../source/view/panels/oom-report.js';
import {treeRows} from '../../source/view/tree.js';
import {cgroup, cgroupSnapshot, fixtureCgroups} from '../helpers/cgroup-fixture.js';
import {autoUnmount, frameLines} from '../helpers/render-once.js';
import {buildSnapshot, MIB_PAGES, oomKillEvent} from '../helpers/snapshot-fixture.js';

autoUnmount();

const M = MIB_PAGES;
type CgroupLine = Extract<CgroupRow, {kind: 'cgroup'}>;
const cgroupLine = (rows: readonly CgroupRow[], path: string): CgroupLine =>
	rows.find((r): r is CgroupLine => r.kind === 'cgroup' && r.cgroup.path === path)!;

describe('cgroupRows', () => {
	it('lists the cgroups in tree order with branches, each followed by its own processes, biggest first', () => {
		const rows = cgroupRows(cgroupSnapshot());
		const text = rows.map((r) =>
			r.kind === 'cgroup' ? `${r.prefix}${r.cgroup.path}` : `${r.prefix}${r.process.pid}`,
		);
		expect(text).toEqual([
			'/',
			'│ · 777',
			'│ · 902',
			'│ · 1024',
			'│ · 1',
			'├─ /kubepods',
			'│  ├─ /kubepods/pod-a',
			'│  │  · 901',
			'│  │  · 903',
			'│  └─ /kubepods/pod-b',
			'│     · 530',
			'└─ /system.slice',
			'   └─ /system.slice/postgres.service',
			'      · 412',
		]);
		// The selection counts cgroups only.
		expect(rows.filter((r) => r.kind === 'cgroup').map((r) => (r as CgroupLine).index)).toEqual([
			0, 1, 2, 3, 4, 5,
		]);
		expect(cgroupRows(cgroupSnapshot(), false)).toHaveLength(6);
	});

	it("draws the bar against max, else the nearest limited ancestor's max, else RAM", () => {
		const rows = cgroupRows(cgroupSnapshot());
		expect(cgroupLine(rows, '/kubepods/pod-a').scale).toEqual({pages: 256 * M, from: 'max'});
		expect(cgroupLine(rows, '/kubepods/pod-b').scale).toEqual({
			pages: 1024 * M,
			from: 'ancestor',
			path: '/kubepods',
		});
		// The fixture's RAM is 4 GiB.
		expect(cgroupLine(rows, '/system.slice/postgres.service').scale).toEqual({pages: 4096 * M, from: 'ram'});
	});

	it('is empty without a cgroup tree', () => {
		expect(cgroupRows(buildSnapshot())).toEqual([]);
		expect(cgroupRows({...buildSnapshot(), cgroups: []})).toEqual([]);
	});

	it('keeps the selection on its cgroup by path, else on the remembered index', () => {
		const rows = cgroupRows(cgroupSnapshot());
		expect(selectedCgroup(rows, '/kubepods/pod-b', 0)).toBe(3);
		expect(selectedCgroup(rows, '/gone', 4)).toBe(4);
		expect(selectedCgroup(rows, null, 99)).toBe(5);
		expect(selectedCgroup([], null, 0)).toBe(-1);
	});

	it('reads effective low when the snapshot has it, the configured low otherwise', () => {
		const c = cgroup('/a', 1, 10, {low: 100});
		expect(lowOf(c)).toBe(100);
		expect(lowOf({...c, elow: 40} as typeof c)).toBe(40);
		expect(lowOf({...c, elow: 'x'} as unknown as typeof c)).toBe(100);
	});
});

describe('barSpans', () => {
	it('fills current of the scale and marks low and high where they fall', () => {
		// pod-a: 256M of max 256M, low 64M (cell 2 of 10), high 200M (cell 7 of 10).
		const row = cgroupLine(cgroupRows(cgroupSnapshot()), '/kubepods/pod-a');
		const bar = barSpans(row, 10)
			.map((s) => s.text)
			.join('');
		expect(bar).toBe('[||l||||h||]');
		// Over high the cells are red; under low they are the protected colour.
		const spans = barSpans(row, 10);
		expect(spans[1]!.colour).not.toBe(spans[9]!.colour);
	});

	it("ends in ')' when the scale is an ancestor's max or RAM, and marks min too", () => {
		const c = cgroup('/a', 1, 25 * M, {min: 50 * M, low: 75 * M});
		const row: CgroupLine = {
			kind: 'cgroup',
			cgroup: c,
			index: 1,
			prefix: '',
			scale: {pages: 100 * M, from: 'ram'},
		};
		expect(
			barSpans(row, 8)
				.map((s) => s.text)
				.join(''),
		).toBe('[||  m l )');
	});
});

describe('parseLimit', () => {
	it('takes sizes as memory.max does, rounded up to whole pages, and max', () => {
		expect(parseLimit('512M')).toEqual({bytes: 512 * MIB});
		expect(parseLimit(' 1.5G ')).toEqual({bytes: 1.5 * GIB});
		expect(parseLimit('64KiB')).toEqual({bytes: 64 * 1024});
		expect(parseLimit('4097')).toEqual({bytes: 2 * PAGE_SIZE});
		expect(parseLimit('0')).toEqual({bytes: 0});
		expect(parseLimit('max')).toEqual({bytes: null});
		expect(parseLimit('MAX')).toEqual({bytes: null});
	});

	it('says in one line what is not a size', () => {
		for (const bad of ['', 'abc', '-1G', '12Q', '1e9', `${'9'.repeat(40)}`]) {
			const r = parseLimit(bad);
			expect('error' in r ? r.error : '').toMatch(/^not a size: ".*" \(512M, 1\.5G, 64K, bytes, or max\)$/);
		}
		expect(parseLimit('99999999T')).toEqual({error: 'too large: "99999999T" (max means no limit)'});
	});
});

describe('CgroupView', () => {
	const rows = cgroupRows(cgroupSnapshot());

	it('shows every figure at 120 columns, the header, the tree, the processes and a legend', async () => {
		const lines = await frameLines(
			<CgroupView rows={rows} selected={2} top={0} width={120} height={16} />,
			120,
		);
		expect(lines[0]).toBe(
			'CGROUP                  CURRENT OF MAX            CURRENT   PEAK   HIGH    MAX   SWAP  high#  max# oomkill SOME10 FULL10',
		);
		expect(lines[1]).toMatch(
			/^\/ {22}\[\|+ +\) {3}2\.93G {2}2\.93G {4}max {4}max {6}0 {6}0 {5}0 {7}0 {3}0\.00 {3}0\.00$/,
		);
		expect(lines[7]).toBe(
			'│  ├─ pod-a            [||||||l|||||||||||h|||||]    256M   256M   200M   256M  12.0M    310    40       1  12.50   3.25',
		);
		expect(lines[8]).toMatch(/^│ {2}│ {2}· 901 hog {9}reclaim {21}1\.00G {27}0$/);
		expect(lines[10]).toMatch(/^│ {2}└─ pod-b {12}\[\| +\) {3}44\.0M/);
		expect(lines[13]).toMatch(/^ {3}└─ postgres\.service \[\|\| l +\)/);
		expect(lines[15]).toMatch(/^ {2}bar: memory\.current of memory\.max \]/);
		for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
	});

	it('drops the least needed columns at 80 and keeps names whole', async () => {
		const lines = await frameLines(
			<CgroupView rows={rows} selected={0} top={0} width={80} height={16} />,
			80,
		);
		expect(lines[0]).toBe('CGROUP                  USAGE         CURRENT   HIGH    MAX  max# oomkill SOME10');
		expect(lines[7]).toBe('│  ├─ pod-a            [|||l|||||h||]    256M   200M   256M    40       1  12.50');
		expect(lines).toContain(
			'   └─ postgres.service [|l          )    340M    max    max     0       0   0.00',
		);
		expect(lines[15]).toBe(
			"  ] of memory.max, ) of an ancestor's max or RAM · # memory.events · PSI avg10 %",
		);
		for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
		const layout = cgroupLayout(rows, 80);
		expect(layout.columns.map((c) => c.title)).toEqual([
			'CURRENT',
			'HIGH',
			'MAX',
			'max#',
			'oomkill',
			'SOME10',
		]);
	});

	it('scrolls: from `top`, the header stays', async () => {
		const lines = await frameLines(
			<CgroupView rows={rows} selected={5} top={10} width={120} height={5} />,
			120,
		);
		expect(lines[0]).toMatch(/^CGROUP/);
		expect(lines.slice(1).map((l) => l.trim().slice(0, 24))).toEqual([
			'│     · 530 nginx       ',
			'└─ system.slice        [',
			'└─ postgres.service [|| ',
			'· 412 postgres    runnin',
		]);
	});

	it('says in one line that the workload has no cgroup tree', async () => {
		const lines = await frameLines(
			<CgroupView rows={[]} selected={-1} top={0} width={120} height={10} />,
			120,
		);
		expect(lines.filter((l) => l.trim() !== '')).toEqual([NO_CGROUPS]);
	});
});

describe('tree view by cgroup path', () => {
	it('hangs processes under their cgroup, the root cgroup at the top', () => {
		const snapshot = cgroupSnapshot();
		const live = snapshot.processes.filter((p) => p.state !== 'exited');
		const rows = treeRows(live, {
			sortColumn: 'pid',
			descending: false,
			context: {history: () => []},
			collapsed: new Set(),
			parents: byCgroupPath(fixtureCgroups()),
		});
		const names = rows.map((r) => `${r.prefix}${r.process.name}`);
		// A group of one is its process: nginx stands for pod-b, postgres for system.slice.
		expect(names).toEqual([
			'- kubepods (3)',
			'├─ - pod-a (2)',
			'│  ├─ hog',
			'│  └─ leaker',
			'└─ nginx',
			'systemd',
			'postgres',
			'java',
			'reader',
			'backup',
		]);
	});
});

describe('oomConstraint', () => {
	it('global: CONSTRAINT_NONE', () => {
		const c = oomConstraint(oomKillEvent());
		expect(c.kind).toBe('global');
		expect(c.summary).toBe('global OOM (constraint=CONSTRAINT_NONE): the machine ran out of RAM and swap');
	});

	it('memcg: from the event, with the oom_memcg path and the reason', () => {
		const kill = {
			...oomKillEvent(),
			constraint: 'memcg' as const,
			memcg: '/kubepods/pod-a',
			reason: '/kubepods/pod-a reached memory.max (262144 kB)',
		};
		const c = oomConstraint(kill);
		expect(c).toMatchObject({kind: 'memcg', memcg: '/kubepods/pod-a'});
		expect(c.summary).toBe(
			'memcg OOM (constraint=CONSTRAINT_MEMCG, oom_memcg=/kubepods/pod-a): /kubepods/pod-a reached memory.max (262144 kB)',
		);
		expect(c.detail).toMatch(/^Only the tasks of \/kubepods\/pod-a and below were candidates/);
	});

	it('memcg: from the kernel line alone (a recording from before the fields)', () => {
		const kill = {
			...oomKillEvent(),
			lines: [
				'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods/pod-a,task_memcg=/kubepods/pod-a,task=app,pid=100,uid=1000',
			],
		};
		expect(oomConstraint(kill)).toMatchObject({
			kind: 'memcg',
			memcg: '/kubepods/pod-a',
			summary:
				'memcg OOM (constraint=CONSTRAINT_MEMCG, oom_memcg=/kubepods/pod-a): /kubepods/pod-a reached memory.max',
		});
	});

	it('userspace: names the killer from its lines', () => {
		const kill = {
			...oomKillEvent(),
			constraint: 'userspace' as const,
			memcg: '/user.slice/user-1000.slice',
			reason: 'memory pressure 72% > 60% for 30 s',
			lines: ['systemd-oomd[1]: Killed /user.slice/user-1000.slice due to memory pressure'],
		};
		const c = oomConstraint(kill);
		expect(c.kind).toBe('userspace');
		expect(c.summary).toBe(
			'userspace kill by systemd-oomd (cgroup /user.slice/user-1000.slice): memory pressure 72% > 60% for 30 s',
		);
	});
});
