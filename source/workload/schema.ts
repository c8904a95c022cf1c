// The workload file format: YAML (snake_case keys) validated with zod into exactly the `Workload` of
// sim/spec.ts. Every default lives here in DEFAULTS, the sysctls' in sim/sysctl.ts; docs/workloads.md describes the
// format for people. Sizes are rounded UP to whole 4 KiB pages (the simulator deals only in pages);
// durations are seconds; rates are bytes per second.
//
// Error messages are written to read as "expected ..., got ..." after load.ts prefixes FILE:LINE: and
// the field path, so every leaf below builds its own message instead of using zod's defaults.

import {z} from 'zod';
import type {Command} from '../sim/commands.js';
import {FIRST_PID} from '../sim/machine.js';
import {DEFAULT_POLICY, policyInfo, policyNames} from '../sim/policies/index.js';
import type {
	Compressor,
	MachineSpec,
	PatternKind,
	ProcessGroupSpec,
	ProcessSpec,
	RegionKind,
	RegionSpec,
	StreamSpec,
	SwapDeviceKind,
	SwapSpec,
	SysctlName,
	Sysctls,
	TimedEvent,
	Workload,
	WorkloadNote,
	ZswapSpec,
} from '../sim/spec.js';
import {DEFAULT_SYSCTLS, SYSCTLS} from '../sim/sysctl.js';
import {GIB, MIB} from '../sim/units.js';
import {describeValue, didYouMean, listOr} from './hints.js';
import {
	formatBytes,
	formatDuration,
	parseDuration,
	parseRate,
	parseSize,
	roundUpToPages,
} from './quantities.js';

/**
 * Pids are not in the file, so `kill` and `oom_score_adj` events name them by number. The machine gives
 * the processes of `processes:` pids FIRST_WORKLOAD_PID, +1, ... in the order they are listed, a group's
 * `count` expanding in place, whether or not the group has started yet; processes spawned by events
 * follow, in the order the events happen (a spawn's `count` expanding in place).
 */
export const FIRST_WORKLOAD_PID = FIRST_PID;

export const DEFAULTS = {
	cpus: 4,
	disk: 'ssd',
	/** kernel: max(64 MiB, 2% of RAM), rounded up to pages. */
	kernelMinimum: 64 * MIB,
	kernelRamShare: 0.02,
	/** No swap unless the file asks; the swap device defaults to the machine's disk. */
	swapSize: 0,
	/** zram's own default is lzo-rle; lzo is the nearest compressor we model. */
	zramCompressor: 'lzo',
	zramMemLimit: 0,
	zswap: {enabled: false, compressor: 'lz4', max_pool_percent: 20, accept_threshold_percent: 90},
	policy: DEFAULT_POLICY,
	count: 1,
	start: 0,
	oomScoreAdj: 0,
	compressibility: 0.5,
	uid: 1000,
	regionKind: 'anon',
	fileAccess: 'mmap',
	locked: false,
	weight: 1,
	skew: 1.0,
	writeRatio: 0,
} as const satisfies {
	disk: SwapDeviceKind;
	zramCompressor: Compressor;
	zswap: ZswapSpec;
	regionKind: RegionKind;
	[key: string]: unknown;
};

/** The simulator keeps state per 4 KiB frame; bigger machines only make it slower. */
const RAM_MIN = 16 * MIB;
const RAM_MAX = 64 * GIB;

// ---------------------------------------------------------------------------------------------------
// Leaves: each takes whatever YAML gave (unknown) and either returns the value or reports
// "expected <what>, got <value>".

class Expected {
	constructor(
		readonly what: string,
		readonly hint?: string,
	) {}
}

type Leaf<T> = z.ZodType<T, unknown>;

function leaf<T>(parse: (value: unknown) => T | Expected): Leaf<T> {
	return z.unknown().transform((value, ctx): T => {
		const result = parse(value);
		if (result instanceof Expected) {
			const hint = result.hint ? ` (did you mean ${result.hint}?)` : '';
			ctx.addIssue({
				code: 'custom',
				continue: false,
				message: `expected ${result.what}, got ${describeValue(value)}${hint}`,
			});
			return z.NEVER;
		}
		return result;
	});
}

function range(min: number | undefined, max: number | undefined, what: string, minExclusive = false): string {
	if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
	if (min !== undefined) return minExclusive ? `${what} above ${min}` : `${what} of at least ${min}`;
	if (max !== undefined) return `${what} of at most ${max}`;
	return what;
}

function int(min?: number, max?: number): Leaf<number> {
	const what = range(min, max, 'an integer');
	return leaf((v) =>
		typeof v === 'number' &&
		Number.isSafeInteger(v) &&
		(min === undefined || v >= min) &&
		(max === undefined || v <= max)
			? v
			: new Expected(what),
	);
}

function num(min: number, max: number | undefined, options: {minExclusive?: boolean} = {}): Leaf<number> {
	const what = range(min, max, 'a number', options.minExclusive);
	return leaf((v) =>
		typeof v === 'number' &&
		Number.isFinite(v) &&
		(options.minExclusive ? v > min : v >= min) &&
		(max === undefined || v <= max)
			? v
			: new Expected(what),
	);
}

function oneOf<const T extends string | number>(values: readonly T[], what?: string): Leaf<T> {
	const expected = what ?? listOr(values);
	return leaf((v) => {
		if ((values as readonly unknown[]).includes(v)) return v as T;
		const hint = typeof v === 'string' ? didYouMean(v, values.map(String)) : undefined;
		return new Expected(expected, hint);
	});
}

const bool: Leaf<boolean> = leaf((v) => (typeof v === 'boolean' ? v : new Expected('true or false')));

function text(what: string, pattern: RegExp, maxLength: number): Leaf<string> {
	return leaf((v) =>
		typeof v === 'string' && v.length <= maxLength && pattern.test(v) ? v : new Expected(what),
	);
}

const SIZE_FORMS = 'a size like 512M, 4G or 64K (or a number of bytes)';

/** A size in bytes, rounded up (away from zero) to whole pages. */
function size(
	options: {min?: number; max?: number; allowZero?: boolean; signed?: boolean} = {},
): Leaf<number> {
	return leaf((v) => {
		const bytes = parseSize(v);
		if (bytes === undefined)
			return new Expected(options.signed ? `${SIZE_FORMS}, or a negative size` : SIZE_FORMS);
		if (bytes === 0 && !options.allowZero) return new Expected('a size above 0');
		if (bytes < 0 && !options.signed)
			return new Expected(options.allowZero ? 'a size of at least 0' : 'a size above 0');
		if (options.min !== undefined && bytes < options.min)
			return new Expected(`a size of at least ${formatBytes(options.min)}`);
		if (options.max !== undefined && bytes > options.max)
			return new Expected(`a size of at most ${formatBytes(options.max)}`);
		return roundUpToPages(bytes);
	});
}

const DURATION_FORMS = 'a duration like 30s, 2m, 1h or 500ms (or a number of seconds)';

function duration(options: {positive: boolean}): Leaf<number> {
	return leaf((v) => {
		const seconds = parseDuration(v);
		if (seconds === undefined) return new Expected(DURATION_FORMS);
		if (options.positive ? seconds <= 0 : seconds < 0)
			return new Expected(options.positive ? 'a duration above 0s' : 'a duration of at least 0s');
		return seconds;
	});
}

const rate: Leaf<number> = leaf((v) => {
	const bytes = parseRate(v);
	if (bytes === undefined) return new Expected('a rate like 20M/s (bytes per second)');
	if (bytes <= 0) return new Expected('a rate above 0');
	return Math.round(bytes);
});

const pid: Leaf<number> = leaf((v) =>
	typeof v === 'number' && Number.isSafeInteger(v) && v > 0
		? v
		: new Expected(
				`a pid (an integer: workload processes get pids from ${FIRST_WORKLOAD_PID} in the order they are listed)`,
			),
);

const regionName = text('a name of letters, digits and _ . - [ ] (at most 32)', /^[A-Za-z0-9_.[\]-]+$/, 32);
const processName = text(
	'a process name of letters, digits and _ . - : (at most 15, as comm)',
	/^[A-Za-z0-9_.:-]+$/,
	15,
);
const objectName = text(
	'an object name without spaces or control characters (at most 255)',
	/^[^\s\p{Cc}]+$/u,
	255,
);
const workloadName = text('a name of letters, digits and _ . - (at most 64)', /^[A-Za-z0-9_.-]+$/, 64);
/** A note is one paragraph: YAML's folded lines and runs of blanks become single spaces. */
const NOTE_MAX = 400;
const noteText = leaf((v) => {
	if (typeof v !== 'string') return new Expected(`a line of text (at most ${NOTE_MAX} characters)`);
	const one = v.replace(/\s+/g, ' ').trim();
	return one.length > 0 && one.length <= NOTE_MAX
		? one
		: new Expected(`a line of text (at most ${NOTE_MAX} characters)`);
});
const descriptionText = leaf((v) =>
	typeof v === 'string' && !/\p{Cc}/u.test(v.trim()) && v.length <= 1000
		? v.trim()
		: new Expected('one line of text without control characters (at most 1000 characters)'),
);

const policy: Leaf<string> = leaf((v) => {
	if (typeof v !== 'string' || !/^[a-z0-9-]+$/.test(v))
		return new Expected('a policy name (lowercase letters, digits and -)');
	// The registry may still be empty while policies are being written; check membership once it is not.
	const names = policyNames({includeTraceOnly: false});
	if (names.length > 0 && !names.includes(v)) {
		if (policyInfo(v)?.traceOnly)
			return new Expected(
				`a policy the machine can run (${v} needs the future, so only the trace lab runs it)`,
			);
		return new Expected(`one of the policies ${listOr(names)}`, didYouMean(v, names));
	}
	return v;
});

// ---------------------------------------------------------------------------------------------------
// Containers: strict objects (unknown keys are errors, with a did-you-mean hint) and lists.

function strict<S extends z.ZodRawShape>(shape: S, what: string) {
	const keys = Object.keys(shape);
	return z.strictObject(shape, {
		error: (issue) => {
			if (issue.code === 'unrecognized_keys') {
				// load.ts reports the first unknown key at its own line; the message is about that key.
				const key = issue.keys[0] ?? '';
				const hint = didYouMean(key, keys);
				return hint ? `unknown key (did you mean ${hint}?)` : `unknown key (expected one of ${listOr(keys)})`;
			}
			if (issue.code === 'invalid_type') return `expected ${what}, got ${describeValue(issue.input)}`;
			return undefined;
		},
	});
}

function list<T extends z.ZodType>(item: T, what: string, min = 0) {
	const schema = z.array(item, {
		error: (issue) =>
			issue.code === 'invalid_type'
				? `expected a list of ${what}, got ${describeValue(issue.input)}`
				: undefined,
	});
	return min > 0
		? schema.min(min, {error: () => `expected at least ${min} of ${what}, got an empty list`})
		: schema;
}

// ---------------------------------------------------------------------------------------------------
// machine:

// Every range comes from the sysctl table (sim/sysctl.ts), which has the kernel's.
const sysctlInt = (name: SysctlName): Leaf<number> => int(SYSCTLS[name].min, SYSCTLS[name].max);
const sysctlLeaves = {
	swappiness: sysctlInt('swappiness'),
	min_free_kbytes: sysctlInt('min_free_kbytes'),
	watermark_scale_factor: sysctlInt('watermark_scale_factor'),
	dirty_ratio: sysctlInt('dirty_ratio'),
	dirty_background_ratio: sysctlInt('dirty_background_ratio'),
	overcommit_memory: oneOf(SYSCTLS.overcommit_memory.values, '0 (heuristic), 1 (always) or 2 (strict)'),
	overcommit_ratio: sysctlInt('overcommit_ratio'),
	page_cluster: sysctlInt('page_cluster'),
	min_ttl_ms: sysctlInt('min_ttl_ms'),
} satisfies Record<SysctlName, Leaf<number>>;

const sysctlSchema = strict(
	{
		swappiness: sysctlLeaves.swappiness.default(DEFAULT_SYSCTLS.swappiness),
		min_free_kbytes: sysctlLeaves.min_free_kbytes.optional(),
		watermark_scale_factor: sysctlLeaves.watermark_scale_factor.default(
			DEFAULT_SYSCTLS.watermark_scale_factor,
		),
		dirty_ratio: sysctlLeaves.dirty_ratio.default(DEFAULT_SYSCTLS.dirty_ratio),
		dirty_background_ratio: sysctlLeaves.dirty_background_ratio.default(
			DEFAULT_SYSCTLS.dirty_background_ratio,
		),
		overcommit_memory: sysctlLeaves.overcommit_memory.default(DEFAULT_SYSCTLS.overcommit_memory),
		overcommit_ratio: sysctlLeaves.overcommit_ratio.default(DEFAULT_SYSCTLS.overcommit_ratio),
		page_cluster: sysctlLeaves.page_cluster.default(DEFAULT_SYSCTLS.page_cluster),
		min_ttl_ms: sysctlLeaves.min_ttl_ms.default(DEFAULT_SYSCTLS.min_ttl_ms),
	},
	'a mapping of sysctls like {swappiness: 60}',
);

const compressor = oneOf(['lz4', 'lzo', 'zstd'] as const);

const swapSchema = strict(
	{
		size: size({allowZero: true}),
		device: oneOf(['nvme', 'ssd', 'hdd', 'zram'] as const).optional(),
		mem_limit: size({allowZero: true}).optional(),
		compressor: compressor.optional(),
	},
	'a mapping like {size: 2G, device: ssd}, a size, or none',
);

/** `swap: none`, `swap: false`, `swap: 2G` are shorthands for {size: 0} and {size: 2G}. */
function swapShorthand(value: unknown): unknown {
	if (value === 'none' || value === false) return {size: 0};
	if (typeof value === 'string' || typeof value === 'number') return {size: value};
	return value;
}

const zswapSchema = strict(
	{
		// Writing a zswap: mapping turns it on unless it says enabled: false.
		enabled: bool.default(true),
		compressor: compressor.default(DEFAULTS.zswap.compressor),
		max_pool_percent: int(1, 100).default(DEFAULTS.zswap.max_pool_percent),
		accept_threshold_percent: int(0, 100).default(DEFAULTS.zswap.accept_threshold_percent),
	},
	'a mapping like {enabled: true, compressor: lz4}, or true/false',
);

const machineSchema = strict(
	{
		ram: size({min: RAM_MIN, max: RAM_MAX}),
		cpus: int(1, 1024).default(DEFAULTS.cpus),
		kernel: size().optional(),
		disk: oneOf(['nvme', 'ssd', 'hdd'] as const).default(DEFAULTS.disk),
		swap: z.preprocess(swapShorthand, swapSchema).optional(),
		zswap: z.preprocess((v) => (typeof v === 'boolean' ? {enabled: v} : v), zswapSchema).optional(),
		sysctl: sysctlSchema.prefault({}),
		policy: policy.default(DEFAULTS.policy),
	},
	'a mapping of machine settings like {ram: 4G}',
)
	.superRefine((m, ctx) => {
		if (m.kernel !== undefined && m.kernel > m.ram / 2)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['kernel'],
				message: `expected at most half of RAM (${formatBytes(m.ram / 2)}), got ${formatBytes(m.kernel)}`,
			});
		const device = m.swap?.device ?? m.disk;
		for (const field of ['mem_limit', 'compressor'] as const) {
			const value = m.swap?.[field];
			if (value !== undefined && device !== 'zram')
				ctx.addIssue({
					code: 'custom',
					continue: false,
					path: ['swap', field],
					message: `expected ${field} only with device: zram (swap here is on ${device}), got ${typeof value === 'number' ? formatBytes(value) : value}`,
				});
		}
		const swapSize = m.swap?.size ?? DEFAULTS.swapSize;
		if (m.zswap?.enabled && swapSize === 0)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['zswap', 'enabled'],
				message:
					'expected a swap device for zswap to sit in front of (zswap caches pages on their way to swap), got swap: none',
			});
		const minFree = m.sysctl.min_free_kbytes;
		const maxMinFree = Math.floor(m.ram / 1024 / 4);
		if (minFree !== undefined && minFree > maxMinFree)
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: ['sysctl', 'min_free_kbytes'],
				message: `expected at most ${maxMinFree} (a quarter of RAM, in KiB), got ${minFree}`,
			});
	})
	.transform((m): MachineSpec => {
		const kernel =
			m.kernel ?? roundUpToPages(Math.max(DEFAULTS.kernelMinimum, m.ram * DEFAULTS.kernelRamShare));
		const device = m.swap?.device ?? m.disk;
		const swap: SwapSpec = {size: m.swap?.size ?? DEFAULTS.swapSize, device};
		if (device === 'zram') {
			swap.mem_limit = m.swap?.mem_limit ?? DEFAULTS.zramMemLimit;
			swap.compressor = m.swap?.compressor ?? DEFAULTS.zramCompressor;
		}
		return {
			ram: m.ram,
			cpus: m.cpus,
			kernel,
			disk: m.disk,
			swap,
			zswap: m.zswap ?? {...DEFAULTS.zswap},
			sysctl: m.sysctl,
			policy: m.policy,
		};
	});

// ---------------------------------------------------------------------------------------------------
// processes:

const regionSchema = strict(
	{
		name: regionName,
		kind: oneOf(['anon', 'file', 'shmem'] as const).default(DEFAULTS.regionKind),
		size: size(),
		object: objectName.optional(),
		access: oneOf(['mmap', 'read'] as const).optional(),
		locked: bool.optional(),
	},
	'a region like {name: heap, kind: anon, size: 512M}',
).superRefine((r, ctx) => {
	const misplaced = (field: 'object' | 'access' | 'locked', which: string, value: unknown) =>
		ctx.addIssue({
			code: 'custom',
			continue: false,
			path: [field],
			message: `expected no ${field} on a ${r.kind} region (only ${which} regions take ${field}), got ${describeValue(value)}`,
		});
	if (r.object !== undefined && r.kind === 'anon') misplaced('object', 'file and shmem', r.object);
	if (r.access !== undefined && r.kind !== 'file') misplaced('access', 'file', r.access);
	if (r.locked !== undefined && r.kind !== 'anon') misplaced('locked', 'anon', r.locked);
});

type RegionInput = z.output<typeof regionSchema>;

/** file/shmem objects default to "<process name>/<region name>": shared by the processes of one group
 * (and any group with the same name), private to everyone else unless they name the object. */
function toRegionSpec(r: RegionInput, processName: string): RegionSpec {
	const spec: RegionSpec = {name: r.name, kind: r.kind, size: r.size};
	if (r.kind !== 'anon') spec.object = r.object ?? `${processName}/${r.name}`;
	if (r.kind === 'file') spec.access = r.access ?? DEFAULTS.fileAccess;
	if (r.kind === 'anon') spec.locked = r.locked ?? DEFAULTS.locked;
	return spec;
}

const PATTERNS = [
	'sequential',
	'random',
	'zipf',
	'shifting',
	'grow',
	'stream',
] as const satisfies readonly PatternKind[];

const streamSchema = strict(
	{
		region: regionName,
		pattern: oneOf(PATTERNS),
		weight: num(0, undefined, {minExclusive: true}).default(DEFAULTS.weight),
		skew: num(0, 10, {minExclusive: true}).optional(),
		window: size().optional(),
		period: duration({positive: true}).optional(),
		grow: rate.optional(),
		write_ratio: num(0, 1).optional(),
	},
	'a stream like {region: heap, pattern: zipf, weight: 1}',
).superRefine((s, ctx) => {
	const only: [field: 'skew' | 'window' | 'period' | 'grow', pattern: PatternKind, example: string][] = [
		['skew', 'zipf', '1.0'],
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
		if (value === undefined && s.pattern === pattern && field !== 'skew')
			ctx.addIssue({
				code: 'custom',
				continue: false,
				path: [field],
				message: `expected ${field} with pattern ${pattern} (like ${example}), got nothing`,
			});
	}
});

type StreamInput = z.output<typeof streamSchema>;

function toStreamSpec(s: StreamInput): StreamSpec {
	const spec: StreamSpec = {region: s.region, pattern: s.pattern, weight: s.weight};
	if (s.pattern === 'zipf') spec.skew = s.skew ?? DEFAULTS.skew;
	if (s.window !== undefined) spec.window = s.window;
	if (s.period !== undefined) spec.period = s.period;
	if (s.grow !== undefined) spec.grow = s.grow;
	spec.write_ratio = s.write_ratio ?? DEFAULTS.writeRatio;
	return spec;
}

const burstSchema = strict(
	{on: duration({positive: true}), off: duration({positive: false})},
	'a mapping like {on: 2s, off: 8s}',
);

const processShape = {
	name: processName,
	rate: num(0, 1_000_000),
	oom_score_adj: int(-1000, 1000).default(DEFAULTS.oomScoreAdj),
	compressibility: num(0, 1).default(DEFAULTS.compressibility),
	uid: int(0, 4_294_967_294).default(DEFAULTS.uid),
	burst: burstSchema.optional(),
	lifetime: duration({positive: true}).optional(),
	regions: list(regionSchema, 'regions', 1),
	streams: list(streamSchema, 'streams').default([]),
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
};

/** The checks that need several fields of one process. */
function checkProcess(p: ProcessInput, ctx: z.RefinementCtx): void {
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
	if (p.lifetime !== undefined) spec.lifetime = p.lifetime;
	return spec;
}

const processSchema = strict(processShape, 'a process like {name: web, rate: 10000, regions: [...]}')
	.superRefine(checkProcess)
	.transform(toProcessSpec);

const groupSchema = strict(groupShape, 'a process like {name: web, rate: 10000, regions: [...]}')
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

// ---------------------------------------------------------------------------------------------------
// events:

const ACTIONS = ['spawn', 'kill', 'sysctl', 'zswap', 'drop_caches', 'balloon', 'oom_score_adj'] as const;

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

const eventSchema = strict(
	{
		at: duration({positive: false}),
		spawn: processSchema.optional(),
		count: int(1, 10_000).optional(),
		kill: pid.optional(),
		sysctl: sysctlEventSchema.optional(),
		zswap: bool.optional(),
		drop_caches: oneOf([1, 2, 3] as const, '1 (page cache), 2 (slab) or 3 (both)').optional(),
		balloon: size({signed: true}).optional(),
		oom_score_adj: strict({pid, value: int(-1000, 1000)}, 'a mapping like {pid: 101, value: 500}').optional(),
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
		if (e.kill !== undefined) return [at({kind: 'kill', pid: e.kill})];
		if (e.sysctl) {
			// One set-sysctl command per key, in the order the file gives them.
			return Object.entries(e.sysctl)
				.filter((entry): entry is [SysctlName, number] => entry[1] !== undefined)
				.map(([name, value]) => at({kind: 'set-sysctl', name, value}));
		}
		if (e.zswap !== undefined) return [at({kind: 'set-zswap', enabled: e.zswap})];
		if (e.drop_caches !== undefined) return [at({kind: 'drop-caches', mode: e.drop_caches})];
		if (e.balloon !== undefined) return [at({kind: 'balloon', bytes: e.balloon})];
		const adj = e.oom_score_adj!;
		return [at({kind: 'set-oom-score-adj', pid: adj.pid, value: adj.value})];
	});

// ---------------------------------------------------------------------------------------------------
// notes: narration, shown by the dashboard when the clock gets there.

/** At most this many notes: a story, not a log. */
const NOTES_MAX = 200;

const noteSchema = strict(
	{at: duration({positive: false}), text: noteText},
	'a note like {at: 40s, text: "watch free memory fall below low"}',
);

// ---------------------------------------------------------------------------------------------------
// The whole file.

interface WorkloadDraft {
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
	for (const {list, index} of byTime) {
		for (const {command} of list) {
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
