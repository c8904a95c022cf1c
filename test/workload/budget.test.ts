// The resource budget at load time (issue 15): the hostile workloads are refused with one
// line naming the file, line, field and figure; the shipped ones fit; the flags raise the limits.
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {HASH_INTERVAL_TICKS} from '../../source/record/format.js';
import {Machine} from '../../source/sim/machine.js';
import {GIB, TICKS_PER_SECOND} from '../../source/sim/units.js';
import {
	BUDGET_USES,
	checkWorkloadBudget,
	DEFAULT_LIMITS,
	estimate,
	HASH_SECONDS,
	processCpu,
	REF_NS,
	spawnProblem,
	workloadSpawns,
} from '../../source/workload/budget.js';
import {listShippedWorkloads, loadWorkload, parseWorkload} from '../../source/workload/load.js';
import {group, MIB, workload} from '../helpers/workload.js';

function refusal(text: string, budget?: Parameters<typeof parseWorkload>[2]): string {
	try {
		parseWorkload(text, 'big.yaml', budget);
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		const message = (error as Error).message;
		expect(message).not.toContain('\n');
		return message;
	}
	throw new Error('expected a refusal');
}

const TERA_REGION =
	'machine: {ram: 4G}\nprocesses:\n  - {name: big, rate: 1000, regions: [{name: heap, size: 1024T}], streams: [{region: heap, pattern: random}]}\n';
const MANY_FAST =
	'machine: {ram: 8G}\nprocesses:\n  - {name: w, count: 500, rate: 1000000, regions: [{name: heap, size: 4M}], streams: [{region: heap, pattern: random}]}\n';
const TEN_THOUSAND =
	'machine: {ram: 8G}\nprocesses:\n  - {name: w, count: 10000, rate: 1000, regions: [{name: heap, size: 1M}], streams: [{region: heap, pattern: zipf}]}\n';
const SPARSE =
	'machine: {ram: 4G, sysctl: {overcommit_memory: 1}}\nprocesses:\n  - {name: s, count: 8, rate: 10, regions: [{name: heap, size: 512G}], streams: [{region: heap, pattern: zipf}]}\n';

describe('the budget refuses what would not fit the host', () => {
	it('a 1024T region: its page tables, with the file, line, field and figure', () => {
		expect(refusal(TERA_REGION)).toMatch(
			/^big\.yaml:3: processes\[0\]\.regions\[0\]\.size: 1024T needs [\d.]+ [GT]iB of host memory for its page tables as a recorded run; the limit is 1 GiB \(--max-memory\)$/,
		);
	});

	it('500 processes at a million references a second: host CPU per simulated second', () => {
		const m = refusal(MANY_FAST);
		expect(m).toMatch(
			/^big\.yaml:3: processes\[0\]\.rate: 1000000 \(×500 processes\) needs ≈\d+ s of host CPU per simulated second/,
		);
		expect(m).toContain('the limit is 1 s (--max-cpu)');
		// 500 × 10^6 refs/s × 170 ns (random) = 85 s, worked by hand.
		expect(m).toContain('≈85 s');
	});

	it('10,000 processes: their references and their ticks', () => {
		expect(refusal(TEN_THOUSAND)).toMatch(
			/processes\[0\]\.rate: 1000 \(×10000 processes\) needs ≈\d+ s of host CPU/,
		);
	});

	it('512G sparse regions with overcommit on: the flat page tables are counted, not the RAM', () => {
		expect(refusal(SPARSE)).toMatch(
			/regions\[0\]\.size: 512G needs [\d.]+ GiB of host memory for the page tables of its 8 processes/,
		);
	});

	it('--max-memory and --max-cpu raise the limits for those who mean it', () => {
		const budget = {limits: {memory: 64 * GIB, cpu: 1000}, use: BUDGET_USES.headless};
		expect(() => parseWorkload(SPARSE, 'big.yaml', budget)).not.toThrow();
		expect(() => parseWorkload(MANY_FAST, 'big.yaml', budget)).not.toThrow();
		// Past what a page table can index, no flag helps.
		expect(refusal(TERA_REGION, {limits: {memory: 2 ** 60, cpu: 1000}, use: BUDGET_USES.headless})).toMatch(
			/^big\.yaml:3: processes\[0\]\.regions\[0\]\.size: 1024T: the process.s regions add up to 1 PiB of address space, more than a process may have \(8 TiB\)$/,
		);
	});

	it('every shipped workload fits the default budget, recorded and replayed', () => {
		for (const s of listShippedWorkloads()) {
			const w = loadWorkload(s.name, null);
			expect(checkWorkloadBudget(w, DEFAULT_LIMITS, BUDGET_USES.recorded), s.name).toBeNull();
			expect(checkWorkloadBudget(w, DEFAULT_LIMITS, BUDGET_USES.replay), s.name).toBeNull();
		}
	});
});

describe('the estimate', () => {
	it('CPU: references × cost per reference, plus ticks, by hand', () => {
		const spec = group('a', {rate: 10_000});
		const c = processCpu(spec);
		// 10,000 random references × 170 ns = 1.7 ms per simulated second.
		expect(c.refs).toBeCloseTo((10_000 * REF_NS.random) / 1e9, 9);
		expect(c.ticks).toBeCloseTo((TICKS_PER_SECOND * 550) / 1e9, 9);
	});

	it('the busiest moment: processes that end before others start are not counted together', () => {
		const w = workload([
			group('early', {count: 4, end: 10, regions: [{name: 'heap', kind: 'anon', size: 256 * MIB}]}),
			group('late', {count: 4, start: 10, regions: [{name: 'heap', kind: 'anon', size: 256 * MIB}]}),
		]);
		const both = workload([
			group('early', {count: 4, regions: [{name: 'heap', kind: 'anon', size: 256 * MIB}]}),
			group('late', {count: 4, regions: [{name: 'heap', kind: 'anon', size: 256 * MIB}]}),
		]);
		const apart = estimate(w.machine, 'lru2', workloadSpawns(w), BUDGET_USES.headless).memory;
		const together = estimate(both.machine, 'lru2', workloadSpawns(both), BUDGET_USES.headless).memory;
		expect(together).toBeGreaterThan(apart);
	});

	it('a recording holds copies of the state: it costs more than a headless run', () => {
		const w = workload([group('a')]);
		const headless = estimate(w.machine, 'lru2', workloadSpawns(w), BUDGET_USES.headless).memory;
		const recorded = estimate(w.machine, 'lru2', workloadSpawns(w), BUDGET_USES.recorded).memory;
		expect(recorded).toBeGreaterThan(headless);
	});

	it('HASH_SECONDS is the recording format hash interval', () => {
		expect(HASH_SECONDS * TICKS_PER_SECOND).toBe(HASH_INTERVAL_TICKS);
	});

	it('a spawn into a running machine is checked against what is alive', () => {
		const m = new Machine(workload([group('a')]), {seed: 1});
		m.step();
		const big = group('big', {rate: 1_000_000, regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}]});
		expect(spawnProblem(m, big, 1, DEFAULT_LIMITS, false)).toBeNull();
		expect(spawnProblem(m, big, 500, DEFAULT_LIMITS, false)).toMatch(
			/needs ≈\d+ s of host CPU per simulated second/,
		);
	});
});
