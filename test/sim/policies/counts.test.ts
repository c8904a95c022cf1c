// The policies keep counts() as pages come and go instead of walking their lists: the counts must be
// what the frame table says of the resident pages (every anon, file and shmem frame is on the
// policy's list), tick after tick on a busy machine. CLOCK splits them by the young bit; the round-2
// policies by their own idea of active (ARC's T2, LIRS's LIR set...), which a restored policy counts
// afresh from its saved lists.
import {describe, expect, it} from 'vitest';
import {FRAME_ANON, FRAME_FILE, FRAME_SHMEM, PG_UNEVICTABLE, PG_YOUNG} from '../../../source/sim/frames.js';
import {Machine} from '../../../source/sim/machine.js';
import {policyNames} from '../../../source/sim/policies/index.js';
import type {LruCounts} from '../../../source/sim/policies/policy.js';
import {restoreMachine, saveMachine} from '../../../source/sim/state-codec.js';
import {group, MIB, workload} from '../../helpers/workload.js';

function fromFrames(m: Machine, byYoung: boolean): LruCounts {
	const out: LruCounts = {activeAnon: 0, inactiveAnon: 0, activeFile: 0, inactiveFile: 0, unevictable: 0};
	const {kind, flags} = m.zone.frames;
	for (let f = 0; f < kind.length; f++) {
		const k = kind[f];
		if (k !== FRAME_ANON && k !== FRAME_SHMEM && k !== FRAME_FILE) continue;
		const active = byYoung && (flags[f]! & PG_YOUNG) !== 0;
		if (flags[f]! & PG_UNEVICTABLE) out.unevictable++;
		else if (k === FRAME_FILE) active ? out.activeFile++ : out.inactiveFile++;
		else active ? out.activeAnon++ : out.inactiveAnon++;
	}
	return out;
}

const busy = workload(
	[
		group('a', {
			rate: 20_000,
			regions: [
				{name: 'heap', kind: 'anon', size: 24 * MIB},
				{name: 'pinned', kind: 'anon', size: MIB, locked: true},
				{name: 'shm', kind: 'shmem', size: 4 * MIB, object: 'shm'},
				{name: 'lib', kind: 'file', size: 8 * MIB, object: 'lib'},
			],
			streams: [
				{region: 'heap', pattern: 'zipf', weight: 4, write_ratio: 0.3},
				{region: 'pinned', pattern: 'random', weight: 1},
				{region: 'shm', pattern: 'random', weight: 1},
				{region: 'lib', pattern: 'random', weight: 1},
			],
		}),
		group('cat', {
			start: 1,
			rate: 10_000,
			regions: [{name: 'big', kind: 'file', size: 48 * MIB, object: 'big', access: 'read'}],
			streams: [{region: 'big', pattern: 'stream', weight: 1}],
		}),
	],
	{ram: 32 * MIB, kernel: 4 * MIB, swap: {size: 32 * MIB, device: 'ssd'}},
);

describe('counts() of the classic policies', () => {
	for (const policy of ['fifo', 'lru', 'clock']) {
		it(`${policy}: agree with the frame table every tick under reclaim, and after a restore`, () => {
			let m = new Machine(busy, {seed: 5, policy});
			for (let t = 0; t < 250; t++) {
				m.step();
				expect(m.lruvec.refresh(), `tick ${m.tick}`).toEqual(fromFrames(m, policy === 'clock'));
				// A restored machine counts its lists afresh from the saved ones.
				if (t === 150) m = restoreMachine(busy, saveMachine(m));
			}
			expect(m.vm.pgsteal_kswapd + m.vm.pgsteal_direct).toBeGreaterThan(0);
			expect(m.vm.pswpout).toBeGreaterThan(0);
		});
	}
});

/** Resident pages by type, whatever the active split. */
function totals(c: LruCounts): [number, number, number] {
	return [c.activeAnon + c.inactiveAnon, c.activeFile + c.inactiveFile, c.unevictable];
}

describe('counts() of the round-2 policies', () => {
	const classic = ['fifo', 'lru', 'clock', 'lru2', 'mglru'];
	for (const policy of policyNames({includeTraceOnly: false}).filter((p) => !classic.includes(p))) {
		it(`${policy}: totals agree with the frame table every tick, the split with a recount from a save`, () => {
			const m = new Machine(busy, {seed: 5, policy});
			let split = 0;
			for (let t = 0; t < 200; t++) {
				m.step();
				const c = m.lruvec.refresh();
				expect(totals(c), `tick ${m.tick}`).toEqual(totals(fromFrames(m, false)));
				if (t % 40 === 39) {
					expect({...restoreMachine(busy, saveMachine(m)).lruvec.refresh()}, `tick ${m.tick}`).toEqual({
						...c,
					});
					split += c.activeAnon + c.activeFile;
				}
			}
			expect(m.vm.pgsteal_kswapd + m.vm.pgsteal_direct).toBeGreaterThan(0);
			if (policy !== 'random') expect(split).toBeGreaterThan(0);
		});
	}
});
