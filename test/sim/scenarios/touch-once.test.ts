// Issue 10 rule 1 end to end (mm/vmscan.c folio_check_references): a leak whose pages are touched once
// is reclaimed from the inactive anon list without its pages ever being activated, beside a small
// service whose hot pages are referenced between scans and do get activated.
import {describe, expect, it} from 'vitest';
import {runScenario} from '../../helpers/scenario.js';
import {group, MIB, workload} from '../../helpers/workload.js';

describe('touch-once leak under reclaim', () => {
	it('pgactivate stays below a tenth of pgsteal_anon', () => {
		const leaker = group('leaker', {
			rate: 2000,
			regions: [{name: 'leak', kind: 'anon', size: 1024 * MIB}],
			streams: [{region: 'leak', pattern: 'grow', weight: 1, grow: 16 * MIB}],
		});
		const service = group('service', {
			rate: 20_000,
			regions: [{name: 'heap', kind: 'anon', size: 16 * MIB}],
			streams: [{region: 'heap', pattern: 'random', weight: 1, write_ratio: 0.3}],
		});
		const w = workload([leaker, service], {
			ram: 128 * MIB,
			kernel: 16 * MIB,
			swap: {size: 512 * MIB, device: 'ssd'},
		});
		const r = runScenario(w, 20);
		const vm = r.machine.vm;
		// 20 s × 16 MiB/s = 320 MiB leaked into 112 MiB of usable RAM: most of it is swapped out.
		expect(vm.pgsteal_anon).toBeGreaterThan((100 * MIB) / 4096);
		expect(vm.pgactivate).toBeLessThan(vm.pgsteal_anon / 10);
		// The service's hot pages are referenced between scans and stay resident.
		const svc = r.snapshots.at(-1)!.processes.find((p) => p.name === 'service')!;
		// 16 MiB = 4096 pages; at least 3/4 of them stay resident.
		expect(svc.anon).toBeGreaterThan(3072);
	});
});
