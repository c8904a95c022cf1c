// Seeking in a long recording: record an hour of the shipped `default` workload headless (with a few
// commands injected, as a person at the dashboard would), then seek to 10 random positions the way
// the replay dashboard does when it has nothing closer: restore the nearest state checkpoint at or
// before the target from the file (its key state, then the deltas up to it), then step forward to it.
// Every seek starts cold: the states the recording keeps decoded between seeks are dropped first.
// Targets: every seek under 1 s, and an hour of `default` well under 100 MB.
// Run: npx tsx bench/seek.ts [--minutes N] [--workload NAME] [--keep FILE]
import {existsSync, mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {HASH_INTERVAL_TICKS, KEY_INTERVAL_TICKS, STATE_INTERVAL_TICKS} from '../source/record/format.js';
import {loadRecording} from '../source/record/load.js';
import {Player} from '../source/record/player.js';
import {JsonlRecorder} from '../source/record/recorder.js';
import type {Command} from '../source/sim/commands.js';
import {Machine} from '../source/sim/machine.js';
import {Rng} from '../source/sim/rng.js';
import {hogSpec} from '../source/sim/templates.js';
import {MIB, TICKS_PER_SECOND} from '../source/sim/units.js';
import {loadWorkload} from '../source/workload/load.js';

const SEEKS = 10;
const SEED = 20_261_121;

/** A few things a person might do during the hour (ticks from the start). */
function script(ticks: number): Map<number, Command[]> {
	const at = (fraction: number) => Math.floor(ticks * fraction);
	return new Map<number, Command[]>([
		[at(0.1), [{kind: 'set-sysctl', name: 'swappiness', value: 100}]],
		[at(0.25), [{kind: 'spawn', spec: hogSpec(512 * MIB)}]],
		[at(0.4), [{kind: 'drop-caches', mode: 3}]],
		[at(0.55), [{kind: 'balloon', bytes: 256 * MIB}]],
		[at(0.7), [{kind: 'set-zswap', enabled: true}]],
		[at(0.85), [{kind: 'balloon', bytes: -256 * MIB}]],
	]);
}

/** Record `ticks`; returns the wall time, and the part of it the recorder took. */
function record(path: string, ticks: number, workload: string): {ms: number; recorderMs: number} {
	const machine = new Machine(loadWorkload(workload), {seed: 1});
	const recorder = JsonlRecorder.open({path, machine});
	const commands = script(ticks);
	const start = performance.now();
	let recorderMs = 0;
	while (machine.tick < ticks) {
		for (const c of commands.get(machine.tick) ?? []) {
			recorder.command(machine.tick, c);
			machine.apply(c);
		}
		machine.step();
		const t = performance.now();
		recorder.afterStep(machine);
		recorderMs += performance.now() - t;
		if (machine.tick % (60 * TICKS_PER_SECOND) === 0) {
			process.stderr.write(
				`\r  recording: ${machine.tick / TICKS_PER_SECOND / 60} of ${ticks / TICKS_PER_SECOND / 60} min`,
			);
		}
	}
	recorder.closeSync(machine);
	process.stderr.write('\n');
	return {ms: performance.now() - start, recorderMs};
}

const median = (xs: number[]): number => {
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

export interface SeekBenchResult {
	workload: string;
	minutes: number;
	recordMs: number;
	/** Of recordMs, the time spent writing checkpoints (hashing, saving, compressing, writing). */
	recorderMs: number;
	fileBytes: number;
	bytesPerHour: number;
	/** Checkpoints with a state, and how many of them are full (key) states. */
	states: number;
	keys: number;
	loadMs: number;
	seeks: {target: number; from: number; deltas: number; ms: number; restoreMs: number}[];
	medianMs: number;
	maxMs: number;
	/** A seek to just before the end of the longest chain of deltas (not in the median and max). */
	worst: SeekBenchResult['seeks'][number] | null;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<SeekBenchResult> {
	const minutesFlag = argv.indexOf('--minutes');
	const minutes = minutesFlag === -1 ? 60 : Number(argv[minutesFlag + 1]);
	const keepFlag = argv.indexOf('--keep');
	const keep = keepFlag === -1 ? null : argv[keepFlag + 1]!;
	const workloadFlag = argv.indexOf('--workload');
	const workload = workloadFlag === -1 ? 'default' : argv[workloadFlag + 1]!;
	const dir = keep ? null : mkdtempSync(join(tmpdir(), 'memtop-seek-'));
	const path = keep ?? join(dir!, 'hour.memtop.jsonl');
	const ticks = Math.round(minutes * 60 * TICKS_PER_SECOND);
	try {
		console.log(
			`memtop seek bench: ${minutes} min of '${workload}' (hash every ${HASH_INTERVAL_TICKS / TICKS_PER_SECOND} s, state every ${STATE_INTERVAL_TICKS / TICKS_PER_SECOND} s, a key state every ${KEY_INTERVAL_TICKS / TICKS_PER_SECOND / 60} min and deltas between)`,
		);
		let recorded = {ms: Number.NaN, recorderMs: Number.NaN};
		if (!keep || !existsSync(path)) recorded = record(path, ticks, workload);
		const recordMs = recorded.ms;
		const fileBytes = statSync(path).size;
		const t = performance.now();
		const rec = loadRecording(path);
		const loadMs = performance.now() - t;
		const seek = (target: number): SeekBenchResult['seeks'][number] => {
			const state = rec.stateAtOrBefore(target);
			const player = new Player(rec, {verify: false});
			// The restore alone, then the whole seek (restore + stepping) from a fresh player, both cold.
			rec.dropCaches();
			let start = performance.now();
			if (state) rec.restore(state);
			const restoreMs = performance.now() - start;
			rec.dropCaches();
			start = performance.now();
			player.seek(target, {forceRestore: true});
			const seekMs = performance.now() - start;
			return {
				target,
				from: state?.tick ?? 0,
				deltas: state ? rec.chain(state).length - 1 : 0,
				ms: seekMs,
				restoreMs,
			};
		};
		const rng = new Rng(SEED);
		const seeks: SeekBenchResult['seeks'] = [];
		for (let i = 0; i < SEEKS; i++) seeks.push(seek(rng.below(rec.endTick + 1)));
		// The worst place to seek to: just before the state after the one with the longest chain of deltas.
		let longest = rec.states[0];
		for (const c of rec.states) {
			if (c.tick + STATE_INTERVAL_TICKS <= rec.endTick && rec.chain(c).length >= rec.chain(longest!).length)
				longest = c;
		}
		const worst = longest ? seek(Math.min(rec.endTick, longest.tick + STATE_INTERVAL_TICKS - 1)) : null;
		const times = seeks.map((s) => s.ms);
		const result: SeekBenchResult = {
			workload,
			minutes,
			recordMs,
			recorderMs: recorded.recorderMs,
			fileBytes,
			bytesPerHour: (fileBytes * 60) / minutes,
			states: rec.states.length,
			keys: rec.keys.length,
			loadMs,
			seeks,
			medianMs: median(times),
			maxMs: Math.max(...times),
			worst,
		};
		if (Number.isFinite(recordMs)) {
			console.log(
				`  recording took ${(recordMs / 1000).toFixed(1)} s (${((minutes * 60_000) / recordMs).toFixed(0)}× real time), of which checkpoints ${(recorded.recorderMs / 1000).toFixed(1)} s`,
			);
		}
		console.log(
			`  file ${mb(fileBytes)} (${mb(result.bytesPerHour)} per hour), ${result.keys} key states, ${result.states - result.keys} deltas, ${rec.checkpoints.length} checkpoints; loading and indexing it took ${ms(loadMs)}`,
		);
		const clock = (tick: number) =>
			`${Math.floor(tick / 6000)}:${String(Math.floor((tick % 6000) / 100)).padStart(2, '0')}`;
		const line = (s: SeekBenchResult['seeks'][number]) =>
			`seek to ${clock(s.target).padStart(6)} from the state at ${clock(s.from).padStart(6)} (${String(s.deltas).padStart(2)} deltas): ${ms(s.ms).padStart(7)} (restore ${ms(s.restoreMs)})`;
		for (const s of seeks) console.log(`  ${line(s)}`);
		console.log(`  seek: median ${ms(result.medianMs)}, max ${ms(result.maxMs)} (target: under 1000 ms)`);
		if (worst) console.log(`  worst case: ${line(worst)}`);
		return result;
	} finally {
		if (dir) rmSync(dir, {recursive: true, force: true});
	}
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
