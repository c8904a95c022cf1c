// The trace lab's driver: one pass over an input feeds every (policy, frames) simulation at once,
// batch by batch, as dense page ids. Policies that need the future (opt) get the trace recorded
// during that pass (store.ts) and replay it afterwards with next-use indices; so do simulations with
// more frames than a streamed trace is known to have pages, which are then made just big enough.
import {UserError} from '../common/user-error.js';
import {createPolicy, policyInfo, policyNames} from '../sim/policies/index.js';
import {needsFuture} from '../sim/policies/opt.js';
import type {TraceInput} from './input.js';
import {PageIds} from './page-ids.js';
import type {TraceFormat} from './parse.js';
import {createSimulation, type Simulation, TraceSim} from './sim.js';
import {type IdSink, readTrace} from './source.js';
import {MAX_STORED, storeIds, TraceStore} from './store.js';

/** The largest frame count accepted (64 Mi frames = 256 GiB of 4 KiB pages). */
export const MAX_FRAMES = 1 << 26;
/** Simulations up to this many frames start at once; bigger ones wait to learn the distinct pages. */
export const STREAM_FRAMES = 1 << 16;

export interface TraceOptions {
	policies: readonly string[];
	frames: readonly number[];
	format: TraceFormat | 'auto';
	pageSize: number;
	dataOnly: boolean;
	skipBad: boolean;
	/** Seed for policies that draw random numbers (random). */
	seed?: number | undefined;
	/** References the store may hold (default MAX_STORED; tests make it small). */
	storeLimit?: number | undefined;
	/** Called after each raw chunk: raw bytes read so far, references parsed so far. */
	onProgress?: ((rawBytes: number, references: number) => void) | undefined;
}

export interface TraceResult {
	file: string;
	policy: string;
	frames: number;
	references: number;
	hits: number;
	faults: number;
}

export interface TraceReport {
	file: string;
	format: TraceFormat | 'binary';
	references: number;
	/** Distinct pages in the trace. */
	distinct: number;
	/** In the order of options.policies × options.frames, less the unavailable ones. */
	results: TraceResult[];
	/** Runs that could not be done, and why (opt on a trace longer than the store holds). */
	unavailable: {policy: string; frames: number; reason: string}[];
	/** Malformed lines skipped under skipBad, and the first one's message. */
	skipped: number;
	firstSkipped: string | undefined;
}

/** Split comma lists and check every name against the registry. */
export function parsePolicies(values: readonly string[]): string[] {
	const names = splitList(values);
	if (names.length === 0) throw new UserError(`no policy given (accepted: ${acceptedPolicies()})`);
	for (const name of names) {
		if (!policyInfo(name)) throw new UserError(`unknown policy '${name}' (accepted: ${acceptedPolicies()})`);
	}
	return [...new Set(names)];
}

/** Split comma lists into whole frame counts, ascending, without repeats. */
export function parseFrames(values: readonly string[]): number[] {
	const items = splitList(values);
	if (items.length === 0)
		throw new UserError(`no frame count given (accepted: whole numbers 1 to ${MAX_FRAMES})`);
	const counts = items.map((item) => {
		const n = /^\d+$/.test(item) ? Number(item) : Number.NaN;
		if (!Number.isSafeInteger(n) || n < 1 || n > MAX_FRAMES) {
			throw new UserError(`invalid frame count '${item}' (accepted: whole numbers 1 to ${MAX_FRAMES})`);
		}
		return n;
	});
	return [...new Set(counts)].sort((a, b) => a - b);
}

export function parseFormat(value: string): TraceFormat | 'auto' {
	const formats = ['pages', 'addresses', 'lackey'];
	if (value === 'auto' || formats.includes(value)) return value as TraceFormat | 'auto';
	throw new UserError(`unknown trace format '${value}' (accepted: auto, ${formats.join(', ')})`);
}

function acceptedPolicies(): string {
	return policyNames({includeTraceOnly: true}).join(', ');
}

function splitList(values: readonly string[]): string[] {
	return values
		.flatMap((v) => v.split(','))
		.map((v) => v.trim())
		.filter((v) => v.length > 0);
}

export function checkRunOptions(options: {policies: readonly string[]; frames: readonly number[]}): void {
	for (const name of options.policies) {
		if (!policyInfo(name)) throw new UserError(`unknown policy '${name}' (accepted: ${acceptedPolicies()})`);
	}
	for (const n of options.frames) {
		if (!Number.isSafeInteger(n) || n < 1 || n > MAX_FRAMES) {
			throw new UserError(`invalid frame count '${n}' (accepted: whole numbers 1 to ${MAX_FRAMES})`);
		}
	}
}

interface Run {
	policy: string;
	frames: number;
	/** Needs next-use information (opt). */
	future: boolean;
	sim?: Simulation | undefined;
	/** Why it could not run. */
	unavailable?: string | undefined;
}

export async function runTrace(input: TraceInput, options: TraceOptions): Promise<TraceReport> {
	checkRunOptions(options);
	const seed = options.seed ?? 1;
	const storeLimit = options.storeLimit ?? MAX_STORED;
	const runs: Run[] = [];
	for (const name of options.policies) {
		const future = needsFuture(createPolicy(name));
		for (const frames of options.frames) runs.push({policy: name, frames, future});
	}
	const make = (run: Run, capacity: number): Simulation =>
		createSimulation(run.policy, run.frames, capacity, seed);

	// Streaming simulations run during the pass; deferred ones (opt; too many frames to allocate
	// before the distinct pages are known) replay the store afterwards.
	let streaming: Simulation[] = [];
	let store: TraceStore | undefined;
	let distinct = 0;
	let stored = 0;
	const onStart = (known: number | undefined): void => {
		for (const run of runs) {
			if (run.future) continue;
			if (known !== undefined) run.sim = make(run, known);
			else if (run.frames <= STREAM_FRAMES) run.sim = make(run, run.frames);
		}
		streaming = runs.filter((r) => r.sim).map((r) => r.sim!);
		if (runs.some((r) => !r.sim)) store = new TraceStore(storeLimit);
	};
	const feed = (sims: readonly Simulation[], ids: Int32Array, n: number, d: number): void => {
		for (const sim of sims) {
			sim.reserve(d);
			sim.run(ids, 0, n);
		}
	};
	const sink: IdSink = (ids, n, d) => {
		distinct = d;
		if (store && store.length + n > storeLimit) {
			// Too long to keep: the deferred simulations that can stream start now, at full size, with
			// the stored part replayed; opt cannot run.
			const late: Simulation[] = [];
			for (const run of runs) {
				if (run.sim) continue;
				if (run.future) {
					run.unavailable = `the trace has more than ${storeLimit.toLocaleString('en-US')} references, the most ${run.policy} keeps in memory (8 bytes each)`;
					continue;
				}
				run.sim = make(run, run.frames);
				late.push(run.sim);
			}
			store.replay(0, store.length, (chunk, k) => feed(late, chunk, k, distinct));
			streaming = [...streaming, ...late];
			store = undefined;
		}
		feed(streaming, ids, n, d);
		if (store) {
			store.append(ids, n, d);
			stored += n;
		}
	};

	const read = await readTrace(
		input,
		{
			format: options.format,
			pageSize: options.pageSize,
			dataOnly: options.dataOnly,
			skipBad: options.skipBad,
			onProgress: options.onProgress,
			onStart,
		},
		sink,
	);
	distinct = read.distinct;

	if (store) {
		const trace = store.finish();
		for (const run of runs) {
			if (run.sim || run.unavailable) continue;
			if (run.future) {
				const sim = new TraceSim(createPolicy(run.policy, {seed}), run.frames, distinct);
				sim.reserve(distinct);
				sim.runWithFuture(trace.ids, trace.nextUse, 0, stored);
				run.sim = sim;
			} else {
				run.sim = make(run, distinct);
				run.sim.reserve(distinct);
				run.sim.run(trace.ids, 0, stored);
			}
		}
	}

	return {
		file: input.name,
		format: read.format,
		references: read.references,
		distinct,
		results: runs
			.filter((r) => r.sim)
			.map((r) => ({
				file: input.name,
				policy: r.policy,
				frames: r.frames,
				references: r.sim!.references,
				hits: r.sim!.hits,
				faults: r.sim!.faults,
			})),
		unavailable: runs
			.filter((r) => r.unavailable)
			.map((r) => ({policy: r.policy, frames: r.frames, reason: r.unavailable!})),
		skipped: read.skipped,
		firstSkipped: read.firstSkipped,
	};
}

/** Run a trace held in memory (tests, small tools). */
export function runTraceText(
	text: string | Uint8Array,
	options: TraceOptions,
	name = 'trace',
): Promise<TraceReport> {
	const bytes = typeof text === 'string' ? Buffer.from(text) : text;
	return runTrace({name, chunks: [bytes], size: bytes.length}, options);
}

/** Page numbers held in memory as dense ids (tests, small tools). */
export function pageIdsOf(pages: ArrayLike<number>): {ids: Int32Array; distinct: number} {
	const map = new PageIds();
	const ids = new Int32Array(pages.length);
	map.map(Float64Array.from(pages), pages.length, ids);
	return {ids, distinct: map.distinct};
}

/** Replay page numbers held in memory through one policy, synchronously (tests, small tools). */
export function simulatePages(
	policy: string,
	pages: ArrayLike<number>,
	frames: number,
	seed = 1,
): {references: number; hits: number; faults: number} {
	const {ids, distinct} = pageIdsOf(pages);
	let sim: Simulation;
	if (needsFuture(createPolicy(policy))) {
		const trace = storeIds(ids, distinct);
		const opt = new TraceSim(createPolicy(policy, {seed}), frames, distinct);
		opt.reserve(distinct);
		opt.runWithFuture(trace.ids, trace.nextUse, 0, ids.length);
		sim = opt;
	} else {
		sim = createSimulation(policy, frames, distinct, seed);
		sim.reserve(distinct);
		sim.run(ids, 0, ids.length);
	}
	return {references: sim.references, hits: sim.hits, faults: sim.faults};
}
