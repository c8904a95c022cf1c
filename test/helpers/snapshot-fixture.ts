// Realistic snapshots for view tests: a 4 GiB machine with 8 processes in every state, swap on
// NVMe, zswap holding part of it, kswapd reclaiming, and an OOM kill with its candidates.
// Counters grow linearly with time, so two snapshots a second apart give known rates.
import type {OomCandidate, SimEvent} from '../../source/sim/events.js';
import {oomBadness} from '../../source/sim/oom.js';
import {MEMINFO_FIELDS, type Meminfo, VMSTAT_FIELDS, type Vmstat} from '../../source/sim/proc-names.js';
import type {ProcessSnapshot, RegionSnapshot, Snapshot} from '../../source/sim/snapshot-types.js';
import {GIB, MIB, PAGE_SIZE, TICKS_PER_SECOND} from '../../source/sim/units.js';

export const MIB_PAGES = MIB / PAGE_SIZE;
export const GIB_PAGES = GIB / PAGE_SIZE;
export const TOTAL_PAGES = 4 * GIB_PAGES;
export const SWAP_PAGES = 2 * GIB_PAGES;

/** Per-second rates the vmstat counters grow at (so a 1 s RateWindow reads exactly these). */
export const FIXTURE_RATES = {
	pgfault: 13_000,
	pgmajfault: 120,
	pswpin: 80,
	pswpout: 450,
	workingset_refault_anon: 20,
	workingset_refault_file: 14,
	pgscan_kswapd: 9000,
	pgscan_direct: 1000,
	pgsteal_kswapd: 7200,
	pgsteal_direct: 800,
	allocstall_normal: 3,
	pgactivate: 1500,
	pgdeactivate: 900,
	workingset_activate_anon: 4,
	workingset_activate_file: 6,
} as const;

export function region(
	name: string,
	kind: RegionSnapshot['kind'],
	parts: Partial<RegionSnapshot>,
): RegionSnapshot {
	const resident = parts.resident ?? 0;
	const swapped = parts.swapped ?? 0;
	const untouched = parts.untouched ?? 0;
	return {
		name,
		kind,
		size: parts.size ?? resident + swapped + untouched,
		resident,
		swapped,
		zswapped: parts.zswapped ?? 0,
		untouched,
	};
}

export function makeProcess(p: Partial<ProcessSnapshot> & {pid: number; name: string}): ProcessSnapshot {
	const anon = p.anon ?? 0;
	const file = p.file ?? 0;
	const shmem = p.shmem ?? 0;
	const rss = p.rss ?? anon + file + shmem;
	const swap = p.swap ?? 0;
	const made: ProcessSnapshot = {
		state: 'running',
		oom: null,
		rss,
		anon,
		file,
		shmem,
		swap,
		zswap: 0,
		wss: Math.round(rss * 0.6),
		vsize: rss + swap + 1024,
		pgtablesBytes: Math.max(4096, Math.round((rss + swap) / 512) * 4096),
		pageTables: {pgd: 1, pud: 1, pmd: 1, pte: Math.max(1, Math.round((rss + swap) / 512))},
		minflt: 1000,
		majflt: 0,
		minfltRate: 0,
		majfltRate: 0,
		oomScore: Math.trunc(((1000 + Math.trunc(((rss + swap) * 1000) / (TOTAL_PAGES + SWAP_PAGES))) * 2) / 3),
		oomScoreAdj: 0,
		stall: 0,
		progress: 1,
		refs: 0,
		tlb: {
			loads: 0,
			misses: 0,
			missRatio: 0,
			l1MissRatio: 0,
			pdeMissRatio: 0,
			costPerRefUs: 0,
			loadsPerRef: 1,
			stlbReachBytes: 1536 * 4096,
			hugePages: 0,
		},
		startTime: 0,
		// Nothing shared: Pss = Rss, everything private (anon dirty, file and shmem clean), kB.
		smaps: {
			Rss: rss * 4,
			Pss: rss * 4,
			Pss_Anon: anon * 4,
			Pss_File: file * 4,
			Pss_Shmem: shmem * 4,
			Shared_Clean: 0,
			Shared_Dirty: 0,
			Private_Clean: (file + shmem) * 4,
			Private_Dirty: anon * 4,
			Referenced: rss * 4,
			Anonymous: anon * 4,
			Swap: swap * 4,
			SwapPss: swap * 4,
		},
		regions: [region('heap', 'anon', {resident: anon, swapped: swap, zswapped: p.zswap ?? 0})],
		...p,
	};
	// The core's oom_badness() of what the process ended up as, unless the test gave one.
	if (p.oom === undefined) {
		const inputs = {...made, swapents: made.swap};
		made.oom = oomBadness(inputs, TOTAL_PAGES + SWAP_PAGES);
	}
	return made;
}

/** Eight processes, one in each state and a few kinds of memory. */
export function fixtureProcesses(): ProcessSnapshot[] {
	return [
		makeProcess({
			pid: 1,
			name: 'systemd',
			state: 'sleeping',
			anon: 2 * MIB_PAGES,
			file: 6 * MIB_PAGES,
			minfltRate: 2,
		}),
		makeProcess({
			pid: 412,
			name: 'postgres',
			state: 'running',
			anon: 300 * MIB_PAGES,
			file: 40 * MIB_PAGES,
			shmem: 128 * MIB_PAGES,
			minfltRate: 850,
			majfltRate: 3,
			oomScoreAdj: -1000,
			oomScore: 0,
			startTime: 1,
			regions: [
				region('heap', 'anon', {resident: 300 * MIB_PAGES, untouched: 212 * MIB_PAGES}),
				region('shared_buffers', 'shmem', {resident: 128 * MIB_PAGES}),
				region('base', 'file', {resident: 40 * MIB_PAGES, untouched: 984 * MIB_PAGES}),
			],
		}),
		makeProcess({
			pid: 530,
			name: 'nginx',
			state: 'sleeping',
			anon: 24 * MIB_PAGES,
			file: 12 * MIB_PAGES,
			minfltRate: 40,
		}),
		makeProcess({
			pid: 777,
			name: 'java',
			state: 'swapin',
			anon: 1200 * MIB_PAGES,
			swap: 300 * MIB_PAGES,
			zswap: 100 * MIB_PAGES,
			wss: 900 * MIB_PAGES,
			minfltRate: 5200,
			majfltRate: 60,
			stall: 0.32,
			progress: 0.64,
			startTime: 2,
			regions: [
				region('heap', 'anon', {
					resident: 1200 * MIB_PAGES,
					swapped: 300 * MIB_PAGES,
					zswapped: 100 * MIB_PAGES,
					untouched: 548 * MIB_PAGES,
				}),
				region('metaspace', 'anon', {resident: 0, untouched: 64 * MIB_PAGES}),
			],
		}),
		makeProcess({
			pid: 901,
			name: 'hog',
			state: 'reclaim',
			anon: 1024 * MIB_PAGES,
			wss: 1024 * MIB_PAGES,
			minfltRate: 6000,
			majfltRate: 0,
			stall: 0.55,
			progress: 0.41,
			oomScoreAdj: 500,
			startTime: 30,
		}),
		makeProcess({
			pid: 902,
			name: 'reader',
			state: 'throttled',
			file: 200 * MIB_PAGES,
			anon: 1 * MIB_PAGES,
			minfltRate: 90,
			majfltRate: 55,
			stall: 0.12,
			progress: 0.93,
			startTime: 40,
		}),
		makeProcess({
			pid: 903,
			name: 'leaker',
			state: 'running',
			anon: 420 * MIB_PAGES,
			minfltRate: 4096,
			startTime: 45,
		}),
		makeProcess({
			pid: 1024,
			name: 'backup',
			state: 'dying',
			anon: 64 * MIB_PAGES,
			file: 8 * MIB_PAGES,
			startTime: 50,
		}),
	];
}

export function oomCandidates(): OomCandidate[] {
	const total = TOTAL_PAGES + SWAP_PAGES;
	const c = (
		pid: number,
		name: string,
		rss: number,
		swapents: number,
		pgtables: number,
		adj: number,
	): OomCandidate => {
		const adjPages = adj * Math.floor(total / 1000);
		return {
			pid,
			name,
			rss,
			swapents,
			pgtables,
			oomScoreAdj: adj,
			adjPages,
			badness: rss + swapents + pgtables + adjPages,
		};
	};
	return [
		c(901, 'hog', 262_144, 0, 520, 500),
		c(777, 'java', 307_200, 76_800, 760, 0),
		c(903, 'leaker', 107_520, 0, 210, 0),
		c(530, 'nginx', 9216, 0, 30, 0),
	];
}

export function oomKillEvent(tick = 4567): Extract<SimEvent, {kind: 'oom-kill'}> {
	return {
		kind: 'oom-kill',
		tick,
		pid: 901,
		name: 'hog',
		lines: [
			'java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0',
			'oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=hog,pid=901,uid=0',
			'Out of memory: Killed process 901 (hog) total-vm:1049600kB, anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:2080kB oom_score_adj:500',
		],
		candidates: oomCandidates(),
	};
}

export interface FixtureOptions {
	time?: number;
	processes?: ProcessSnapshot[];
	events?: SimEvent[];
	oomKills?: number;
	free?: number;
	kswapd?: Snapshot['kswapd'];
	zswap?: Partial<Snapshot['zswap']>;
	zram?: Snapshot['zram'];
	swap?: Partial<Snapshot['swap']>;
	psi?: Snapshot['psi'];
	swappiness?: number;
	balloonPages?: number;
	/** Multiply every counter rate (e.g. 0 for an idle machine). */
	rateScale?: number;
}

const KERNEL_PAGES = 96 * MIB_PAGES;
const ZPOOL_PAGES = 34 * MIB_PAGES;

/** A consistent snapshot: frames add up to RAM, meminfo agrees with the frames, counters grow with time. */
export function buildSnapshot(options: FixtureOptions = {}): Snapshot {
	const time = options.time ?? 133;
	const processes = options.processes ?? fixtureProcesses();
	const live = processes.filter((p) => p.state !== 'exited');
	const anon = live.reduce((n, p) => n + p.anon, 0);
	const shmem = live.reduce((n, p) => n + p.shmem, 0);
	const zpool = options.zswap?.poolPages ?? ZPOOL_PAGES;
	const kernel = KERNEL_PAGES;
	const balloon = options.balloonPages ?? 0;
	const used = anon + shmem + zpool + kernel + balloon;
	const free = Math.min(options.free ?? 72 * MIB_PAGES, Math.max(0, TOTAL_PAGES - used));
	const file = Math.max(0, TOTAL_PAGES - used - free);
	const frames = {free, anon, file, shmem, kernel: kernel + balloon, zpool};

	const swap = {
		device: 'nvme' as const,
		totalPages: SWAP_PAGES,
		usedPages: 412 * MIB_PAGES,
		cachedPages: 38 * MIB_PAGES,
		...options.swap,
	};
	const zswap = {
		enabled: true,
		compressor: 'lz4' as const,
		poolBytes: zpool * PAGE_SIZE,
		poolPages: zpool,
		storedPages: 100 * MIB_PAGES,
		limitPages: Math.floor(TOTAL_PAGES * 0.2),
		full: false,
		...options.zswap,
	};

	const meminfo = Object.fromEntries(MEMINFO_FIELDS.map((f) => [f, 0])) as Meminfo;
	const kb = (pages: number) => pages * (PAGE_SIZE / 1024);
	Object.assign(meminfo, {
		MemTotal: kb(TOTAL_PAGES),
		MemFree: kb(free),
		MemAvailable: kb(free + Math.floor(file * 0.8)),
		Cached: kb(file + shmem),
		SwapCached: kb(swap.cachedPages),
		SwapTotal: kb(swap.totalPages),
		SwapFree: kb(swap.totalPages - swap.usedPages),
		Zswap: kb(zswap.poolPages),
		Zswapped: kb(zswap.storedPages),
		Dirty: kb(24 * MIB_PAGES),
		AnonPages: kb(anon),
		Shmem: kb(shmem),
		// The LRU lists hold every anon, shmem and file page: a third of the anon side inactive.
		'Active(anon)': kb(Math.round(((anon + shmem) * 2) / 3)),
		'Inactive(anon)': kb(anon + shmem - Math.round(((anon + shmem) * 2) / 3)),
		'Active(file)': kb(Math.round(file * 0.4)),
		'Inactive(file)': kb(file - Math.round(file * 0.4)),
	});

	const scale = options.rateScale ?? 1;
	const vmstat = Object.fromEntries(VMSTAT_FIELDS.map((f) => [f, 0])) as Vmstat;
	for (const [field, rate] of Object.entries(FIXTURE_RATES)) {
		vmstat[field as keyof typeof FIXTURE_RATES] = Math.round(rate * scale * time);
	}
	vmstat.nr_free_pages = free;
	vmstat.oom_kill = options.oomKills ?? 1;

	return {
		tick: Math.round(time * TICKS_PER_SECOND),
		time,
		workload: 'web-server',
		seed: 42,
		policy: 'lru',
		cpus: 4,
		totalPages: TOTAL_PAGES,
		oomTotalPages: TOTAL_PAGES + SWAP_PAGES,
		frames,
		watermarks: {min: 16 * MIB_PAGES, low: 20 * MIB_PAGES, high: 24 * MIB_PAGES, boost: 0},
		meminfo,
		zoneinfo: {
			free,
			boost: 0,
			min: 16 * MIB_PAGES,
			low: 20 * MIB_PAGES,
			high: 24 * MIB_PAGES,
			spanned: TOTAL_PAGES,
			present: TOTAL_PAGES,
			managed: TOTAL_PAGES,
			nr_free: [free, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
		},
		vmstat,
		psi: options.psi ?? {
			some: {avg10: 12.34, avg60: 8.21, avg300: 2.1, total: 1_234_567},
			full: {avg10: 3.2, avg60: 1, avg300: 0.21, total: 345_678},
		},
		sysctl: {
			swappiness: options.swappiness ?? 60,
			watermark_scale_factor: 10,
			dirty_ratio: 20,
			dirty_background_ratio: 10,
			overcommit_memory: 0,
			overcommit_ratio: 50,
			page_cluster: 3,
			min_ttl_ms: 0,
			watermark_boost_factor: 15000,
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
		},
		swap,
		zswap,
		zram: options.zram ?? null,
		kswapd: options.kswapd ?? {state: 'reclaiming', failures: 0},
		balloonPages: balloon,
		buddy: {
			free: fragmentedFree(free),
			freeByType: {
				Unmovable: new Array(11).fill(0),
				Movable: fragmentedFree(free),
				Reclaimable: new Array(11).fill(0),
			},
			blocks: {Unmovable: 0, Movable: 0, Reclaimable: 0},
			unusable: new Array(11).fill(1000),
			extfrag: new Array(11).fill(0),
			fallbacks: 0,
			claims: 0,
		},
		oomKills: options.oomKills ?? 1,
		processes,
		events: options.events ?? [],
	};
}

/** `n` processes with varied sizes and states, for the render benchmark and scrolling tests. */
export function manyProcesses(n: number, salt = 0): ProcessSnapshot[] {
	const states = ['running', 'sleeping', 'reclaim', 'swapin', 'throttled', 'sleeping'] as const;
	const names = ['worker', 'httpd', 'redis', 'cron', 'python', 'node', 'java', 'postgres'];
	const out: ProcessSnapshot[] = [];
	for (let i = 0; i < n; i++) {
		// A cheap deterministic hash so sizes look random but repeat between runs.
		const h = (Math.imul(i + 1, 2_654_435_761) >>> 0) % 1000;
		const wobble = (Math.imul(i + salt + 7, 40_503) >>> 0) % 97;
		out.push(
			makeProcess({
				pid: 100 + i,
				name: `${names[i % names.length]}-${i}`,
				state: states[(i + salt) % states.length]!,
				anon: (h + wobble) * 16,
				file: (h % 300) * 8,
				swap: i % 5 === 0 ? h * 4 : 0,
				minfltRate: h * 3 + wobble,
				majfltRate: i % 7 === 0 ? wobble : 0,
				stall: (wobble % 50) / 100,
				progress: 1 - (wobble % 30) / 100,
			}),
		);
	}
	return out;
}

/**
 * Free blocks per order for `pages` free pages on a fragmented machine: each order below 10 takes
 * half of what is left (so half the free memory is single pages), the rest goes to order 10 and,
 * what does not fill a block of it, to order 0. 72 MiB (18432 pages) gives 9376 order-0, 2304
 * order-1, 576, 144, 36, 9 and 2 order-6 blocks: no 2 MiB block, as under pressure.
 */
export function fragmentedFree(pages: number): number[] {
	const f = new Array<number>(11).fill(0);
	let rest = pages;
	for (let o = 0; o < 10; o++) {
		f[o] = Math.floor(Math.floor(rest / 2) / 2 ** o);
		rest -= f[o]! * 2 ** o;
	}
	f[10] = Math.floor(rest / 1024);
	f[0]! += rest - f[10]! * 1024;
	return f;
}
