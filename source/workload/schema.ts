// The workload file format: YAML (snake_case keys) validated with zod into exactly the `Workload` of
// sim/spec.ts; docs/workloads.md describes it for people. The schema is built from one file per part,
// as the file has them: leaves.ts (values and containers), defaults.ts, machine.ts, processes.ts,
// events.ts (a file's event <-> machine commands) and notes.ts; this file puts them together and
// holds the checks across parts.
//
// Error messages are written to read as "expected ..., got ..." after load.ts prefixes FILE:LINE: and
// the field path, so every leaf builds its own message instead of using zod's defaults.

import type {z} from 'zod';
import {cgroupPaths} from '../sim/memcontrol.js';
import type {
	CgroupSpec,
	MachineSpec,
	ProcessGroupSpec,
	ProcessSpec,
	Sysctls,
	TimedEvent,
	Workload,
	WorkloadNote,
	ZswapSpec,
} from '../sim/spec.js';
import {cgroupsSchema} from './cgroups.js';
import {FIRST_WORKLOAD_PID} from './defaults.js';
import {eventSchema} from './events.js';
import {describeValue, listOr} from './hints.js';
import {descriptionText, list, strict, workloadName} from './leaves.js';
import {machineSchema, type sysctlSchema, type zswapSchema} from './machine.js';
import {NOTES_MAX, noteSchema} from './notes.js';
import {type burstSchema, groupSchema, type processSchema} from './processes.js';
import {formatBytes} from './quantities.js';
import {earlyoomSchema, oomdConfSchema, oomdDefaults, userspaceOomKiller} from './userspace-oom.js';

export {DEFAULTS, FIRST_WORKLOAD_PID} from './defaults.js';

interface WorkloadDraft {
	cgroups: Record<string, CgroupSpec>;
	machine: MachineSpec;
	processes: ProcessGroupSpec[];
	events: TimedEvent[][];
	notes: WorkloadNote[];
}

/** Checks across machine, processes and events. Events are still grouped by their index in the file. */
function checkWorkload(w: WorkloadDraft, ctx: z.RefinementCtx): void {
	const spawned =
		w.processes.reduce((sum, p) => sum + p.count, 0) +
		w.events.flat().reduce((sum, e) => sum + (e.command.kind === 'spawn' ? (e.command.count ?? 1) : 0), 0);
	const lastPid = FIRST_WORKLOAD_PID + spawned - 1;
	const usable = w.machine.ram - w.machine.kernel;
	// Balloon totals in time order (stable, as the machine will apply them).
	const byTime = w.events
		.map((list, index) => ({list, index}))
		.sort((a, b) => (a.list[0]?.at ?? 0) - (b.list[0]?.at ?? 0));
	let ballooned = 0;
	const tree = new Set(cgroupPaths(w.cgroups));
	const inTree = (path: string) =>
		`expected a cgroup of the tree in cgroups: (${listOr([...tree].slice(0, 8))}${tree.size > 8 ? ', ...' : ''}), got ${describeValue(path)}`;
	w.processes.forEach((p, i) => {
		if (p.cgroup !== undefined && !tree.has(p.cgroup))
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['processes', i, 'cgroup'],
				message: inTree(p.cgroup),
			});
	});
	for (const {list, index} of byTime) {
		for (const {command} of list) {
			if (command.kind === 'spawn' && command.spec.cgroup !== undefined && !tree.has(command.spec.cgroup))
				ctx.addIssue({
					code: 'custom',
					continue: false,
					path: ['events', index, 'spawn', 'cgroup'],
					message: inTree(command.spec.cgroup),
				});
			if (command.kind === 'set-cgroup' && (!tree.has(command.path) || command.path === '/'))
				ctx.addIssue({
					code: 'custom',
					continue: false,
					path: ['events', index, 'cgroup', 'path'],
					message:
						command.path === '/'
							? 'expected a cgroup below the root (the root takes no limits), got "/"'
							: inTree(command.path),
				});
			const pidField =
				command.kind === 'kill'
					? ['kill']
					: command.kind === 'set-oom-score-adj'
						? ['oom_score_adj', 'pid']
						: undefined;
			if (pidField && 'pid' in command && (command.pid < FIRST_WORKLOAD_PID || command.pid > lastPid))
				ctx.addIssue({
					code: 'custom',
					continue: false,
					path: ['events', index, ...pidField],
					message: `expected the pid of a workload process (${FIRST_WORKLOAD_PID}..${lastPid}: pids count from ${FIRST_WORKLOAD_PID} in the order processes are listed, then event spawns), got ${command.pid}`,
				});
			if (command.kind === 'set-zswap' && command.enabled && w.machine.swap.size === 0)
				ctx.addIssue({
					code: 'custom',
					continue: false,
					path: ['events', index, 'zswap'],
					message: 'expected a machine with swap for zswap to sit in front of, got swap: none',
				});
			if (command.kind === 'set-sysctl' && command.name === 'min_free_kbytes') {
				const max = Math.floor(w.machine.ram / 1024 / 4);
				if (command.value > max)
					ctx.addIssue({
						code: 'custom',
						continue: false,
						path: ['events', index, 'sysctl', 'min_free_kbytes'],
						message: `expected at most ${max} (a quarter of RAM, in KiB), got ${command.value}`,
					});
			}
			if (command.kind === 'balloon') {
				ballooned += command.bytes;
				if (ballooned < 0 || ballooned >= usable)
					ctx.addIssue({
						code: 'custom',
						continue: false,
						path: ['events', index, 'balloon'],
						message: `expected the balloon to stay between 0 and RAM minus kernel (${formatBytes(usable)}), got a total of ${formatBytes(ballooned)}`,
					});
			}
		}
	}
}

/**
 * The schema of a workload file. `name` defaults to the file name and `description` to the file's first
 * comment line, so the loader passes them in.
 */
export function workloadSchema(defaults: {name: string; description?: string}) {
	return strict(
		{
			name: workloadName.default(defaults.name),
			description: descriptionText.default(defaults.description ?? ''),
			machine: machineSchema,
			processes: list(groupSchema, 'processes', 1),
			events: list(eventSchema, 'events').default([]),
			notes: list(noteSchema, 'notes')
				.max(NOTES_MAX, {error: () => `expected at most ${NOTES_MAX} notes`})
				.default([]),
			cgroups: cgroupsSchema.default({}),
			userspace_oom: userspaceOomKiller.optional(),
			oomd: oomdConfSchema.optional(),
			oomd_defaults: oomdDefaults.optional(),
			earlyoom: earlyoomSchema.optional(),
		},
		'a mapping with machine: and processes:',
	)
		.superRefine(checkWorkload)
		.transform(
			(w): Workload => ({
				name: w.name,
				description: w.description,
				machine: w.machine,
				processes: w.processes,
				// Sorted by time; Array.prototype.sort is stable, so same-time events keep file order.
				events: w.events.flat().sort((a, b) => a.at - b.at),
				...(w.notes.length > 0 ? {notes: [...w.notes].sort((a, b) => a.at - b.at)} : {}),
				...(Object.keys(w.cgroups).length > 0 ? {cgroups: w.cgroups} : {}),
				// Absent unless the file gives them, so a workload without them is what it was.
				...(w.userspace_oom !== undefined ? {userspace_oom: w.userspace_oom} : {}),
				...(w.oomd !== undefined ? {oomd: w.oomd} : {}),
				...(w.oomd_defaults !== undefined ? {oomd_defaults: w.oomd_defaults} : {}),
				...(w.earlyoom !== undefined ? {earlyoom: w.earlyoom} : {}),
			}),
		);
}

export type WorkloadSchema = ReturnType<typeof workloadSchema>;
/** What a workload file may contain, as zod sees it before defaults and transforms. */
export type WorkloadInput = z.input<WorkloadSchema>;

// Type-level checks: what the schemas produce is exactly what the simulator takes.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
export type SchemaChecks = [
	Assert<Equals<z.output<WorkloadSchema>, Workload>>,
	Assert<Equals<z.output<typeof machineSchema>, MachineSpec>>,
	Assert<Equals<z.output<typeof sysctlSchema>, Sysctls>>,
	Assert<Equals<z.output<typeof zswapSchema>, ZswapSpec>>,
	Assert<Equals<z.output<typeof processSchema>, ProcessSpec>>,
	Assert<Equals<z.output<typeof groupSchema>, ProcessGroupSpec>>,
	Assert<Equals<z.output<typeof burstSchema>, {on: number; off: number}>>,
];
