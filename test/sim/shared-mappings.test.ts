// Issue 10 rule 6: shared pages count for every mapper. RssShmem and RssFile are per-mm counters
// (mm/rmap.c page_add_file_rmap -> inc_mm_counter), so a page mapped by three processes is in each
// one's RSS and oom_badness; Committed_AS counts a shmem object once (shmem_acct_size at creation).
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {group, MIB, workload} from '../helpers/workload.js';

const SHM = 200 * MIB;
const sharer = (name: string) =>
	group(name, {
		rate: 50_000,
		regions: [
			{name: 'pool', kind: 'shmem', size: SHM, object: '/dev/shm/pool'},
			{name: 'heap', kind: 'anon', size: 4 * MIB},
		],
		streams: [
			{region: 'pool', pattern: 'sequential', weight: 0.9},
			{region: 'heap', pattern: 'random', weight: 0.1},
		],
	});

describe('shared mappings', () => {
	it('three processes mapping a 200 MiB shmem object each show at least 200 MiB of RSS', () => {
		const m = new Machine(workload([sharer('a'), sharer('b'), sharer('c')], {ram: 1024 * MIB}), {seed: 1});
		// 51200 pages at 45000 a second each: every page mapped by all three within 2 s; run 3.
		for (let t = 0; t < 300; t++) m.step();
		const snap = takeSnapshot(m);
		for (const p of snap.processes) {
			expect(p.shmem).toBe(51_200);
			expect(p.rss).toBeGreaterThanOrEqual(51_200);
		}
		// The object is in memory once: 51200 shmem frames, Shmem 200 MiB, Mapped 200 MiB.
		expect(snap.frames.shmem).toBe(51_200);
		expect(snap.meminfo.Shmem).toBe(200 * 1024);
		expect(snap.meminfo.Mapped).toBe(200 * 1024);
		// oom_badness counts each mapper's shmem pages (rss = anon + file + shmem).
		const kill = m.oom.candidates();
		for (const c of kill) expect(c.rss).toBeGreaterThanOrEqual(51_200);
		// Committed_AS: the object once (51200 pages) plus three 4 MiB heaps (3 x 1024), in kB.
		expect(snap.meminfo.Committed_AS).toBe((51_200 + 3 * 1024) * 4);
	});
});
