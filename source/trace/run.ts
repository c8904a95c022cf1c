// The trace lab's driver: one pass over an input feeds every (policy, frames) simulation at once,
// batch by batch. Policies that need the future (opt) instead get the trace recorded during that
// pass and replay it afterwards with next-use indices.
import {UserError} from '../common/user-error.js';
import {createPolicy, policyInfo, policyNames} from '../sim/policies/index.js';
import {needsFuture} from '../sim/policies/opt.js';
import {decodedChunks, type TraceInput} from './input.js';
import {detectFormat, type ParserOptions, TRACE_FORMATS, type TraceFormat, TraceParser} from './parse.js';
import {TraceSim} from './sim.js';
import {TraceStore} from './store.js';

/** The largest frame count accepted (64 Mi frames = 256 GiB of 4 KiB pages). */
export const MAX_FRAMES = 1 << 26;

export interface TraceOptions {
	policies: readonly string[];
	frames: readonly number[];
	format: TraceFormat | 'auto';
	pageSize: number;
	dataOnly: boolean;
	skipBad: boolean;
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
	format: TraceFormat;
	references: number;
	/** In the order of options.policies × options.frames. */
	results: TraceResult[];
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
	if (value === 'auto' || (TRACE_FORMATS as readonly string[]).includes(value))
		return value as TraceFormat | 'auto';
	throw new UserError(`unknown trace format '${value}' (accepted: auto, ${TRACE_FORMATS.join(', ')})`);
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

/** Auto-detection looks at this much of the (decompressed) start of the input. */
const DETECT_BYTES = 1 << 14;

export async function runTrace(input: TraceInput, options: TraceOptions): Promise<TraceReport> {
	for (const name of options.policies) {
		if (!policyInfo(name)) throw new UserError(`unknown policy '${name}' (accepted: ${acceptedPolicies()})`);
	}
	for (const n of options.frames) {
		if (!Number.isSafeInteger(n) || n < 1 || n > MAX_FRAMES) {
			throw new UserError(`invalid frame count '${n}' (accepted: whole numbers 1 to ${MAX_FRAMES})`);
		}
	}

	// One simulation per (policy, frames); streaming ones run during the pass, the others after it.
	const sims: TraceSim[] = [];
	const simPolicy: string[] = [];
	const streaming: TraceSim[] = [];
	const future: TraceSim[] = [];
	for (const name of options.policies) {
		for (const frames of options.frames) {
			const sim = new TraceSim(createPolicy(name), frames);
			sims.push(sim);
			simPolicy.push(name);
			(needsFuture(sim.policy) ? future : streaming).push(sim);
		}
	}
	const store = future.length > 0 ? new TraceStore() : undefined;

	const sink = (refs: Float64Array, n: number): void => {
		for (const sim of streaming) sim.run(refs, n);
		store?.append(refs, n);
	};

	let parser: TraceParser | undefined;
	let format: TraceFormat | undefined = options.format === 'auto' ? undefined : options.format;
	const makeParser = (fmt: TraceFormat): TraceParser => {
		const popts: ParserOptions = {
			name: input.name,
			format: fmt,
			pageSize: options.pageSize,
			dataOnly: options.dataOnly,
			skipBad: options.skipBad,
		};
		return new TraceParser(popts, sink);
	};
	if (format) parser = makeParser(format);

	let raw = 0;
	const onRaw = (bytes: number): void => {
		raw += bytes;
	};
	// Until the format is known, hold the first bytes back.
	let head: Uint8Array[] = [];
	let headBytes = 0;
	const startParser = (): TraceParser => {
		const all = Buffer.concat(head);
		format = detectFormat(all);
		const p = makeParser(format);
		head = [];
		p.push(all);
		return p;
	};
	for await (const chunk of decodedChunks(input, onRaw)) {
		if (parser) {
			parser.push(chunk);
		} else {
			head.push(chunk);
			headBytes += chunk.length;
			if (headBytes >= DETECT_BYTES) parser = startParser();
		}
		options.onProgress?.(raw, parser?.references ?? 0);
	}
	parser ??= startParser();
	parser.end();
	options.onProgress?.(raw, parser.references);

	if (store) {
		const {ids, nextUse} = store.finish();
		for (const sim of future) sim.runWithFuture(ids, nextUse, store.length);
	}

	return {
		file: input.name,
		format: format ?? 'pages',
		references: parser.references,
		results: sims.map((sim, i) => ({
			file: input.name,
			policy: simPolicy[i]!,
			frames: sim.frameCount,
			references: sim.references,
			hits: sim.hits,
			faults: sim.faults,
		})),
		skipped: parser.badLines,
		firstSkipped: parser.firstBad,
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

/** Replay page numbers held in memory through one policy, synchronously (tests, small tools). */
export function simulatePages(
	policy: string,
	pages: ArrayLike<number>,
	frames: number,
): {references: number; hits: number; faults: number} {
	const sim = new TraceSim(createPolicy(policy), frames);
	const refs = Float64Array.from(pages);
	if (needsFuture(sim.policy)) {
		const store = new TraceStore();
		store.append(refs, refs.length);
		const {ids, nextUse} = store.finish();
		sim.runWithFuture(ids, nextUse, store.length);
	} else {
		sim.run(refs, refs.length);
	}
	return {references: sim.references, hits: sim.hits, faults: sim.faults};
}
