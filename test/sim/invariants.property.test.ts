// Conservation over random small machines: whatever the workload, policy and commands, every frame is
// counted exactly once, every counter agrees with the page tables (checkInvariants), the snapshot's
// frames sum to the machine's pages, and no counter goes negative — after every tick.
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import type {Command} from '../../source/sim/commands.js';
import {FRAME_ANON, FRAME_FILE, FRAME_SHMEM, FRAME_ZPOOL, PG_SWAPCACHE} from '../../source/sim/frames.js';
import {checkInvariants} from '../../source/sim/invariants.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {Snapshot} from '../../source/sim/snapshot-types.js';
import type {
	Compressor,
	MachineSpec,
	PatternKind,
	ProcessGroupSpec,
	ProcessSpec,
	RegionSpec,
	StreamSpec,
	SwapDeviceKind,
	SysctlName,
	Workload,
} from '../../source/sim/spec.js';
import {CGROUP_FILES, type CgroupFile, type UserspaceOomKiller} from '../../source/sim/spec.js';
import {SLOT_ZRAM, SLOT_ZSWAP} from '../../source/sim/swap.js';
import {cacheFloodSpec, hogSpec, leakSpec} from '../../source/sim/templates.js';
import {PAGE_SIZE} from '../../source/sim/units.js';
import {group, MIB, workload} from '../helpers/workload.js';

const TICKS = 300;
const POLICIES = ['lru2', 'mglru', 'clock', 'lru', 'fifo'] as const;
const KIB = 1024;

// ------------------------------------------------------------------------------ generators

const compressor = fc.constantFrom<Compressor>('lz4', 'lzo', 'zstd');

const machineArb = fc
	.record({
		ramMib: fc.integer({min: 16, max: 64}),
		kernelMib: fc.integer({min: 2, max: 8}),
		cpus: fc.integer({min: 1, max: 4}),
		disk: fc.constantFrom<Exclude<SwapDeviceKind, 'zram'>>('ssd', 'hdd', 'nvme'),
		swapMib: fc.oneof(fc.constant(0), fc.integer({min: 2, max: 64})),
		swapDevice: fc.constantFrom<SwapDeviceKind>('zram', 'ssd', 'hdd', 'nvme'),
		zramLimitMib: fc.oneof(fc.constant(0), fc.integer({min: 1, max: 16})),
		zramCompressor: compressor,
		zswap: fc.boolean(),
		zswapCompressor: compressor,
		maxPool: fc.integer({min: 1, max: 50}),
		accept: fc.integer({min: 0, max: 100}),
		swappiness: fc.integer({min: 0, max: 200}),
		minFree: fc.option(fc.integer({min: 128, max: 4096}), {nil: undefined}),
		wsf: fc.oneof(fc.constant(10), fc.integer({min: 1, max: 3000})),
		overcommit: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
		overcommitRatio: fc.integer({min: 0, max: 200}),
		pageCluster: fc.integer({min: 0, max: 5}),
		dirtyRatio: fc.integer({min: 0, max: 100}),
		dirtyBg: fc.integer({min: 0, max: 100}),
		minTtl: fc.oneof(fc.constant(0), fc.integer({min: 1, max: 2000})),
		// Transparent huge pages: always, madvise or never, with any defrag mode; khugepaged every 1..3 s.
		thp: fc.integer({min: 0, max: 2}),
		thpDefrag: fc.integer({min: 0, max: 4}),
		khugepagedSleep: fc.integer({min: 1000, max: 3000}),
		policy: fc.constantFrom(...POLICIES),
	})
	.map((g): MachineSpec => {
		const swapSize = g.swapMib * MIB;
		const zram = g.swapDevice === 'zram';
		return {
			ram: g.ramMib * MIB,
			cpus: g.cpus,
			kernel: Math.min(g.kernelMib, g.ramMib / 2) * MIB,
			disk: g.disk,
			swap: zram
				? {size: swapSize, device: 'zram', mem_limit: g.zramLimitMib * MIB, compressor: g.zramCompressor}
				: {size: swapSize, device: g.swapDevice},
			// The workload schema wants a swap device behind zswap.
			zswap: {
				enabled: g.zswap && swapSize > 0,
				compressor: g.zswapCompressor,
				max_pool_percent: g.maxPool,
				accept_threshold_percent: g.accept,
			},
			sysctl: {
				swappiness: g.swappiness,
				// At most a quarter of RAM, as the schema allows.
				min_free_kbytes: g.minFree === undefined ? undefined : Math.min(g.minFree, (g.ramMib * KIB) / 4),
				watermark_scale_factor: g.wsf,
				dirty_ratio: g.dirtyRatio,
				dirty_background_ratio: g.dirtyBg,
				overcommit_memory: g.overcommit,
				overcommit_ratio: g.overcommitRatio,
				page_cluster: g.pageCluster,
				watermark_boost_factor: 15000,
				extfrag_threshold: 500,
				compaction_proactiveness: 20,
				nr_hugepages: 0,
				min_ttl_ms: g.minTtl,
				compact_memory: 0,
				transparent_hugepage_enabled: g.thp as 0 | 1 | 2,
				transparent_hugepage_defrag: g.thpDefrag as 0 | 1 | 2 | 3 | 4,
				khugepaged_pages_to_scan: 4096,
				khugepaged_scan_sleep_millisecs: g.khugepagedSleep,
				khugepaged_alloc_sleep_millisecs: 60000,
				khugepaged_max_ptes_none: 511,
				khugepaged_max_ptes_swap: 64,
				khugepaged_max_ptes_shared: 256,
			},
			policy: g.policy,
		};
	});

// Objects are shared by name; each name has one size so every mapping of it agrees (see the
// `.fails` test at the bottom for what happens otherwise).
const FILE_OBJECTS: Record<string, number> = {f0: 2 * MIB, f1: 6 * MIB, f2: 24 * MIB};
const SHMEM_OBJECTS: Record<string, number> = {s0: MIB, s1: 4 * MIB};

const regionArb = (name: string): fc.Arbitrary<RegionSpec> =>
	fc.oneof(
		fc
			.record({pages: fc.integer({min: 16, max: 4096}), locked: fc.boolean()})
			.map(
				(r): RegionSpec => ({name, kind: 'anon', size: r.pages * 4096, locked: r.locked && r.pages < 256}),
			),
		fc
			.record({
				object: fc.constantFrom(...Object.keys(FILE_OBJECTS)),
				access: fc.constantFrom('mmap', 'read'),
			})
			.map(
				(r): RegionSpec => ({
					name,
					kind: 'file',
					size: FILE_OBJECTS[r.object]!,
					object: r.object,
					access: r.access as 'mmap' | 'read',
				}),
			),
		fc
			.constantFrom(...Object.keys(SHMEM_OBJECTS))
			.map((object): RegionSpec => ({name, kind: 'shmem', size: SHMEM_OBJECTS[object]!, object})),
	);

interface StreamSeed {
	region: number;
	pattern: PatternKind;
	weight: number;
	skew: number;
	window: number;
	period: number;
	growKib: number;
	write: number;
}

const streamSeedArb: fc.Arbitrary<StreamSeed> = fc.record({
	region: fc.nat(),
	pattern: fc.constantFrom<PatternKind>('sequential', 'random', 'zipf', 'shifting', 'grow', 'stream'),
	weight: fc.double({min: 0.1, max: 3, noNaN: true}),
	skew: fc.double({min: 0.3, max: 2, noNaN: true}),
	window: fc.double({min: 0.05, max: 1, noNaN: true}),
	period: fc.double({min: 0.2, max: 3, noNaN: true}),
	growKib: fc.integer({min: 64, max: 8192}),
	write: fc.oneof(fc.constant(0), fc.double({min: 0, max: 1, noNaN: true})),
});

/**
 * A valid stream for the chosen region: grow needs anon, stream needs a file (as the schema says).
 * A grow stream gets its region to itself (see the `.fails` test at the bottom for why).
 */
function toStream(s: StreamSeed, regions: RegionSpec[], seeds: StreamSeed[]): StreamSpec {
	const r = regions[s.region % regions.length]!;
	const shared = seeds.some((o) => o !== s && o.region % regions.length === s.region % regions.length);
	let pattern = s.pattern;
	if (pattern === 'grow' && (r.kind !== 'anon' || shared)) pattern = 'random';
	if (pattern === 'stream' && r.kind !== 'file') pattern = 'sequential';
	const out: StreamSpec = {region: r.name, pattern, weight: s.weight, write_ratio: s.write};
	if (pattern === 'zipf') out.skew = s.skew;
	if (pattern === 'shifting') {
		out.window = Math.max(4096, Math.floor((r.size * s.window) / 4096) * 4096);
		out.period = s.period;
	}
	if (pattern === 'grow') out.grow = s.growKib * KIB;
	return out;
}

const groupArb = (i: number): fc.Arbitrary<ProcessGroupSpec> =>
	fc
		.record({
			regions: fc.array(fc.nat(), {minLength: 1, maxLength: 3}),
			regionSpecs: fc.tuple(regionArb('r0'), regionArb('r1'), regionArb('r2')),
			streams: fc.array(streamSeedArb, {minLength: 1, maxLength: 3}),
			rate: fc.integer({min: 500, max: 30_000}),
			start: fc.oneof(fc.constant(0), fc.double({min: 0, max: 2, noNaN: true})),
			lifetime: fc.option(fc.double({min: 0.2, max: 4, noNaN: true}), {nil: undefined}),
			burst: fc.option(
				fc.record({
					on: fc.double({min: 0.1, max: 1, noNaN: true}),
					off: fc.double({min: 0, max: 1, noNaN: true}),
				}),
				{nil: undefined},
			),
			adj: fc.oneof(fc.constant(0), fc.integer({min: -1000, max: 1000})),
			compressibility: fc.double({min: 0, max: 1, noNaN: true}),
		})
		.map((g) => {
			const regions = g.regionSpecs.slice(0, g.regions.length);
			const spec: ProcessGroupSpec = group(`p${i}`, {
				rate: g.rate,
				start: g.start,
				oom_score_adj: g.adj,
				compressibility: g.compressibility,
				regions,
				streams: g.streams.map((s) => toStream(s, regions, g.streams)),
			});
			if (g.lifetime !== undefined) spec.lifetime = g.lifetime;
			if (g.burst) spec.burst = g.burst;
			return spec;
		});

const SYSCTL_VALUES: Record<SysctlName, fc.Arbitrary<number>> = {
	swappiness: fc.integer({min: 0, max: 200}),
	min_free_kbytes: fc.integer({min: 128, max: 4096}),
	watermark_scale_factor: fc.integer({min: 1, max: 3000}),
	dirty_ratio: fc.integer({min: 0, max: 100}),
	dirty_background_ratio: fc.integer({min: 0, max: 100}),
	overcommit_memory: fc.integer({min: 0, max: 2}),
	overcommit_ratio: fc.integer({min: 0, max: 200}),
	admin_reserve_kbytes: fc.integer({min: 0, max: 65536}),
	user_reserve_kbytes: fc.integer({min: 0, max: 262144}),
	page_cluster: fc.integer({min: 0, max: 5}),
	min_ttl_ms: fc.integer({min: 0, max: 2000}),
	watermark_boost_factor: fc.constantFrom(0, 15000, 30000),
	extfrag_threshold: fc.integer({min: 0, max: 1000}),
	compaction_proactiveness: fc.integer({min: 0, max: 100}),
	// Order-9 pages for the hugetlb pool: direct compaction when memory is fragmented.
	nr_hugepages: fc.integer({min: 0, max: 16}),
	// A write of 1 compacts all of memory; THP modes switched under a running machine.
	compact_memory: fc.constant(1),
	transparent_hugepage_enabled: fc.integer({min: 0, max: 2}),
	transparent_hugepage_defrag: fc.integer({min: 0, max: 4}),
	khugepaged_pages_to_scan: fc.constantFrom(512, 4096),
	khugepaged_scan_sleep_millisecs: fc.constantFrom(100, 10000),
	khugepaged_alloc_sleep_millisecs: fc.constantFrom(100, 60000),
	khugepaged_max_ptes_none: fc.constantFrom(0, 64, 511),
	khugepaged_max_ptes_swap: fc.constantFrom(0, 64),
	khugepaged_max_ptes_shared: fc.constantFrom(0, 256),
};

/** Commands name pids by index into the live list at the time they run (−1: a pid that does not exist). */
type Cmd =
	| {kind: 'spawn-hog'; mib: number}
	| {kind: 'spawn-leak'}
	| {kind: 'spawn-reader'}
	| {kind: 'kill'; who: number}
	| {kind: 'set-sysctl'; name: SysctlName; value: number}
	| {kind: 'set-zswap'; enabled: boolean}
	| {kind: 'drop-caches'; mode: 1 | 2 | 3}
	| {kind: 'balloon'; mib: number}
	| {kind: 'set-oom-score-adj'; who: number; value: number}
	| {kind: 'set-cgroup'; cg: number; file: CgroupFile; mib: number | null}
	| {kind: 'set-userspace-oom'; killer: UserspaceOomKiller}
	/** fork(2): a snapshot child (reads everything once), or a worker that runs its parent's streams. */
	| {kind: 'fork'; who: number; worker: boolean}
	/** execve(2): its program again, or a small hog's image (a fork child's exec gives its pages back). */
	| {kind: 'exec'; who: number; image: boolean};

const who = fc.integer({min: -1, max: 8});
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
	fc.record({kind: fc.constant('spawn-hog' as const), mib: fc.integer({min: 1, max: 16})}),
	fc.record({kind: fc.constant('spawn-leak' as const)}),
	fc.record({kind: fc.constant('spawn-reader' as const)}),
	fc.record({kind: fc.constant('kill' as const), who}),
	fc
		.constantFrom(...(Object.keys(SYSCTL_VALUES) as SysctlName[]))
		.chain((name) => SYSCTL_VALUES[name].map((value) => ({kind: 'set-sysctl' as const, name, value}))),
	fc.record({kind: fc.constant('set-zswap' as const), enabled: fc.boolean()}),
	fc.record({kind: fc.constant('drop-caches' as const), mode: fc.constantFrom<1 | 2 | 3>(1, 2, 3)}),
	fc.record({
		kind: fc.constant('balloon' as const),
		mib: fc.integer({min: -32, max: 32}).filter((n) => n !== 0),
	}),
	fc.record({
		kind: fc.constant('set-oom-score-adj' as const),
		who,
		value: fc.integer({min: -1000, max: 1000}),
	}),
	fc.record({
		kind: fc.constant('set-cgroup' as const),
		cg: fc.nat(),
		file: fc.constantFrom<CgroupFile>(...CGROUP_FILES),
		mib: fc.option(fc.integer({min: 0, max: 48}), {nil: null}),
	}),
	fc.record({
		kind: fc.constant('set-userspace-oom' as const),
		killer: fc.constantFrom<UserspaceOomKiller>('none', 'systemd-oomd', 'earlyoom'),
	}),
	fc.record({kind: fc.constant('fork' as const), who, worker: fc.boolean()}),
	fc.record({kind: fc.constant('fork' as const), who, worker: fc.boolean()}),
	fc.record({kind: fc.constant('exec' as const), who, image: fc.boolean()}),
);

/**
 * Half the cases (even seeds) run in a cgroup tree: /a (memory.max from the seed, small enough to
 * bite), /a/b, /c (memory.low) and /c/d (memory.min, memory.high); group i runs in cgroup i mod 5
 * (the last: the root).
 */
const CGROUP_TREE = ['/a', '/a/b', '/c', '/c/d', '/'];
function cgroupsFor(seed: number): Workload['cgroups'] {
	if (seed % 2 !== 0) return undefined;
	return {
		// systemd-oomd watches /a's pressure (a low limit, so it may act in a short case) and /c's swap.
		'/a': {
			'memory.max': (4 + (seed % 24)) * MIB,
			'memory.oom.group': seed % 4 === 0,
			ManagedOOMMemoryPressure: 'kill',
			ManagedOOMMemoryPressureLimit: 1,
		},
		'/a/b': {'memory.swap.max': (seed % 3) * MIB},
		'/c': {'memory.low': 8 * MIB, 'memory.min': 4 * MIB, ManagedOOMSwap: 'kill'},
		'/c/d': {'memory.min': 2 * MIB, 'memory.high': 6 * MIB},
	};
}

const caseArb = fc.record({
	machine: machineArb,
	groups: fc
		.integer({min: 1, max: 5})
		.chain((n) => fc.tuple(...Array.from({length: n}, (_, i) => groupArb(i)))),
	commands: fc.array(fc.tuple(fc.integer({min: 0, max: TICKS - 1}), cmdArb), {maxLength: 12}),
	seed: fc.integer({min: 0, max: 2 ** 31 - 1}),
});
type Case = {machine: MachineSpec; groups: ProcessGroupSpec[]; commands: [number, Cmd][]; seed: number};

// ------------------------------------------------------------------------------ running

/** The leak and the cache flood from templates.ts, cut down to a small machine. */
function smallLeak(): ProcessSpec {
	const spec = leakSpec();
	return {
		...spec,
		regions: [
			{name: 'work', kind: 'anon', size: 2 * MIB},
			{name: 'leak', kind: 'anon', size: 64 * MIB},
		],
		streams: spec.streams.map((s) => (s.pattern === 'grow' ? {...s, grow: 4 * MIB} : s)),
	};
}

function smallReader(): ProcessSpec {
	const spec = cacheFloodSpec();
	return {...spec, rate: 20_000, regions: spec.regions.map((r) => ({...r, size: 32 * MIB}))};
}

function toCommand(m: Machine, c: Cmd): Command {
	const pidOf = (i: number) => {
		const live = m.liveProcs();
		return i < 0 || live.length === 0 ? 99_999 : live[i % live.length]!.pid;
	};
	switch (c.kind) {
		case 'spawn-hog':
			return {kind: 'spawn', spec: hogSpec(c.mib * MIB)};
		case 'spawn-leak':
			return {kind: 'spawn', spec: smallLeak()};
		case 'spawn-reader':
			return {kind: 'spawn', spec: smallReader()};
		case 'kill':
			return {kind: 'kill', pid: pidOf(c.who)};
		case 'set-sysctl':
			return {kind: 'set-sysctl', name: c.name, value: c.value};
		case 'set-zswap':
			return {kind: 'set-zswap', enabled: c.enabled};
		case 'drop-caches':
			return {kind: 'drop-caches', mode: c.mode};
		case 'balloon':
			return {kind: 'balloon', bytes: c.mib * MIB};
		case 'set-oom-score-adj':
			return {kind: 'set-oom-score-adj', pid: pidOf(c.who), value: c.value};
		case 'set-cgroup':
			return {
				kind: 'set-cgroup',
				path: CGROUP_TREE[c.cg % 4]!,
				file: c.file,
				value: c.mib === null ? null : c.mib * MIB,
			};
		case 'set-userspace-oom':
			return {kind: 'set-userspace-oom', killer: c.killer};
		case 'fork': {
			const pid = pidOf(c.who);
			const parent = m.tasks.procByPid(pid);
			// A worker child keeps its parent's streams (its writes copy shared pages) for half a second.
			return c.worker && parent
				? {kind: 'fork', pid, streams: parent.spec.streams, lifetime: 0.5}
				: {kind: 'fork', pid};
		}
		case 'exec': {
			const {oom_score_adj: _adj, uid: _uid, cgroup: _cgroup, ...image} = hogSpec(4 * MIB);
			return c.image ? {kind: 'exec', pid: pidOf(c.who), image} : {kind: 'exec', pid: pidOf(c.who)};
		}
	}
}

/** Counters checkInvariants does not cover: compressed-memory totals, Mapped, SwapCached, pool size. */
function accountingProblems(m: Machine): string[] {
	const out: string[] = [];
	const swap = m.swapfile.area;
	if (swap) {
		let zram = 0;
		let zramBytes = 0;
		let zswap = 0;
		let zswapBytes = 0;
		for (let i = 0; i < swap.total; i++) {
			if (swap.state[i] === SLOT_ZRAM) {
				zram++;
				zramBytes += swap.size[i]!;
			} else if (swap.state[i] === SLOT_ZSWAP) {
				zswap++;
				zswapBytes += swap.size[i]!;
			}
		}
		if (zram !== (m.zram?.stored ?? 0) || zramBytes !== (m.zram?.bytes ?? 0))
			out.push(
				`zram slots hold ${zram} pages/${zramBytes} B, counters say ${m.zram?.stored ?? 0}/${m.zram?.bytes ?? 0}`,
			);
		if (zswap !== m.zswap.stored || zswapBytes !== m.zswap.bytes)
			out.push(
				`zswap slots hold ${zswap} pages/${zswapBytes} B, counters say ${m.zswap.stored}/${m.zswap.bytes}`,
			);
	}
	let mapped = 0;
	let swapCached = 0;
	for (let f = 0; f < m.totalPages; f++) {
		const k = m.zone.frames.kind[f];
		if ((k === FRAME_FILE || k === FRAME_SHMEM) && m.zone.mapcount[f]! >= 0) mapped++;
		else if (k === FRAME_ANON && m.zone.frames.flags[f]! & PG_SWAPCACHE) swapCached++;
	}
	if (mapped !== m.rmap.nrMapped) out.push(`nrMapped ${m.rmap.nrMapped}, mapped page-cache frames ${mapped}`);
	if (swapCached !== m.swapfile.nrSwapCached)
		out.push(`nrSwapCached ${m.swapfile.nrSwapCached}, swap-cache frames ${swapCached}`);
	// The pool holds exactly the pages its bytes need: no more (a leak), no less (checkInvariants).
	const need = Math.ceil(m.zswap.bytes / PAGE_SIZE) + Math.ceil((m.zram?.bytes ?? 0) / PAGE_SIZE);
	if (m.zone.kindCount[FRAME_ZPOOL] !== need)
		out.push(`zpool frames ${m.zone.kindCount[FRAME_ZPOOL]}, bytes need ${need}`);
	return out;
}

/** Everything a snapshot shows that must never be negative (or NaN). */
function snapshotProblems(s: Snapshot): string[] {
	const out: string[] = [];
	const check = (what: string, v: number) => {
		if (!Number.isFinite(v) || v < 0) out.push(`${what} = ${v}`);
	};
	const f = s.frames;
	const sum = f.free + f.anon + f.file + f.shmem + f.kernel + f.zpool;
	if (sum !== s.totalPages) out.push(`frames sum to ${sum}, totalPages ${s.totalPages}`);
	for (const [k, v] of Object.entries(f)) check(`frames.${k}`, v);
	for (const [k, v] of Object.entries(s.meminfo)) check(`meminfo.${k}`, v);
	for (const [k, v] of Object.entries(s.vmstat)) check(`vmstat.${k}`, v);
	for (const line of ['some', 'full'] as const)
		for (const [k, v] of Object.entries(s.psi[line])) check(`psi.${line}.${k}`, v);
	for (const [k, v] of Object.entries(s.swap)) if (typeof v === 'number') check(`swap.${k}`, v);
	if (s.swap.usedPages > s.swap.totalPages) out.push(`swap used ${s.swap.usedPages} > ${s.swap.totalPages}`);
	for (const [k, v] of Object.entries(s.zswap)) if (typeof v === 'number') check(`zswap.${k}`, v);
	if (s.zram) for (const [k, v] of Object.entries(s.zram)) check(`zram.${k}`, v);
	check('balloonPages', s.balloonPages);
	for (const p of s.processes) {
		const fields = {
			rss: p.rss,
			anon: p.anon,
			file: p.file,
			shmem: p.shmem,
			swap: p.swap,
			zswap: p.zswap,
			minflt: p.minflt,
			majflt: p.majflt,
			pgtablesBytes: p.pgtablesBytes,
			oomScore: p.oomScore,
			wss: p.wss,
		};
		for (const [k, v] of Object.entries(fields)) check(`${p.name}[${p.pid}].${k}`, v);
		if (p.rss !== p.anon + p.file + p.shmem)
			out.push(`${p.name}[${p.pid}] rss ${p.rss} ≠ anon + file + shmem`);
		if (p.zswap > p.swap) out.push(`${p.name}[${p.pid}] zswap ${p.zswap} > swap ${p.swap}`);
		for (const r of p.regions)
			for (const k of ['resident', 'swapped', 'zswapped', 'untouched'] as const)
				check(`${p.name}[${p.pid}].${r.name}.${k}`, r[k]);
	}
	return out;
}

/**
 * Wall-clock cap per case, a guard against a pathological machine making the suite slow (a case
 * with no swap and nothing reclaimable once needed seconds per tick, before allocPage() learnt to
 * give up at once when reclaim cannot lift free memory above min). Every tick that runs is checked.
 */
const CASE_BUDGET_MS = 3000;
let truncated: string[] = [];
/** How many cases reclaimed, swapped out, and OOM-killed (the machine's or a memcg's killer). */
const covered = {reclaim: 0, swapout: 0, oomKill: 0, fork: 0, exec: 0};

/** Run one case; the first tick whose accounting is wrong, or null. */
function firstViolation(c: Case, policy?: string): string | null {
	const deadline = performance.now() + CASE_BUDGET_MS;
	const cgroups = cgroupsFor(c.seed);
	const groups = cgroups
		? c.groups.map((g, i) => ({...g, cgroup: CGROUP_TREE[i % CGROUP_TREE.length]!}))
		: c.groups;
	const w: Workload = {...workload(groups, c.machine), name: 'random', ...(cgroups ? {cgroups} : {})};
	const m = new Machine(w, {seed: c.seed, policy});
	const byTick = new Map<number, Cmd[]>();
	for (const [t, cmd] of c.commands) byTick.set(t, [...(byTick.get(t) ?? []), cmd]);
	let execed = false;
	for (let t = 0; t < TICKS; t++) {
		for (const cmd of byTick.get(t) ?? []) {
			const command = toCommand(m, cmd);
			if (command.kind === 'exec' && m.procByPid(command.pid)) execed = true;
			m.apply(command);
		}
		m.step();
		const errors = [...checkInvariants(m), ...accountingProblems(m)];
		// A region walk costs a page-table scan per process: every 25th tick is enough.
		const problems = snapshotProblems(takeSnapshot(m, {regions: t % 25 === 24}));
		if (errors.length || problems.length)
			return `after tick ${m.tick}: ${[...errors, ...problems].join('; ')}`;
		if (performance.now() > deadline) {
			truncated.push(`${m.policyName} ${c.machine.ram / MIB} MiB: ${m.tick} ticks`);
			break;
		}
	}
	if (m.vm.pgscan_kswapd + m.vm.pgscan_direct > 0) covered.reclaim++;
	if (m.vm.pswpout + m.vm.zswpout > 0) covered.swapout++;
	if (m.vm.oom_kill > 0) covered.oomKill++;
	if (m.rmap.anonMapcount) covered.fork++;
	if (execed) covered.exec++;
	return null;
}

describe('conservation on random small machines', () => {
	it('every tick: invariants hold, frames sum to totalPages, no counter is negative', () => {
		truncated = [];
		for (const k of Object.keys(covered) as (keyof typeof covered)[]) covered[k] = 0;
		fc.assert(
			fc.property(caseArb, (c) => {
				const violation = firstViolation(c as Case);
				if (violation) throw new Error(`${violation}\ncase: ${JSON.stringify(c)}`);
			}),
			{seed: 0x6d656d, numRuns: 40, endOnFailure: true},
		);
		if (truncated.length) console.warn(`cases cut short after ${CASE_BUDGET_MS} ms: ${truncated.join(', ')}`);
		console.info(`of 40 cases: ${JSON.stringify(covered)}`);
		// The cases cover what the accounting must survive: reclaim, swap-out and OOM kills (17, 7 and 9
		// of the 40 on an idle machine; a case cut short by its budget may miss its turn, hence the room).
		expect(covered.reclaim).toBeGreaterThanOrEqual(10);
		expect(covered.swapout).toBeGreaterThanOrEqual(4);
		expect(covered.oomKill).toBeGreaterThanOrEqual(4);
		expect(covered.fork).toBeGreaterThanOrEqual(4);
		// An exec of a running process (7 of the 40 on a loaded machine).
		expect(covered.exec).toBeGreaterThanOrEqual(3);
		// ~10 s on an idle 2-core machine; room for a loaded one.
	}, 120_000);

	// Regression test for a fixed bug (source/sim/machine.ts, objectIdFor): a second mapping of the same file or shmem object
	// that is bigger than the first gets the existing, smaller object ("extend it" in the comment,
	// but it returns obj.id unchanged). Faults past the object's end then store frame + 1 out of
	// bounds of obj.cache (an Int32Array drops the write), so the frame is a page-cache page that no
	// cache slot points at: checkInvariants reports "page cache holds N pages, file+shmem frames M"
	// from the first tick. The workload schema accepts such files. Remove `.fails` when fixed.
	it('two mappings of one object with different sizes keep the page cache consistent', () => {
		const c: Case = {
			machine: workload([]).machine,
			groups: [
				group('a', {
					regions: [{name: 'd', kind: 'file', size: MIB, object: 'db'}],
					streams: [{region: 'd', pattern: 'random', weight: 1}],
				}),
				group('b', {
					regions: [{name: 'd', kind: 'file', size: 2 * MIB, object: 'db'}],
					streams: [{region: 'd', pattern: 'random', weight: 1}],
				}),
			],
			commands: [],
			seed: 1,
		};
		expect(firstViolation(c)).toBeNull();
	});

	// Regression test for a fixed bug (source/sim/machine.ts, runProcess right after `this.runGrowth(p)`): when a grow stream hits
	// CommitLimit under overcommit_memory=2, runGrowth() calls exitProcess(p, 'enomem'), but
	// runProcess() goes on making this tick's references for the exited process (its loop checks
	// p.dying, not p.exited). Each one allocates an anon frame owned by the freed slot and stores it
	// in the dead page table: orphan anon frames ("anon frames 80, mapped anon pages 0" at the next
	// check), never freed; if the slot is reused, reclaim later unmaps them through the new owner's
	// page table. Fix: `if (p.exited) return;` after runGrowth(p). Remove `.fails` when fixed.
	it('a process killed by ENOMEM in its grow stream leaves no orphan pages', () => {
		const c: Case = {
			machine: {
				...workload([]).machine,
				ram: 64 * MIB,
				swap: {size: 0, device: 'ssd'},
				sysctl: {...workload([]).machine.sysctl, overcommit_memory: 2, overcommit_ratio: 10},
			},
			groups: [
				group('leaker', {
					rate: 10_000,
					regions: [
						{name: 'work', kind: 'anon', size: MIB},
						{name: 'leak', kind: 'anon', size: 64 * MIB},
					],
					streams: [
						{region: 'work', pattern: 'random', weight: 1},
						{region: 'leak', pattern: 'grow', weight: 1, grow: 8 * MIB},
					],
				}),
			],
			commands: [],
			seed: 1,
		};
		expect(firstViolation(c)).toBeNull();
	});

	// Regression test for a fixed bug (source/sim/machine.ts, runGrowth → faultAnon): a region with a grow stream and another
	// stream (the schema allows it) — the other stream first-touches pages beyond `grown`; when growth
	// reaches such a page, faultAnon() maps a fresh frame over the existing PTE without freeing the
	// old one ("rssAnon 339, page table says 338" by tick 4). Growth should skip pages already
	// present, or the schema should give grow streams a region of their own. Remove `.fails` when fixed.
	it('a grow stream sharing its region with another stream keeps rss and page table in step', () => {
		const c: Case = {
			machine: {...workload([]).machine, ram: 64 * MIB},
			groups: [
				group('a', {
					rate: 10_000,
					regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}],
					streams: [
						{region: 'heap', pattern: 'grow', weight: 1, grow: MIB},
						{region: 'heap', pattern: 'random', weight: 1},
					],
				}),
			],
			commands: [],
			seed: 1,
		};
		expect(firstViolation(c)).toBeNull();
	});
});
