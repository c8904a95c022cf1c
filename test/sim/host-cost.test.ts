// The budget's sizes (sim/host-cost.ts) against a real machine's typed arrays: every array the
// machine holds is found by walking it, charged to the machine field it is first reached through,
// and held to that module's own xxxBytes() function. A field holding arrays the budget does not know
// (a new module: cgroups, the buddy allocator) fails here, naming the field: give the module one
// function beside its structure and add a line for it in sim/host-cost.ts.

import {describe, expect, it} from 'vitest';
import {machineBytes, objectBytes, processBytes} from '../../source/sim/host-cost.js';
import {Machine} from '../../source/sim/machine.js';
import {memcgBytes} from '../../source/sim/memcontrol.js';
import {writebackBytes} from '../../source/sim/page-writeback.js';
import {policyBytes} from '../../source/sim/policies/index.js';
import {anonMapcountBytes} from '../../source/sim/rmap.js';
import type {Workload} from '../../source/sim/spec.js';
import {swapAreaBytes} from '../../source/sim/swap.js';
import {bytesToPages} from '../../source/sim/units.js';
import {zoneBytes} from '../../source/sim/zone.js';
import {zsmallocBytes} from '../../source/sim/zsmalloc.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** Typed-array bytes reachable from each of the machine's fields, each array charged once. */
function bytesByField(m: Machine): Map<string, number> {
	const seen = new Set<object>();
	const out = new Map<string, number>();
	for (const [field, value] of Object.entries(m)) {
		let bytes = 0;
		const stack: unknown[] = [value];
		while (stack.length > 0) {
			const v = stack.pop();
			if (v === null || typeof v !== 'object' || seen.has(v)) continue;
			seen.add(v);
			if (ArrayBuffer.isView(v)) bytes += v.byteLength;
			else if (v instanceof Map) stack.push(...v.values());
			else stack.push(...Object.values(v));
		}
		out.set(field, bytes);
	}
	return out;
}

/** What the budget says each field may hold, as the modules' functions give it. */
function boundsFor(m: Machine): Record<string, number> {
	const spec = m.spec;
	const frames = bytesToPages(spec.ram);
	const slots = bytesToPages(spec.swap.size);
	let procs = 0;
	for (const p of m.liveProcs()) {
		const b = processBytes(p.spec, spec);
		procs += b.pageTables + b.other;
	}
	let files = 0;
	for (const f of m.files.files) files += objectBytes(f.pages * 4096);
	return {
		zone: zoneBytes(frames),
		lruvec: policyBytes(m.policyName, frames),
		tasks: procs,
		files,
		zs: zsmallocBytes(
			spec.swap.device === 'zram' ? frames : Math.ceil((frames * spec.zswap.max_pool_percent) / 100),
		),
		// The swap area (with zswap's and fork's arrays) is first reached through rmap, which holds it,
		// with the anon mapcounts of a fork.
		rmap: (slots > 0 ? swapAreaBytes(slots, true, true) : 0) + anonMapcountBytes(frames),
		zswap: slots > 0 ? swapAreaBytes(slots, true, true) : 0,
		writeback: writebackBytes(frames),
		memcg: memcgBytes(frames, slots),
	};
}

/** Arrays of fixed size anywhere else (the rng, counters, small rings): at most this much. */
const SMALL = 64 * 1024;

const cases: [string, Workload][] = [
	['anon on ssd swap, lru2', workload([group('web', {count: 3}), group('db')])],
	[
		'files, shmem and a grow region, mglru with zswap',
		workload(
			[
				group('cache', {
					regions: [
						{name: 'data', kind: 'file', size: 48 * MIB, object: 'db'},
						{name: 'shm', kind: 'shmem', size: 8 * MIB},
						{name: 'heap', kind: 'anon', size: 64 * MIB},
					],
					streams: [
						{region: 'data', pattern: 'zipf', weight: 2, write_ratio: 0.2},
						{region: 'shm', pattern: 'random', weight: 1},
						{region: 'heap', pattern: 'grow', weight: 1, grow: 8 * MIB},
					],
				}),
			],
			{
				policy: 'mglru',
				zswap: {enabled: true, compressor: 'lz4', max_pool_percent: 20, accept_threshold_percent: 90},
			},
		),
	],
	[
		'zram swap, opt',
		workload([group('a', {count: 2, regions: [{name: 'heap', kind: 'anon', size: 160 * MIB}]})], {
			policy: 'opt',
			swap: {size: 128 * MIB, device: 'zram'},
		}),
	],
	['no swap, clock', workload([group('a')], {policy: 'clock', swap: {size: 0, device: 'ssd'}})],
];

describe('host cost: the budget knows every array a machine holds', () => {
	for (const [name, w] of cases)
		it(name, () => {
			const m = new Machine(w, {seed: 3});
			for (let i = 0; i < 300; i++) m.step();
			const actual = bytesByField(m);
			const bounds = boundsFor(m);
			expect(m.liveProcs().length).toBeGreaterThan(0);
			expect(actual.get('tasks')).toBeGreaterThan(0);
			for (const [field, bytes] of actual) {
				const bound = bounds[field];
				if (bound === undefined) {
					expect(
						bytes,
						`machine.${field} holds ${bytes} bytes the budget does not know (sim/host-cost.ts)`,
					).toBeLessThanOrEqual(SMALL);
					continue;
				}
				expect(bytes, `machine.${field}`).toBeLessThanOrEqual(bound + SMALL);
			}
			// Exact where the structure is sized once: the zone and the policy.
			expect(Math.abs(actual.get('zone')! - bounds.zone!)).toBeLessThan(1024);
			expect(Math.abs(actual.get('lruvec')! - bounds.lruvec!)).toBeLessThan(1024);
			// The machine's total is within the budget's (a bound, since rings and pools are costed full).
			const total = [...actual.values()].reduce((a, b) => a + b, 0);
			const mb = machineBytes(w.machine, m.policyName);
			expect(total).toBeLessThanOrEqual(mb.frames + mb.swap + bounds.tasks! + bounds.files! + SMALL);
		});

	it('a page table over a 1 GiB region is costed by its spans and, at worst, a block per span', () => {
		const w = workload([group('big', {regions: [{name: 'heap', kind: 'anon', size: 1024 * MIB}]})], {
			ram: 2048 * MIB,
		});
		const m = new Machine(w, {seed: 1});
		m.step();
		const p = m.liveProcs()[0]!;
		const b = processBytes(p.spec, w.machine);
		// 262144 pages = 512 spans: a directory and a PTE-page slot each (8 bytes), one PMD and one PUD
		// slot (4 bytes each), and at worst every span touched densely: a small block (16 × 8 B + 1) it
		// started with and a full block of 512 entries (Int32) and stamps (Uint16) for each of the 512
		// spans; the pools' growth stops at one block per span (worked by hand).
		expect(b.pageTables).toBe(512 * 8 + 4 + 4 + 512 * 129 + 512 * 512 * 6);
		// One tick at 20,000 references a second: 200 random references over 512 spans, so a small block
		// for each span they hit (at most 200) and no span with the 17 entries a full block needs: the
		// host holds what was touched, not the 1 GiB.
		expect(p.pt.hostBlocks).toBeGreaterThan(0);
		expect(p.pt.hostBlocks).toBeLessThanOrEqual(200);
		expect(p.pt.fullBlocks).toBe(0);
	});
});
