// Every shipped workload narrates its story (issue 16, narrated scenarios): it has notes, each one
// short line, and a headless run shows each note at its time among the run's events. The times were
// read off headless runs; the anchors below keep them in the story: the turn of events a note
// narrates (kswapd waking, an OOM kill, a process starting) must happen near the note's time, so a
// change of behaviour that moves the story makes this test say which note is now out of place.
import {readdirSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {runHeadless} from '../../source/cli/headless.js';
import {Stepper} from '../../source/record/stepper.js';
import type {SimEvent, SimEventKind} from '../../source/sim/events.js';
import {Machine} from '../../source/sim/machine.js';
import {secondsToTicks, TICKS_PER_SECOND} from '../../source/sim/units.js';
import {loadWorkload, shippedWorkloadsDir} from '../../source/workload/load.js';

const shipped = readdirSync(shippedWorkloadsDir())
	.filter((f) => f.endsWith('.yaml'))
	.map((f) => f.slice(0, -'.yaml'.length));

/**
 * The note at `at` seconds narrates an event of `kind` (of process `name`) that happens between
 * `from` and `to` seconds of the note's time; `first`: the run's first such event does.
 */
interface Anchor {
	at: number;
	kind: SimEventKind;
	name?: string;
	from: number;
	to: number;
	first?: boolean;
}

const a = (at: number, kind: SimEventKind, from: number, to: number, more: Partial<Anchor> = {}): Anchor => ({
	at,
	kind,
	from,
	to,
	...more,
});

const ANCHORS: Record<string, Anchor[]> = {
	default: [a(20, 'process-start', 0, 0, {name: 'backup'}), a(44, 'kswapd-wake', -1, 1, {first: true})],
	leak: [
		a(50, 'kswapd-wake', -1, 1, {first: true}),
		a(86, 'swap-full', -1, 0),
		a(86, 'oom-kill', 0, 1, {name: 'leaky'}),
	],
	thrash: [
		a(40, 'process-start', 0, 0, {name: 'batch'}),
		a(50, 'kswapd-wake', -1, 1, {first: true}),
		a(57, 'direct-reclaim', -1, 1, {first: true}),
		a(150, 'process-exit', 0, 0, {name: 'batch'}),
	],
	'tlb-reach': [a(1, 'command', -1, 0)],
	zswap: [
		a(28, 'kswapd-wake', -1, 1, {first: true}),
		a(120, 'process-start', 0, 0, {name: 'java-batch'}),
		a(158, 'zswap-pool-full', -1, 1, {first: true}),
		a(240, 'command', 0, 0),
		a(300, 'command', 0, 0),
	],
	protected: [
		a(10, 'process-start', 0, 0, {name: 'report'}),
		a(20, 'process-start', 0, 0, {name: 'importer'}),
		a(62, 'kswapd-wake', -1, 1, {first: true}),
		a(86, 'oom-kill', 0, 1, {name: 'report'}),
		a(100, 'oom-kill', -1, 0, {name: 'importer'}),
	],
	'cache-flood': [
		a(30, 'process-start', 0, 0, {name: 'tar'}),
		a(39, 'kswapd-wake', -1, 1, {first: true}),
		a(150, 'process-exit', 0, 0, {name: 'tar'}),
	],
	'container-limit': [a(13, 'oom-kill', -1, 0, {name: 'app'})],
	'desktop-freeze': [
		a(5, 'process-start', 0, 0, {name: 'cc1plus'}),
		a(21, 'kswapd-wake', -1, 1, {first: true}),
		a(22, 'direct-reclaim', -1, 1, {first: true}),
		a(48, 'oom-kill', 0, 0, {name: 'cc1plus'}),
	],
	// The fork at 45 s, the first kswapd wake as the copies eat free memory, the child's exit at 65 s.
	bgsave: [
		a(45, 'command', 0, 0),
		a(52, 'kswapd-wake', -2, 1, {first: true}),
		a(65, 'process-exit', 0, 0, {name: 'redis-bgsave'}),
	],
	// The balloon at 36 s and the boosted kswapd wake it causes; the hugetlb pool's sysctl at 40 s.
	// The second and the last batch of php-fpm workers start (the sum of RSS passes RAM between them).
	segfault: [
		a(11, 'segfault', -1, 0, {name: 'parser'}),
		a(16, 'segfault', -1, 0, {name: 'recurse'}),
		a(21, 'segfault', -1, 0, {name: 'patcher'}),
	],
	'shared-libs': [
		a(10, 'process-start', 0, 0, {name: 'php-fpm'}),
		a(30, 'process-start', 0, 0, {name: 'php-fpm'}),
	],
	fragmentation: [a(36, 'command', 0, 0), a(36, 'kswapd-wake', 0, 1), a(40, 'command', 0, 0)],
	'memory-high': [a(40, 'command', 0, 0)],
	// postgres starts at 32 s into a machine with no 2 MiB block: its THP faults compact directly.
	'thp-db': [a(32, 'process-start', 0, 0, {name: 'postgres'})],
	'noisy-neighbour': [
		a(15, 'process-start', 0, 0, {name: 'etl'}),
		a(29, 'kswapd-wake', -1, 1, {first: true}),
	],
	writeback: [
		a(5, 'process-start', 0, 0, {name: 'dd'}),
		a(15, 'kswapd-wake', -1, 1, {first: true}),
		a(90, 'process-exit', 0, 0, {name: 'dd'}),
	],
};

/**
 * Every event of a headless run (JSON lines) up to `seconds`. A line every 10 s: each line carries the
 * events since the last one, each with its tick, so the events are the same as with a line a second
 * (no queue limit: sim/events.ts), for a tenth of the snapshots (they were a third of the host time).
 */
async function headlessEvents(name: string, seconds: number): Promise<SimEvent[]> {
	const events: SimEvent[] = [];
	await runHeadless(new Stepper(new Machine(loadWorkload(name), {seed: 1})), {
		duration: seconds,
		interval: 10,
		json: true,
		write: (line) => events.push(...(JSON.parse(line).events as SimEvent[])),
	});
	return events;
}

describe('shipped workloads have notes', () => {
	it('finds the shipped workloads, each with anchors for its notes', () => {
		expect(shipped).toEqual(expect.arrayContaining(['default', 'leak', 'thrash', 'zswap', 'protected']));
		expect(Object.keys(ANCHORS).sort()).toEqual([...shipped].sort());
	});

	for (const name of shipped) {
		it(`${name}: short notes, each shown at its time in a headless run, near what it narrates`, {
			timeout: 180_000,
		}, async () => {
			const notes = loadWorkload(name).notes ?? [];
			expect(notes.length, `${name} has no notes`).toBeGreaterThanOrEqual(3);
			for (const n of notes) expect(n.text.length, n.text).toBeLessThan(120);
			const events = await headlessEvents(name, Math.ceil(notes.at(-1)!.at) + 1);
			expect(events.filter((e) => e.kind === 'note')).toEqual(
				notes.map((n) => ({kind: 'note', tick: secondsToTicks(n.at), text: n.text})),
			);
			for (const anchor of ANCHORS[name] ?? []) {
				expect(
					notes.some((n) => n.at === anchor.at),
					`${name}: a note at ${anchor.at} s`,
				).toBe(true);
				const matching = events.filter(
					(e) => e.kind === anchor.kind && (!anchor.name || ('name' in e && e.name === anchor.name)),
				);
				const lo = (anchor.at + anchor.from) * TICKS_PER_SECOND;
				const hi = (anchor.at + anchor.to + 1) * TICKS_PER_SECOND;
				const near = (anchor.first ? matching.slice(0, 1) : matching).filter(
					(e) => e.tick >= lo && e.tick < hi,
				);
				expect(
					near.length,
					`${name}: the note at ${anchor.at} s expects ${anchor.kind} near it`,
				).toBeGreaterThan(0);
			}
		});
	}
});
