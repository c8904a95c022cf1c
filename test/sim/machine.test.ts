// The machine is a pure function of (workload, seed, policy, commands at ticks): two runs agree bit
// for bit (state hash and snapshot JSON), and another seed takes another path.
import {describe, expect, it} from 'vitest';
import type {Command} from '../../source/sim/commands.js';
import {Machine} from '../../source/sim/machine.js';
import {policyNames} from '../../source/sim/policies/index.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {stateHash} from '../../source/sim/state-codec.js';
import {cacheFloodSpec, hogSpec} from '../../source/sim/templates.js';
import {group, MIB, workload} from '../helpers/workload.js';

// Small but busy: anon under pressure with zswap in front of an ssd, a shared mmap'd file, shmem,
// a streaming reader, writes (dirty pages, the flusher), a leak, and every kind of command.
const w = workload(
	[
		group('web', {
			count: 2,
			rate: 15_000,
			regions: [
				{name: 'heap', kind: 'anon', size: 12 * MIB},
				{name: 'lib', kind: 'file', size: 4 * MIB, object: 'libc'},
			],
			streams: [
				{region: 'heap', pattern: 'zipf', weight: 3, write_ratio: 0.3},
				{region: 'lib', pattern: 'random', weight: 1},
			],
		}),
		group('db', {
			rate: 10_000,
			regions: [
				{name: 'data', kind: 'file', size: 16 * MIB, object: 'db'},
				{name: 'shm', kind: 'shmem', size: 4 * MIB, object: 'dbshm'},
			],
			streams: [
				{region: 'data', pattern: 'shifting', weight: 2, window: 4 * MIB, period: 1, write_ratio: 0.2},
				{region: 'shm', pattern: 'random', weight: 1, write_ratio: 0.5},
			],
		}),
		group('leak', {
			start: 2,
			rate: 2000,
			regions: [
				{name: 'work', kind: 'anon', size: MIB},
				{name: 'leak', kind: 'anon', size: 256 * MIB},
			],
			streams: [
				{region: 'work', pattern: 'random', weight: 1},
				{region: 'leak', pattern: 'grow', weight: 1, grow: 8 * MIB},
			],
		}),
	],
	{
		ram: 64 * MIB,
		swap: {size: 32 * MIB, device: 'ssd'},
		zswap: {enabled: true, compressor: 'lz4', max_pool_percent: 10, accept_threshold_percent: 90},
	},
);

const smallReader = {...cacheFloodSpec(), regions: [{...cacheFloodSpec().regions[0]!, size: 32 * MIB}]};
const COMMANDS: [number, Command][] = [
	[30, {kind: 'spawn', spec: hogSpec(8 * MIB)}],
	[80, {kind: 'set-sysctl', name: 'swappiness', value: 150}],
	[100, {kind: 'spawn', spec: smallReader}],
	[130, {kind: 'balloon', bytes: 8 * MIB}],
	[170, {kind: 'set-zswap', enabled: false}],
	[200, {kind: 'drop-caches', mode: 1}],
	[220, {kind: 'set-oom-score-adj', pid: 101, value: 500}],
	[240, {kind: 'kill', pid: 100}],
	[260, {kind: 'balloon', bytes: -8 * MIB}],
];
const TICKS = 300;

interface Trace {
	hashes: string[];
	snapshots: string[];
	/** The machine at the end of the run. */
	m: Machine;
}

/** Run with the commands and record the state hash and the snapshot JSON every 100 ticks. */
function trace(seed: number, policy: string, ticks = TICKS): Trace {
	const m = new Machine(w, {seed, policy});
	const out: Trace = {hashes: [], snapshots: [], m};
	const at = new Map(COMMANDS);
	for (let t = 0; t < ticks; t++) {
		const c = at.get(t);
		if (c) m.apply(c);
		m.step();
		if ((t + 1) % 100 === 0) {
			out.hashes.push(stateHash(m));
			out.snapshots.push(JSON.stringify(takeSnapshot(m)));
		}
	}
	return out;
}

/**
 * The first seed-42 trace of each policy, kept for the tests below that look at that same run (the
 * determinism tests still make a second, separate run to compare it with).
 */
const firstRuns = new Map<string, Trace>();
function firstTrace(policy: string): Trace {
	let t = firstRuns.get(policy);
	if (!t) firstRuns.set(policy, (t = trace(42, policy)));
	return t;
}

/** A snapshot with the seed field blanked, so only what happened can differ. */
const withoutSeed = (json: string): string => JSON.stringify({...JSON.parse(json), seed: 0});

describe('determinism', () => {
	const policies = policyNames({includeTraceOnly: false});

	it('covers every machine policy', () => {
		expect([...policies].sort()).toEqual([
			'2q',
			'arc',
			'clock',
			'clock-pro',
			'fifo',
			'lfu',
			'lirs',
			'lru',
			'lru2',
			'mglru',
			'random',
			's3fifo',
			'sieve',
		]);
	});

	for (const policy of policies) {
		it(`${policy}: same workload, seed and commands give the same hash and snapshot; another seed differs`, () => {
			const a = firstTrace(policy);
			const b = trace(42, policy);
			expect(b.hashes).toEqual(a.hashes);
			expect(b.snapshots).toEqual(a.snapshots);
			// Same start, but the random streams diverge at once: different after 1 s already.
			const c = trace(43, policy, 100);
			expect(c.hashes[0]).not.toBe(a.hashes[0]);
			expect(withoutSeed(c.snapshots[0]!)).not.toBe(withoutSeed(a.snapshots[0]!));
		});
	}

	it('the scenario really exercises the machine (reclaim, zswap, swap, faults, commands)', () => {
		// The workload's own policy (lru2) from seed 42: the run the lru2 test above checked. Its
		// snapshots every 100 ticks drained the events; the last one is at the end of the run.
		const run = firstTrace('lru2');
		const snapshots = run.snapshots.map((j) => JSON.parse(j) as ReturnType<typeof takeSnapshot>);
		const kinds = new Set<string>(snapshots.flatMap((x) => x.events.map((e) => e.kind)));
		expect(run.m.tick).toBe(TICKS);
		const s = snapshots.at(-1)!;
		expect(s.vmstat.zswpout).toBeGreaterThan(0);
		expect(s.vmstat.pswpout).toBeGreaterThan(0);
		expect(s.vmstat.pgmajfault).toBeGreaterThan(0);
		expect(s.vmstat.pgscan_kswapd + s.vmstat.pgscan_direct).toBeGreaterThan(0);
		expect(kinds).toContain('command');
		expect(kinds).toContain('kswapd-wake');
		expect(kinds).toContain('process-exit');
	});

	it('a different policy from the same seed takes a different path', () => {
		const a = firstTrace('lru2');
		const b = firstTrace('lru');
		expect(withoutSeed(b.snapshots.at(-1)!)).not.toBe(withoutSeed(a.snapshots.at(-1)!));
	});
});

describe('looking does not change the future', () => {
	it('taking snapshots between ticks leaves the state hash unchanged', () => {
		// Under reclaim pressure, where get_scan_count reads the cached LRU sizes snapshots refresh.
		const w = workload([
			group('a', {regions: [{name: 'heap', kind: 'anon', size: 150 * MIB}]}),
			group('cat', {
				regions: [{name: 'big', kind: 'file', size: 512 * MIB, access: 'read'}],
				streams: [{region: 'big', pattern: 'stream', weight: 1}],
			}),
		]);
		const watched = new Machine(w, {seed: 2});
		const alone = new Machine(w, {seed: 2});
		for (let i = 0; i < 1500; i++) {
			watched.step();
			if (i % 7 === 0) takeSnapshot(watched);
			alone.step();
		}
		expect(watched.vm.pgscan_kswapd + watched.vm.pgscan_direct).toBeGreaterThan(0);
		// Snapshots drain the pending events, which the state holds: drain both before comparing.
		watched.drainEvents();
		alone.drainEvents();
		expect(stateHash(watched)).toBe(stateHash(alone));
	});
});
