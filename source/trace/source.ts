// Reading a trace into dense page ids, whatever its form: text (pages, addresses, lackey; plain or
// gzip, streamed) through the parser and one shared page → id table, or a binary trace (binary.ts),
// read whole and handed over as views into the file. Either way the consumer sees batches of ids
// and, with each batch, how many distinct pages there are so far (for a binary trace: all of them
// from the first batch on). An optional spatial sampler (shards.ts) keeps only the references to a
// hashed subset of pages, before they get ids.
import {readFileSync} from 'node:fs';
import {open} from 'node:fs/promises';
import {type BinaryTrace, binaryLength, checkIds, HEADER_BYTES, isBinaryTrace, readBinary} from './binary.js';
import {decodedChunks, fileError, type TraceInput} from './input.js';
import {PageIds} from './page-ids.js';
import {detectFormat, type ParserOptions, type TraceFormat, TraceParser} from './parse.js';
import type {SpatialSampler} from './shards.js';

export interface ReadOptions {
	format: TraceFormat | 'auto';
	pageSize: number;
	dataOnly: boolean;
	skipBad: boolean;
	/** Keep only the references to sampled pages (SHARDS). */
	sampler?: SpatialSampler | undefined;
	/** Called after each chunk: raw bytes read so far, references read so far. */
	onProgress?: ((rawBytes: number, references: number) => void) | undefined;
	/** Called once before the first batch: the trace's distinct pages when known up front (binary). */
	onStart?: ((distinct: number | undefined) => void) | undefined;
}

export interface ReadResult {
	format: TraceFormat | 'binary';
	/** References in the input. */
	references: number;
	/** References handed to the sink (all of them unless sampled). */
	kept: number;
	/** Distinct pages handed to the sink: ids are 0 .. distinct - 1. */
	distinct: number;
	/** id → page number (at least `distinct` long). */
	pages: Float64Array;
	/** The page size page numbers were computed with (0: the trace listed page numbers). */
	pageSize: number;
	/** Malformed lines skipped under skipBad, and the first one's message. */
	skipped: number;
	firstSkipped: string | undefined;
}

/** Receives ids; `ids` may be reused after the call returns. `distinct`: pages so far (or all). */
export type IdSink = (ids: Int32Array, n: number, distinct: number) => void;

export const BATCH = 1 << 15;
/** Auto-detection looks at this much of the (decompressed) start of the input. */
const DETECT_BYTES = 1 << 14;

export async function readTrace(input: TraceInput, options: ReadOptions, sink: IdSink): Promise<ReadResult> {
	if (input.path && (await startsBinary(input.path))) {
		let bytes: Uint8Array;
		try {
			bytes = readFileSync(input.path);
		} catch (err) {
			throw fileError(input.name, err);
		}
		options.onProgress?.(bytes.length, 0);
		const trace = readBinary(input.name, bytes, true);
		options.onStart?.(options.sampler ? undefined : trace.distinct);
		return deliverBinary(input.name, trace, options, sink);
	}

	const pageIds = new PageIds(input.name);
	const idBatch = new Int32Array(BATCH);
	const sampler = options.sampler;
	const kept = sampler ? new Float64Array(BATCH) : undefined;
	let keptRefs = 0;
	const pageSink = (refs: Float64Array, n: number): void => {
		if (sampler && kept) {
			let k = 0;
			for (let i = 0; i < n; i++) {
				const page = refs[i]!;
				if (sampler.keep(page)) kept[k++] = page;
			}
			refs = kept;
			n = k;
		}
		if (n === 0) return;
		pageIds.map(refs, n, idBatch);
		keptRefs += n;
		sink(idBatch, n, pageIds.distinct);
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
		return new TraceParser(popts, pageSink, BATCH);
	};

	let raw = 0;
	const onRaw = (bytes: number): void => {
		raw += bytes;
	};
	// Until the format is known, hold the first bytes back; a binary trace that came compressed or
	// on standard input is gathered whole (up to the length its header gives).
	let head: Uint8Array[] = [];
	let headBytes = 0;
	let binary: Uint8Array[] | undefined;
	let binaryBytes = 0;
	let binaryWant = Number.POSITIVE_INFINITY;
	const startParser = (): TraceParser => {
		const all = Buffer.concat(head);
		format ??= detectFormat(all);
		options.onStart?.(undefined);
		const p = makeParser(format);
		head = [];
		p.push(all);
		return p;
	};
	for await (const chunk of decodedChunks(input, onRaw)) {
		if (binary) {
			binary.push(chunk);
			binaryBytes += chunk.length;
			if (binaryBytes > binaryWant) break;
		} else if (parser) {
			parser.push(chunk);
		} else {
			head.push(chunk);
			headBytes += chunk.length;
			if (headBytes >= HEADER_BYTES && isBinaryTrace(Buffer.concat(head))) {
				binary = head;
				binaryBytes = headBytes;
				binaryWant = expectedBinaryLength(Buffer.concat(head));
				head = [];
				if (binaryBytes > binaryWant) break;
			} else if (headBytes >= DETECT_BYTES) parser = startParser();
		}
		options.onProgress?.(raw, parser?.references ?? 0);
	}
	if (!binary && !parser && headBytes > 0 && isBinaryTrace(Buffer.concat(head))) binary = head;
	if (binary) {
		// (Shorter than a header, or not its length: readBinary says so in one line.)
		const trace = readBinary(input.name, Buffer.concat(binary), true);
		options.onStart?.(options.sampler ? undefined : trace.distinct);
		return deliverBinary(input.name, trace, options, sink);
	}
	parser ??= startParser();
	parser.end();
	options.onProgress?.(raw, parser.references);
	return {
		format: format ?? 'pages',
		references: parser.references,
		kept: keptRefs,
		distinct: pageIds.distinct,
		pages: pageIds.pages,
		pageSize: format === 'pages' || format === undefined ? 0 : options.pageSize,
		skipped: parser.badLines,
		firstSkipped: parser.firstBad,
	};
}

async function startsBinary(path: string): Promise<boolean> {
	let fh: Awaited<ReturnType<typeof open>> | undefined;
	try {
		fh = await open(path, 'r');
		const head = new Uint8Array(8);
		const {bytesRead} = await fh.read(head, 0, 8, 0);
		return bytesRead === 8 && isBinaryTrace(head);
	} catch (err) {
		throw fileError(path, err);
	} finally {
		await fh?.close();
	}
}

/** The length a binary header announces, to stop reading a stream that goes on past it. */
function expectedBinaryLength(head: Uint8Array): number {
	const view = new DataView(head.buffer, head.byteOffset, HEADER_BYTES);
	const width = view.getUint32(12, true);
	const n = binaryLength(view.getFloat64(16, true), view.getFloat64(24, true), width);
	return Number.isFinite(n) ? n : Number.POSITIVE_INFINITY;
}

/** The ids in batches of BATCH, each checked (checkIds) just before the sink reads it. */
function deliverBinary(name: string, trace: BinaryTrace, options: ReadOptions, sink: IdSink): ReadResult {
	const {ids, references} = trace;
	const sampler = options.sampler;
	if (sampler) {
		checkIds(name, ids, 0, references, trace.distinct);
		return deliverSampled(trace, sampler, sink);
	}
	const batch = ids instanceof Int32Array ? undefined : new Int32Array(BATCH);
	for (let at = 0; at < references; at += BATCH) {
		const end = Math.min(references, at + BATCH);
		checkIds(name, ids, at, end, trace.distinct);
		if (batch) {
			for (let i = at; i < end; i++) batch[i - at] = ids[i]!;
			sink(batch, end - at, trace.distinct);
		} else {
			sink((ids as Int32Array).subarray(at, end), end - at, trace.distinct);
		}
	}
	return {
		format: 'binary',
		references,
		kept: references,
		distinct: trace.distinct,
		pages: trace.pages,
		pageSize: trace.pageSize,
		skipped: 0,
		firstSkipped: undefined,
	};
}

/** A binary trace through the sampler: sampled pages get new dense ids in order of first use. */
function deliverSampled(trace: BinaryTrace, sampler: SpatialSampler, sink: IdSink): ReadResult {
	const {ids, pages, references} = trace;
	// -1: not sampled; -2: sampled, no new id yet.
	const remap = new Int32Array(trace.distinct);
	for (let id = 0; id < trace.distinct; id++) remap[id] = sampler.keep(pages[id]!) ? -2 : -1;
	const keptPages = new Float64Array(Math.max(1, trace.distinct));
	let distinct = 0;
	let kept = 0;
	const batch = new Int32Array(BATCH);
	let n = 0;
	for (let i = 0; i < references; i++) {
		const id = ids[i]!;
		let to = remap[id]!;
		if (to === -1) continue;
		if (to === -2) {
			to = distinct++;
			remap[id] = to;
			keptPages[to] = pages[id]!;
		}
		batch[n++] = to;
		if (n === BATCH) {
			sink(batch, n, distinct);
			kept += n;
			n = 0;
		}
	}
	if (n > 0) {
		sink(batch, n, distinct);
		kept += n;
	}
	return {
		format: 'binary',
		references,
		kept,
		distinct,
		pages: keptPages,
		pageSize: trace.pageSize,
		skipped: 0,
		firstSkipped: undefined,
	};
}

/** A sink that collects everything (tests, conversion of small traces). */
export function collectIds(): {sink: IdSink; ids: () => Int32Array} {
	let buf = new Int32Array(1 << 12);
	let len = 0;
	return {
		sink: (ids, n) => {
			if (len + n > buf.length) {
				let cap = buf.length * 2;
				while (cap < len + n) cap *= 2;
				const grown = new Int32Array(cap);
				grown.set(buf.subarray(0, len));
				buf = grown;
			}
			buf.set(ids.subarray(0, n), len);
			len += n;
		},
		ids: () => buf.slice(0, len),
	};
}
