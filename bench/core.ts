// npm run bench: the core's throughput (simulated page references per second of one core) on a
// large thrashing workload, and memory per simulated GiB. Median of several runs.
import {Machine} from '../source/sim/machine.js';
import type {ProcessGroupSpec, Workload} from '../source/sim/spec.js';
import {DEFAULT_SYSCTLS} from '../source/sim/sysctl.js';
import {GIB, MIB} from '../source/sim/units.js';

/** 200 processes on 8 GiB whose working sets add up to ~11 GiB: thrashing on an SSD. */
export function thrashingWorkload(): Workload {
	const groups: ProcessGroupSpec[] = [];
	const kinds = [
		{name: 'worker', heap: 48 * MIB, pattern: 'zipf' as const},
		{name: 'cache', heap: 64 * MIB, pattern: 'random' as const},
		{name: 'scanner', heap: 40 * MIB, pattern: 'sequential' as const},
		{name: 'shifter', heap: 72 * MIB, pattern: 'shifting' as const},
	];
	for (const k of kinds) {
		groups.push({
			name: k.name,
			count: 50,
			start: 0,
			rate: 50_000,
			oom_score_adj: 0,
			compressibility: 0.5,
			regions: [
				{name: 'heap', kind: 'anon', size: k.heap},
				{name: 'lib', kind: 'file', size: 8 * MIB, object: 'libc.so'},
			],
			streams: [
				{region: 'heap', pattern: k.pattern, weight: 9, window: 16 * MIB, period: 20, write_ratio: 0.2},
				{region: 'lib', pattern: 'zipf', weight: 1},
			],
		});
	}
	return {
		name: 'bench-thrash',
		description: '200 processes on 8 GiB, working sets past RAM',
		machine: {
			ram: 8 * GIB,
			cpus: 16,
			kernel: 256 * MIB,
			disk: 'nvme',
			swap: {size: 4 * GIB, device: 'nvme'},
			zswap: {enabled: false, compressor: 'lz4', max_pool_percent: 20, accept_threshold_percent: 90},
			sysctl: {...DEFAULT_SYSCTLS},
			policy: 'lru2',
		},
		processes: groups,
		events: [],
	};
}

export function main(): void {
	const runs = Number(process.env.BENCH_RUNS ?? 5);
	const warmSeconds = 20;
	const measureSeconds = 10;
	const gc = (globalThis as {gc?: () => void}).gc;
	const rates: number[] = [];
	let majfaults = 0;
	let swapUsed = 0;
	let perGib = Number.NaN;
	let peakRss = 0;
	for (let r = 0; r < runs; r++) {
		gc?.();
		const rssBefore = process.memoryUsage().rss;
		const m = new Machine(thrashingWorkload(), {seed: r + 1});
		for (let i = 0; i < warmSeconds * 100; i++) m.step();
		const refs0 = m.totalRefs;
		const maj0 = m.vm.pgmajfault;
		const t0 = performance.now();
		for (let i = 0; i < measureSeconds * 100; i++) m.step();
		const ms = performance.now() - t0;
		rates.push(((m.totalRefs - refs0) / ms) * 1000);
		majfaults = (m.vm.pgmajfault - maj0) / measureSeconds;
		swapUsed = m.swapfile.area?.used ?? 0;
		const rss = process.memoryUsage().rss;
		peakRss = Math.max(peakRss, rss);
		// Memory of one live machine (state after 30 s of thrashing), from the first, clean run.
		if (r === 0) perGib = (rss - rssBefore) / 8 / MIB;
	}
	rates.sort((a, b) => a - b);
	const median = rates[Math.floor(rates.length / 2)]!;
	console.log('core: 200 processes, 8 GiB RAM, 4 GiB nvme swap, working sets ~11 GiB (thrashing)');
	console.log(`  page references/s (median of ${runs}): ${(median / 1e6).toFixed(2)} M   [target ≥ 10 M]`);
	console.log(`  all runs: ${rates.map((r) => (r / 1e6).toFixed(2)).join(', ')} M`);
	console.log(
		`  while measuring: ${Math.round(majfaults)} major faults per simulated s, ${Math.round((swapUsed * 4096) / MIB)} MiB swap in use`,
	);
	console.log(
		`  memory per simulated GiB: ${perGib.toFixed(1)} MiB (RSS growth for one machine${gc ? ', after GC' : ''})   [target < 10 MiB]; peak RSS ${(peakRss / MIB).toFixed(0)} MiB`,
	);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
