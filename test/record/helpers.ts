// Shared pieces for the recording tests: temp dirs, small workloads, a fake clock, a recorded live run.

import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach} from 'vitest';
import {JsonlRecorder} from '../../source/record/recorder.js';
import {validateWorkload} from '../../source/record/validate.js';
import {type SessionClock, SimSession} from '../../source/session/sim-session.js';
import type {Command} from '../../source/sim/commands.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {Workload} from '../../source/sim/spec.js';
import {stateHash} from '../../source/sim/state-codec.js';
import {hogSpec} from '../../source/sim/templates.js';
import {group, MIB, machineSpec, workload} from '../helpers/workload.js';

const dirs: string[] = [];

/** A temp directory removed after the test. */
export function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'memtop-rec-'));
	dirs.push(dir);
	return dir;
}

afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true});
});

/**
 * A workload as memtop loads one: through the schema (defaults filled in), so that the parse of a
 * recording's header is the very workload the run was built from.
 */
export function canonical(w: Workload): Workload {
	return validateWorkload(JSON.parse(JSON.stringify(w)));
}

/** 96 MiB of RAM with swap: two busy processes, reclaim and swapping within a few seconds. */
export function smallWorkload(): Workload {
	return canonical(
		workload(
			[
				group('web', {count: 2, regions: [{name: 'heap', kind: 'anon', size: 24 * MIB}]}),
				group('db', {
					regions: [
						{name: 'data', kind: 'file', size: 48 * MIB, object: 'db'},
						{name: 'buf', kind: 'anon', size: 16 * MIB},
					],
					streams: [
						{region: 'data', pattern: 'zipf', weight: 2, write_ratio: 0.1},
						{region: 'buf', pattern: 'random', weight: 1, write_ratio: 0.5},
					],
				}),
			],
			{ram: 96 * MIB, kernel: 8 * MIB, swap: {size: 64 * MIB, device: 'ssd'}},
			'small',
		),
	);
}

/** 64 MiB, no swap, two leakers starting 3 s apart: two OOM kills in the first ten seconds. */
export function oomWorkload(): Workload {
	const leaker = (start: number) =>
		group('leaker', {
			start,
			rate: 5000,
			regions: [{name: 'heap', kind: 'anon', size: 512 * MIB}],
			streams: [{region: 'heap', pattern: 'grow', weight: 1, grow: 48 * MIB}],
		});
	return canonical({
		name: 'ooms',
		description: '',
		machine: machineSpec({ram: 64 * MIB, kernel: 8 * MIB, swap: {size: 0, device: 'ssd'}}),
		processes: [
			group('steady', {regions: [{name: 'heap', kind: 'anon', size: 8 * MIB}]}),
			leaker(0),
			leaker(3),
		],
		events: [],
	});
}

/** A clock that only moves when told; its timer never fires by itself. */
export class FakeClock implements SessionClock {
	t = 0;
	now(): number {
		return this.t;
	}
	every(): () => void {
		return () => {};
	}
}

export const FAST = {hashInterval: 50, stateInterval: 200, version: '0.0.0-test'} as const;

export interface LiveCapture {
	/** stateHash after draining events, and the snapshot without events. */
	hash: string;
	snapshot: string;
}

/** What a test compares: the whole state, and the whole snapshot but its (drained) event list. */
export function capture(m: Machine): LiveCapture {
	m.drainEvents();
	return {hash: stateHash(m), snapshot: JSON.stringify(takeSnapshot(m, {events: false}))};
}

export const SCRIPT: Record<number, Command[]> = {
	0: [{kind: 'set-sysctl', name: 'swappiness', value: 100}],
	40: [{kind: 'spawn', spec: hogSpec(24 * MIB)}],
	130: [
		{kind: 'drop-caches', mode: 3},
		{kind: 'set-oom-score-adj', pid: 101, value: 500},
	],
	260: [{kind: 'kill', pid: 100}],
	333: [{kind: 'balloon', bytes: 8 * MIB}],
	420: [{kind: 'set-zswap', enabled: true}],
};

/**
 * A live SimSession recorded to `path`: paused stepping with the script's commands sent at their ticks,
 * then a stretch run by the (fake) clock with commands queued while running. Captures at every
 * `every` ticks (after that tick's commands). Returns the captures and the final machine.
 */
export async function recordLive(
	path: string,
	options: {
		w?: Workload;
		seed?: number;
		ticks?: number;
		every?: number;
		script?: Record<number, Command[]>;
		/** Ticks between key states (default: the recorder's, far beyond these short runs). */
		keyInterval?: number;
	} = {},
): Promise<{captures: Map<number, LiveCapture>; machine: Machine; recorder: JsonlRecorder}> {
	const w = options.w ?? smallWorkload();
	const ticks = options.ticks ?? 500;
	const every = options.every ?? 25;
	const script = options.script ?? SCRIPT;
	const machine = new Machine(w, {seed: options.seed ?? 7});
	const recorder = JsonlRecorder.open({
		path,
		machine,
		...FAST,
		...(options.keyInterval ? {keyInterval: options.keyInterval} : {}),
	});
	const clock = new FakeClock();
	const session = new SimSession({machine, recorder, clock, autostart: false, paused: true});
	const captures = new Map<number, LiveCapture>();
	const half = Math.floor(ticks / 2);
	// First half: paused, one step at a time (commands apply at once when sent).
	while (machine.tick < half) {
		for (const c of script[machine.tick] ?? []) session.send(c);
		if (machine.tick % every === 0) captures.set(machine.tick, capture(machine));
		session.step();
	}
	// Second half: running at 1× on the fake clock, 10 ticks per publish; commands queue until the next tick boundary.
	session.setPaused(false);
	while (machine.tick < ticks) {
		const queued: Command[] = [];
		for (let t = machine.tick; t < machine.tick + 10; t++) queued.push(...(script[t] ?? []));
		// A capture must come after the tick's commands; queued ones apply inside tick().
		if (machine.tick % every === 0 && queued.length === 0) captures.set(machine.tick, capture(machine));
		for (const c of queued) session.send(c);
		clock.t += 100;
		session.tick();
	}
	session.setPaused(true);
	captures.set(machine.tick, capture(machine));
	await session.close();
	return {captures, machine, recorder};
}
