// npm run bench: the core's throughput (simulated page references per second of one core) on a
// large thrashing workload, and memory per simulated GiB. Median of several runs.
//
// `npm run bench -- core --against=DIR` measures another build of the core beside this one, in one
// process, alternating run by run (same seeds), and prints both medians and their ratio: DIR is a
// checkout with `npm run build` done (for example `git worktree add /tmp/before <commit>`).
import {resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
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

/**
 * The same 200 processes spread over 50 cgroups (issue 12's figure): four to a service, one of each
 * kind, under /bench.slice; every 5th service has memory.high at 200 MiB (its heaps want 224 MiB),
 * every 7th memory.max at 256 MiB, so reclaim walks 50 lruvecs with protection, high throttles and
 * memcg charges on every fault.
 */
export function cgroupWorkload(): Workload {
	const base = thrashingWorkload();
	const kinds = base.processes;
	const processes: ProcessGroupSpec[] = [];
	const cgroups: NonNullable<Workload['cgroups']> = {'/bench.slice': {}};
	for (let c = 0; c < 50; c++) {
		const path = `/bench.slice/svc-${c}.service`;
		cgroups[path] = {
			...(c % 5 === 0 ? {'memory.high': 200 * MIB} : {}),
			...(c % 7 === 0 ? {'memory.max': 256 * MIB} : {}),
		};
		for (const k of kinds) processes.push({...k, name: `${k.name}-${c}`, count: 1, cgroup: path});
	}
	return {...base, name: 'bench-thrash-cgroups', processes, cgroups};
}

/** What the measurement needs of a machine: any build's Machine has it. */
interface Steppable {
	step(): void;
	readonly totalRefs: number;
	readonly vm: {pgmajfault: number};
}
type MachineClass<T extends Steppable = Steppable> = new (w: Workload, o: {seed: number}) => T;

const WARM_SECONDS = 20;
const MEASURE_SECONDS = 10;

/** Page references per second of host time over MEASURE_SECONDS, after WARM_SECONDS of thrashing. */
function measure<T extends Steppable>(
	M: MachineClass<T>,
	seed: number,
	workload: () => Workload = thrashingWorkload,
): {rate: number; machine: T; majPerSec: number} {
	const m = new M(workload(), {seed});
	for (let i = 0; i < WARM_SECONDS * 100; i++) m.step();
	const refs0 = m.totalRefs;
	const maj0 = m.vm.pgmajfault;
	const t0 = performance.now();
	for (let i = 0; i < MEASURE_SECONDS * 100; i++) m.step();
	const ms = performance.now() - t0;
	return {
		rate: ((m.totalRefs - refs0) / ms) * 1000,
		machine: m,
		majPerSec: (m.vm.pgmajfault - maj0) / MEASURE_SECONDS,
	};
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mrefs = (r: number): string => `${(r / 1e6).toFixed(2)} M`;

/** The other build's Machine, from its dist/ (argument --against=DIR, or BENCH_AGAINST=DIR). */
async function baseline(): Promise<{dir: string; M: MachineClass} | null> {
	const arg = process.argv.find((a) => a.startsWith('--against='))?.slice('--against='.length);
	const dir = arg ?? process.env.BENCH_AGAINST;
	if (!dir) return null;
	const url = pathToFileURL(resolve(dir, 'dist/sim/machine.js')).href;
	const mod = (await import(url)) as {Machine: MachineClass};
	return {dir, M: mod.Machine};
}

export async function main(): Promise<void> {
	const runs = Number(process.env.BENCH_RUNS ?? 5);
	const gc = (globalThis as {gc?: () => void}).gc;
	const other = await baseline();
	const rates: number[] = [];
	const otherRates: number[] = [];
	let majfaults = 0;
	let swapUsed = 0;
	let perGib = Number.NaN;
	let peakRss = 0;
	for (let r = 0; r < runs; r++) {
		gc?.();
		const rssBefore = process.memoryUsage().rss;
		const mine = measure(Machine, r + 1);
		rates.push(mine.rate);
		majfaults = mine.majPerSec;
		swapUsed = mine.machine.swapfile.area?.used ?? 0;
		const rss = process.memoryUsage().rss;
		peakRss = Math.max(peakRss, rss);
		// Memory of one live machine (state after 30 s of thrashing), from the first, clean run.
		if (r === 0) perGib = (rss - rssBefore) / 8 / MIB;
		if (other) {
			gc?.();
			otherRates.push(measure(other.M, r + 1).rate);
		}
	}
	console.log('core: 200 processes, 8 GiB RAM, 4 GiB nvme swap, working sets ~11 GiB (thrashing)');
	console.log(`  page references/s (median of ${runs}): ${mrefs(median(rates))}   [target ≥ 10 M]`);
	console.log(`  all runs: ${rates.map(mrefs).join(', ')}`);
	if (other) {
		console.log(
			`  ${other.dir} (median of ${runs}, alternating with the above): ${mrefs(median(otherRates))}`,
		);
		console.log(`  all runs: ${otherRates.map(mrefs).join(', ')}`);
		console.log(`  ratio this / that: ${(median(rates) / median(otherRates)).toFixed(3)}`);
	}
	console.log(
		`  while measuring: ${Math.round(majfaults)} major faults per simulated s, ${Math.round((swapUsed * 4096) / MIB)} MiB swap in use`,
	);
	console.log(
		`  memory per simulated GiB: ${perGib.toFixed(1)} MiB (RSS growth for one machine${gc ? ', after GC' : ''})   [target < 10 MiB]; peak RSS ${(peakRss / MIB).toFixed(0)} MiB`,
	);
	// The same machine with its processes in 50 cgroups, measured the same way (and beside the other build).
	const cg: number[] = [];
	const cgOther: number[] = [];
	let cgMaj = 0;
	for (let r = 0; r < runs; r++) {
		gc?.();
		const mine = measure(Machine, r + 1, cgroupWorkload);
		cg.push(mine.rate);
		cgMaj = mine.majPerSec;
		if (other) {
			gc?.();
			cgOther.push(measure(other.M, r + 1, cgroupWorkload).rate);
		}
	}
	console.log(
		'core, 50 cgroups: the same 200 processes, four to a service; memory.high on 10, memory.max on 8',
	);
	console.log(`  page references/s (median of ${runs}): ${mrefs(median(cg))}   [target ≥ 10 M]`);
	console.log(`  all runs: ${cg.map(mrefs).join(', ')}; ${Math.round(cgMaj)} major faults per simulated s`);
	if (other) {
		console.log(`  ${other.dir}: ${mrefs(median(cgOther))} (all runs: ${cgOther.map(mrefs).join(', ')})`);
		console.log(`  ratio this / that: ${(median(cg) / median(cgOther)).toFixed(3)}`);
	}
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
