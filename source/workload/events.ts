// The `events:` part of a workload file: timed actions, each one machine command (a `sysctl:` event
// with several keys, one per key). Both directions live here: a file's event to its commands (the
// schema's transform), and a command back to the file's form (commandToEvent, for checking a
// recording's workload with this same schema).
import type {z} from 'zod';
import type {Command} from '../sim/commands.js';
import {KILL_SIGNALS, type SysctlName, type TimedEvent, USERSPACE_OOM_KILLERS} from '../sim/spec.js';
import {cgroupEventCommands, cgroupEventSchema} from './cgroups.js';
import {DEFAULTS} from './defaults.js';
import {execSchema, execToEvent} from './exec.js';
import {listOr} from './hints.js';
import {bool, duration, int, oneOf, pid, processName, size, strict} from './leaves.js';
import {sysctlLeaves} from './machine.js';
import {forkStreamsSchema, processSchema} from './processes.js';

const forkSchema = strict(
	{
		pid,
		name: processName.optional(),
		streams: forkStreamsSchema.optional(),
		lifetime: duration({positive: true}).optional(),
	},
	'a fork like {pid: 100, name: bgsave} (streams and lifetime optional)',
);

export const ACTIONS = [
	'spawn',
	'fork',
	'exec',
	'kill',
	'sysctl',
	'zswap',
	'drop_caches',
	'balloon',
	'oom_score_adj',
	'cgroup',
	'userspace_oom',
] as const;

const sysctlEventSchema = strict(
	Object.fromEntries(Object.entries(sysctlLeaves).map(([name, schema]) => [name, schema.optional()])) as {
		[K in SysctlName]: z.ZodOptional<(typeof sysctlLeaves)[K]>;
	},
	'a mapping of sysctls like {swappiness: 100}',
).superRefine((s, ctx) => {
	if (Object.values(s).every((v) => v === undefined))
		ctx.addIssue({
			code: 'custom',
			continue: false,
			message: 'expected at least one sysctl like {swappiness: 100}, got an empty mapping',
		});
});

export const eventSchema = strict(
	{
		at: duration({positive: false}),
		spawn: processSchema.optional(),
		/** fork(2) of a running process: the fork command. */
		fork: forkSchema.optional(),
		/** execve(2) in a running process: the exec command. */
		exec: execSchema.optional(),
		count: int(1, 10_000).optional(),
		kill: pid.optional(),
		/** With kill: the signal (default SIGKILL, as before signals). */
		signal: oneOf(KILL_SIGNALS, 'SIGTERM or SIGKILL').optional(),
		sysctl: sysctlEventSchema.optional(),
		zswap: bool.optional(),
		drop_caches: oneOf([1, 2, 3] as const, '1 (page cache), 2 (slab) or 3 (both)').optional(),
		balloon: size({signed: true}).optional(),
		oom_score_adj: strict({pid, value: int(-1000, 1000)}, 'a mapping like {pid: 101, value: 500}').optional(),
		cgroup: cgroupEventSchema.optional(),
		/** Start (or stop) a userspace OOM killer: the set-userspace-oom command. */
		userspace_oom: oneOf(USERSPACE_OOM_KILLERS).optional(),
	},
	'an event like {at: 30s, kill: 101}',
)
	.superRefine((e, ctx) => {
		const present = ACTIONS.filter((action) => e[action] !== undefined);
		if (present.length === 0)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				message: `expected one action (${listOr(ACTIONS)}), got none`,
			});
		if (present.length > 1)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: [present[1]!],
				message: `expected one action per event, got both ${present[0]} and ${present[1]}`,
			});
		if (e.count !== undefined && e.spawn === undefined)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['count'],
				message: `expected count only with spawn, got ${e.count}`,
			});
		if (e.signal !== undefined && e.kill === undefined)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['signal'],
				message: `expected signal only with kill, got ${e.signal}`,
			});
		if (e.balloon === 0)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['balloon'],
				message: 'expected a size other than 0, got 0',
			});
	})
	.transform((e): TimedEvent[] => {
		const at = (command: Command): TimedEvent => ({at: e.at, command});
		if (e.spawn) return [at({kind: 'spawn', spec: e.spawn, count: e.count ?? DEFAULTS.count})];
		if (e.fork) {
			const f = e.fork;
			return [
				at({
					kind: 'fork',
					pid: f.pid,
					...(f.name !== undefined ? {name: f.name} : {}),
					...(f.streams !== undefined ? {streams: f.streams} : {}),
					...(f.lifetime !== undefined ? {lifetime: f.lifetime} : {}),
				}),
			];
		}
		if (e.exec) return [at(e.exec)];
		if (e.kill !== undefined)
			return [at(e.signal ? {kind: 'kill', pid: e.kill, signal: e.signal} : {kind: 'kill', pid: e.kill})];
		if (e.sysctl) {
			// One set-sysctl command per key, in the order the file gives them.
			return Object.entries(e.sysctl)
				.filter((entry): entry is [SysctlName, number] => entry[1] !== undefined)
				.map(([name, value]) => at({kind: 'set-sysctl', name, value}));
		}
		if (e.zswap !== undefined) return [at({kind: 'set-zswap', enabled: e.zswap})];
		if (e.drop_caches !== undefined) return [at({kind: 'drop-caches', mode: e.drop_caches})];
		if (e.balloon !== undefined) return [at({kind: 'balloon', bytes: e.balloon})];
		if (e.cgroup) return cgroupEventCommands(e.cgroup).map(at);
		if (e.userspace_oom !== undefined) return [at({kind: 'set-userspace-oom', killer: e.userspace_oom})];
		const adj = e.oom_score_adj!;
		return [at({kind: 'set-oom-score-adj', pid: adj.pid, value: adj.value})];
	});

/** A command as a file's event says it (without `at`): the inverse of eventSchema's transform. */
export function commandToEvent(c: Command): Record<string, unknown> {
	switch (c.kind) {
		case 'spawn':
			return c.count !== undefined ? {spawn: c.spec, count: c.count} : {spawn: c.spec};
		case 'fork': {
			const {kind: _kind, ...fork} = c;
			return {fork};
		}
		case 'exec':
			return execToEvent(c);
		case 'kill':
			return c.signal !== undefined ? {kill: c.pid, signal: c.signal} : {kill: c.pid};
		case 'set-sysctl':
			return {sysctl: {[c.name]: c.value}};
		case 'set-oom-score-adj':
			return {oom_score_adj: {pid: c.pid, value: c.value}};
		case 'set-zswap':
			return {zswap: c.enabled};
		case 'drop-caches':
			return {drop_caches: c.mode};
		case 'balloon':
			return {balloon: c.bytes};
		case 'set-cgroup':
			return {
				cgroup: {
					path: c.path,
					[c.file]: c.file === 'memory.oom.group' ? c.value !== null && c.value !== 0 : (c.value ?? 'max'),
				},
			};
		case 'set-userspace-oom':
			return {userspace_oom: c.killer};
	}
}
