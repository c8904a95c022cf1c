// Trace lab throughput: memtop's lru and clock (reading and parsing included, through the same
// openTraceInput + runTrace path as `memtop trace`) against a straightforward JavaScript LRU
// (readFileSync + split + Map + typed-array recency list) on a 10-million-reference trace.
// Run: npx tsx bench/trace.ts
import {closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {Rng} from '../source/sim/rng.js';
import {openTraceInput} from '../source/trace/input.js';
import {runTrace} from '../source/trace/run.js';

const REFERENCES = 10_000_000;
const FRAMES = 4096;
const RUNS = 5;
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

async function memtop(path: string, policy: string): Promise<Counts> {
	const input = await openTraceInput(path, process.stdin);
	const report = await runTrace(input, {
		policies: [policy],
		frames: [FRAMES],
		format: 'auto',
		pageSize: 4096,
		dataOnly: false,
		skipBad: false,
	});
	const r = report.results[0]!;
	return {references: r.references, hits: r.hits, faults: r.faults};
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

async function timed(fn: () => Promise<Counts> | Counts): Promise<{seconds: number[]; counts: Counts}> {
	const seconds: number[] = [];
	let counts: Counts | undefined;
	for (let i = 0; i < RUNS; i++) {
		const t0 = process.hrtime.bigint();
		counts = await fn();
		seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
	}
	return {seconds, counts: counts!};
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function main(): Promise<void> {
	const path = join(tmpdir(), `memtop-bench-trace-${REFERENCES}-${SEED}.txt`);
	const t0 = Date.now();
	makeTrace(path);
	const mb = statSync(path).size / 1e6;
	console.log(
		`trace lab bench: ${path} (${mb.toFixed(0)} MB, ${REFERENCES.toLocaleString('en-US')} references)`,
	);
	console.log(
		`  trace ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${FRAMES} frames, median of ${RUNS} runs`,
	);

	const rows: [string, {seconds: number[]; counts: Counts}][] = [
		['memtop lru', await timed(() => memtop(path, 'lru'))],
		['memtop clock', await timed(() => memtop(path, 'clock'))],
		['baseline lru', await timed(() => baselineLru(path, FRAMES))],
	];
	for (const [name, r] of rows) {
		const s = median(r.seconds);
		const rate = r.counts.references / s;
		console.log(
			`  ${name.padEnd(13)} ${s.toFixed(3)} s  ${(rate / 1e6).toFixed(1).padStart(6)} M refs/s  faults ${r.counts.faults.toLocaleString('en-US')}`,
		);
	}
	const lru = rows[0]![1];
	const base = rows[2]![1];
	if (lru.counts.faults !== base.counts.faults || lru.counts.references !== base.counts.references) {
		throw new Error(
			`memtop lru and the baseline disagree: ${lru.counts.faults} vs ${base.counts.faults} faults, ${lru.counts.references} vs ${base.counts.references} references`,
		);
	}
	const ratio = median(base.seconds) / median(lru.seconds);
	console.log(
		`  memtop lru is ${ratio.toFixed(2)}x the baseline's speed (target ≥ 3x); fault counts identical`,
	);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().catch((err: unknown) => {
		console.error(err);
		process.exitCode = 1;
	});
}
