// A read-only Snapshot of the machine: /proc/meminfo, /proc/vmstat, PSI and per-process figures,
// all computed from the machine's own accounting.
import {FRAME_ANON, FRAME_FILE, FRAME_FREE, FRAME_KERNEL, FRAME_SHMEM, FRAME_ZPOOL} from './frames.js';
import type {Machine} from './machine.js';
import {oomScore} from './oom.js';
import {MEMINFO_FIELDS, type Meminfo} from './proc-names.js';
import type {Proc} from './process.js';
import {REGION_ANON} from './process.js';
import {avgToPercent, type PsiLineState} from './psi.js';
import type {ProcessSnapshot, PsiLine, RegionSnapshot, Snapshot} from './snapshot-types.js';
import {SLOT_ZSWAP} from './swap.js';
import {PAGE_SIZE, pagesToKb, ticksToSeconds} from './units.js';

function psiLine(s: PsiLineState): PsiLine {
	return {
		avg10: avgToPercent(s.avgs[0]!),
		avg60: avgToPercent(s.avgs[1]!),
		avg300: avgToPercent(s.avgs[2]!),
		total: Math.floor(s.totalUs),
	};
}

/** /proc/meminfo from the frame counts and LRU sizes (kB). */
export function meminfo(m: Machine): Meminfo {
	m.policy.counts(m.lru);
	const k = m.kindCount;
	const lru = m.lru;
	const free = k[FRAME_FREE]!;
	const fileLru = lru.activeFile + lru.inactiveFile;
	// si_mem_available(): free − reserve + the reclaimable half of the page cache.
	const available = Math.max(0, free - m.wm.high + (fileLru - Math.min(Math.floor(fileLru / 2), m.wm.low)));
	const swapTotal = m.swap?.total ?? 0;
	let pgtables = 0;
	let unevictable = 0;
	for (const p of m.procs) if (p && !p.exited) pgtables += p.pgtablesBytes;
	unevictable = lru.unevictable;
	const v: Record<string, number> = {
		MemTotal: m.totalPages - m.balloonPages,
		MemFree: free,
		MemAvailable: available,
		Buffers: 0,
		Cached: k[FRAME_FILE]! + k[FRAME_SHMEM]!,
		SwapCached: m.nrSwapCached,
		Active: lru.activeAnon + lru.activeFile,
		Inactive: lru.inactiveAnon + lru.inactiveFile,
		'Active(anon)': lru.activeAnon,
		'Inactive(anon)': lru.inactiveAnon,
		'Active(file)': lru.activeFile,
		'Inactive(file)': lru.inactiveFile,
		Unevictable: unevictable,
		Mlocked: unevictable,
		SwapTotal: swapTotal,
		SwapFree: swapTotal - (m.swap?.used ?? 0),
		Zswap: 0,
		Zswapped: m.zswapStored,
		Dirty: m.nrDirty,
		Writeback: m.nrWriteback,
		AnonPages: k[FRAME_ANON]!,
		Mapped: m.nrMapped,
		Shmem: k[FRAME_SHMEM]!,
		SUnreclaim: m.internals().kernelStatic,
		PageTables: 0,
		CommitLimit: m.commitLimit(),
		Committed_AS: m.committedAs(),
	};
	const out = {} as Meminfo;
	for (const f of MEMINFO_FIELDS) out[f] = pagesToKb(v[f]!);
	// Byte-exact fields.
	out.Zswap = Math.ceil(m.zswapBytes / 1024);
	out.PageTables = Math.floor(pgtables / 1024);
	return out;
}

function regionSnapshots(m: Machine, p: Proc): RegionSnapshot[] {
	const swap = m.swap;
	return p.regions.map((r) => {
		let resident = 0;
		let swapped = 0;
		let zswapped = 0;
		const size = r.pages;
		const end = Math.min(r.startVpn + r.pages, p.pt.length);
		if (r.kind === REGION_ANON) {
			for (let v = r.startVpn; v < end; v++) {
				const e = p.pt[v]!;
				if (e > 0) resident++;
				else if (e < 0) {
					swapped++;
					if (swap && swap.state[-e - 1] === SLOT_ZSWAP) zswapped++;
				}
			}
		} else {
			const obj = m.files[r.objectId]!;
			for (let o = 0; o < Math.min(r.pages, obj.pages); o++) {
				const c = obj.cache[o]!;
				if (c > 0) resident++;
				else if (c < 0 && obj.kind === 1) {
					swapped++;
					if (swap && swap.state[-c - 1] === SLOT_ZSWAP) zswapped++;
				}
			}
		}
		const touched = r.kind === REGION_ANON ? countTouched(p, r.startVpn, end) : resident + swapped;
		return {
			name: r.name,
			kind: r.kind === 0 ? 'anon' : r.kind === 1 ? 'file' : 'shmem',
			size,
			resident,
			swapped,
			zswapped,
			untouched: Math.max(0, size - touched),
		};
	});
}

function countTouched(p: Proc, start: number, end: number): number {
	let n = 0;
	for (let v = start; v < end; v++) if (p.pt[v] !== 0) n++;
	return n;
}

export function processSnapshot(m: Machine, p: Proc, withRegions: boolean): ProcessSnapshot {
	const totalPages = m.totalPages + (m.swap?.total ?? 0);
	return {
		pid: p.pid,
		name: p.name,
		state: p.state,
		rss: p.rss,
		anon: p.rssAnon,
		file: p.rssFile,
		shmem: p.rssShmem,
		swap: p.swapEnts,
		zswap: p.zswapEnts,
		wss: p.wss,
		vsize: p.vsize,
		pgtablesBytes: p.pgtablesBytes,
		minflt: p.minflt,
		majflt: p.majflt,
		minfltRate: p.minfltRate,
		majfltRate: p.majfltRate,
		oomScore: oomScore(
			{
				pid: p.pid,
				name: p.name,
				rss: p.rss,
				swapents: p.swapEnts,
				pgtablesBytes: p.pgtablesBytes,
				oomScoreAdj: p.oomScoreAdj,
			},
			totalPages,
		),
		oomScoreAdj: p.oomScoreAdj,
		stall: p.stall,
		progress: p.progress,
		refs: p.refs,
		startTime: ticksToSeconds(p.startTick),
		regions: withRegions ? regionSnapshots(m, p) : [],
	};
}

export interface SnapshotOptions {
	/** Include per-region breakdowns (costs a walk of every page table). Default true. */
	regions?: boolean;
	/** With regions false: still break down this one process (the one a detail view shows). */
	regionsOf?: number | null;
	/** Drain and include the machine's pending events. Default true. */
	events?: boolean;
}

export function takeSnapshot(m: Machine, options: SnapshotOptions = {}): Snapshot {
	const k = m.kindCount;
	const vmstat = {...m.vm};
	m.policy.counts(m.lru);
	vmstat.nr_free_pages = k[FRAME_FREE]!;
	vmstat.nr_inactive_anon = m.lru.inactiveAnon;
	vmstat.nr_active_anon = m.lru.activeAnon;
	vmstat.nr_inactive_file = m.lru.inactiveFile;
	vmstat.nr_active_file = m.lru.activeFile;
	vmstat.nr_unevictable = m.lru.unevictable;
	vmstat.nr_dirty = m.nrDirty;
	vmstat.nr_writeback = m.nrWriteback;
	vmstat.nr_shmem = k[FRAME_SHMEM]!;
	vmstat.nr_anon_pages = k[FRAME_ANON]!;
	vmstat.nr_mapped = m.nrMapped;
	vmstat.nr_file_pages = k[FRAME_FILE]! + k[FRAME_SHMEM]! + m.nrSwapCached;
	vmstat.nr_swapcached = m.nrSwapCached;
	vmstat.nr_zspages = k[FRAME_ZPOOL]!;
	const zswapLimit = Math.floor((m.totalPages * m.spec.zswap.max_pool_percent) / 100);
	return {
		tick: m.tick,
		time: ticksToSeconds(m.tick),
		workload: m.workload.name,
		seed: m.seed,
		policy: m.policyName,
		cpus: m.spec.cpus,
		totalPages: m.totalPages,
		frames: {
			free: k[FRAME_FREE]!,
			anon: k[FRAME_ANON]!,
			file: k[FRAME_FILE]!,
			shmem: k[FRAME_SHMEM]!,
			kernel: k[FRAME_KERNEL]!,
			zpool: k[FRAME_ZPOOL]!,
		},
		watermarks: {...m.wm},
		meminfo: meminfo(m),
		vmstat,
		psi: {some: psiLine(m.psiSome), full: psiLine(m.psiFull)},
		sysctl: {...m.sysctl},
		swap: {
			device: m.spec.swap.device,
			totalPages: m.swap?.total ?? 0,
			usedPages: m.swap?.used ?? 0,
			cachedPages: m.nrSwapCached,
		},
		zswap: {
			enabled: m.zswapEnabled,
			compressor: m.spec.zswap.compressor,
			poolBytes: m.zswapBytes,
			poolPages: Math.ceil(m.zswapBytes / PAGE_SIZE),
			storedPages: m.zswapStored,
			limitPages: zswapLimit,
			full: m.zswapFull,
		},
		zram: m.isZram
			? {storedPages: m.zramStored, comprBytes: m.zramBytes, memLimitBytes: m.spec.swap.mem_limit ?? 0}
			: null,
		kswapd: {state: m.kswapdState, failures: m.kswapdFailures},
		balloonPages: m.balloonPages,
		oomKills: m.oomKills,
		processes: m
			.liveProcs()
			.map((p) => processSnapshot(m, p, (options.regions ?? true) || p.pid === options.regionsOf)),
		events: (options.events ?? true) ? m.drainEvents() : [],
	};
}
