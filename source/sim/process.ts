// A simulated process: its address space (regions over one page table), its reference streams and
// its counters. Per-page state lives in typed arrays; the Proc object itself is per process.
import {PageTable, type PageTableState} from './page-table.js';
import type {ProcessState} from './snapshot-types.js';
import type {PatternKind, ProcessSpec} from './spec.js';
import {bytesToPages, PAGE_SIZE, TICK_US, TICKS_PER_SECOND} from './units.js';
import {commitPages, findRegion, layoutRegions, type Region, regionMap} from './vma.js';
import {streamFault} from './x86-fault.js';
import {zipfConstants} from './zipf.js';

export const PATTERN_CODES: Record<PatternKind, number> = {
	sequential: 0,
	random: 1,
	zipf: 2,
	shifting: 3,
	grow: 4,
	stream: 5,
	wild: 6,
};
export const PAT_SEQUENTIAL = 0;
export const PAT_RANDOM = 1;
export const PAT_ZIPF = 2;
export const PAT_SHIFTING = 3;
export const PAT_GROW = 4;
export const PAT_STREAM = 5;
export const PAT_WILD = 6;

/** Working-set window in seconds (wss = distinct pages touched in the last 10 s). */
export const WSS_WINDOW_SECONDS = 10;
const WSS_BUCKETS = WSS_WINDOW_SECONDS + 1;
/** touch[] stores (second mod WSS_SECOND_MOD) + 1; a multiple of WSS_BUCKETS so buckets stay consecutive across the wrap. */
export const WSS_SECOND_MOD = 65527;

export function wssSecond(second: number): number {
	return (second % WSS_SECOND_MOD) + 1;
}

/** A shifting stream's hot window moves every 30 s unless the spec says otherwise. */
const DEFAULT_SHIFT_PERIOD_S = 30;
/** The uid of a process whose spec gives none (a normal user's). */
const DEFAULT_UID = 1000;

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
	/** The end of the declared address space (every region at its full size): the page table's bound. */
	readonly addressPages: number;
	/** Per region: 1 if a grow stream extends it (mapped only as far as grown, as brk moves the heap's end). */
	/** vpn → entry, and each page's last-touch second (page-table.ts). Grows lazily for a trailing grow region. */
	readonly pt: PageTable;

	// Reference streams, struct of arrays.
	readonly nStreams: number;
	readonly streamCum: Float64Array;
	readonly streamRegion: Int32Array;
	readonly streamPattern: Uint8Array;
	readonly streamStart: Int32Array;
	readonly streamPages: Int32Array;
	readonly streamCursor: Float64Array;
	readonly streamSkew: Float64Array;
	/** Zipf streams' sampling constants, from skew and size (workload-runner.ts zipfOffset). */
	readonly streamZipf: Float64Array;
	readonly streamWindow: Float64Array;
	readonly streamPeriodTicks: Float64Array;
	readonly streamWrite: Float64Array;
	readonly streamGrowPerTick: Float64Array;
	readonly streamGrowAcc: Float64Array;
	/** Sequential readahead: current window and the offset where the next miss is expected. */
	readonly streamRaSize: Float64Array;
	readonly streamRaNext: Float64Array;
	/** Per stream: how its references fault (x86-fault.ts: 0 never, on a write, always). */
	readonly streamFault: Uint8Array;
	/** wild streams: the bad pointer's address. */
	readonly streamAddress: Float64Array;
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
	/** Kernel time owed that is work, not a wait (fork's page-table copy): no stall. Saved only when set. */
	debtCpuUs = 0;
	// This tick's split of time.
	tickMemUs = 0;
	/** The memcg this process is charged to (memcontrol.ts sets it from spec.cgroup on first use; −1: not yet). */
	memcg = -1;
	tickIoUs = 0;
	tickReclaimUs = 0;
	tickSwapinUs = 0;
	tickFileIoUs = 0;
	/** What the process last waited for, for the state shown while it pays off a long stall. */
	lastWait: 'swapin' | 'io' | 'throttled' = 'swapin';
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
	termTick = -1; // After SIGTERM, the tick it exits at (lifecycle.ts terminate); -1 none. Saved only when set.
	// fork.ts (each saved only when set): the parent's pid (0: a workload process), the fork family whose
	// anon pages it may share (struct anon_vma: the root's pid), and COW breaks that copied (wp_page_copy).
	ppid = 0;
	anonVma: number;
	cowFaults = 0;

	constructor(init: {
		pid: number;
		slot: number;
		spec: ProcessSpec;
		startTick: number;
		endTick: number;
		objectIdFor: (region: ProcessSpec['regions'][number]) => number;
		/** fork(2): the parent, whose address space (regions, their growth, the table's reach) the child copies. */
		parent?: Proc | undefined;
	}) {
		const {spec} = init;
		this.pid = init.pid;
		this.slot = init.slot;
		this.name = spec.name;
		this.spec = spec;
		this.uid = spec.uid ?? DEFAULT_UID;
		this.startTick = init.startTick;
		this.endTick = init.endTick;
		this.oomScoreAdj = spec.oom_score_adj;
		this.anonVma = init.pid;

		const parent = init.parent;
		// A MAP_HUGETLB region's pool pages stay the parent's: the child faults its own.
		const copy = (r: Region): Region =>
			r.htlb ? {...r, htlb: new Int32Array(r.htlb.length).fill(-1)} : {...r};
		const same = parent && {regions: parent.regions.map(copy), vsize: parent.addressPages};
		const layout = same
			? {...same, covered: parent.pt.covered, map: parent.pt.map}
			: layoutRegions(spec, init.objectIdFor);
		this.regions = layout.regions;
		this.addressPages = layout.vsize;
		this.pt = new PageTable(layout.covered, layout.map);

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
		this.streamZipf = new Float64Array(2 * n);
		this.streamWindow = new Float64Array(n);
		this.streamPeriodTicks = new Float64Array(n);
		this.streamWrite = new Float64Array(n);
		this.streamGrowPerTick = new Float64Array(n);
		this.streamGrowAcc = new Float64Array(n);
		this.streamRaSize = new Float64Array(n);
		this.streamRaNext = new Float64Array(n).fill(-1);
		this.streamFault = new Uint8Array(n);
		this.streamAddress = new Float64Array(n);
		const totalWeight = this.initStreams(spec);
		this.hasRefStreams = totalWeight > 0;
		this.usPerRef = spec.rate > 0 ? 1_000_000 / spec.rate : TICK_US;
		this.burstPeriodTicks = spec.burst ? Math.round((spec.burst.on + spec.burst.off) * TICKS_PER_SECOND) : 0;
		this.burstOnTicks = spec.burst ? Math.round(spec.burst.on * TICKS_PER_SECOND) : 0;
		this.hasGrowth = spec.streams.some((s) => s.pattern === 'grow');
		this.refsPerTick = spec.rate / TICKS_PER_SECOND;
		this.committed = this.computeCommitted();
	}

	/** Each stream's region, pattern and parameters into the stream arrays. Returns the weight of the reference streams. */
	private initStreams(spec: ProcessSpec): number {
		const streams = spec.streams;
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
			zipfConstants(region.pages, this.streamSkew[i]!, this.streamZipf, 2 * i);
			this.streamWindow[i] = Math.max(
				1,
				Math.min(region.pages, bytesToPages(s.window ?? region.pages * PAGE_SIZE)),
			);
			this.streamPeriodTicks[i] = Math.max(
				1,
				Math.round((s.period ?? DEFAULT_SHIFT_PERIOD_S) * TICKS_PER_SECOND),
			);
			this.streamWrite[i] = s.write_ratio ?? 0;
			this.streamFault[i] = streamFault(region, s.pattern === 'wild');
			this.streamAddress[i] = s.address ?? 0;
			this.streamGrowPerTick[i] = s.pattern === 'grow' ? (s.grow ?? 0) / PAGE_SIZE / TICKS_PER_SECOND : 0;
			if (s.pattern !== 'grow') cum += s.weight / totalWeight;
			// Grow streams get no share of the reference rate: they allocate at their own pace.
			this.streamCum[i] = s.pattern === 'grow' ? -1 : cum;
		});
		return totalWeight;
	}

	/** Committed_AS share: private writable and shared anonymous mappings; grow regions as far as grown. */
	computeCommitted(): number {
		let pages = 0;
		for (const r of this.regions) pages += commitPages(r);
		return pages;
	}

	/** Make the page table cover vpn (grow regions allocate page-table space as they grow). */
	ensureVpn(vpn: number): void {
		const covered = this.pt.covered;
		if (vpn < covered) return;
		this.pt.grow(Math.min(this.addressPages, Math.max(vpn + 1, covered * 2)));
	}

	regionOf(vpn: number): Region {
		const r = findRegion(this.regions, vpn);
		if (!r) throw new Error(`vpn ${vpn} outside ${this.name}`);
		return r;
	}

	get rss(): number {
		return this.rssAnon + this.rssFile + this.rssShmem;
	}

	/** VmPTE: page-table pages in bytes (one PTE page per 2 MiB touched, plus the upper levels). */
	get pgtablesBytes(): number {
		return this.pt.bytes;
	}

	/** WSS bookkeeping for a touch in second `sec16` (1..65535). */
	touchWss(vpn: number, sec16: number): void {
		const old = this.pt.swapStamp(vpn, sec16);
		if (old === sec16) return;
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

	/**
	 * What a saved state holds of a process, in the order states list it (format 1): everything the
	 * spec does not determine. The fields derived from the spec are rebuilt by the constructor.
	 */
	save() {
		return {
			pid: this.pid,
			slot: this.slot,
			startTick: this.startTick,
			endTick: this.endTick,
			oomScoreAdj: this.oomScoreAdj,
			state: this.state,
			regions: this.regions,
			pt: this.pt.save(),
			streamCursor: this.streamCursor,
			streamGrowAcc: this.streamGrowAcc,
			streamRaSize: this.streamRaSize,
			streamRaNext: this.streamRaNext,
			wantAcc: this.wantAcc,
			rssAnon: this.rssAnon,
			rssFile: this.rssFile,
			rssShmem: this.rssShmem,
			swapEnts: this.swapEnts,
			zswapEnts: this.zswapEnts,
			minflt: this.minflt,
			majflt: this.majflt,
			refs: this.refs,
			committed: this.committed,
			debtMemUs: this.debtMemUs,
			debtIoUs: this.debtIoUs,
			tickMemUs: this.tickMemUs,
			tickIoUs: this.tickIoUs,
			tickReclaimUs: this.tickReclaimUs,
			tickSwapinUs: this.tickSwapinUs,
			tickFileIoUs: this.tickFileIoUs,
			lastWait: this.lastWait,
			tickThrottleUs: this.tickThrottleUs,
			tickRefsWanted: this.tickRefsWanted,
			tickRefsDone: this.tickRefsDone,
			waitingOom: this.waitingOom,
			directReclaims: this.directReclaims,
			directReclaimed: this.directReclaimed,
			secStallUs: this.secStallUs,
			secWanted: this.secWanted,
			secDone: this.secDone,
			secMinflt: this.secMinflt,
			secMajflt: this.secMajflt,
			stall: this.stall,
			progress: this.progress,
			minfltRate: this.minfltRate,
			majfltRate: this.majfltRate,
			wssBuckets: this.wssBuckets,
			wss: this.wss,
			dying: this.dying,
			exited: this.exited,
			...(this.termTick >= 0 ? {termTick: this.termTick} : {}),
			...(this.ppid > 0 ? {ppid: this.ppid} : {}),
			...(this.anonVma !== this.pid ? {anonVma: this.anonVma} : {}),
			...(this.cowFaults > 0 ? {cowFaults: this.cowFaults} : {}),
			...(this.debtCpuUs > 0 ? {debtCpuUs: this.debtCpuUs} : {}),
		};
	}

	/** A process rebuilt from its spec and a saved state (only the fields save() lists are taken). */
	static restore(spec: ProcessSpec, state: Record<string, unknown>): Proc {
		const p = new Proc({
			pid: state.pid as number,
			slot: state.slot as number,
			spec,
			startTick: state.startTick as number,
			endTick: state.endTick as number,
			objectIdFor: () => -1,
		});
		const {pt, ...rest} = state;
		p.pt.load(pt as PageTableState);
		const saved = new Set([
			...Object.keys(p.save()),
			'termTick',
			'ppid',
			'anonVma',
			'cowFaults',
			'debtCpuUs',
		]);
		Object.assign(p, Object.fromEntries(Object.entries(rest).filter(([k]) => saved.has(k))));
		// The table's virtual slots follow the regions restored (a fork child's are its parent's).
		p.pt.map = regionMap(p.regions);
		// States saved before swap readahead adapted its window have no swap_readahead_info: start at 0.
		for (const r of p.regions) {
			r.raAddr ??= 0;
			r.raWin ??= 0;
			r.raHits ??= 0;
		}
		return p;
	}
}
