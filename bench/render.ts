// Dashboard render cost: the real <App> over a 500-process snapshot in a 120×40 fake terminal,
// with about 10 % of the rows changing between frames (as a live run at 10 Hz does). Reports the
// median per frame of: CPU time (React + Yoga + Ink's output + the write), wall time from the
// publish to the frame being written, and Ink's own renderTime (its output stage only).
// Run: npx tsx bench/render.ts            Target: 10 ms per frame or less (BENCH_INK_PLAIN=1: without
// view/ink-line-cache.ts, Ink as it comes, for the side-by-side figure).
import {EventEmitter} from 'node:events';
import {performance} from 'node:perf_hooks';
import {pathToFileURL} from 'node:url';
import {HistoryTracker} from '../source/session/history.js';
import type {HistorySample, LoggedEvent, Session, SessionStatus} from '../source/session/types.js';
import type {Command} from '../source/sim/commands.js';
import type {ProcessSnapshot, Snapshot} from '../source/sim/snapshot-types.js';
import {buildSnapshot, manyProcesses, oomKillEvent} from '../test/helpers/snapshot-fixture.js';

const COLUMNS = 120;
const ROWS = 40;
const PROCESSES = 500;
const WARMUP = 10;
const FRAMES = 60;
/** Time between publishes: a 10 Hz session leaves about this much. */
const GAP_MS = 40;

class BenchStdout extends EventEmitter {
	readonly isTTY = true;
	readonly columns = COLUMNS;
	readonly rows = ROWS;
	bytes = 0;
	lastWriteAt = 0;
	write = (data: string): boolean => {
		this.bytes += data.length;
		this.lastWriteAt = performance.now();
		return true;
	};
}

class BenchStdin extends EventEmitter {
	readonly isTTY = true;
	read(): null {
		return null;
	}
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

/** A session whose snapshots are prepared in advance, so only the view's work is measured. */
class BenchSession implements Session {
	readonly tracker = new HistoryTracker();
	snapshot: Snapshot;
	#listeners = new Set<() => void>();
	readonly status: SessionStatus = {
		mode: 'live',
		paused: false,
		speed: 1,
		workload: 'bench-500',
		seed: 1,
		policy: 'lru',
		recordingPath: null,
		replay: null,
	};
	constructor(first: Snapshot) {
		this.snapshot = first;
		this.tracker.ingest(first);
	}
	/** History bookkeeping happens before the clock starts: it is the session's cost, not the view's. */
	prepare(next: Snapshot): void {
		this.tracker.ingest(next);
		this.snapshot = next;
	}
	notify(): void {
		for (const l of this.#listeners) l();
	}
	getSnapshot = (): Snapshot => this.snapshot;
	getStatus = (): SessionStatus => this.status;
	getEventLog = (): readonly LoggedEvent[] => this.tracker.getEventLog();
	getHistory = (): readonly HistorySample[] => this.tracker.getHistory();
	getProcessHistory = (pid: number): readonly number[] => this.tracker.getProcessHistory(pid);
	subscribe = (l: () => void): (() => void) => {
		this.#listeners.add(l);
		return () => this.#listeners.delete(l);
	};
	send(_command: Command): void {}
	setPaused(): void {}
	step(): void {}
	setSpeed(): void {}
	async close(): Promise<void> {}
}

/** Frame `i`: the base processes with 50 of them (10 %) changed. */
function frameProcesses(base: readonly ProcessSnapshot[], i: number): ProcessSnapshot[] {
	const out = base.slice();
	for (let k = 0; k < PROCESSES / 10; k++) {
		const at = (i * 53 + k * 7) % out.length;
		const p = out[at]!;
		const grow = 16 * ((i + k) % 9);
		out[at] = {
			...p,
			anon: p.anon + grow,
			rss: p.rss + grow,
			minfltRate: p.minfltRate + i,
			stall: ((i + k) % 40) / 100,
		};
	}
	return out;
}

const median = (xs: number[]): number => {
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RenderBenchResult {
	/** Median CPU milliseconds per frame (the headline figure). */
	cpuMs: number;
	/** Median wall milliseconds from publish to the frame written. */
	wallMs: number;
	/** Median of Ink's onRender renderTime (output stage only). */
	inkRenderMs: number;
	frames: number;
	bytesPerFrame: number;
}

export async function main(): Promise<RenderBenchResult> {
	// A real terminal run has colours: chalk must emit ANSI so Ink's tokenizer does its real work.
	process.env.FORCE_COLOR ??= '3';
	// As the dashboard runs (runInteractive asks for it): React's development build costs about 2×.
	// Set before anything loads React, hence the dynamic imports below.
	process.env.NODE_ENV ??= 'production';
	const [{render}, {App, installInkLineCache}, {createElement}] = await Promise.all([
		import('ink'),
		import('../source/app.js'),
		import('react'),
	]);
	// As runInteractive does; BENCH_INK_PLAIN=1 measures Ink's output stage as it comes.
	const lineCache = process.env.BENCH_INK_PLAIN === '1' ? null : await installInkLineCache();

	const base = manyProcesses(PROCESSES);
	// Two minutes of history first, so graphs and sparklines have something to draw.
	const session = new BenchSession(buildSnapshot({time: 1, processes: base}));
	for (let t = 2; t <= 120; t++) {
		session.prepare(
			buildSnapshot({
				time: t,
				processes: frameProcesses(base, t),
				events: t === 60 ? [oomKillEvent(6000)] : [],
			}),
		);
	}

	const stdout = new BenchStdout();
	const renderTimes: number[] = [];
	const instance = render(createElement(App, {session}), {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: new BenchStdin() as unknown as NodeJS.ReadStream,
		exitOnCtrlC: false,
		patchConsole: false,
		// No frame-rate throttle: each publish must be drawn on its own to be measured.
		maxFps: 1000,
		onRender: ({renderTime}) => renderTimes.push(renderTime),
	});
	await sleep(GAP_MS * 2);

	const cpu: number[] = [];
	const wall: number[] = [];
	const ink: number[] = [];
	let bytes = 0;
	for (let i = 0; i < WARMUP + FRAMES; i++) {
		const t = 121 + i * 0.1;
		session.prepare(buildSnapshot({time: t, processes: frameProcesses(base, i + 121)}));
		const renders = renderTimes.length;
		const written = stdout.bytes;
		const c0 = process.cpuUsage();
		const t0 = performance.now();
		session.notify();
		await sleep(GAP_MS);
		const used = process.cpuUsage(c0);
		if (i < WARMUP) continue;
		if (renderTimes.length === renders || stdout.bytes === written)
			throw new Error(`frame ${i} was not drawn`);
		cpu.push((used.user + used.system) / 1000);
		wall.push(stdout.lastWriteAt - t0);
		ink.push(renderTimes.at(-1)!);
		bytes += stdout.bytes - written;
	}
	instance.unmount();
	instance.cleanup();

	const result: RenderBenchResult = {
		cpuMs: median(cpu),
		wallMs: median(wall),
		inkRenderMs: median(ink),
		frames: FRAMES,
		bytesPerFrame: Math.round(bytes / FRAMES),
	};
	console.log(
		`render ${PROCESSES} processes at ${COLUMNS}x${ROWS}: median ${result.wallMs.toFixed(2)} ms per frame ` +
			`[target ≤ 10 ms] (Ink output stage ${result.inkRenderMs.toFixed(2)} ms; process CPU ${result.cpuMs.toFixed(2)} ms, ` +
			`which counts V8's parallel GC threads too; ${result.bytesPerFrame} bytes/frame, ${FRAMES} frames; ` +
			(lineCache
				? `${((100 * lineCache.hits) / Math.max(1, lineCache.hits + lineCache.misses)).toFixed(0)} % of lines from the line cache)`
				: 'Ink as it comes, no line cache)'),
	);
	return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().then(
		() => process.exit(0),
		(error: unknown) => {
			console.error(error);
			process.exit(1);
		},
	);
}
