// Recording size per simulated hour of every shipped workload, calm (the workload alone) and under
// pressure (the dashboard's pressure keys a minute in: `a` a 1 GiB hog, `c` a cache flood, `l` a
// leaker). Each run records MINUTES (default 12) with the real recorder; the hour is estimated from
// the file as it would be written: 3 key states (the last state of the run re-encoded as a key, the
// size a key has once the pressure is on) + 57 deltas of the run's mean size from minute 3 on + the
// hash lines. Run: npx tsx bench/recording-size.ts [--minutes N] [--workload NAME] [--calm|--pressure]
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {encodeState} from '../source/record/compression.js';
import {saveCanonical} from '../source/record/format.js';
import {JsonlRecorder} from '../source/record/recorder.js';
import {validateCommand} from '../source/record/validate.js';
import type {Command} from '../source/sim/commands.js';
import {Machine} from '../source/sim/machine.js';
import {cacheFloodSpec, hogSpec, leakSpec} from '../source/sim/templates.js';
import {GIB, TICKS_PER_SECOND} from '../source/sim/units.js';
import {listShippedWorkloads, loadWorkload} from '../source/workload/load.js';

const MINUTE = 60 * TICKS_PER_SECOND;

/** The pressure keys, a minute in and 30 s apart. */
const PRESSURE = new Map<number, Command>(
	(
		[
			[MINUTE, {kind: 'spawn', spec: hogSpec(GIB)}],
			[MINUTE + 30 * TICKS_PER_SECOND, {kind: 'spawn', spec: cacheFloodSpec()}],
			[2 * MINUTE, {kind: 'spawn', spec: leakSpec()}],
		] as const
	).map(([tick, c]) => [tick, validateCommand(c, 'cmd')]), // as a session sends them (the form a replay applies)
);

export interface SizeResult {
	workload: string;
	pressure: boolean;
	minutes: number;
	fileBytes: number;
	keyBytes: number;
	meanDeltaBytes: number;
	bytesPerHour: number;
	recordMs: number;
}

export function measure(workload: string, pressure: boolean, minutes: number): SizeResult {
	const dir = mkdtempSync(join(tmpdir(), 'memtop-size-'));
	const path = join(dir, 'run.memtop.jsonl');
	try {
		const machine = new Machine(loadWorkload(workload), {seed: 1});
		// No state limit: this measures how fast a recording grows (the limit bounds it; format.ts).
		const recorder = JsonlRecorder.open({path, machine, stateLimit: Number.POSITIVE_INFINITY});
		const start = performance.now();
		while (machine.tick < minutes * MINUTE) {
			const c = pressure ? PRESSURE.get(machine.tick) : undefined;
			if (c) {
				recorder.command(machine.tick, c);
				machine.apply(c);
			}
			machine.step();
			recorder.afterStep(machine);
		}
		recorder.closeSync(machine);
		const recordMs = performance.now() - start;
		const keyBytes = encodeState(saveCanonical(machine)).length;
		let deltas = 0;
		let deltaBytes = 0;
		let otherBytes = 0;
		for (const line of readFileSync(path, 'utf8').split('\n')) {
			if (!line) continue;
			const parsed = JSON.parse(line) as {t?: number; checkpoint?: {delta?: string; state?: string}};
			if (parsed.checkpoint?.delta !== undefined) {
				if ((parsed.t ?? 0) >= 3 * MINUTE) {
					deltas++;
					deltaBytes += line.length + 1;
				}
			} else if (parsed.checkpoint?.state === undefined) otherBytes += line.length + 1;
		}
		const meanDeltaBytes = deltas ? deltaBytes / deltas : 0;
		const bytesPerHour = 3 * keyBytes + 57 * meanDeltaBytes + (otherBytes * 60) / minutes;
		return {
			workload,
			pressure,
			minutes,
			fileBytes: statSync(path).size,
			keyBytes,
			meanDeltaBytes,
			bytesPerHour,
			recordMs,
		};
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

export function main(argv: string[] = process.argv.slice(2)): SizeResult[] {
	const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
	const minutes = Number(flag('--minutes') ?? 12);
	const workloads = flag('--workload') ? [flag('--workload')!] : listShippedWorkloads().map((w) => w.name);
	const modes = argv.includes('--calm') ? [false] : argv.includes('--pressure') ? [true] : [false, true];
	const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
	console.log(
		`memtop recording size: ${minutes} simulated minutes each, per hour estimated (see the file's note)`,
	);
	const results: SizeResult[] = [];
	for (const w of workloads) {
		for (const pressure of modes) {
			const r = measure(w, pressure, minutes);
			results.push(r);
			console.log(
				`  ${w.padEnd(12)} ${pressure ? 'pressured' : 'calm     '} ${mb(r.bytesPerHour).padStart(9)} per hour (key ${mb(r.keyBytes)}, delta ${mb(r.meanDeltaBytes)}; ${(r.recordMs / 1000).toFixed(0)} s to record)`,
			);
		}
	}
	return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
