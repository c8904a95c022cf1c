// Trace lab throughput, side by side in one run, on a 10-million-reference trace (a zipf-like hot set
// plus sequential scans; 1.1 million distinct pages) with 65,536 frames: memtop's lru from the text
// trace and from its binary form (reading and parsing included, through the same openTraceInput +
// runTrace path as `memtop trace`), against a straightforward JavaScript LRU (readFileSync + split +
// Map + typed-array recency list); and lru's whole miss-ratio curve (`--curve`, stack distances)
// against one lru run. Fault counts must be identical. SHARDS at 1% is compared with the exact curve.
// Runs are interleaved (A B C ..., A B C ...) so a noisy neighbour hits all of them alike.
// Run: npm run bench -- trace
import {closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {Rng} from '../source/sim/rng.js';
import {convertTrace} from '../source/trace/convert.js';
import {runCurve} from '../source/trace/curve.js';
import {openTraceInput} from '../source/trace/input.js';
import {runTrace} from '../source/trace/run.js';

const REFERENCES = 10_000_000;
const FRAMES = 65_536;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SEED = 20_260_101;
/** Distinct pages in the hot set (log-uniform ranks: a zipf-ish popularity curve). */
const HOT_PAGES = 20_000;

/** Write the trace once per machine (deterministic), as decimal page numbers one per line. */
export function makeTrace(path: string, references = REFERENCES): void {
	if (existsSync(path) && statSync(path).size > 0) return;
	const rng = new Rng(SEED);
	const tmp = `${path}.${process.pid}.tmp`;
	const fd = openSync(tmp, 'w');
	const buf = Buffer.alloc(1 << 20);
	let pos = 0;
	let scanLeft = 0;
	let scanPage = 0;
	const lnHot = Math.log(HOT_PAGES);
	for (let i = 0; i < references; i++) {
		let page: number;
		if (scanLeft === 0 && rng.next() < 0.00001) {
			// A sequential scan through cold pages (a file read, a GC sweep...).
			scanLeft = 2000 + rng.below(30_000);
			scanPage = 1_000_000 + rng.below(4_000_000);
		}
		if (scanLeft > 0 && rng.next() < 0.7) {
			page = scanPage++;
			scanLeft--;
		} else {
			// Rank r with probability ~ 1/r, scattered so hot pages are not neighbours.
			const rank = Math.floor(Math.exp(rng.next() * lnHot)) - 1;
			page = (rank * 7919) % 999_983;
		}
		if (pos > buf.length - 24) {
			writeSync(fd, buf, 0, pos);
			pos = 0;
		}
		pos += buf.write(String(page), pos, 'latin1');
		buf[pos++] = 10;
	}
	writeSync(fd, buf, 0, pos);
	closeSync(fd);
	renameSync(tmp, path);
}

interface Counts {
	references: number;
	hits: number;
	faults: number;
}

const options = {format: 'auto', pageSize: 4096, dataOnly: false, skipBad: false} as const;

async function memtop(path: string, policy: string): Promise<Counts> {
	const report = await runTrace(await openTraceInput(path, process.stdin), {
		...options,
		policies: [policy],
		frames: [FRAMES],
	});
	const r = report.results[0]!;
	return {references: r.references, hits: r.hits, faults: r.faults};
}

/** lru's curve for every frame count; the counts reported are those at FRAMES. */
async function curve(path: string, sample?: number): Promise<Counts & {frames: number[]; all: number[]}> {
	const report = await runCurve(await openTraceInput(path, process.stdin), {
		...options,
		policies: ['lru'],
		frames: [FRAMES],
		sample,
	});
	const c = report.curves[0]!;
	const faults = Math.round(c.faults[c.frames.indexOf(FRAMES)]!);
	return {
		references: report.references,
		hits: report.references - faults,
		faults,
		frames: c.frames,
		all: c.faults,
	};
}

/** What one would write first: read it all, split lines, Map page → slot, linked list for recency. */
function baselineLru(path: string, frames: number): Counts {
	const lines = readFileSync(path, 'latin1').split('\n');
	const slotOf = new Map<number, number>();
	const pageOf = new Float64Array(frames);
	const prev = new Int32Array(frames).fill(-1);
	const next = new Int32Array(frames).fill(-1);
	let head = -1;
	let tail = -1;
	let used = 0;
	let references = 0;
	let hits = 0;
	let faults = 0;
	for (const line of lines) {
		if (line.length === 0) continue;
		const page = Number(line);
		references++;
		let s = slotOf.get(page);
		if (s !== undefined) {
			hits++;
			if (s === head) continue;
			// unlink, then push at the head
			const p = prev[s]!;
			const n = next[s]!;
			next[p] = n;
			if (n >= 0) prev[n] = p;
			else tail = p;
		} else {
			faults++;
			if (used < frames) {
				s = used++;
			} else {
				s = tail;
				tail = prev[s]!;
				if (tail >= 0) next[tail] = -1;
				else head = -1;
				slotOf.delete(pageOf[s]!);
			}
			pageOf[s] = page;
			slotOf.set(page, s);
			if (tail < 0) tail = s;
		}
		prev[s] = -1;
		next[s] = head;
		if (head >= 0) prev[head] = s;
		head = s;
	}
	return {references, hits, faults};
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface Row {
	name: string;
	run: () => Promise<Counts> | Counts;
	seconds: number[];
	counts?: Counts;
}

export async function main(): Promise<void> {
	const path = join(tmpdir(), `memtop-bench-trace-${REFERENCES}-${SEED}.txt`);
	const bin = `${path}.mtrace`;
	const t0 = Date.now();
	makeTrace(path);
	if (!existsSync(bin)) await convertTrace(await openTraceInput(path, process.stdin), bin, options);
	const mb = statSync(path).size / 1e6;
	console.log(
		`trace lab bench: ${path} (${mb.toFixed(0)} MB text, ${(statSync(bin).size / 1e6).toFixed(0)} MB binary, ${REFERENCES.toLocaleString('en-US')} references)`,
	);
	console.log(
		`  traces ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${FRAMES.toLocaleString('en-US')} frames; median of ${RUNS} interleaved runs`,
	);

	const rows: Row[] = [
		{name: 'baseline lru, text', run: () => baselineLru(path, FRAMES), seconds: []},
		{name: 'memtop lru, text', run: () => memtop(path, 'lru'), seconds: []},
		{name: 'memtop lru, binary', run: () => memtop(bin, 'lru'), seconds: []},
		{name: 'lru curve, text', run: () => curve(path), seconds: []},
		{name: 'lru curve, binary', run: () => curve(bin), seconds: []},
	];
	for (let i = 0; i < RUNS; i++) {
		for (const row of rows) {
			// Each run starts with a clean heap, so none pays for the one before (the baseline's strings).
			(globalThis as {gc?: () => void}).gc?.();
			const start = process.hrtime.bigint();
			row.counts = await row.run();
			row.seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
		}
	}
	for (const r of rows) {
		const s = median(r.seconds);
		console.log(
			`  ${r.name.padEnd(20)} ${s.toFixed(3)} s  ${(r.counts!.references / s / 1e6).toFixed(1).padStart(6)} M refs/s  faults ${r.counts!.faults.toLocaleString('en-US')}`,
		);
	}
	const faults = new Set(rows.map((r) => `${r.counts!.faults}/${r.counts!.references}`));
	if (faults.size !== 1)
		throw new Error(`fault counts differ: ${rows.map((r) => `${r.name} ${r.counts!.faults}`).join(', ')}`);
	const t = (name: string): number => median(rows.find((r) => r.name === name)!.seconds);
	const rate = REFERENCES / t('memtop lru, binary') / 1e6;
	console.log(`  fault counts identical (${rows[0]!.counts!.faults.toLocaleString('en-US')})`);
	console.log(
		`  memtop lru from text: ${(t('baseline lru, text') / t('memtop lru, text')).toFixed(2)}x the baseline (target >= 3x)`,
	);
	console.log(
		`  memtop lru from binary: ${rate.toFixed(1)} M refs/s (target >= 30), ${(t('baseline lru, text') / t('memtop lru, binary')).toFixed(2)}x the baseline`,
	);
	console.log(
		`  lru curve, every frame count: ${(t('lru curve, binary') / t('memtop lru, binary')).toFixed(2)}x one lru run from binary, ${(t('lru curve, text') / t('memtop lru, text')).toFixed(2)}x from text (target < 2x)`,
	);

	// SHARDS at 1%: how close the sampled curve comes to the exact one.
	const exact = await curve(bin);
	const t1 = process.hrtime.bigint();
	const sampled = await curve(bin, 0.01);
	const st = Number(process.hrtime.bigint() - t1) / 1e9;
	let sum = 0;
	let max = 0;
	let n = 0;
	for (let i = 0; i < exact.frames.length; i++) {
		const j = sampled.frames.indexOf(exact.frames[i]!);
		if (j < 0) continue;
		const e = Math.abs(exact.all[i]! - sampled.all[j]!) / REFERENCES;
		sum += e;
		max = Math.max(max, e);
		n++;
	}
	console.log(
		`  SHARDS at rate 0.01: ${st.toFixed(3)} s; miss ratio off by ${(100 * (sum / Math.max(1, n))).toFixed(3)}% on average, ${(100 * max).toFixed(3)}% at worst over ${n} frame counts`,
	);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().catch((err: unknown) => {
		console.error(err);
		process.exitCode = 1;
	});
}
