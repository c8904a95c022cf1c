// The `processes:` part of a workload file (and a spawn event's process): regions (anonymous memory,
// mapped or read files, shmem), the streams of references that go to them, and a group's count, start
// and end. Each parses to the ProcessSpec / ProcessGroupSpec the machine takes.

import type {z} from 'zod';
import {layoutAddressSpace, PLACEMENTS, RLIMIT_STACK_DEFAULT, TASK_SIZE} from '../sim/mmap-layout.js';
import type {PatternKind, ProcessGroupSpec, ProcessSpec, RegionSpec, StreamSpec} from '../sim/spec.js';
import {layoutInputs} from '../sim/vma.js';
import {cgroupPath} from './cgroups.js';
import {DEFAULTS} from './defaults.js';
import {describeValue, didYouMean, listOr} from './hints.js';
import {
	bool,
	duration,
	Expected,
	int,
	leaf,
	list,
	num,
	objectName,
	oneOf,
	processName,
	rate,
	regionName,
	size,
	strict,
	text,
} from './leaves.js';
import {formatBytes, formatDuration} from './quantities.js';

/** A virtual address: a number (YAML reads 0x7fff0000 as one) or a string of hex digits after 0x. */
const address = leaf((v) => {
	const n = typeof v === 'string' && /^0x[0-9a-fA-F]{1,12}$/.test(v) ? Number.parseInt(v.slice(2), 16) : v;
	return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n < TASK_SIZE
		? n
		: new Expected('an address like 0x7ffff7a00000 below 0x7ffffffff000');
});

export const regionSchema = strict(
	{
		name: regionName,
		kind: oneOf(['anon', 'file', 'shmem'] as const).default(DEFAULTS.regionKind),
		size: size(),
		object: objectName.optional(),
		access: oneOf(['mmap', 'read'] as const).optional(),
		locked: bool.optional(),
		hugetlb: bool.optional(),
		// madvise(MADV_HUGEPAGE / MADV_NOHUGEPAGE) over the whole region.
		madvise: oneOf(['hugepage', 'nohugepage'] as const).optional(),
		perms: text('perms like r-x (r or -, w or -, x or -)', /^[r-][w-][x-]$/, 3).optional(),
		placement: oneOf(PLACEMENTS).optional(),
		at: address.optional(),
	},
	'a region like {name: heap, kind: anon, size: 512M}',
).superRefine((r, ctx) => {
	const misplaced = (
		field: 'object' | 'access' | 'locked' | 'hugetlb' | 'madvise',
		which: string,
		value: unknown,
	) =>
		ctx.addIssue({
			code: 'custom',
			continue: false,
			path: [field],
			message: `expected no ${field} on a ${r.kind} region (only ${which} regions take ${field}), got ${describeValue(value)}`,
		});
	if (r.object !== undefined && r.kind === 'anon') misplaced('object', 'file and shmem', r.object);
	if (r.access !== undefined && r.kind !== 'file') misplaced('access', 'file', r.access);
	if (r.locked !== undefined && r.kind !== 'anon') misplaced('locked', 'anon', r.locked);
	// MAP_HUGETLB here is for anonymous mappings only (hugetlbfs files are not modelled).
	if (r.hugetlb !== undefined && r.kind !== 'anon') misplaced('hugetlb', 'anon', r.hugetlb);
	// Huge pages here are anonymous only (no CONFIG_READ_ONLY_THP_FOR_FS, no shmem_enabled).
	if (r.madvise !== undefined && r.kind !== 'anon') misplaced('madvise', 'anon', r.madvise);
});

export type RegionInput = z.output<typeof regionSchema>;

/** file/shmem objects default to "<process name>/<region name>": shared by the processes of one group
 * (and any group with the same name), private to everyone else unless they name the object. */
export function toRegionSpec(r: RegionInput, processName: string): RegionSpec {
	const spec: RegionSpec = {name: r.name, kind: r.kind, size: r.size};
	if (r.kind !== 'anon') spec.object = r.object ?? `${processName}/${r.name}`;
	if (r.kind === 'file') spec.access = r.access ?? DEFAULTS.fileAccess;
	if (r.kind === 'anon') spec.locked = r.locked ?? DEFAULTS.locked;
	if (r.hugetlb) spec.hugetlb = true;
	if (r.madvise !== undefined) spec.madvise = r.madvise;
	if (r.perms !== undefined) spec.perms = r.perms;
	if (r.placement !== undefined) spec.placement = r.placement;
	if (r.at !== undefined) spec.at = r.at;
	return spec;
}

export const PATTERNS = [
	'sequential',
	'random',
	'zipf',
	'shifting',
	'grow',
	'stream',
	'wild',
] as const satisfies readonly PatternKind[];

export const streamSchema = strict(
	{
		region: regionName,
		pattern: oneOf(PATTERNS),
		weight: num(0, undefined, {minExclusive: true}).default(DEFAULTS.weight),
		skew: num(0, 10, {minExclusive: true}).optional(),
		window: size().optional(),
		period: duration({positive: true}).optional(),
		grow: rate.optional(),
		write_ratio: num(0, 1).optional(),
		address: address.optional(),
	},
	'a stream like {region: heap, pattern: zipf, weight: 1}',
).superRefine((s, ctx) => {
	const only: [
		field: 'skew' | 'window' | 'period' | 'grow' | 'address',
		pattern: PatternKind,
		example: string,
	][] = [
		['skew', 'zipf', '1.0'],
		['address', 'wild', '0xdeadbeef'],
		['window', 'shifting', '64M, the hot window'],
		['period', 'shifting', '30s, how often the window moves'],
		['grow', 'grow', '16M/s'],
	];
	for (const [field, pattern, example] of only) {
		const value = s[field];
		if (value !== undefined && s.pattern !== pattern)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: [field],
				message: `expected no ${field} with pattern ${s.pattern} (only ${pattern} takes ${field}), got ${describeValue(value)}`,
			});
		if (value === undefined && s.pattern === pattern && field !== 'skew' && field !== 'address')
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: [field],
				message: `expected ${field} with pattern ${pattern} (like ${example}), got nothing`,
			});
	}
});

export type StreamInput = z.output<typeof streamSchema>;

export function toStreamSpec(s: StreamInput): StreamSpec {
	const spec: StreamSpec = {region: s.region, pattern: s.pattern, weight: s.weight};
	if (s.pattern === 'zipf') spec.skew = s.skew ?? DEFAULTS.skew;
	if (s.window !== undefined) spec.window = s.window;
	if (s.period !== undefined) spec.period = s.period;
	if (s.grow !== undefined) spec.grow = s.grow;
	if (s.pattern === 'wild') spec.address = s.address ?? 0;
	spec.write_ratio = s.write_ratio ?? DEFAULTS.writeRatio;
	return spec;
}

/** A fork event's child streams (over its parent's regions), as parsed specs. */
export const forkStreamsSchema = list(streamSchema, 'streams').transform((ss) => ss.map(toStreamSpec));

export const burstSchema = strict(
	{on: duration({positive: true}), off: duration({positive: false})},
	'a mapping like {on: 2s, off: 8s}',
);

const processShape = {
	name: processName,
	rate: num(0, 1_000_000),
	loads: int(1, 1_000_000).optional(),
	oom_score_adj: int(-1000, 1000).default(DEFAULTS.oomScoreAdj),
	compressibility: num(0, 1).default(DEFAULTS.compressibility),
	uid: int(0, 4_294_967_294).default(DEFAULTS.uid),
	burst: burstSchema.optional(),
	lifetime: duration({positive: true}).optional(),
	regions: list(regionSchema, 'regions', 1),
	streams: list(streamSchema, 'streams').default([]),
	cgroup: cgroupPath.optional(),
	stack_limit: size().optional(),
};

const groupShape = {
	...processShape,
	count: int(1, 10_000).default(DEFAULTS.count),
	start: duration({positive: false}).default(DEFAULTS.start),
	end: duration({positive: true}).optional(),
};

type ProcessInput = {
	rate: number;
	regions: RegionInput[];
	streams: StreamInput[];
	stack_limit?: number | undefined;
};

/** The checks that need several fields of one process. */
export function checkProcess(p: ProcessInput, ctx: z.RefinementCtx): void {
	const regions = new Map<string, RegionInput>();
	p.regions.forEach((r, i) => {
		if (regions.has(r.name)) {
			const first = p.regions.findIndex((other) => other.name === r.name);
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['regions', i, 'name'],
				message: `expected a region name not already used by regions[${first}], got ${describeValue(r.name)}`,
			});
		}
		regions.set(r.name, r);
	});
	if (p.rate > 0 && p.streams.length === 0)
		ctx.addIssue({
			code: 'custom',
			continue: false,
			path: ['streams'],
			message:
				'expected at least one stream (where the references go) for a process with rate above 0, got nothing',
		});
	const names = [...regions.keys()];
	p.streams.forEach((s, i) => {
		const region = regions.get(s.region);
		if (!region) {
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['streams', i, 'region'],
				message: `expected one of this process's regions (${listOr(names)}), got ${describeValue(s.region)}${
					didYouMean(s.region, names) ? ` (did you mean ${didYouMean(s.region, names)}?)` : ''
				}`,
			});
			return;
		}
		if (s.pattern === 'grow' && region.kind !== 'anon')
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['streams', i, 'pattern'],
				message: `expected an anon region for a grow stream (a leak allocates anonymous memory), got region ${region.name} of kind ${region.kind}`,
			});
		if (s.pattern === 'grow' && region.hugetlb)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['streams', i, 'pattern'],
				message: `expected a region without hugetlb for a grow stream (brk does not grow a MAP_HUGETLB mapping), got region ${region.name}`,
			});
		if (s.pattern === 'stream' && region.kind !== 'file')
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['streams', i, 'pattern'],
				message: `expected a file region for a stream pattern (a streaming reader reads a file), got region ${region.name} of kind ${region.kind}`,
			});
		if (s.window !== undefined && s.window > region.size)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['streams', i, 'window'],
				message: `expected a window no larger than region ${region.name} (${formatBytes(region.size)}), got ${formatBytes(s.window)}`,
			});
	});
	checkLayout(p, ctx);
}

/** The address space (mmap-layout.ts): a region that does not fit, overlaps a fixed one, or cannot take its placement. */
function checkLayout(p: ProcessInput, ctx: z.RefinementCtx): void {
	if (
		p.regions.some(
			(r) => r.kind === 'file' && r.access === 'read' && (r.perms ?? r.placement ?? r.at) !== undefined,
		)
	) {
		const i = p.regions.findIndex(
			(r) => r.kind === 'file' && r.access === 'read' && (r.perms ?? r.placement ?? r.at) !== undefined,
		);
		const r = p.regions[i]!;
		const field = r.perms !== undefined ? 'perms' : r.placement !== undefined ? 'placement' : 'at';
		ctx.addIssue({
			code: 'custom',
			continue: false,
			path: ['regions', i, field],
			message: `expected no ${field} on a file region with access read (read(2) maps nothing)`,
		});
		return;
	}
	const spec = {regions: p.regions.map((r) => toRegionSpec(r, 'p')), streams: p.streams.map(toStreamSpec)};
	const laid = layoutAddressSpace(layoutInputs(spec), p.stack_limit ?? RLIMIT_STACK_DEFAULT);
	if ('error' in laid) {
		ctx.addIssue({
			code: 'custom',
			continue: false,
			path: ['regions', laid.error.index, laid.error.field],
			message: laid.error.message,
		});
		return;
	}
	// A wild pointer points where nothing is mapped (else it is an ordinary reference).
	p.streams.forEach((s, i) => {
		const address = s.pattern === 'wild' ? (s.address ?? 0) : -1;
		const hit = laid.vmas.findIndex((v) => address >= v.start && address < v.end);
		if (hit >= 0)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['streams', i, 'address'],
				message: `expected an address outside every region (a wild pointer), got 0x${address.toString(16)} in region ${p.regions[hit]!.name}`,
			});
	});
}

type ProcessOutput = z.output<z.ZodObject<typeof processShape>>;

function toProcessSpec(p: ProcessOutput): ProcessSpec {
	const spec: ProcessSpec = {
		name: p.name,
		rate: p.rate,
		regions: p.regions.map((r) => toRegionSpec(r, p.name)),
		streams: p.streams.map(toStreamSpec),
		oom_score_adj: p.oom_score_adj,
		compressibility: p.compressibility,
		uid: p.uid,
	};
	if (p.burst) spec.burst = {on: p.burst.on, off: p.burst.off};
	if (p.loads !== undefined) spec.loads = p.loads;
	if (p.lifetime !== undefined) spec.lifetime = p.lifetime;
	if (p.cgroup !== undefined && p.cgroup !== '/') spec.cgroup = p.cgroup;
	if (p.stack_limit !== undefined) spec.stack_limit = p.stack_limit;
	return spec;
}

export const processSchema = strict(processShape, 'a process like {name: web, rate: 10000, regions: [...]}')
	.superRefine(checkProcess)
	.transform(toProcessSpec);

export const groupSchema = strict(groupShape, 'a process like {name: web, rate: 10000, regions: [...]}')
	.superRefine((p, ctx) => {
		checkProcess(p, ctx);
		if (p.end !== undefined && p.end <= p.start)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['end'],
				message: `expected an end after start (${formatDuration(p.start)}), got ${formatDuration(p.end)}`,
			});
	})
	.transform((p): ProcessGroupSpec => {
		const group: ProcessGroupSpec = {...toProcessSpec(p), count: p.count, start: p.start};
		if (p.end !== undefined) group.end = p.end;
		return group;
	});
