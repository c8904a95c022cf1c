// The data TLB of an x86-64 core, per process, as a model of its miss rate rather than a cache
// simulated reference by reference (the reference loop stays as fast as it was). The geometry is
// Intel's Skylake client core (Intel 64 and IA-32 Architectures Optimization Reference Manual,
// table "TLB parameters of the Skylake microarchitecture"; Ice Lake keeps the 64/32 L1 split and a
// 1536-or-more-entry STLB):
//   L1 dTLB  64 entries for 4 KiB pages, 32 entries for 2 MiB pages (separate arrays)
//   L2 STLB  1536 entries shared by 4 KiB and 2 MiB pages
// Reach: L1 64 × 4 KiB + 32 × 2 MiB = 256 KiB + 64 MiB; L2 1536 × 4 KiB = 6 MiB, or 1536 × 2 MiB =
// 3 GiB once the pages are huge. A load that misses both walks the page table (the page-miss
// handler; perf's dTLB-load-misses counts these walks, DTLB_LOAD_MISSES.WALK_COMPLETED on Intel).
//
// The miss rate comes from the process's reference streams (workload-runner.ts pickOffset): each
// TLB level is an LRU cache of translations, and its hit rate is Che's approximation (Che, Tung and
// Wang 2002; Fricker, Robert and Roberts 2012): a characteristic time T with Σ occupancy(T) = entries,
// an item referenced at rate r is cached with probability 1 − e^(−rT). For one uniform working set
// of W items that is exactly min(1, E/W); a zipf stream's hot pages are what the entries hold. A
// sequential scan is periodic, not random: an item revisited every τ loads stays iff τ < T, so a scan
// wider than the reach misses once per new page (4 KiB) or once per 512 pages (2 MiB).
//
// Units: a process's page reference stands for `loads` memory loads (ProcessSpec.loads, default 1).
// A random or zipf stream's loads are independent draws from its distribution; a sequential stream's
// loads of one reference fall in the page it scans (one translation, then hits). Pages mapped huge
// are an input (hugePages: hugetlb regions today, transparent huge pages' PMD-mapped pages later),
// taken as spread evenly over the region, and the region taken as 2 MiB aligned.
import {TLB_FULL_WALK_US, TLB_PWC_WALK_US, TLB_STLB_HIT_US} from './costs.js';
import {PAT_RANDOM, PAT_SEQUENTIAL, PAT_SHIFTING, PAT_STREAM, PAT_ZIPF, type Proc} from './process.js';
import type {TaskList} from './task-list.js';
import {mappedPages, REGION_ANON, REGION_FILE, REGION_HUGETLB} from './vma.js';

export const DTLB_4K_ENTRIES = 64;
export const DTLB_2M_ENTRIES = 32;
export const STLB_ENTRIES = 1536;
/**
 * The paging-structure caches (Intel SDM vol. 3A §4.10.3): a 4 KiB walk that finds the PDE cached
 * reads only the PTE; 32 PDE-cache entries (each covering 2 MiB of addresses) is the figure measured
 * for Intel cores (Barr, Cox and Rixner, "Translation caching: skip, don't walk", ISCA 2010). A 2 MiB
 * walk ends at the PDE; its PDPTE (1 GiB each) is taken as always cached.
 */
export const PDE_CACHE_ENTRIES = 32;
/** 4 KiB pages in a 2 MiB page (HPAGE_PMD_NR). */
export const HPAGE_PAGES = 512;
const PAGE_BYTES = 4096;

/** One reference stream as the TLB sees it. */
export interface TlbStream {
	pattern: number;
	/** The pages it references (a shifting stream: its window). */
	pages: number;
	/** Its share of the process's references (the stream weights, summing to 1). */
	share: number;
	/** Zipf skew. */
	skew: number;
	/** Fraction of its pages mapped by 2 MiB pages, 0..1. */
	huge: number;
}

/** Translations of one kind with the same reference rate: `n` items, each `r` per load (IRM), or visited every `tau` loads (a scan). */
interface Group {
	n: number;
	r: number;
	tau: number;
}

/** What a process's streams make of the TLB, per load. */
export interface TlbRates {
	loadsPerRef: number;
	/** Loads that miss the L1 dTLB (a 4 KiB or 2 MiB array as the page is mapped). */
	l1Miss: number;
	/** Loads that miss the STLB too: page walks (dTLB-load-misses / dTLB-loads). */
	walk: number;
	/** Walks of 4 KiB translations, and the share of those that miss the PDE cache (a full walk). */
	walk4k: number;
	pdeMiss: number;
	/** The time these cost a page reference (µs), beyond its own. */
	costPerRefUs: number;
	/** Bytes the STLB's 1536 entries map with this process's page sizes. */
	stlbReachBytes: number;
}

/** Rank buckets grow by 1/16 of their start: the top pages one by one, then wider. */
const BUCKET_GROWTH = 16;

/** zipfOffset()'s distribution: the share of references to offsets [lo, hi) of n pages. */
export function zipfMass(lo: number, hi: number, n: number, skew: number): number {
	const cdf = (x: number): number => {
		const v = Math.min(x, n);
		if (Math.abs(skew - 1) < 1e-9) return n > 1 ? Math.log(v) / Math.log(n) : 1;
		const a = 1 - skew;
		return (v ** a - 1) / (n ** a - 1);
	};
	return n <= 1 ? (lo === 0 ? 1 : 0) : cdf(hi + 1) - cdf(lo + 1);
}

/**
 * A stream's translations as groups at `unit` pages per item (1: 4 KiB pages, 512: 2 MiB spans),
 * `keep` of them (the fraction mapped at that size), per load at `loads` loads per reference.
 */
function streamGroups(s: TlbStream, unit: number, keep: number, loads: number, out: Group[]): void {
	if (keep <= 0 || s.share <= 0 || s.pages <= 0) return;
	const items = Math.ceil(s.pages / unit);
	switch (s.pattern) {
		case PAT_SEQUENTIAL:
		case PAT_STREAM:
			// Every item once a pass; a pass is pages / share references of `loads` loads.
			out.push({n: items * keep, r: 0, tau: (loads * s.pages) / s.share});
			return;
		case PAT_RANDOM:
		case PAT_SHIFTING:
			out.push({n: items * keep, r: s.share / items, tau: 0});
			return;
		case PAT_ZIPF:
			for (let lo = 0; lo < items; ) {
				const hi = Math.min(items, lo + Math.max(1, Math.floor(lo / BUCKET_GROWTH)));
				const mass = zipfMass(lo * unit, Math.min(s.pages, hi * unit), s.pages, s.skew);
				if (mass > 0) out.push({n: (hi - lo) * keep, r: (s.share * mass) / (hi - lo), tau: 0});
				lo = hi;
			}
			return;
		default:
	}
}

function occupancy(groups: readonly Group[], t: number): number {
	let occ = 0;
	for (const g of groups) occ += g.n * (g.tau > 0 ? Math.min(1, t / g.tau) : -Math.expm1(-g.r * t));
	return occ;
}

/** Che's characteristic time of an LRU cache of `entries` fed by `groups` (Infinity: everything fits). */
export function cheTime(groups: readonly Group[], entries: number): number {
	let items = 0;
	for (const g of groups) items += g.n;
	if (items <= entries) return Number.POSITIVE_INFINITY;
	let hi = 1;
	while (occupancy(groups, hi) < entries && hi < 1e300) hi *= 2;
	let lo = hi / 2;
	for (let i = 0; i < 60; i++) {
		const mid = (lo + hi) / 2;
		if (occupancy(groups, mid) < entries) lo = mid;
		else hi = mid;
	}
	return (lo + hi) / 2;
}

/** Misses per load of `groups` in a cache whose characteristic time is `t`. */
export function cheMisses(groups: readonly Group[], t: number): number {
	if (t === Number.POSITIVE_INFINITY) return 0;
	let miss = 0;
	for (const g of groups) miss += g.tau > 0 ? (g.tau > t ? g.n / g.tau : 0) : g.n * g.r * Math.exp(-g.r * t);
	return miss;
}

/** The miss rates and their cost for a process's streams, `loads` loads per page reference. */
export function tlbRates(streams: readonly TlbStream[], loads: number): TlbRates {
	const small: Group[] = [];
	const huge: Group[] = [];
	const smallSpans: Group[] = [];
	let pages = 0;
	let hugePages = 0;
	for (const s of streams) {
		streamGroups(s, 1, 1 - s.huge, loads, small);
		streamGroups(s, HPAGE_PAGES, s.huge, loads, huge);
		streamGroups(s, HPAGE_PAGES, 1 - s.huge, loads, smallSpans);
		pages += s.pages;
		hugePages += s.pages * s.huge;
	}
	const l1Miss =
		cheMisses(small, cheTime(small, DTLB_4K_ENTRIES)) + cheMisses(huge, cheTime(huge, DTLB_2M_ENTRIES));
	const t2 = cheTime([...small, ...huge], STLB_ENTRIES);
	const stlb4k = cheMisses(small, t2);
	const stlb2m = cheMisses(huge, t2);
	// Every walk missed the L1 first: the two Che estimates kept consistent.
	const fit = stlb4k + stlb2m > l1Miss ? l1Miss / (stlb4k + stlb2m) : 1;
	const walk4k = stlb4k * fit;
	const walk2m = stlb2m * fit;
	const walk = walk4k + walk2m;
	const pdeMiss =
		walk4k > 0 ? Math.min(1, cheMisses(smallSpans, cheTime(smallSpans, PDE_CACHE_ENTRIES)) / walk4k) : 0;
	// A 4 KiB walk: the PTE alone after a PDE-cache hit, else the full four levels; a 2 MiB walk
	// reads the PDE with the PDPTE cached; an STLB hit after an L1 miss costs its lookup.
	const walkUs =
		walk4k * ((1 - pdeMiss) * TLB_PWC_WALK_US + pdeMiss * TLB_FULL_WALK_US) + walk2m * TLB_PWC_WALK_US;
	const hugeShare = pages > 0 ? hugePages / pages : 0;
	return {
		loadsPerRef: loads,
		l1Miss,
		walk,
		walk4k,
		pdeMiss,
		costPerRefUs: loads * (Math.max(0, l1Miss - walk) * TLB_STLB_HIT_US + walkUs),
		stlbReachBytes: STLB_ENTRIES * PAGE_BYTES * (1 - hugeShare + hugeShare * HPAGE_PAGES),
	};
}

/** Pages of region `region` (an index into p.regions) mapped by 2 MiB pages. */
export type HugePagesOf = (p: Proc, region: number) => number;

/** Inputs are rounded to 1/64 (sizes to 6 significant bits): the rates are a function of the state, cached. */
const QUANTUM = 64;
function quantize(pages: number): number {
	if (pages < QUANTUM) return pages;
	const step = 2 ** (Math.floor(Math.log2(pages)) - 5);
	return Math.floor(pages / step) * step;
}

/** A process's cached rates, the rounded inputs they came from, and what those were read from. */
interface RatesEntry {
	key: Float64Array;
	rates: TlbRates;
	spec: Proc['spec'];
	pmd: number;
	/** Per region: pages and grown. */
	sizes: Float64Array;
}

/** One process's TLB counters (perf stat -e dTLB-loads,dTLB-load-misses). */
export interface TlbCounters {
	loads: number;
	misses: number;
}

/**
 * The TLB of every process: its rates (derived from the streams and the page sizes, cached by their
 * rounded inputs, never saved) and its counters (saved). The reference loop asks refCostUs() once a
 * tick and reports the references done with account().
 */
export class Tlb {
	/**
	 * Where huge mappings come from: a MAP_HUGETLB region is mapped with 2 MiB pages whole; transparent
	 * huge pages are the process's PMD-mapped pages (page-table.ts pmdMapped, a count per process),
	 * spread over its anonymous regions by their size.
	 */
	hugePagesOf: HugePagesOf = (p, ri) => {
		const r = p.regions[ri]!;
		if (r.kind === REGION_HUGETLB) return r.pages;
		const thp = r.kind === REGION_ANON ? p.pt.pmdMapped : 0;
		if (thp === 0) return 0;
		let anon = 0;
		for (const q of p.regions) if (q.kind === REGION_ANON) anon += mappedPages(q);
		return anon > 0 ? Math.min(r.pages, (thp * HPAGE_PAGES * r.pages) / anon) : 0;
	};
	private readonly cache = new Map<number, RatesEntry>();
	private readonly counters = new Map<number, TlbCounters>();

	/** Scratch for a process's rounded inputs: [loads, then per stream pattern, pages, share, skew, huge]. */
	private scratch = new Float64Array(64);

	/** The process's rounded inputs into `scratch`; returns how many values. Allocates nothing (once a tick). */
	private keyOf(p: Proc): number {
		if (this.scratch.length < 1 + 5 * p.nStreams) this.scratch = new Float64Array(1 + 5 * p.nStreams);
		const k = this.scratch;
		k[0] = p.spec.loads ?? 1;
		let n = 1;
		let cum = 0;
		for (let s = 0; s < p.nStreams; s++) {
			const c = p.streamCum[s]!;
			if (c < 0) continue;
			const share = c - cum;
			cum = c;
			const ri = p.streamRegion[s]!;
			const region = p.regions[ri]!;
			// read(2) of a file: the kernel copies through the direct map, no user translation.
			if (region.kind === REGION_FILE && !region.mmap) continue;
			const pattern = p.streamPattern[s]!;
			const mapped = mappedPages(region);
			const pages = pattern === PAT_SHIFTING ? Math.min(mapped, p.streamWindow[s]!) : mapped;
			const huge = region.pages > 0 ? Math.min(1, this.hugePagesOf(p, ri) / region.pages) : 0;
			k[n++] = pattern;
			k[n++] = quantize(pages);
			k[n++] = Math.round(share * QUANTUM * QUANTUM) / (QUANTUM * QUANTUM);
			k[n++] = p.streamSkew[s]!;
			k[n++] = Math.round(huge * QUANTUM) / QUANTUM;
		}
		return n;
	}

	/** The process's streams as the TLB sees them, rounded. */
	streamsOf(p: Proc): TlbStream[] {
		const n = this.keyOf(p);
		const k = this.scratch;
		const out: TlbStream[] = [];
		for (let i = 1; i < n; i += 5)
			out.push({pattern: k[i]!, pages: k[i + 1]!, share: k[i + 2]!, skew: k[i + 3]!, huge: k[i + 4]!});
		return out;
	}

	/** The process's TLB rates now (recomputed only when its rounded inputs change). */
	ratesOf(p: Proc): TlbRates {
		const cached = this.cache.get(p.pid);
		// What keyOf reads that changes while a process runs is its spec (exec), its regions' sizes and
		// growth and its huge PMDs: while those stay, so do the rates, without working out the key.
		if (cached && this.unchanged(cached, p)) return cached.rates;
		const n = this.keyOf(p);
		if (cached && sameKey(cached.key, this.scratch, n)) {
			this.remember(cached, p);
			return cached.rates;
		}
		const entry: RatesEntry = {
			key: this.scratch.slice(0, n),
			rates: tlbRates(this.streamsOf(p), this.scratch[0]!),
			spec: p.spec,
			pmd: 0,
			sizes: new Float64Array(2 * p.regions.length),
		};
		this.remember(entry, p);
		this.cache.set(p.pid, entry);
		return entry.rates;
	}

	private unchanged(c: RatesEntry, p: Proc): boolean {
		if (c.spec !== p.spec || c.pmd !== p.pt.pmdMapped || c.sizes.length !== 2 * p.regions.length)
			return false;
		for (let i = 0; i < p.regions.length; i++) {
			const r = p.regions[i]!;
			if (c.sizes[2 * i] !== r.pages || c.sizes[2 * i + 1] !== r.grown) return false;
		}
		return true;
	}

	/** What `e`'s rates were read from, for unchanged(). */
	private remember(e: RatesEntry, p: Proc): void {
		e.spec = p.spec;
		e.pmd = p.pt.pmdMapped;
		if (e.sizes.length !== 2 * p.regions.length) e.sizes = new Float64Array(2 * p.regions.length);
		for (let i = 0; i < p.regions.length; i++) {
			e.sizes[2 * i] = p.regions[i]!.pages;
			e.sizes[2 * i + 1] = p.regions[i]!.grown;
		}
	}

	/**
	 * The TLB's time per page reference this tick (µs). Only for a process whose spec says how many
	 * loads a reference stands for: without `loads`, its `rate` is taken as measured on a real machine,
	 * translations included, and the TLB is counted but adds no time.
	 */
	refCostUs(p: Proc, r: TlbRates = this.ratesOf(p)): number {
		return p.spec.loads === undefined ? 0 : r.costPerRefUs;
	}

	/** `refs` references done at the rates `r` (this tick's): their loads and walks counted. */
	account(p: Proc, refs: number, r: TlbRates = this.ratesOf(p)): void {
		if (refs <= 0) return;
		let c = this.counters.get(p.pid);
		if (!c) {
			c = {loads: 0, misses: 0};
			this.counters.set(p.pid, c);
		}
		const loads = refs * r.loadsPerRef;
		c.loads += loads;
		c.misses += loads * r.walk;
	}

	countersOf(pid: number): TlbCounters {
		return this.counters.get(pid) ?? {loads: 0, misses: 0};
	}

	/** Processes gone: their counters and rates with them (once a second). */
	prune(tasks: TaskList): void {
		for (const pid of [...this.counters.keys()]) if (!tasks.procByPid(pid)) this.counters.delete(pid);
		for (const pid of [...this.cache.keys()]) if (!tasks.procByPid(pid)) this.cache.delete(pid);
	}

	/** The counters by pid (ascending), for the state codec; null when no process has any. */
	save(): {pids: Int32Array; loads: Float64Array; misses: Float64Array} | null {
		if (this.counters.size === 0) return null;
		const pids = [...this.counters.keys()].sort((a, b) => a - b);
		return {
			pids: Int32Array.from(pids),
			loads: Float64Array.from(pids, (pid) => this.counters.get(pid)!.loads),
			misses: Float64Array.from(pids, (pid) => this.counters.get(pid)!.misses),
		};
	}

	load(s: {pids: Int32Array; loads: Float64Array; misses: Float64Array} | undefined): void {
		this.counters.clear();
		this.cache.clear();
		if (!s) return;
		for (let i = 0; i < s.pids.length; i++)
			this.counters.set(s.pids[i]!, {loads: s.loads[i]!, misses: s.misses[i]!});
	}
}

function sameKey(key: Float64Array, scratch: Float64Array, n: number): boolean {
	if (key.length !== n) return false;
	for (let i = 0; i < n; i++) if (key[i] !== scratch[i]) return false;
	return true;
}
