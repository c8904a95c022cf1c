import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {policyNames} from '../../source/sim/policies/index.js';
import {restoreMachine, saveMachine, stateHash} from '../../source/sim/state-codec.js';
import {hogSpec} from '../../source/sim/templates.js';
import {group, MIB, workload} from '../helpers/workload.js';

const w = workload(
	[
		group('a', {regions: [{name: 'heap', kind: 'anon', size: 100 * MIB}]}),
		group('db', {
			regions: [
				{name: 'data', kind: 'file', size: 60 * MIB, object: 'db'},
				{name: 'shm', kind: 'shmem', size: 20 * MIB, object: 'dbshm'},
			],
			streams: [
				{region: 'data', pattern: 'zipf', weight: 2, write_ratio: 0.1},
				{region: 'shm', pattern: 'random', weight: 1, write_ratio: 0.5},
			],
		}),
		group('cat', {
			regions: [{name: 'big', kind: 'file', size: 512 * MIB, access: 'read'}],
			streams: [{region: 'big', pattern: 'stream', weight: 1}],
		}),
	],
	{zswap: {enabled: true, compressor: 'lz4', max_pool_percent: 10, accept_threshold_percent: 90}},
);

function run(m: Machine, ticks: number): void {
	for (let i = 0; i < ticks; i++) m.step();
}

describe('machine state codec', () => {
	it('same workload and seed give the same state hash; another seed differs', () => {
		const a = new Machine(w, {seed: 7});
		const b = new Machine(w, {seed: 7});
		const c = new Machine(w, {seed: 8});
		run(a, 500);
		run(b, 500);
		run(c, 500);
		expect(stateHash(a)).toBe(stateHash(b));
		expect(stateHash(a)).not.toBe(stateHash(c));
	});

	it('a restored machine continues exactly as the original', () => {
		const a = new Machine(w, {seed: 3});
		run(a, 700);
		a.apply({kind: 'spawn', spec: hogSpec(64 * MIB)});
		run(a, 300);
		const saved = saveMachine(a);
		const b = restoreMachine(w, saved);
		expect(stateHash(b)).toBe(stateHash(a));
		run(a, 600);
		run(b, 600);
		expect(stateHash(b)).toBe(stateHash(a));
		expect(b.tick).toBe(a.tick);
	});

	it('restored under another policy: the same pages, processes and counters, the new policy holding every resident page', () => {
		const a = new Machine(w, {seed: 3});
		run(a, 700);
		a.apply({kind: 'spawn', spec: hogSpec(64 * MIB)});
		run(a, 300);
		const b = restoreMachine(w, saveMachine(a), {policy: 'mglru'});
		expect(b.policyName).toBe('mglru');
		expect(b.tick).toBe(a.tick);
		expect(b.totalRefs).toBe(a.totalRefs);
		expect(b.vm).toEqual(a.vm);
		expect(Array.from(b.zone.frames.kind)).toEqual(Array.from(a.zone.frames.kind));
		const lists = (m: Machine): number => {
			const c = m.lruvec.refresh();
			return c.activeAnon + c.inactiveAnon + c.activeFile + c.inactiveFile + c.unevictable;
		};
		expect(lists(b)).toBe(lists(a));
		expect(checkInvariants(b)).toEqual([]);
		// It runs on as a machine of its own, deterministically: two such forks stay equal.
		const c = restoreMachine(w, saveMachine(a), {policy: 'mglru'});
		run(b, 600);
		run(c, 600);
		expect(checkInvariants(b)).toEqual([]);
		expect(stateHash(b)).toBe(stateHash(c));
		// The same policy as saved restores its own lists, as before.
		expect(stateHash(restoreMachine(w, saveMachine(a), {policy: a.policyName}))).toBe(stateHash(a));
	});

	it('every machine policy can take over a running machine from its resident pages', () => {
		const a = new Machine(w, {seed: 5});
		run(a, 800);
		const saved = saveMachine(a);
		for (const policy of policyNames({includeTraceOnly: false})) {
			const b = restoreMachine(w, saved, {policy});
			run(b, 40);
			expect({policy, errors: checkInvariants(b)}).toEqual({policy, errors: []});
		}
	});

	it('a watermark boost and a boosted kswapd pass survive save and load (zone.ts, kswapd.ts)', () => {
		const a = new Machine(w, {seed: 3});
		run(a, 700);
		a.zone.boostWatermark();
		a.zone.boostedFlag = false;
		a.kswapd.wakeBoosted();
		const boost = a.zone.watermarkBoost;
		expect(boost).toBeGreaterThan(0);
		const b = restoreMachine(w, saveMachine(a));
		expect(b.zone.watermarkBoost).toBe(boost);
		expect(b.zone.wm).toEqual(a.zone.wm);
		expect(b.zone.watermark).toEqual(a.zone.watermark);
		expect(b.kswapd.save()).toEqual(a.kswapd.save());
		expect(stateHash(b)).toBe(stateHash(a));
		run(a, 300);
		run(b, 300);
		expect(stateHash(b)).toBe(stateHash(a));
		// A boost that has yet to wake kswapd (ZONE_BOOSTED_WATERMARK) is part of the state too.
		a.zone.boostWatermark();
		expect(restoreMachine(w, saveMachine(a)).zone.boostedFlag).toBe(true);
	});

	it("compaction's deferral, cached scanner positions and skip hints survive save and load (compaction.ts)", () => {
		const a = new Machine(w, {seed: 3});
		run(a, 700);
		const c = a.kcompactd.compaction;
		c.defer.defer(9);
		c.defer.defer(9);
		c.cache.updateMigrate(1000, false);
		c.cache.skipFreeBlock(c.cache.lastBlock);
		c.cache.blockskipFlush = true;
		const b = restoreMachine(w, saveMachine(a));
		const d = b.kcompactd.compaction;
		expect([d.defer.considered, d.defer.shift, d.defer.orderFailed]).toEqual([0, 2, 0]);
		expect([...d.cache.migratePfn, d.cache.freePfn]).toEqual([...c.cache.migratePfn, c.cache.freePfn]);
		expect(Array.from(d.cache.skip)).toEqual(Array.from(c.cache.skip));
		expect(d.cache.blockskipFlush).toBe(true);
		expect(stateHash(b)).toBe(stateHash(a));
		run(a, 300);
		run(b, 300);
		expect(stateHash(b)).toBe(stateHash(a));
	});
});
