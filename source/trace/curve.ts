// `memtop trace --curve`: faults against every frame count, one pass over the input.
// - lru: stack distances (lru-stack.ts), streamed, exact for every frame count.
// - opt: Mattson's priority stack (opt-stack.ts) over the stored trace, exact for every frame count.
// - every other policy is not a stack algorithm (more frames can mean more faults: Belady's
//   anomaly), so it runs once per frame count over the stored trace, in worker threads
//   (per-size.ts): at every frame count from 1 to the distinct pages when that is cheap enough,
//   otherwise on a grid, 32 sizes and then 4 per doubling. Any rise in faults from one size to the
//   next is reported.
// With a sampling rate (SHARDS, shards.ts) everything runs on the sampled trace: lru's distances are
// scaled by 1 / rate, and the other policies run "miniature" caches of frames × rate frames
// (Waldspurger et al., ATC'17); counts are scaled back by 1 / rate. Two halves of the sample give an
// estimate of the error.
import {UserError} from '../common/user-error.js';
import {createPolicy, policyInfo} from '../sim/policies/index.js';
import {needsFuture} from '../sim/policies/opt.js';
import type {TraceInput} from './input.js';
import {LruStack} from './lru-stack.js';
import {OptStack} from './opt-stack.js';
import type {TraceFormat} from './parse.js';
import {runSizes, type SizeJob} from './per-size.js';
import {checkRunOptions, MAX_FRAMES} from './run.js';
import {pageHash, SpatialSampler} from './shards.js';
import {type IdSink, readTrace} from './source.js';
import {MAX_STORED, TraceStore} from './store.js';

/** Per-size policies run at every frame count while references × distinct pages stay below this. */
export const EVERY_SIZE_WORK = 1 << 28;
/** opt's stack is followed this deep: its curve is exact up to this many frames. */
export const OPT_STACK_LIMIT = 1 << 16;

export interface CurveOptions {
	policies: readonly string[];
	/** Frame counts to include besides the grid (the --frames flag). */
	frames?: readonly number[] | undefined;
	format: TraceFormat | 'auto';
	pageSize: number;
	dataOnly: boolean;
	skipBad: boolean;
	seed?: number | undefined;
	/** SHARDS sampling rate, 0 < rate ≤ 1 (undefined: no sampling). */
	sample?: number | undefined;
	/** References the store may hold (default MAX_STORED; tests make it small). */
	storeLimit?: number | undefined;
	/** Worker threads for per-size runs (default: one per core). */
	threads?: number | undefined;
	onProgress?: ((rawBytes: number, references: number) => void) | undefined;
}

export interface BeladyPoint {
	frames: number;
	faults: number;
	fewerFrames: number;
	fewerFaults: number;
}

export interface Curve {
	policy: string;
	/** 'stack': exact for every frame count from one pass; 'per-size': one run per listed size. */
	method: 'stack' | 'per-size';
	/** Frame counts, ascending; faults[i] is the count (estimate, when sampled) with frames[i]. */
	frames: number[];
	faults: number[];
	/** Wherever more frames gave more faults. */
	belady: BeladyPoint[];
}

export interface Sampling {
	/** The rate in effect (a multiple of 2^-24). */
	rate: number;
	sampledReferences: number;
	sampledPages: number;
	/** lru's miss ratio from the two halves of the sample: half their difference, mean and max. */
	error: {mean: number; max: number};
}

export interface CurveReport {
	file: string;
	format: TraceFormat | 'binary';
	references: number;
	/** Distinct pages (an estimate, distinct sampled pages / rate, when sampled). */
	distinct: number;
	curves: Curve[];
	sampling: Sampling | undefined;
	unavailable: {policy: string; reason: string}[];
	skipped: number;
	firstSkipped: string | undefined;
}

/** Frame counts 1..dense, then `perOctave` per doubling up to `max`, and `max` itself. */
export function curveGrid(max: number, dense: number, perOctave: number): number[] {
	const out: number[] = [];
	const top = Math.max(1, Math.floor(max));
	// At least 1: an empty trace asks for a dense part of 0 frames, and 0 × step never reaches top.
	const low = Math.max(1, dense);
	for (let f = 1; f <= Math.min(low, top); f++) out.push(f);
	if (top > low) {
		const step = 2 ** (1 / perOctave);
		for (let x = low * step; x < top; x *= step) {
			const f = Math.round(x);
			if (f > out[out.length - 1]!) out.push(f);
		}
		out.push(top);
	}
	return out;
}

function beladyPoints(frames: readonly number[], faults: readonly number[]): BeladyPoint[] {
	const out: BeladyPoint[] = [];
	for (let i = 1; i < frames.length; i++) {
		if (faults[i]! > faults[i - 1]!) {
			out.push({
				frames: frames[i]!,
				faults: faults[i]!,
				fewerFrames: frames[i - 1]!,
				fewerFaults: faults[i - 1]!,
			});
		}
	}
	return out;
}

const union = (a: readonly number[], b: readonly number[]): number[] =>
	[...new Set([...a, ...b])].sort((x, y) => x - y);

export async function runCurve(input: TraceInput, options: CurveOptions): Promise<CurveReport> {
	checkRunOptions({policies: options.policies, frames: options.frames ?? []});
	const seed = options.seed ?? 1;
	const rate = options.sample;
	if (rate !== undefined && !(rate > 0 && rate <= 1)) {
		throw new UserError(
			`invalid sampling rate '${rate}' (accepted: a number above 0 and at most 1, e.g. 0.01)`,
		);
	}
	const sampler = rate !== undefined && rate < 1 ? new SpatialSampler(rate) : undefined;
	const policies = [...options.policies];
	const wantLru = policies.includes('lru');
	const others = policies.filter((p) => p !== 'lru');

	const lru = wantLru ? new LruStack() : undefined;
	// Split-half error estimate: the sampled pages in two halves by another hash bit of their id.
	const halves = sampler && wantLru ? [new LruStack(), new LruStack()] : undefined;
	const halfIds = halves ? [new Int32Array(1 << 15), new Int32Array(1 << 15)] : undefined;
	const storeLimit = options.storeLimit ?? MAX_STORED;
	let store = others.length > 0 ? new TraceStore(storeLimit) : undefined;
	let overflowed = false;
	const sink: IdSink = (ids, n, distinct) => {
		lru?.push(ids, n, distinct);
		if (halves && halfIds) {
			const a = halfIds[0]!;
			const b = halfIds[1]!;
			let na = 0;
			let nb = 0;
			for (let i = 0; i < n; i++) {
				const id = ids[i]!;
				if ((pageHash(id) & 1) === 0) a[na++] = id;
				else b[nb++] = id;
			}
			halves[0]!.push(a, na, distinct);
			halves[1]!.push(b, nb, distinct);
		}
		if (store && !store.append(ids, n, distinct)) {
			store = undefined;
			overflowed = true;
		}
	};
	const read = await readTrace(
		input,
		{
			format: options.format,
			pageSize: options.pageSize,
			dataOnly: options.dataOnly,
			skipBad: options.skipBad,
			sampler,
			onProgress: options.onProgress,
		},
		sink,
	);

	const scale = sampler ? 1 / sampler.rate : 1;
	const distinct = sampler ? Math.round(read.distinct * scale) : read.distinct;
	const explicit = (options.frames ?? []).filter((f) => f <= MAX_FRAMES);
	// A sample cannot tell caches smaller than 1 / rate frames apart: its curve starts there.
	const smallest = sampler ? Math.ceil(1 / sampler.rate) : 1;
	const resolvable = (grid: number[]): number[] => grid.filter((f) => f >= smallest);
	const stackGrid = resolvable(
		union(
			curveGrid(distinct, 256, 16),
			explicit.filter((f) => f <= distinct),
		),
	);
	const everySize = read.kept * Math.max(1, read.distinct) <= EVERY_SIZE_WORK;
	// --frames picks the per-size runs' frame counts; by default every one when cheap, else a grid.
	const sizeGrid = resolvable(
		explicit.length > 0
			? union(
					[],
					explicit.map((f) => Math.min(f, Math.max(1, distinct))),
				)
			: everySize && !sampler
				? curveGrid(distinct, distinct, 1)
				: curveGrid(distinct, 16, 2),
	);
	// A stack curve in sampled units: a sampled distance d stands for d / rate pages.
	const atFrames = (faultsAt: (f: number[]) => number[], grid: number[]): number[] =>
		faultsAt(grid.map((f) => (sampler ? Math.floor(f * sampler.rate) : f))).map((x) => x * scale);

	const curves: Curve[] = [];
	const unavailable: {policy: string; reason: string}[] = [];
	const stored = store?.finish();
	const perSize: {policy: string; grid: number[]; jobs: SizeJob[]}[] = [];
	for (const policy of policies) {
		if (policy === 'lru') {
			const faults = atFrames((f) => lru!.faultsAt(f), stackGrid);
			curves.push({policy, method: 'stack', frames: stackGrid, faults, belady: []});
			continue;
		}
		if (!stored) {
			const why = overflowed
				? `the trace has more than ${storeLimit.toLocaleString('en-US')} references, the most its curve keeps in memory (8 bytes each); sample it with --sample RATE`
				: 'no trace stored';
			unavailable.push({policy, reason: why});
			continue;
		}
		if (needsFuture(createPolicy(policy))) {
			const limit = sampler ? Math.ceil(OPT_STACK_LIMIT * scale) : OPT_STACK_LIMIT;
			const opt = new OptStack(stored.distinct, OPT_STACK_LIMIT);
			opt.run(stored.ids, stored.nextUse, 0, stored.ids.length);
			const grid = stackGrid.filter((f) => f <= limit || stored.distinct <= OPT_STACK_LIMIT);
			const faults = atFrames((f) => opt.faultsAt(f), grid);
			curves.push({policy, method: 'stack', frames: grid, faults, belady: []});
			continue;
		}
		if (!policyInfo(policy)) continue;
		const jobs = sizeGrid.map((frames) => ({
			policy,
			frames: sampler ? Math.max(1, Math.round(frames * sampler.rate)) : frames,
		}));
		perSize.push({policy, grid: sizeGrid, jobs});
		curves.push({policy, method: 'per-size', frames: sizeGrid, faults: [], belady: []});
	}
	if (stored && perSize.length > 0) {
		const jobs = perSize.flatMap((p) => p.jobs);
		const faults = await runSizes({ids: stored.ids, distinct: stored.distinct, seed, jobs}, options.threads);
		let at = 0;
		for (const p of perSize) {
			const curve = curves.find((c) => c.policy === p.policy)!;
			curve.faults = faults.slice(at, at + p.jobs.length).map((x) => x * scale);
			at += p.jobs.length;
			curve.belady = beladyPoints(curve.frames, curve.faults);
		}
	}

	let sampling: Sampling | undefined;
	if (sampler) {
		let mean = 0;
		let max = 0;
		if (halves) {
			// Each half is a sample at half the rate: its miss ratio at f frames uses f × rate / 2.
			const grid = stackGrid;
			// Normalised as the whole sample is (by the real reference count: SHARDS-adj), so the halves
			// differ by as much as hot pages in or out of a sample move the estimate.
			const half = (s: LruStack): number[] =>
				s
					.faultsAt(grid.map((f) => Math.floor((f * sampler.rate) / 2)))
					.map((x) => x / (sampler.rate / 2) / Math.max(1, read.references));
			const a = half(halves[0]!);
			const b = half(halves[1]!);
			for (let i = 0; i < grid.length; i++) {
				const e = Math.abs(a[i]! - b[i]!) / 2;
				mean += e;
				max = Math.max(max, e);
			}
			mean /= Math.max(1, grid.length);
		}
		sampling = {
			rate: sampler.rate,
			sampledReferences: read.kept,
			sampledPages: read.distinct,
			error: {mean, max},
		};
	}

	return {
		file: input.name,
		format: read.format,
		references: read.references,
		distinct,
		curves,
		sampling,
		unavailable,
		skipped: read.skipped,
		firstSkipped: read.firstSkipped,
	};
}
