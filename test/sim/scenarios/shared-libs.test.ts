// shared-libs (workloads/shared-libs.yaml): forty php-fpm workers map one binary, its libraries and
// one opcache buffer; each shared page is in every mapper's RSS, so the sum of RSS passes RAM while
// memory stays mostly free and the sum of PSS is the pages mapped.
import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../../source/sim/invariants.js';
import {takeSnapshot} from '../../../source/sim/snapshot.js';
import type {Snapshot} from '../../../source/sim/snapshot-types.js';
import {MIB} from '../../../source/sim/units.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

/** The sum of the RSS column over every process, kB (rss is in pages). */
const rssSumKb = (s: Snapshot): number => s.processes.reduce((n, p) => n + p.rss * 4, 0);
const kb = (bytes: number): number => bytes / 1024;

describe('shipped scenarios', () => {
	it('shared-libs: the sum of RSS passes RAM and then twice RAM, the sum of PSS is the pages mapped', {
		timeout: 300_000,
	}, () => {
		const r = runScenario(loadWorkload('shared-libs'), 45);
		const workers = (s: Snapshot) => s.processes.filter((p) => p.name === 'php-fpm').length;
		expect([9, 19, 29, 39].map((n) => workers(at(r, n)))).toEqual([10, 20, 30, 40]);
		const total = at(r, 45).meminfo.MemTotal;
		expect(total).toBe(kb(2048 * MIB));
		// Below RAM at 23 s, above it from 24 s, above twice RAM from 41 s.
		expect(rssSumKb(at(r, 23))).toBeLessThan(total);
		expect(rssSumKb(at(r, 24))).toBeGreaterThan(total);
		expect(rssSumKb(at(r, 41))).toBeGreaterThan(2 * total);
		// Each batch of ten adds about a GiB to the sum of RSS in its first ten seconds, and under
		// 200 MiB to used memory.
		for (const [from, to] of [
			[10, 20],
			[20, 30],
			[30, 40],
		] as const) {
			const grown = rssSumKb(at(r, to)) - rssSumKb(at(r, from));
			expect(grown).toBeGreaterThan(kb(800 * MIB));
			expect(at(r, from).meminfo.MemFree - at(r, to).meminfo.MemFree).toBeLessThan(kb(200 * MIB));
		}
		// Free stays over 1 GiB: kswapd never wakes, nothing is swapped.
		const end = at(r, 45);
		expect(end.meminfo.MemFree).toBeGreaterThan(kb(1024 * MIB));
		expect(end.vmstat.pgscan_kswapd + end.vmstat.pgscan_direct).toBe(0);
		expect(end.vmstat.pswpout).toBe(0);
		expect(r.events.some((e) => e.kind === 'kswapd-wake')).toBe(false);

		// PSS: each shared page divided among its mappers. The sum over all processes is the pages
		// mapped (AnonPages + Mapped; each Pss is rounded down to a kB), well under RAM; RSS is 5× it.
		const s = takeSnapshot(r.machine);
		const pss = s.processes.reduce((n, p) => n + p.smaps.Pss, 0);
		const rss = s.processes.reduce((n, p) => n + p.smaps.Rss, 0);
		const mapped = s.meminfo.AnonPages + s.meminfo.Mapped;
		expect(pss).toBeLessThanOrEqual(mapped);
		expect(pss).toBeGreaterThan(mapped - s.processes.length);
		expect(pss).toBeLessThan(total / 2);
		expect(rss).toBeGreaterThan(2 * total);
		expect(rss).toBeGreaterThan(4 * pss);
		// A worker: RSS several times its PSS; USS is its 16 MiB heap (as far as touched); the libraries are shared clean,
		// the opcache (shmem) shared dirty.
		const w = s.processes.find((p) => p.name === 'php-fpm')!.smaps;
		expect(w.Rss).toBeGreaterThan(4 * w.Pss);
		const uss = w.Private_Clean + w.Private_Dirty;
		expect(uss).toBeGreaterThan(kb(15 * MIB));
		expect(uss).toBeLessThanOrEqual(kb(16 * MIB));
		expect(w.Shared_Clean).toBeGreaterThan(kb(30 * MIB));
		expect(w.Shared_Dirty).toBeGreaterThan(kb(30 * MIB));
		expect(checkInvariants(r.machine)).toEqual([]);
	});
});
