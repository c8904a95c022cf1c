// The memory controller: the tree, charging and uncharging (mm/memcontrol.c mem_cgroup_charge,
// uncharge on free; page_counter hierarchical), memory.max (try_charge_memcg: reclaim in the memcg,
// then the memcg OOM killer), mem_cgroup_get_max, mem_cgroup_get_oom_group. Numbers worked by hand.
import {describe, expect, it} from 'vitest';
import {FRAME_FILE} from '../../source/sim/frames.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {memcgGetMax, oomGroupOf} from '../../source/sim/memcg-oom.js';
import {
	cgroupPaths,
	MEMCG_MAX,
	MEMCG_OOM,
	MEMCG_OOM_GROUP_KILL,
	MEMCG_OOM_KILL,
	PAGE_COUNTER_MAX,
	ROOT_MEMCG,
} from '../../source/sim/memcontrol.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {Workload} from '../../source/sim/spec.js';
import {runChecked} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

function tree(over: Partial<Workload> = {}): Workload {
	return {
		...workload([group('idle', {rate: 0, regions: [{name: 'heap', kind: 'anon', size: MIB}], streams: []})], {
			swap: {size: 0, device: 'ssd'},
			ram: 48 * MIB,
			kernel: 8 * MIB,
		}),
		cgroups: {
			'/a/b': {'memory.max': 2 * MIB},
			'/a': {'memory.max': 3 * MIB, 'memory.oom.group': true},
			'/c': {},
		},
		...over,
	};
}

describe('the cgroup tree', () => {
	it('implies parents and numbers the cgroups depth first (a subtree is a range of ids)', () => {
		expect(cgroupPaths({'/x/y/z': {}, '/a': {}, '/x/b': {}})).toEqual([
			'/',
			'/a',
			'/x',
			'/x/b',
			'/x/y',
			'/x/y/z',
		]);
		const m = new Machine(tree(), {seed: 1});
		const mc = m.memcg;
		expect(mc.nodes.map((n) => [n.path, n.parent, n.end])).toEqual([
			['/', -1, 4],
			['/a', 0, 3],
			['/a/b', 1, 3],
			['/c', 0, 4],
		]);
		// 2 MiB = 512 pages; unset limits are "max".
		expect(mc.nodes[2]!.max).toBe(512);
		expect(mc.nodes[3]!.max).toBe(PAGE_COUNTER_MAX);
		expect(mc.isDescendant(2, 1)).toBe(true);
		expect(mc.isDescendant(3, 1)).toBe(false);
	});

	it('is off without a tree: nothing is charged and the state is what it was', () => {
		const m = new Machine(workload([group('a')]), {seed: 1});
		expect(m.memcg.enabled).toBe(false);
		expect(m.zone.uncharge).toBeNull();
		m.step();
		expect(takeSnapshot(m).cgroups).toBeUndefined();
	});
});

describe('charge and uncharge (page_counter_charge / mem_cgroup_uncharge)', () => {
	it('counts a page in its memcg and every ancestor, peak included; freeing it uncharges', () => {
		const m = new Machine(tree(), {seed: 1});
		const mc = m.memcg;
		const f1 = m.zone.rmqueue();
		const f2 = m.zone.rmqueue();
		mc.charge(f1, 2);
		mc.charge(f2, 3);
		// /a/b: 1; /a: 1; /c: 1; root: 2.
		expect([...mc.usage]).toEqual([2, 1, 1, 1]);
		m.zone.setKind(f1, 1);
		m.zone.freePage(f1);
		expect([...mc.usage]).toEqual([1, 0, 0, 1]);
		expect([...mc.peak]).toEqual([2, 1, 1, 1]);
		expect(mc.memcgOf[f1]).toBe(-1);
	});

	it("a process's faults are charged to its cgroup; its exit uncharges its anon pages, its file pages stay charged", () => {
		const w = tree();
		w.processes = [
			group('p', {
				cgroup: '/c',
				rate: 5000,
				regions: [
					{name: 'heap', kind: 'anon', size: MIB},
					{name: 'f', kind: 'file', size: MIB, object: 'f', access: 'read'},
				],
				streams: [
					{region: 'heap', pattern: 'sequential', weight: 1, write_ratio: 1},
					{region: 'f', pattern: 'sequential', weight: 1},
				],
				lifetime: 1,
			}),
		];
		const m = new Machine(w, {seed: 1});
		runChecked(m, 90);
		const c = m.memcg.idOf('/c');
		const p = m.liveProcs()[0]!;
		// 256 anon + 256 file pages of 1 MiB each, touched once in 0.9 s at 2500 refs/s per stream
		// (every page by then), plus the page-table page(s) the kernel charges too (__GFP_ACCOUNT).
		expect(p.rssAnon).toBe(256);
		const fileCached = m.zone.kindCount[FRAME_FILE];
		expect(fileCached).toBe(256);
		expect(m.memcg.usage[c]).toBe(256 + 256 + p.pt.pages);
		runChecked(m, 20);
		expect(m.liveProcs()).toHaveLength(0);
		// Exit frees the anon pages and page tables; the page cache stays, still charged to /c.
		expect(m.memcg.usage[c]).toBe(256);
		expect(m.memcg.usage[ROOT_MEMCG]).toBe(256);
	});
});

describe('memory.max (try_charge_memcg)', () => {
	it('reclaims in the cgroup over its limit and never takes another cgroup’s page', () => {
		// /c's reader fills 2 MiB of cache; /a/b's reader streams 8 MiB through a 2 MiB limit.
		const w = tree();
		const reader = (name: string, cgroup: string, mib: number) =>
			group(name, {
				cgroup,
				rate: 10_000,
				regions: [{name: 'f', kind: 'file', size: mib * MIB, object: `${name}.dat`, access: 'read'}],
				streams: [{region: 'f', pattern: 'sequential', weight: 1}],
			});
		w.processes = [reader('keep', '/c', 2), reader('stream', '/a/b', 8)];
		const m = new Machine(w, {seed: 1});
		runChecked(m, 150);
		const mc = m.memcg;
		const b = mc.idOf('/a/b');
		const c = mc.idOf('/c');
		// /a/b never passes 512 pages; it hit the limit and reclaimed its own pages.
		expect(mc.peak[b]).toBe(512);
		expect(mc.eventCount(b, MEMCG_MAX)).toBeGreaterThan(0);
		expect(mc.statCount(b, 1)).toBeGreaterThan(0);
		// /c's 512 cached pages were never scanned by /a/b's reclaim (the host has plenty free).
		expect(mc.usage[c]).toBe(512);
		expect(mc.statCount(c, 0)).toBe(0);
		// The max event counts in /a too (memory.events is hierarchical), not in /c.
		expect(mc.eventCount(mc.idOf('/a'), MEMCG_MAX)).toBe(mc.eventCount(b, MEMCG_MAX));
		expect(mc.eventCount(c, MEMCG_MAX)).toBe(0);
	});

	it('with nothing reclaimable: a memcg OOM kills the worst task of the cgroup, and oom.group its whole group', () => {
		// No swap. /a (oom.group) holds `big` (/a/b) and `small` (/a); /c holds `other`, bigger than both.
		const w = tree({
			cgroups: {
				'/a': {'memory.max': 3 * MIB, 'memory.oom.group': true},
				'/a/b': {},
				'/c': {},
			},
		});
		const hog = (name: string, cgroup: string, mib: number) =>
			group(name, {
				cgroup,
				rate: 20_000,
				regions: [{name: 'heap', kind: 'anon', size: mib * MIB}],
				streams: [{region: 'heap', pattern: 'sequential', weight: 1, write_ratio: 1}],
			});
		w.processes = [hog('big', '/a/b', 2), hog('small', '/a', 2), hog('other', '/c', 8)];
		const m = new Machine(w, {seed: 1});
		const events: ReturnType<Machine['drainEvents']> = [];
		for (let i = 0; i < 100; i++) {
			m.step();
			expect(checkInvariants(m)).toEqual([]);
			events.push(...m.drainEvents());
		}
		const kill = events.find((e) => e.kind === 'oom-kill');
		if (kill?.kind !== 'oom-kill') throw new Error('no OOM kill');
		expect(kill.constraint).toBe('memcg');
		expect(kill.memcg).toBe('/a');
		// Only /a's tasks are candidates; `other` is bigger but outside. totalpages = /a's limit
		// (768 pages) + no swap; adj 0, so badness = rss + page tables. Both grow at the same rate, so
		// the later pid (small, 101) wins a tie as oom_evaluate_task keeps the last of equals.
		expect(kill.candidates.map((c) => c.name).sort()).toEqual(['big', 'small']);
		expect(kill.lines[3]).toMatch(
			/^oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=\(null\),cpuset=\/,mems_allowed=0,oom_memcg=\/a,task_memcg=\/a(\/b)?,task=(big|small),pid=10[01],uid=1000$/,
		);
		expect(kill.lines[1]).toMatch(/^memory: usage 3072kB, limit 3072kB, failcnt \d+$/);
		expect(kill.lines).toContain('Tasks in /a are going to be killed due to memory.oom.group set');
		const mc = m.memcg;
		const a = mc.idOf('/a');
		expect(mc.eventCount(a, MEMCG_OOM)).toBe(1);
		// Both tasks killed: oom_kill counts 2 in /a (one of them in /a/b), group kill once.
		expect(mc.eventCount(a, MEMCG_OOM_KILL)).toBe(2);
		expect(mc.eventCount(mc.idOf('/a/b'), MEMCG_OOM_KILL)).toBe(1);
		expect(mc.eventCount(a, MEMCG_OOM_GROUP_KILL)).toBe(1);
		expect(m.liveProcs().map((p) => p.name)).toEqual(['other']);
		// The global OOM killer never ran: the host had memory.
		expect(m.oom.kills).toBe(0);
		// The header's OOM kills is vmstat oom_kill, which counts memcg OOM kills too.
		expect(takeSnapshot(m).oomKills).toBe(2);
		expect(mc.usage[a]).toBe(0);
	});
});

describe('mem_cgroup_get_max and mem_cgroup_get_oom_group', () => {
	it('totalpages is the limit plus the swap the memcg may still use, at most the swap there is', () => {
		// max 1000 pages, swap.max 300 with 100 used → 200 more; swap 5000: 1000 + 200.
		expect(memcgGetMax(1000, 300, 100, 5000, 65536)).toBe(1200);
		// swap.max "max", swap 5000 → 1000 + 5000.
		expect(memcgGetMax(1000, PAGE_COUNTER_MAX, 0, 5000, 65536)).toBe(6000);
		// memory.max "max": RAM stands in (the kernel's max is PAGE_COUNTER_MAX; totalpages is capped
		// at RAM + swap as for a global OOM).
		expect(memcgGetMax(PAGE_COUNTER_MAX, PAGE_COUNTER_MAX, 0, 0, 65536)).toBe(65536);
	});

	it('the oom group is the highest ancestor with memory.oom.group up to the OOM domain', () => {
		const m = new Machine(
			tree({
				cgroups: {
					'/a': {'memory.oom.group': true},
					'/a/b': {'memory.oom.group': true},
					'/a/b/c': {},
				},
			}),
			{seed: 1},
		);
		const mc = m.memcg;
		const [a, b, c] = ['/a', '/a/b', '/a/b/c'].map((p) => mc.idOf(p)) as [number, number, number];
		expect(oomGroupOf(mc, c, a)).toBe(a);
		// The domain /a/b stops the walk: /a is not looked at.
		expect(oomGroupOf(mc, c, b)).toBe(b);
		mc.set(a, 'memory.oom.group', 0);
		mc.set(b, 'memory.oom.group', 0);
		expect(oomGroupOf(mc, c, a)).toBe(-1);
	});
});
