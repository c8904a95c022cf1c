// A simulated process: its address space (regions over one page table), its reference streams and
// its counters. Per-page state lives in typed arrays; the Proc object itself is per process.
import type {ProcessState} from './snapshot-types.js';
import type {PatternKind, ProcessSpec} from './spec.js';
import {bytesToPages, TICK_US} from './units.js';

export const REGION_ANON = 0;
export const REGION_FILE = 1;
export const REGION_SHMEM = 2;

export const PATTERN_CODES: Record<PatternKind, number> = {
	sequential: 0,
	random: 1,
	zipf: 2,
	shifting: 3,
	grow: 4,
	stream: 5,
};
export const PAT_SEQUENTIAL = 0;
export const PAT_RANDOM = 1;
export const PAT_ZIPF = 2;
export const PAT_SHIFTING = 3;
export const PAT_GROW = 4;
export const PAT_STREAM = 5;

/** Page-table pages cover 512 PTEs (2 MiB of address space) each. */
export const PTES_PER_TABLE = 512;
/** Working-set window in seconds (wss = distinct pages touched in the last 10 s). */
export const WSS_WINDOW_SECONDS = 10;
const WSS_BUCKETS = WSS_WINDOW_SECONDS + 1;
/** touch[] stores (second mod WSS_SECOND_MOD) + 1; a multiple of WSS_BUCKETS so buckets stay consecutive across the wrap. */
export const WSS_SECOND_MOD = 65527;

export function wssSecond(second: number): number {
	return (second % WSS_SECOND_MOD) + 1;
}

export interface Region {
	name: string;
	kind: number;
	startVpn: number;
	pages: number;
	/** File or shmem object id; -1 for anon. */
	objectId: number;
	/** File regions: faults map pages (mmap) or reads go through read(2). */
	mmap: boolean;
	locked: boolean;
	/** Grow regions: pages allocated so far. */
	grown: number;
}

/** Page table entry encoding: 0 never touched, > 0 frame + 1, < 0 −(swap slot + 1). */
export class Proc {
	readonly pid: number;
	readonly slot: number;
	readonly name: string;
	readonly spec: ProcessSpec;
	readonly uid: number;
	readonly startTick: number;
	/** Tick at which it exits by itself, or -1. */
	endTick: number;
	oomScoreAdj: number;
	state: ProcessState = 'running';
	readonly regions: Region[];
	readonly vsize: number;
	/** vpn → entry. Grows lazily for a trailing grow region. */
	pt: Int32Array;
	/** vpn → wssSecond() of the last touch; 0 = never (working-set tracking). */
	touch: Uint16Array;
	/** Page-table page per 512-vpn chunk: frame + 1, or 0. */
	ptPages: Int32Array;
	nPtPages = 0;

	// Reference streams, struct of arrays.
	readonly nStreams: number;
	readonly streamCum: Float64Array;
	readonly streamRegion: Int32Array;
	readonly streamPattern: Uint8Array;
	readonly streamStart: Int32Array;
	readonly streamPages: Int32Array;
	readonly streamCursor: Float64Array;
	readonly streamSkew: Float64Array;
	readonly streamWindow: Float64Array;
	readonly streamPeriodTicks: Float64Array;
	readonly streamWrite: Float64Array;
	readonly streamGrowPerTick: Float64Array;
	readonly streamGrowAcc: Float64Array;
	/** Sequential readahead: current window and the offset where the next miss is expected. */
	readonly streamRaSize: Float64Array;
	readonly streamRaNext: Float64Array;
	/** Index of the first non-grow stream share (grow streams generate their own references). */
	readonly hasRefStreams: boolean;

	readonly usPerRef: number;
	/** Bursty processes: period and busy part of it, in ticks (0: always busy). */
	readonly burstPeriodTicks: number;
	readonly burstOnTicks: number;
	readonly hasGrowth: boolean;
	readonly refsPerTick: number;
	wantAcc = 0;

	// Counters (pages or events).
	rssAnon = 0;
	rssFile = 0;
	rssShmem = 0;
	swapEnts = 0;
	zswapEnts = 0;
	minflt = 0;
	majflt = 0;
	refs = 0;
	committed = 0;

	// Stall clock: time owed from faults that overran the previous tick.
	debtMemUs = 0;
	debtIoUs = 0;
	// This tick's split of time.
	tickMemUs = 0;
	tickIoUs = 0;
	tickReclaimUs = 0;
	tickSwapinUs = 0;
	tickFileIoUs = 0;
	/** What the process last waited for, for the state shown while it pays off a long stall. */
	lastWait: 'swapin' | 'io' = 'swapin';
	tickThrottleUs = 0;
	tickRefsWanted = 0;
	tickRefsDone = 0;
	/** Waiting for an OOM victim to exit before retrying an allocation. */
	waitingOom = false;
	directReclaims = 0;
	directReclaimed = 0;

	// Per-second windows.
	secStallUs = 0;
	secWanted = 0;
	secDone = 0;
	secMinflt = 0;
	secMajflt = 0;
	stall = 0;
	progress = 1;
	minfltRate = 0;
	majfltRate = 0;
	readonly wssBuckets = new Int32Array(WSS_BUCKETS);
	wss = 0;

	dying = false;
	exited = false;

	constructor(init: {
		pid: number;
		slot: number;
		spec: ProcessSpec;
		startTick: number;
		endTick: number;
		objectIdFor: (region: ProcessSpec['regions'][number]) => number;
	}) {
		const {spec} = init;
		this.pid = init.pid;
		this.slot = init.slot;
		this.name = spec.name;
		this.spec = spec;
		this.uid = spec.uid ?? 1000;
		this.startTick = init.startTick;
		this.endTick = init.endTick;
		this.oomScoreAdj = spec.oom_score_adj;

		const growRegions = new Set(spec.streams.filter((s) => s.pattern === 'grow').map((s) => s.region));
		// Grow regions go last so the page table can grow with them instead of covering their maximum.
		const ordered = [...spec.regions].sort(
			(a, b) => Number(growRegions.has(a.name)) - Number(growRegions.has(b.name)),
		);
		let vpn = 0;
		this.regions = ordered.map((r) => {
			const pages = bytesToPages(r.size);
			const region: Region = {
				name: r.name,
				kind: r.kind === 'anon' ? REGION_ANON : r.kind === 'file' ? REGION_FILE : REGION_SHMEM,
				startVpn: vpn,
				pages,
				objectId: r.kind === 'anon' ? -1 : init.objectIdFor(r),
				mmap: r.kind !== 'file' || r.access !== 'read',
				locked: r.locked === true,
				grown: 0,
			};
			vpn += pages;
			return region;
		});
		this.vsize = vpn;
		const last = this.regions[this.regions.length - 1];
		const initial = last && growRegions.has(last.name) ? last.startVpn + Math.min(last.pages, 1024) : vpn;
		this.pt = new Int32Array(initial);
		this.touch = new Uint16Array(initial);
		this.ptPages = new Int32Array(Math.ceil(initial / PTES_PER_TABLE) + 1);

		const streams = spec.streams;
		const n = streams.length;
		this.nStreams = n;
		this.streamCum = new Float64Array(n);
		this.streamRegion = new Int32Array(n);
		this.streamPattern = new Uint8Array(n);
		this.streamStart = new Int32Array(n);
		this.streamPages = new Int32Array(n);
		this.streamCursor = new Float64Array(n);
		this.streamSkew = new Float64Array(n);
		this.streamWindow = new Float64Array(n);
		this.streamPeriodTicks = new Float64Array(n);
		this.streamWrite = new Float64Array(n);
		this.streamGrowPerTick = new Float64Array(n);
		this.streamGrowAcc = new Float64Array(n);
		this.streamRaSize = new Float64Array(n);
		this.streamRaNext = new Float64Array(n).fill(-1);
		let totalWeight = 0;
		for (const s of streams) if (s.pattern !== 'grow') totalWeight += s.weight;
		let cum = 0;
		streams.forEach((s, i) => {
			const ri = this.regions.findIndex((r) => r.name === s.region);
			const region = this.regions[ri]!;
			this.streamRegion[i] = ri;
			this.streamPattern[i] = PATTERN_CODES[s.pattern];
			this.streamStart[i] = region.startVpn;
			this.streamPages[i] = region.pages;
			this.streamSkew[i] = s.skew ?? 1;
			this.streamWindow[i] = Math.max(
				1,
				Math.min(region.pages, bytesToPages(s.window ?? region.pages * 4096)),
			);
			this.streamPeriodTicks[i] = Math.max(1, Math.round((s.period ?? 30) * (1_000_000 / TICK_US)));
			this.streamWrite[i] = s.write_ratio ?? 0;
			this.streamGrowPerTick[i] = s.pattern === 'grow' ? (s.grow ?? 0) / 4096 / (1_000_000 / TICK_US) : 0;
			if (s.pattern !== 'grow') cum += s.weight / totalWeight;
			// Grow streams get no share of the reference rate: they allocate at their own pace.
			this.streamCum[i] = s.pattern === 'grow' ? -1 : cum;
		});
		this.hasRefStreams = totalWeight > 0;
		this.usPerRef = spec.rate > 0 ? 1_000_000 / spec.rate : TICK_US;
		const ticksPerSecond = 1_000_000 / TICK_US;
		this.burstPeriodTicks = spec.burst ? Math.round((spec.burst.on + spec.burst.off) * ticksPerSecond) : 0;
		this.burstOnTicks = spec.burst ? Math.round(spec.burst.on * ticksPerSecond) : 0;
		this.hasGrowth = spec.streams.some((s) => s.pattern === 'grow');
		this.refsPerTick = spec.rate / (1_000_000 / TICK_US);
		this.committed = this.computeCommitted();
	}

	/** Committed_AS share: private writable and shared anonymous mappings; grow regions as far as grown. */
	computeCommitted(): number {
		let pages = 0;
		for (const r of this.regions) {
			if (r.kind === REGION_FILE) continue;
			const grows = this.spec.streams.some((s) => s.region === r.name && s.pattern === 'grow');
			pages += grows ? r.grown : r.pages;
		}
		return pages;
	}

	/** Make the page table cover vpn (grow regions allocate page-table space as they grow). */
	ensureVpn(vpn: number): void {
		if (vpn < this.pt.length) return;
		const size = Math.min(this.vsize, Math.max(vpn + 1, this.pt.length * 2));
		const pt = new Int32Array(size);
		pt.set(this.pt);
		this.pt = pt;
		const touch = new Uint16Array(size);
		touch.set(this.touch);
		this.touch = touch;
		const chunks = new Int32Array(Math.ceil(size / PTES_PER_TABLE) + 1);
		chunks.set(this.ptPages);
		this.ptPages = chunks;
	}

	regionOf(vpn: number): Region {
		for (const r of this.regions) if (vpn >= r.startVpn && vpn < r.startVpn + r.pages) return r;
		throw new Error(`vpn ${vpn} outside ${this.name}`);
	}

	get rss(): number {
		return this.rssAnon + this.rssFile + this.rssShmem;
	}

	/** VmPTE: page-table pages in bytes (one PTE page per 2 MiB touched, plus the upper levels). */
	get pgtablesBytes(): number {
		return this.nPtPages === 0 ? 0 : (this.nPtPages + 1 + Math.ceil(this.nPtPages / 512)) * 4096;
	}

	/** WSS bookkeeping for a touch in second `sec16` (1..65535). */
	touchWss(vpn: number, sec16: number): void {
		const old = this.touch[vpn]!;
		if (old === sec16) return;
		this.touch[vpn] = sec16;
		const age = old === 0 ? WSS_BUCKETS : (sec16 - old + WSS_SECOND_MOD) % WSS_SECOND_MOD;
		if (age < WSS_BUCKETS) this.wssBuckets[old % WSS_BUCKETS]!--;
		this.wssBuckets[sec16 % WSS_BUCKETS]!++;
	}

	/** A new second begins: its bucket is recycled and the window sum recomputed. */
	rollWss(sec16: number): void {
		this.wssBuckets[sec16 % WSS_BUCKETS] = 0;
		let sum = 0;
		for (let i = 0; i < WSS_WINDOW_SECONDS; i++) {
			const s = ((sec16 - 2 - i + 2 * WSS_SECOND_MOD) % WSS_SECOND_MOD) + 1;
			sum += this.wssBuckets[s % WSS_BUCKETS]!;
		}
		this.wss = sum;
	}
}
