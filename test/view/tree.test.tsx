// F5: htop's tree: forked children under their parent (the snapshot's ppid), the rest under their
// workload group (or cgroup path).
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import type {ColumnContext} from '../../source/view/panels/columns.js';
import {aggregate, groupId, treeRows} from '../../source/view/tree.js';
import {FakeSession} from '../helpers/fake-session.js';
import {KEYS} from '../helpers/ink-tty.js';
import {autoUnmount, mount} from '../helpers/render-once.js';
import {buildSnapshot, fixtureProcesses, MIB_PAGES, makeProcess} from '../helpers/snapshot-fixture.js';

autoUnmount();

const ctx: ColumnContext = {history: () => []};
const web = [100, 101, 102].map((pid, i) =>
	makeProcess({pid, name: 'httpd', anon: (20 + i) * MIB_PAGES, state: i === 0 ? 'running' : 'sleeping'}),
);
const processes = [...web, ...fixtureProcesses()];

describe('treeRows', () => {
	it('puts a group of two or more under a line with their totals; a group of one is its process', () => {
		const rows = treeRows(processes, {
			sortColumn: 'rss',
			descending: true,
			context: ctx,
			collapsed: new Set(),
		});
		const httpd = rows.findIndex((r) => r.group?.key === '/httpd');
		expect(rows[httpd]).toMatchObject({
			id: groupId('/httpd'),
			prefix: '- ',
			group: {members: 3, collapsed: false},
		});
		expect(rows[httpd]!.process.name).toBe('httpd (3)');
		expect(rows[httpd]!.process.anon).toBe(63 * MIB_PAGES);
		// Members by the sort column (RSS down): 102, 101, 100, the last with └─.
		expect(rows.slice(httpd + 1, httpd + 4).map((r) => [r.id, r.prefix])).toEqual([
			[102, '├─ '],
			[101, '├─ '],
			[100, '└─ '],
		]);
		expect(rows.filter((r) => r.group === null && r.prefix === '').map((r) => r.id)).toContain(777);
		expect(rows).toHaveLength(processes.length + 1);
	});

	it('folds a group away, and hangs forked children under their parent when there is one', () => {
		const folded = treeRows(processes, {
			sortColumn: 'pid',
			descending: false,
			context: ctx,
			collapsed: new Set(['/httpd']),
		});
		expect(folded.find((r) => r.group)?.prefix).toBe('+ ');
		expect(folded).toHaveLength(processes.length - 2);
		const forked = treeRows(processes, {
			sortColumn: 'pid',
			descending: false,
			context: ctx,
			collapsed: new Set(),
			parents: {parentPid: (p) => (p.pid === 903 ? 777 : null), groupPath: (p) => [p.name]},
		});
		const java = forked.findIndex((r) => r.id === 777);
		expect(forked[java]!.prefix).toBe('- ');
		expect(forked[java + 1]).toMatchObject({id: 903, prefix: '└─ '});
	});

	it('by default a child of fork hangs under its parent (ppid), and goes to its group once the parent exits', () => {
		const child = makeProcess({pid: 950, name: 'java', anon: MIB_PAGES, ppid: 777});
		const rows = treeRows([...processes, child], {
			sortColumn: 'pid',
			descending: false,
			context: ctx,
			collapsed: new Set(),
		});
		const java = rows.findIndex((r) => r.id === 777);
		expect(rows[java + 1]).toMatchObject({id: 950, prefix: '└─ '});
		const orphan = treeRows([...processes.filter((p) => p.pid !== 777), child], {
			sortColumn: 'pid',
			descending: false,
			context: ctx,
			collapsed: new Set(),
		});
		expect(orphan.find((r) => r.id === 950)?.prefix).toBe('');
	});

	it('sums a group like top sums threads: sizes and rates add, the worst OOM score counts', () => {
		const g = aggregate(-5, 'x (2)', [
			makeProcess({pid: 1, name: 'a', anon: 10, oomScore: 3, stall: 0.2}),
			makeProcess({pid: 2, name: 'a', anon: 30, oomScore: 9, stall: 0.4}),
		]);
		expect(g).toMatchObject({pid: -5, anon: 40, oomScore: 9});
		expect(g.stall).toBeCloseTo(0.3);
	});
});

describe('the tree on screen', () => {
	it('F5 shows the tree, - folds the selected group, + opens it, F5 again is the list', async () => {
		const session = new FakeSession({snapshot: buildSnapshot({processes})});
		const r = await mount(<App session={session} />, 120, 40);
		await r.press(KEYS.f5);
		let lines = r.lines();
		const at = lines.findIndex((l) => / - httpd \(3\) /.test(l));
		expect(at).toBeGreaterThan(7);
		// A group line has no pid, state, adj or history of its own.
		expect(lines[at]).toMatch(/^ {6}- httpd \(3\) +63\.0M {2}63\.0M/);
		expect(lines[at + 1]).toMatch(/^ {2}102 ├─ httpd +sleeping/);
		expect(lines.at(-1)).toMatch(/F5List/);
		expect(r.lines().at(-2)).toBe(' tree view: processes under their workload groups (+ - fold)');
		// Select the group line (Home, then down to it) and fold it.
		await r.press(KEYS.home);
		for (let i = 8; i < at; i++) await r.press(KEYS.down);
		await r.press('-');
		lines = r.lines();
		expect(lines[at]).toMatch(/^ {6}\+ httpd \(3\)/);
		expect(lines.some((l) => / 102 /.test(l))).toBe(false);
		// Machine keys on a group line do nothing: there is no one process to act on.
		await r.press('k', 'o');
		expect(session.sent).toEqual([]);
		await r.press('+');
		expect(r.lines().some((l) => / 102 ├─ httpd/.test(l))).toBe(true);
		await r.press(KEYS.f5);
		expect(r.lines().some((l) => /httpd \(3\)/.test(l))).toBe(false);
		expect(r.lines().at(-1)).toMatch(/F5Tree/);
	});
});
