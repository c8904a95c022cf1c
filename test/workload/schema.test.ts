import {describe, expect, it} from 'vitest';
import type {Workload} from '../../source/sim/spec.js';
import {DEFAULT_SYSCTLS} from '../../source/sim/sysctl.js';
import {GIB, MIB} from '../../source/sim/units.js';
import {
	formatBytes,
	formatDuration,
	parseDuration,
	parseRate,
	parseSize,
	roundUpToPages,
} from '../../source/workload/quantities.js';
import {FIRST_WORKLOAD_PID, workloadSchema} from '../../source/workload/schema.js';

const minimal = {
	machine: {ram: '2G'},
	processes: [
		{
			name: 'app',
			rate: 1000,
			regions: [{name: 'heap', size: '64M'}],
			streams: [{region: 'heap', pattern: 'random'}],
		},
	],
};

function parse(input: unknown): Workload {
	return workloadSchema({name: 'test'}).parse(input);
}

function issues(input: unknown): string[] {
	const result = workloadSchema({name: 'test'}).safeParse(input);
	if (result.success) throw new Error('expected the workload to be rejected');
	return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** `minimal` with the first process changed. */
function withProcess(changes: Record<string, unknown>): unknown {
	return {...minimal, processes: [{...minimal.processes[0], ...changes}]};
}

describe('sizes', () => {
	it('parses binary units, fractions and plain bytes', () => {
		expect(parseSize('512M')).toBe(512 * MIB);
		expect(parseSize('4G')).toBe(4 * GIB);
		expect(parseSize('64K')).toBe(64 * 1024);
		expect(parseSize('1.5G')).toBe(1.5 * GIB);
		expect(parseSize('2GiB')).toBe(2 * GIB);
		expect(parseSize('2gb')).toBe(2 * GIB);
		expect(parseSize('1T')).toBe(1024 * GIB);
		expect(parseSize('4096')).toBe(4096);
		expect(parseSize('4096B')).toBe(4096);
		expect(parseSize(8192)).toBe(8192);
		expect(parseSize('-512M')).toBe(-512 * MIB);
	});

	it('rejects what is not a size', () => {
		for (const bad of ['', 'M', '4X', '4 G B', '1.2.3G', 'lots', true, null, [], {}]) {
			expect(parseSize(bad)).toBeUndefined();
		}
	});

	it('rounds up to whole pages, away from zero', () => {
		expect(roundUpToPages(1)).toBe(4096);
		expect(roundUpToPages(4096)).toBe(4096);
		expect(roundUpToPages(4097)).toBe(8192);
		expect(roundUpToPages(-1)).toBe(-4096);
	});

	it('formats for messages', () => {
		expect(formatBytes(4 * GIB)).toBe('4 GiB');
		expect(formatBytes(1.5 * GIB)).toBe('1.5 GiB');
		expect(formatBytes(512 * MIB)).toBe('512 MiB');
		expect(formatBytes(64 * 1024)).toBe('64 KiB');
		expect(formatBytes(-512 * MIB)).toBe('-512 MiB');
		expect(formatBytes(100)).toBe('100 B');
	});
});

describe('durations and rates', () => {
	it('parses durations in seconds', () => {
		expect(parseDuration('30s')).toBe(30);
		expect(parseDuration('2m')).toBe(120);
		expect(parseDuration('1h')).toBe(3600);
		expect(parseDuration('500ms')).toBe(0.5);
		expect(parseDuration('1m30s')).toBe(90);
		expect(parseDuration('1.5s')).toBe(1.5);
		expect(parseDuration(45)).toBe(45);
		expect(parseDuration('45')).toBe(45);
		for (const bad of ['', 's', '30x', '1m 30s', '-5s', true]) expect(parseDuration(bad)).toBeUndefined();
	});

	it('formats durations', () => {
		expect(formatDuration(90)).toBe('1m30s');
		expect(formatDuration(0.5)).toBe('500ms');
		expect(formatDuration(3600)).toBe('1h');
		expect(formatDuration(0)).toBe('0s');
	});

	it('parses rates in bytes per second', () => {
		expect(parseRate('20M/s')).toBe(20 * MIB);
		expect(parseRate('512K/s')).toBe(512 * 1024);
		expect(parseRate('20M')).toBe(20 * MIB);
		expect(parseRate(1000)).toBe(1000);
		expect(parseRate('fast')).toBeUndefined();
	});
});

describe('defaults', () => {
	it('fills in every default', () => {
		const w = parse(minimal);
		expect(w).toEqual({
			name: 'test',
			description: '',
			machine: {
				ram: 2 * GIB,
				cpus: 4,
				kernel: 64 * MIB,
				disk: 'ssd',
				swap: {size: 0, device: 'ssd'},
				zswap: {enabled: false, compressor: 'lz4', max_pool_percent: 20, accept_threshold_percent: 90},
				sysctl: {...DEFAULT_SYSCTLS},
				policy: 'lru2',
			},
			processes: [
				{
					name: 'app',
					count: 1,
					start: 0,
					rate: 1000,
					oom_score_adj: 0,
					compressibility: 0.5,
					uid: 1000,
					regions: [{name: 'heap', kind: 'anon', size: 64 * MIB, locked: false}],
					streams: [{region: 'heap', pattern: 'random', weight: 1, write_ratio: 0}],
				},
			],
			events: [],
		} satisfies Workload);
		expect(w.machine.sysctl.min_free_kbytes).toBeUndefined();
		expect(DEFAULT_SYSCTLS).toEqual({
			swappiness: 60,
			watermark_scale_factor: 10,
			watermark_boost_factor: 15000,
			dirty_ratio: 20,
			dirty_background_ratio: 10,
			overcommit_memory: 0,
			overcommit_ratio: 50,
			page_cluster: 3,
			min_ttl_ms: 0,
			extfrag_threshold: 500,
			compaction_proactiveness: 20,
			nr_hugepages: 0,
			compact_memory: 0,
			transparent_hugepage_enabled: 1,
			transparent_hugepage_defrag: 3,
			khugepaged_pages_to_scan: 4096,
			khugepaged_scan_sleep_millisecs: 10000,
			khugepaged_alloc_sleep_millisecs: 60000,
			khugepaged_max_ptes_none: 511,
			khugepaged_max_ptes_swap: 64,
			khugepaged_max_ptes_shared: 256,
		});
	});

	it('derives the kernel reserve as max(64M, 2% of RAM), in whole pages', () => {
		expect(parse({...minimal, machine: {ram: '1G'}}).machine.kernel).toBe(64 * MIB);
		// 2% of 4 GiB = 85899345.92 bytes, rounded up to 20972 pages.
		expect(parse({...minimal, machine: {ram: '4G'}}).machine.kernel).toBe(20972 * 4096);
		expect(parse({...minimal, machine: {ram: '4G', kernel: '100M'}}).machine.kernel).toBe(100 * MIB);
	});

	it('rounds sizes up to whole pages', () => {
		const w = parse(withProcess({regions: [{name: 'heap', size: 1000}]}));
		expect(w.processes[0]!.regions[0]!.size).toBe(4096);
		expect(parse({...minimal, machine: {ram: '1.5G'}}).machine.ram).toBe(1.5 * GIB);
	});

	it('swap: shorthands, device from the disk, zram defaults', () => {
		expect(parse({...minimal, machine: {ram: '2G', swap: 'none'}}).machine.swap).toEqual({
			size: 0,
			device: 'ssd',
		});
		expect(parse({...minimal, machine: {ram: '2G', disk: 'hdd', swap: '1G'}}).machine.swap).toEqual({
			size: GIB,
			device: 'hdd',
		});
		expect(
			parse({...minimal, machine: {ram: '2G', swap: {size: '1G', device: 'zram'}}}).machine.swap,
		).toEqual({
			size: GIB,
			device: 'zram',
			mem_limit: 0,
			compressor: 'lzo',
		});
		expect(
			parse({
				...minimal,
				machine: {ram: '2G', swap: {size: '1G', device: 'zram', mem_limit: '256M', compressor: 'zstd'}},
			}).machine.swap,
		).toEqual({size: GIB, device: 'zram', mem_limit: 256 * MIB, compressor: 'zstd'});
	});

	it('zswap: true/false shorthand; a mapping turns it on unless it says otherwise', () => {
		const machine = {ram: '2G', swap: '1G'};
		expect(parse({...minimal, machine: {...machine, zswap: true}}).machine.zswap).toEqual({
			enabled: true,
			compressor: 'lz4',
			max_pool_percent: 20,
			accept_threshold_percent: 90,
		});
		expect(parse({...minimal, machine: {...machine, zswap: false}}).machine.zswap.enabled).toBe(false);
		expect(parse({...minimal, machine: {...machine, zswap: {compressor: 'zstd'}}}).machine.zswap).toEqual({
			enabled: true,
			compressor: 'zstd',
			max_pool_percent: 20,
			accept_threshold_percent: 90,
		});
		expect(parse({...minimal, machine: {...machine, zswap: {enabled: false}}}).machine.zswap.enabled).toBe(
			false,
		);
	});

	it('regions: kind defaults to anon; file and shmem objects default to <process>/<region>', () => {
		const w = parse(
			withProcess({
				regions: [
					{name: 'heap', size: '1M', locked: true},
					{name: 'data', kind: 'file', size: '1M'},
					{name: 'log', kind: 'file', size: '1M', access: 'read', object: '/var/log/syslog'},
					{name: 'shm', kind: 'shmem', size: '1M'},
				],
				streams: [{region: 'heap', pattern: 'random'}],
			}),
		);
		expect(w.processes[0]!.regions).toEqual([
			{name: 'heap', kind: 'anon', size: 1 * MIB, locked: true},
			{name: 'data', kind: 'file', size: 1 * MIB, object: 'app/data', access: 'mmap'},
			{name: 'log', kind: 'file', size: 1 * MIB, object: '/var/log/syslog', access: 'read'},
			{name: 'shm', kind: 'shmem', size: 1 * MIB, object: 'app/shm'},
		]);
	});

	it('streams: per-pattern fields, zipf skew default', () => {
		const w = parse(
			withProcess({
				regions: [
					{name: 'heap', size: '64M'},
					{name: 'file', kind: 'file', size: '64M'},
				],
				streams: [
					{region: 'heap', pattern: 'zipf', weight: 2},
					{region: 'heap', pattern: 'shifting', window: '8M', period: '30s', write_ratio: 0.5},
					{region: 'heap', pattern: 'grow', grow: '20M/s'},
					{region: 'file', pattern: 'stream'},
					{region: 'file', pattern: 'sequential', weight: 0.5},
				],
			}),
		);
		expect(w.processes[0]!.streams).toEqual([
			{region: 'heap', pattern: 'zipf', weight: 2, skew: 1, write_ratio: 0},
			{region: 'heap', pattern: 'shifting', weight: 1, window: 8 * MIB, period: 30, write_ratio: 0.5},
			{region: 'heap', pattern: 'grow', weight: 1, grow: 20 * MIB, write_ratio: 0},
			{region: 'file', pattern: 'stream', weight: 1, write_ratio: 0},
			{region: 'file', pattern: 'sequential', weight: 0.5, write_ratio: 0},
		]);
	});

	it('a process with rate 0 may have no streams', () => {
		const w = parse(withProcess({rate: 0, streams: undefined}));
		expect(w.processes[0]!.streams).toEqual([]);
	});
});

describe('events', () => {
	it('become commands, sorted by time, stably', () => {
		const spawn = {
			name: 'job',
			rate: 100,
			regions: [{name: 'a', size: '1M'}],
			streams: [{region: 'a', pattern: 'random'}],
		};
		const w = parse({
			...minimal,
			machine: {ram: '2G', swap: '1G'},
			events: [
				{at: '90s', sysctl: {swappiness: 100, page_cluster: 0}},
				{at: '30s', spawn, count: 2},
				{at: '1m', kill: FIRST_WORKLOAD_PID},
				{at: '2m', zswap: true},
				{at: '2m', drop_caches: 3},
				{at: '3m', balloon: '512M'},
				{at: '3m', balloon: '-256M'},
				{at: '3m', oom_score_adj: {pid: 102, value: 500}},
			],
		});
		expect(w.events).toEqual([
			{
				at: 30,
				command: {
					kind: 'spawn',
					count: 2,
					spec: {
						name: 'job',
						rate: 100,
						oom_score_adj: 0,
						compressibility: 0.5,
						uid: 1000,
						regions: [{name: 'a', kind: 'anon', size: MIB, locked: false}],
						streams: [{region: 'a', pattern: 'random', weight: 1, write_ratio: 0}],
					},
				},
			},
			{at: 60, command: {kind: 'kill', pid: 100}},
			{at: 90, command: {kind: 'set-sysctl', name: 'swappiness', value: 100}},
			{at: 90, command: {kind: 'set-sysctl', name: 'page_cluster', value: 0}},
			{at: 120, command: {kind: 'set-zswap', enabled: true}},
			{at: 120, command: {kind: 'drop-caches', mode: 3}},
			{at: 180, command: {kind: 'balloon', bytes: 512 * MIB}},
			{at: 180, command: {kind: 'balloon', bytes: -256 * MIB}},
			{at: 180, command: {kind: 'set-oom-score-adj', pid: 102, value: 500}},
		]);
	});

	it('pids count from 100 over listed processes (count expanded), then event spawns', () => {
		const spawn = {name: 'job', rate: 0, regions: [{name: 'a', size: '1M'}]};
		const base = {
			...minimal,
			processes: [{...minimal.processes[0], count: 3}],
		};
		// 100..102 listed, 103..104 spawned.
		expect(() =>
			parse({
				...base,
				events: [
					{at: 1, spawn, count: 2},
					{at: 2, kill: 104},
				],
			}),
		).not.toThrow();
		expect(
			issues({
				...base,
				events: [
					{at: 1, spawn, count: 2},
					{at: 2, kill: 105},
				],
			}),
		).toEqual([
			'events.1.kill: expected the pid of a workload process (100..104: pids count from 100 in the order processes are listed, then event spawns), got 105',
		]);
	});
});

describe('notes', () => {
	it('are narration in time order, one paragraph each; absent when there are none', () => {
		const w = parse({
			...minimal,
			notes: [
				{at: '1m', text: 'then this'},
				{at: '40s', text: 'A third batch job starts:\n  watch free memory fall below low.'},
			],
		});
		expect(w.notes).toEqual([
			{at: 40, text: 'A third batch job starts: watch free memory fall below low.'},
			{at: 60, text: 'then this'},
		]);
		expect('notes' in parse(minimal)).toBe(false);
	});

	it('say what is wrong with a note', () => {
		expect(issues({...minimal, notes: [{at: 'soon', text: 'x'}]})).toEqual([
			'notes.0.at: expected a duration like 30s, 2m, 1h or 500ms (or a number of seconds), got "soon"',
		]);
		expect(issues({...minimal, notes: [{at: '1s', text: ''}]})[0]).toMatch(
			/^notes\.0\.text: expected a line of text/,
		);
		expect(issues({...minimal, notes: [{at: '1s', text: 'x'.repeat(401)}]})[0]).toMatch(
			/at most 400 characters/,
		);
		expect(issues({...minimal, notes: [{at: '1s', text: 'x', txt: 'x'}]})[0]).toMatch(
			/^notes\.0: unknown key/,
		);
		expect(issues({...minimal, notes: {at: 1}})[0]).toMatch(/^notes: expected a list of notes/);
		const many = Array.from({length: 201}, (_, i) => ({at: i, text: 'n'}));
		expect(issues({...minimal, notes: many})).toEqual(['notes: expected at most 200 notes']);
	});
});

describe('cross-field checks', () => {
	it('MAP_HUGETLB and loads: anon regions only, no grow stream over one, loads a whole number', () => {
		expect(issues(withProcess({regions: [{name: 'heap', kind: 'file', size: '4M', hugetlb: true}]}))).toEqual(
			[
				'processes.0.regions.0.hugetlb: expected no hugetlb on a file region (only anon regions take hugetlb), got true',
			],
		);
		expect(
			issues(
				withProcess({
					regions: [{name: 'heap', size: '4M', hugetlb: true}],
					streams: [{region: 'heap', pattern: 'grow', grow: '1M/s'}],
				}),
			),
		).toEqual([
			'processes.0.streams.0.pattern: expected a region without hugetlb for a grow stream (brk does not grow a MAP_HUGETLB mapping), got region heap',
		]);
		expect(issues(withProcess({loads: 0}))[0]).toMatch(
			/^processes\.0\.loads: expected an integer from 1 to 1000000/,
		);
		const w = parse(withProcess({loads: 500, regions: [{name: 'heap', size: '4M', hugetlb: true}]}));
		expect(w.processes[0]!.loads).toBe(500);
		expect(w.processes[0]!.regions[0]!.hugetlb).toBe(true);
		expect(parse(minimal).processes[0]!.loads).toBeUndefined();
	});

	it('names the field that is wrong', () => {
		expect(
			issues(
				withProcess({
					regions: [
						{name: 'heap', size: '1M'},
						{name: 'heap', kind: 'file', size: '1M'},
					],
				}),
			),
		).toEqual([
			'processes.0.regions.1.name: expected a region name not already used by regions[0], got "heap"',
		]);
		expect(issues(withProcess({streams: [{region: 'heap', pattern: 'stream'}]}))).toEqual([
			'processes.0.streams.0.pattern: expected a file region for a stream pattern (a streaming reader reads a file), got region heap of kind anon',
		]);
		expect(
			issues(
				withProcess({
					regions: [{name: 'data', kind: 'file', size: '1M'}],
					streams: [{region: 'data', pattern: 'grow', grow: '1M/s'}],
				}),
			),
		).toEqual([
			'processes.0.streams.0.pattern: expected an anon region for a grow stream (a leak allocates anonymous memory), got region data of kind file',
		]);
		expect(
			issues(withProcess({streams: [{region: 'heap', pattern: 'shifting', window: '128M', period: 10}]})),
		).toEqual([
			'processes.0.streams.0.window: expected a window no larger than region heap (64 MiB), got 128 MiB',
		]);
		expect(issues(withProcess({streams: [{region: 'heap', pattern: 'random', weight: 0}]}))).toEqual([
			'processes.0.streams.0.weight: expected a number above 0, got 0',
		]);
		expect(issues(withProcess({streams: []}))).toEqual([
			'processes.0.streams: expected at least one stream (where the references go) for a process with rate above 0, got nothing',
		]);
		expect(issues(withProcess({start: '1m', end: '30s'}))).toEqual([
			'processes.0.end: expected an end after start (1m), got 30s',
		]);
		expect(issues({...minimal, machine: {ram: '2G', swap: {size: '1G', mem_limit: '1G'}}})).toEqual([
			'machine.swap.mem_limit: expected mem_limit only with device: zram (swap here is on ssd), got 1 GiB',
		]);
		expect(issues({...minimal, machine: {ram: '2G', zswap: true}})).toEqual([
			'machine.zswap.enabled: expected a swap device for zswap to sit in front of (zswap caches pages on their way to swap), got swap: none',
		]);
		expect(issues({...minimal, machine: {ram: '2G', swap: '1G', zswap: {max_pool_percent: 150}}})).toEqual([
			'machine.zswap.max_pool_percent: expected an integer from 1 to 100, got 150',
		]);
		expect(
			issues({...minimal, machine: {ram: '2G', sysctl: {swappiness: 201, overcommit_memory: 3}}}),
		).toEqual([
			'machine.sysctl.swappiness: expected an integer from 0 to 200, got 201',
			'machine.sysctl.overcommit_memory: expected 0 (heuristic), 1 (always) or 2 (strict), got 3',
		]);
		expect(issues({...minimal, events: [{at: '1m', kill: 100, drop_caches: 1}]})).toEqual([
			'events.0.drop_caches: expected one action per event, got both kill and drop_caches',
		]);
		expect(issues({...minimal, events: [{at: '1m', kill: 100, count: 2}]})).toEqual([
			'events.0.count: expected count only with spawn, got 2',
		]);
		expect(issues({...minimal, events: [{at: '1m', balloon: '-1G'}]})).toEqual([
			'events.0.balloon: expected the balloon to stay between 0 and RAM minus kernel (1.94 GiB), got a total of -1 GiB',
		]);
	});

	it('rejects a malformed policy name', () => {
		expect(issues({...minimal, machine: {ram: '2G', policy: 'Not A Policy'}})).toEqual([
			'machine.policy: expected a policy name (lowercase letters, digits and -), got "Not A Policy"',
		]);
	});
});
