// The `cgroups:` part of a workload file: the memory cgroup v2 tree by path, each with its memory
// controller files (cgroup-v2.rst), and the leaves a process's `cgroup:` and a `cgroup:` event use.
import {z} from 'zod';
import {cgroupPaths, MAX_CGROUPS, parentPath} from '../sim/memcontrol.js';
import {CGROUP_FILES, type CgroupSpec, isCgroupPath} from '../sim/spec.js';
import {describeValue, listOr} from './hints.js';
import {bool, Expected, leaf, SIZE_FORMS, strict} from './leaves.js';
import {formatBytes, parseSize, roundUpToPages} from './quantities.js';
import {managedOomLeaves} from './userspace-oom.js';

const PATH_FORMS =
	'a cgroup path like /system.slice/postgres.service (names of letters, digits and _ . : @ -)';

export const cgroupPath = leaf((v) =>
	isCgroupPath(v) || v === '/' ? (v as string) : new Expected(PATH_FORMS),
);

/** A memory controller limit: a size (0 allowed) or "max" (no limit: absent from the parsed form). */
const cgroupLimit = leaf((v) => {
	if (v === 'max') return undefined;
	const bytes = parseSize(v);
	if (bytes === undefined || bytes < 0) return new Expected(`${SIZE_FORMS}, or max`);
	return roundUpToPages(bytes);
});

export const cgroupFileLeaves = {
	'memory.min': cgroupLimit.optional(),
	'memory.low': cgroupLimit.optional(),
	'memory.high': cgroupLimit.optional(),
	'memory.max': cgroupLimit.optional(),
	'memory.swap.max': cgroupLimit.optional(),
	'memory.oom.group': bool.optional(),
};

/** One cgroup's settings in `cgroups:`. */
const cgroupSchema = strict(
	{...cgroupFileLeaves, ...managedOomLeaves},
	'a mapping like {memory.max: 512M, memory.high: 400M}',
).transform((c): CgroupSpec => {
	const out: CgroupSpec = {};
	for (const file of [...CGROUP_FILES, ...MANAGED_OOM_KEYS]) {
		const v = c[file];
		if (v !== undefined) (out as Record<string, unknown>)[file] = v;
	}
	return out;
});

/** systemd's unit settings a cgroup may carry for systemd-oomd (workload/userspace-oom.ts). */
const MANAGED_OOM_KEYS = Object.keys(managedOomLeaves) as (keyof typeof managedOomLeaves)[];

/** `cgroups:` — the tree by path, parents implied. */
export const cgroupsSchema = z
	.record(z.string(), cgroupSchema, {
		error: (issue) =>
			issue.code === 'invalid_type'
				? `expected a mapping of cgroup paths like {/system.slice/app.service: {memory.max: 1G}}, got ${describeValue(issue.input)}`
				: undefined,
	})
	.superRefine((tree, ctx) => {
		for (const [path, c] of Object.entries(tree)) {
			// The root (systemd's -.slice) has no memory controller files, but its unit may carry the
			// systemd-oomd keys: Fedora's and Ubuntu's defaults put ManagedOOMSwap=kill on it.
			if (path === '/') {
				const file = CGROUP_FILES.find((f) => c[f] !== undefined);
				if (file)
					ctx.addIssue({
						code: 'custom',
						continue: false,
						path: [path, file],
						message: `expected no ${file} on the root (the root cgroup has no memory controller files; "/" takes only ${listOr(MANAGED_OOM_KEYS)}, as -.slice does)`,
					});
				continue;
			}
			if (!isCgroupPath(path))
				ctx.addIssue({
					code: 'custom',
					continue: false,
					path: [path],
					message: `expected ${PATH_FORMS}, got ${describeValue(path)}`,
				});
		}
		const n = cgroupPaths(tree).length;
		if (n > MAX_CGROUPS)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				message: `expected at most ${MAX_CGROUPS} cgroups (with the parents they imply), got ${n}`,
			});
		for (const [path, c] of Object.entries(tree)) {
			const parent = parentPath(path);
			const min = c['memory.min'];
			if (parent === '/' || min === undefined) continue;
			const parentMin = tree[parent]?.['memory.min'] ?? 0;
			if (min > parentMin)
				ctx.addIssue({
					code: 'custom',
					continue: false,
					path: [path, 'memory.min'],
					message: `expected memory.min at most the parent's (${parent} has ${formatBytes(parentMin)}: protection is capped by every ancestor's), got ${formatBytes(min)}`,
				});
		}
	});

/** `cgroup:` in an event: a path and the files to write. */
export const cgroupEventSchema = strict(
	{path: cgroupPath, ...cgroupFileLeaves},
	'a mapping like {path: /system.slice/app.service, memory.high: 300M}',
).superRefine((e, ctx) => {
	const given = Object.keys(e).filter((k) => k !== 'path');
	if (given.length === 0)
		ctx.addIssue({
			code: 'custom',
			continue: false,
			message: `expected at least one of ${listOr(CGROUP_FILES)} with the path, got none`,
		});
});

/** The commands of a `cgroup:` event: one set-cgroup per file given, in the kernel files' order; "max" is null. */
export function cgroupEventCommands(e: z.output<typeof cgroupEventSchema>) {
	const c = e as Record<string, unknown>;
	return CGROUP_FILES.filter((file) => file in c).map((file) => {
		const v = c[file];
		const value = v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
		return {kind: 'set-cgroup' as const, path: e.path, file, value};
	});
}
