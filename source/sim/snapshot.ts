// A read-only Snapshot of the machine: /proc/meminfo, /proc/vmstat, PSI and per-process figures,
// all computed from the machine's own accounting.
import {
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_TYPES,
	MIGRATE_UNMOVABLE,
	NR_PAGE_ORDERS,
} from './buddy.js';
import {fragmentationIndex, unusableFreeIndex} from './fragmentation.js';
import {FRAME_ANON, FRAME_FILE, FRAME_FREE, FRAME_KERNEL, FRAME_SHMEM, FRAME_ZPOOL} from './frames.js';
import {HPAGE_PMD_NR} from './huge-memory.js';
import {hugetlbMappedPages} from './hugetlb.js';
import type {Machine} from './machine.js';
import {cgroupSnapshots} from './memcg-snapshot.js';
import {oomBadness, oomInputs, oomScoreOf} from './oom.js';
import {OBJ_SHMEM} from './page-cache.js';
import {swapEntrySlot} from './page-table.js';
import {mapsLine, pageWalk, walkAddress} from './proc-maps.js';
import {MEMINFO_FIELDS, type Meminfo} from './proc-names.js';
import type {Proc} from './process.js';
import {avgToPercent, type PsiLineState} from './psi.js';
import {type ForkShares, type SmapsRollup, smapsRollup} from './smaps.js';
import type {ProcessSnapshot, PsiLine, RegionSnapshot, Snapshot} from './snapshot-types.js';
import {SLOT_ZSWAP} from './swap.js';
import {KIB, PAGE_SIZE, pagesToKb, ticksToSeconds} from './units.js';
import {REGION_ANON, REGION_FILE, REGION_HUGETLB, totalVm} from './vma.js';
import {siMemAvailable} from './watermarks.js';

export function psiLine(s: PsiLineState): PsiLine {
	return {
		avg10: avgToPercent(s.avgs[0]!),
		avg60: avgToPercent(s.avgs[1]!),
		avg300: avgToPercent(s.avgs[2]!),
		total: Math.floor(s.totalUs),
	};
}

/** /proc/meminfo from the frame counts and LRU sizes (kB). */
export function meminfo(m: Machine): Meminfo {
	const lru = m.lruvec.refresh();
	const zone = m.zone;
	const k = zone.kindCount;
	const free = k[FRAME_FREE]!;
	const fileLru = lru.activeFile + lru.inactiveFile;
	const available = siMemAvailable(free, fileLru, zone.reserveMarks);
	const swapTotal = m.swapfile.totalPages;
	let pgtables = 0;
	let unevictable = 0;
	// NR_PAGETABLE: the table pages of every level (memtop counts the PGD page too: page-table memory the mm holds).
	for (const p of m.tasks.procs) if (p && !p.exited) pgtables += p.pt.pages * PAGE_SIZE;
	unevictable = lru.unevictable;
	const v: Record<string, number> = {
		MemTotal: zone.totalramPages,
		MemFree: free,
		MemAvailable: available,
		Buffers: 0,
		Cached: k[FRAME_FILE]! + k[FRAME_SHMEM]!,
		SwapCached: m.swapfile.nrSwapCached,
		Active: lru.activeAnon + lru.activeFile,
		Inactive: lru.inactiveAnon + lru.inactiveFile,
		'Active(anon)': lru.activeAnon,
		'Inactive(anon)': lru.inactiveAnon,
		'Active(file)': lru.activeFile,
		'Inactive(file)': lru.inactiveFile,
		Unevictable: unevictable,
		Mlocked: unevictable,
		SwapTotal: swapTotal,
		SwapFree: swapTotal - (m.swapfile.area?.used ?? 0),
		Zswap: 0,
		Zswapped: m.zswap.stored,
		Dirty: m.writeback.nrDirty,
		Writeback: m.writeback.nrWriteback,
		AnonPages: k[FRAME_ANON]!,
		Mapped: m.rmap.nrMapped,
		Shmem: k[FRAME_SHMEM]!,
		SUnreclaim: zone.kernelStatic,
		PageTables: 0,
		CommitLimit: m.overcommit.commitLimit(),
		Committed_AS: m.overcommit.committedAs(),
		// NR_ANON_THPS × HPAGE_PMD_NR: THPs a huge PMD maps.
		AnonHugePages: m.hugeMemory.nrAnonThps * HPAGE_PMD_NR,
	};
	const out = {} as Meminfo;
	for (const f of MEMINFO_FIELDS) out[f] = pagesToKb(v[f] ?? 0);
	// hugetlb_report_meminfo(): counts and kB already.
	Object.assign(out, m.hugetlb.reportMeminfo());
	// Byte-exact fields.
	out.Zswap = Math.ceil(m.zswap.bytes / KIB);
	out.PageTables = Math.floor(pgtables / KIB);
	return out;
}

function regionSnapshots(m: Machine, p: Proc): RegionSnapshot[] {
	const swap = m.swapfile.area;
	const pt = p.pt;
	return p.regions.map((r) => {
		let resident = 0;
		let swapped = 0;
		let zswapped = 0;
		const size = r.pages;
		const end = Math.min(r.startVpn + r.pages, pt.covered);
		if (r.kind === REGION_HUGETLB) {
			// Its 2 MiB pool pages, not in the PTEs (nor in RSS: /proc/PID/status HugetlbPages).
			resident = hugetlbMappedPages(r);
		} else if (r.kind === REGION_ANON) {
			for (let v = pt.skip(r.startVpn, end); v < end; v = pt.next(v, end)) {
				const e = pt.get(v);
				if (e > 0) resident++;
				else if (e < 0) {
					swapped++;
					if (swap && swap.state[swapEntrySlot(e)] === SLOT_ZSWAP) zswapped++;
				}
			}
		} else {
			const obj = m.files.files[r.objectId]!;
			for (let o = 0; o < Math.min(r.pages, obj.pages); o++) {
				const c = obj.cache[o]!;
				if (c > 0) resident++;
				else if (c < 0 && obj.kind === OBJ_SHMEM) {
					swapped++;
					if (swap && swap.state[swapEntrySlot(c)] === SLOT_ZSWAP) zswapped++;
				}
			}
		}
		// An anon entry, once set, stays a page or a swap entry until exit.
		const touched = resident + swapped;
		const object = r.objectId >= 0 ? m.files.files[r.objectId]?.name : undefined;
		return {
			name: r.name,
			kind:
				r.kind === REGION_ANON || r.kind === REGION_HUGETLB
					? 'anon'
					: r.kind === REGION_FILE
						? 'file'
						: 'shmem',
			size,
			resident,
			swapped,
			zswapped,
			untouched: Math.max(0, size - touched),
			maps: mapsLine(r, object),
			walk: pageWalk(pt, r, walkAddress(pt, r)).text,
		};
	});
}

/** What fork shares on this machine, for smaps (null parts before any fork). */
export function forkShares(m: Machine): ForkShares {
	return {anonMapcount: m.rmap.anonMapcount, swapExtra: m.swapfile.area?.extra ?? null};
}

export function processSnapshot(
	m: Machine,
	p: Proc,
	withRegions: boolean,
	smaps?: ReadonlyMap<number, SmapsRollup> | null,
): ProcessSnapshot {
	const totalPages = m.oom.totalPages;
	const oom = oomBadness(oomInputs(p), totalPages);
	return {
		pid: p.pid,
		...(p.ppid > 0 ? {ppid: p.ppid} : {}),
		...(p.cowFaults > 0 ? {cowFaults: p.cowFaults} : {}),
		...(p.pt.pmdMapped > 0
			? {thp: {huge: p.pt.pmdMapped, bloat: withRegions ? m.hugeMemory.bloatPages(p) : -1}}
			: {}),
		name: p.name,
		state: p.state,
		rss: p.rss,
		anon: p.rssAnon,
		file: p.rssFile,
		shmem: p.rssShmem,
		swap: p.swapEnts,
		zswap: p.zswapEnts,
		wss: p.wss,
		vsize: totalVm(p.regions),
		pgtablesBytes: p.pgtablesBytes,
		pageTables: p.pt.levels(),
		minflt: p.minflt,
		majflt: p.majflt,
		minfltRate: p.minfltRate,
		majfltRate: p.majfltRate,
		oomScore: oomScoreOf(oom, totalPages),
		oomScoreAdj: p.oomScoreAdj,
		oom,
		stall: p.stall,
		progress: p.progress,
		refs: p.refs,
		tlb: tlbSnapshot(m, p),
		startTime: ticksToSeconds(p.startTick),
		smaps: smaps?.get(p.pid) ?? smapsRollup(m.zone, m.files, p, undefined, forkShares(m)).rollup(),
		regions: withRegions ? regionSnapshots(m, p) : [],
	};
}

/** The process's TLB: counters, and the model's rates for its streams now. */
function tlbSnapshot(m: Machine, p: Proc): ProcessSnapshot['tlb'] {
	const r = m.tlb.ratesOf(p);
	const c = m.tlb.countersOf(p.pid);
	let hugePages = 0;
	for (let i = 0; i < p.regions.length; i++) hugePages += m.tlb.hugePagesOf(p, i);
	return {
		loads: Math.round(c.loads),
		misses: Math.round(c.misses),
		missRatio: r.walk,
		l1MissRatio: r.l1Miss,
		pdeMissRatio: r.pdeMiss,
		costPerRefUs: m.tlb.refCostUs(p),
		loadsPerRef: r.loadsPerRef,
		stlbReachBytes: r.stlbReachBytes,
		hugePages,
	};
}

export interface SnapshotOptions {
	/** Include per-region breakdowns (costs a walk of every page table). Default true. */
	regions?: boolean;
	/** With regions false: still break down this one process (the one a detail view shows). */
	regionsOf?: number | null;
	/** Drain and include the machine's pending events. Default true. */
	events?: boolean;
	/**
	 * smaps_rollup by pid, taken earlier, to use instead of walking those page tables again (a walk of
	 * every table; the dashboard walks once a simulated second). Absent pids are walked.
	 */
	smapsOf?: ReadonlyMap<number, SmapsRollup> | null;
}

/**
 * /proc/zoneinfo of the one zone (mm/vmstat.c zoneinfo_show_print), in pages, and nr_free per order:
 * zone->free_area[order].nr_free, as mm/vmstat.c frag_show_print reads it for /proc/buddyinfo.
 */
function zoneinfo(m: Machine): Snapshot['zoneinfo'] {
	const zone = m.zone;
	const buddy = zone.buddy;
	return {
		free: zone.freePages,
		boost: zone.watermarkBoost,
		min: zone.wm.min,
		low: zone.wm.low,
		high: zone.wm.high,
		spanned: zone.totalPages,
		present: zone.totalPages,
		managed: zone.totalramPages,
		nr_free: Array.from({length: NR_PAGE_ORDERS}, (_, o) => buddy.freeBlocks(o)),
	};
}

/** /proc/buddyinfo, /proc/pagetypeinfo and the extfrag indices (mm/vmstat.c frag_show, pagetypeinfo_show). */
function buddySnapshot(m: Machine): Snapshot['buddy'] {
	const b = m.zone.buddy;
	const orders = Array.from({length: NR_PAGE_ORDERS}, (_, o) => o);
	const free = orders.map((o) => b.freeBlocks(o));
	const byType = (mt: number) => orders.map((o) => b.nrFree[o * MIGRATE_TYPES + mt]!);
	const blocks = new Array<number>(MIGRATE_TYPES).fill(0);
	for (const mt of b.blockMt) blocks[mt]!++;
	return {
		free,
		freeByType: {
			Unmovable: byType(MIGRATE_UNMOVABLE),
			Movable: byType(MIGRATE_MOVABLE),
			Reclaimable: byType(MIGRATE_RECLAIMABLE),
		},
		blocks: {
			Unmovable: blocks[MIGRATE_UNMOVABLE]!,
			Movable: blocks[MIGRATE_MOVABLE]!,
			Reclaimable: blocks[MIGRATE_RECLAIMABLE]!,
		},
		unusable: orders.map((o) => unusableFreeIndex(free, o)),
		extfrag: orders.map((o) => fragmentationIndex(free, o)),
		fallbacks: b.fallbacks,
		claims: b.claims,
	};
}

export function takeSnapshot(m: Machine, options: SnapshotOptions = {}): Snapshot {
	const zone = m.zone;
	const k = zone.kindCount;
	const vmstat = {...m.vm, nr_anon_transparent_hugepages: m.hugeMemory.nrAnonThps};
	const lru = m.lruvec.refresh();
	const swapCached = m.swapfile.nrSwapCached;
	vmstat.nr_free_pages = k[FRAME_FREE]!;
	vmstat.nr_inactive_anon = lru.inactiveAnon;
	vmstat.nr_active_anon = lru.activeAnon;
	vmstat.nr_inactive_file = lru.inactiveFile;
	vmstat.nr_active_file = lru.activeFile;
	vmstat.nr_unevictable = lru.unevictable;
	vmstat.nr_dirty = m.writeback.nrDirty;
	vmstat.nr_writeback = m.writeback.nrWriteback;
	vmstat.nr_shmem = k[FRAME_SHMEM]!;
	vmstat.nr_anon_pages = k[FRAME_ANON]!;
	vmstat.nr_mapped = m.rmap.nrMapped;
	vmstat.nr_file_pages = k[FRAME_FILE]! + k[FRAME_SHMEM]! + swapCached;
	vmstat.nr_swapcached = swapCached;
	vmstat.nr_zspages = k[FRAME_ZPOOL]!;
	const area = m.swapfile.area;
	return {
		tick: m.tick,
		time: ticksToSeconds(m.tick),
		workload: m.workload.name,
		seed: m.seed,
		policy: m.policyName,
		cpus: m.spec.cpus,
		totalPages: zone.totalPages,
		oomTotalPages: m.oom.totalPages,
		frames: {
			free: k[FRAME_FREE]!,
			anon: k[FRAME_ANON]!,
			file: k[FRAME_FILE]!,
			shmem: k[FRAME_SHMEM]!,
			kernel: k[FRAME_KERNEL]!,
			zpool: k[FRAME_ZPOOL]!,
		},
		watermarks: {...zone.wm, boost: zone.watermarkBoost},
		meminfo: meminfo(m),
		zoneinfo: zoneinfo(m),
		vmstat,
		psi: {some: psiLine(m.psi.some), full: psiLine(m.psi.full)},
		sysctl: {...m.sysctl},
		swap: {
			device: m.spec.swap.device,
			totalPages: area?.total ?? 0,
			usedPages: area?.used ?? 0,
			cachedPages: swapCached,
		},
		zswap: {
			enabled: m.zswap.enabled,
			compressor: m.spec.zswap.compressor,
			poolBytes: m.zswap.bytes,
			poolPages: m.zswap.poolPages(),
			storedPages: m.zswap.stored,
			limitPages: m.zswap.limitPages(),
			full: m.zswap.full,
		},
		zram: m.swapfile.isZram
			? {
					storedPages: m.zram?.stored ?? 0,
					comprBytes: m.zram?.bytes ?? 0,
					memLimitBytes: m.spec.swap.mem_limit ?? 0,
				}
			: null,
		kswapd: {state: m.kswapd.state, failures: m.kswapd.failures},
		balloonPages: zone.balloonPages,
		buddy: buddySnapshot(m),
		oomKills: m.vm.oom_kill,
		processes: m.tasks
			.liveProcs()
			.map((p) =>
				processSnapshot(m, p, (options.regions ?? true) || p.pid === options.regionsOf, options.smapsOf),
			),
		events: (options.events ?? true) ? m.events.drain() : [],
		...(m.memcg.enabled ? {cgroups: cgroupSnapshots(m, psiLine)} : {}),
		...m.userspaceOom.snapshotPart(),
	};
}
