// The resource budget: before a machine is built, what its simulation will cost the host, in memory
// (frames, page tables and per-process structures, recording buffers) and in CPU per simulated
// second (page references per second × cost per reference, plus a cost per process per tick). A
// workload, a recording's header, a restored state or a spawn that would exceed the limits is
// refused with one line naming the field that makes it too big and the figure; --max-memory and
// --max-cpu raise the limits. docs/hostile-input.md says how it is estimated.
//
// The structures' sizes come from the modules that own them (sim/host-cost.ts asks the frame table,
// the policy, the swap area, the page table, the file objects and the process); only the measured
// CPU costs and the recording's multiples live here.

import {
	MAX_OBJECT_PAGES,
	MAX_PROCESS_PAGES,
	machineBytes,
	objectBytes,
	processBytes,
} from '../sim/host-cost.js';
import type {Machine} from '../sim/machine.js';
import type {MachineSpec, PatternKind, ProcessSpec, Workload} from '../sim/spec.js';
import {FIRST_PID} from '../sim/task-list.js';
import {bytesToPages, GIB, MIB, TICKS_PER_SECOND} from '../sim/units.js';
import {formatBytes} from './quantities.js';

// ---------------------------------------------------------------------------------------------------
// Measured constants (bench/budget.ts measures them side by side; `npm run bench -- budget`).

/**
 * Host CPU per page reference, in ns, by the stream's pattern, on the hit path (a resident page: the
 * common case; a reference that faults costs more host time but also more simulated time, so fewer
 * of them fit in a simulated second). Measured as CPU time on the development machine (2 cores,
 * shared, under load): random 106-168, zipf 207-303, shifting 248, first touch of a sequential scan
 * 344; bench/core.ts's thrashing mix of 200 processes (zipf, random, sequential, shifting) runs at
 * 15.8 M refs/s on a quiet machine, 63 ns a reference. These are the loaded figures, rounded up.
 */
export const REF_NS: Record<PatternKind, number> = {
	sequential: 200,
	random: 170,
	zipf: 300,
	shifting: 250,
	stream: 250,
	// Each page a grow stream adds is a first-touch fault: costed per page of growth instead.
	grow: 0,
	// A wild pointer's first reference kills the process (SIGSEGV): no steady cost.
	wild: 0,
};
/** References to file and shmem pages go through the page cache lookup, not the PTE fast path. */
export const FILE_REF_FACTOR = 1.5;
/** A grow stream's first touch of each new page (allocation, zeroing, maybe reclaim). */
export const GROW_PAGE_NS = 2000;
/**
 * Host CPU per process per tick (its tick's bookkeeping, the per-second roll of its working-set
 * buckets): 10,000 processes at 100 references a second on one resident page cost 729 ms per
 * simulated second, 1 M references of it; idle, 210 ms.
 */
export const PROCESS_TICK_NS = 550;
/**
 * A reference that faults (reclaim, swap-out and swap-in, a page-cache miss): host CPU, and the
 * least simulated time one takes on each kind of backing, which bounds how many fit in a simulated
 * second. 20 processes at 50,000 references a second thrashing on zram cost 730 ms per simulated
 * second, ≈1.3 µs a fault at ≈17 µs of simulated time each (decompression, the fault, a share of
 * reclaim); a disk read takes its device's latency (sim/costs.ts).
 */
export const FAULT_NS = 1500;
export const FAULT_MIN_US: Record<'zram' | 'zswap' | 'nvme' | 'ssd' | 'hdd', number> = {
	zram: 15,
	zswap: 15,
	nvme: 60,
	ssd: 150,
	hdd: 8000,
};
/** saveMachine plus hashing, per byte of state: every HASH_SECONDS while recording or replaying. */
export const HASH_NS_PER_BYTE = 2;
/** record/format.ts HASH_INTERVAL_TICKS, in seconds (test/workload/budget.test.ts holds them equal). */
export const HASH_SECONDS = 5;
/** Node, memtop's code and a tiny machine: `memtop validate` peaks at 69 MiB, a small run at ≈100. */
export const BASE_BYTES = 100 * MIB;

/** How a run uses its machine: more machines and copies of the state cost more memory. */
export interface BudgetUse {
	/** For messages: what is estimated ("a recorded run", "a replay"). */
	label: string;
	/** Machines stepped at once (a replay: the player and its background indexer). */
	machines: number;
	/**
	 * Copies of the machine's state held beside it: a recorder keeps the previous state (a delta's
	 * base) and makes the new one, its shuffle and its encoding; a replay also decodes and restores.
	 */
	stateCopies: number;
	/** State hashes every HASH_SECONDS (recording and replaying). */
	hashes: boolean;
	/** Fixed bytes besides (a replay's in-memory checkpoints). */
	extraBytes: number;
}

export const BUDGET_USES = {
	/** `memtop run --headless` without --record. */
	headless: {label: 'a headless run', machines: 1, stateCopies: 0, hashes: false, extraBytes: 0},
	/** The dashboard (which records by default) and --record. */
	recorded: {label: 'a recorded run', machines: 1, stateCopies: 3, hashes: true, extraBytes: 0},
	/** `memtop replay`: player and indexer, decoded states, in-memory checkpoints (128 MiB). */
	replay: {label: 'a replay', machines: 2, stateCopies: 4, hashes: true, extraBytes: 128 * MIB},
} as const satisfies Record<string, BudgetUse>;

export interface BudgetLimits {
	/** Bytes of host memory. */
	memory: number;
	/** Seconds of host CPU per simulated second. */
	cpu: number;
}

/**
 * 1 GiB of memory; 1 s of CPU per simulated second, so the dashboard's default 1× speed can keep up
 * (and 5 simulated seconds take about 5 s).
 */
export const DEFAULT_LIMITS: BudgetLimits = {memory: GIB, cpu: 1};

// ---------------------------------------------------------------------------------------------------
// What a run holds: the machine, and processes over time.

/** Processes a run will have: a workload group, a spawn event, a recorded or typed spawn. */
export interface Spawn {
	spec: ProcessSpec;
	count: number;
	/** Seconds from boot; `end` undefined: until the end of the run. */
	start: number;
	end?: number | undefined;
	/** Where the spec is, in the parsed form ("processes", 0 / "events", 3, "command", "spec"). */
	path: readonly PropertyKey[];
	/** The path of its count, if it has one. */
	countPath?: readonly PropertyKey[] | undefined;
	/** The line it is on (a recording's command). */
	line?: number | undefined;
}

/** The processes of a workload: its groups and its spawn events, each with the time span it lives. */
export function workloadSpawns(w: Workload): Spawn[] {
	const spawns: Spawn[] = w.processes.map((g, i) => ({
		spec: g,
		count: g.count,
		start: g.start,
		end: minDefined(g.end, g.lifetime === undefined ? undefined : g.start + g.lifetime),
		path: ['processes', i],
		countPath: ['processes', i, 'count'],
	}));
	w.events.forEach((e, i) => {
		const c = e.command;
		if (c.kind === 'fork') {
			// A fork's child costs what its parent's address space does (its table is a copy): the group
			// the pid falls in (groups get pids 100, 101, ... in order), alive to the end of the run.
			const parent = groupOfPid(w, c.pid);
			if (parent) spawns.push({spec: parent, count: 1, start: e.at, path: ['events', i, 'command', 'pid']});
			return;
		}
		if (c.kind === 'exec') {
			// An exec's image costs what a process of its regions does (counted on top of the one it
			// replaces: an upper bound). Without an image it runs what it ran: nothing more.
			if (!c.image) return;
			const {lifetime} = c.image;
			spawns.push({
				spec: {...c.image, oom_score_adj: 0},
				count: 1,
				start: e.at,
				end: lifetime === undefined ? undefined : e.at + lifetime,
				path: ['events', i, 'command', 'image'],
			});
			return;
		}
		if (c.kind !== 'spawn') return;
		spawns.push({
			spec: c.spec,
			count: c.count ?? 1,
			start: e.at,
			end: c.spec.lifetime === undefined ? undefined : e.at + c.spec.lifetime,
			path: ['events', i, 'command', 'spec'],
			countPath: ['events', i, 'command', 'count'],
		});
	});
	return spawns;
}

function groupOfPid(w: Workload, pid: number): Workload['processes'][number] | undefined {
	let first = FIRST_PID;
	for (const g of w.processes) {
		if (pid >= first && pid < first + g.count) return g;
		first += g.count;
	}
	return undefined;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
	return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

// ---------------------------------------------------------------------------------------------------
// The estimate.

/** One field's share of the cost. */
interface Part {
	path: readonly PropertyKey[];
	line?: number | undefined;
	/** The field's value as a person reads it ("1024 TiB", "10000"), and a note after it. */
	value: string;
	note?: string | undefined;
	/** "for its page tables", "for its frame tables": what the bytes are for. */
	what: string;
	bytes: number;
	cpu: number;
}

export interface Estimate {
	/** Host bytes at the busiest moment. */
	memory: number;
	/** Host CPU seconds per simulated second at the busiest moment. */
	cpu: number;
	/** The machine's state (what a checkpoint or hash holds), in bytes. */
	stateBytes: number;
	/** What each field adds (at the busiest moment for memory, or for CPU); hashes are CPU too. */
	memoryParts: Part[];
	cpuParts: Part[];
	/** A limit no flag raises (an address space past what a page table can index). */
	hard?:
		| {path: readonly PropertyKey[]; line?: number | undefined; value: string; message: string}
		| undefined;
}

/**
 * Host CPU (s) per simulated second of one process of `spec`: its references (while busy) and its
 * ticks. `faultUs`: when the machine will be short of memory, the least simulated time a fault takes
 * on it (every reference may then fault, at most one per faultUs); undefined when all fits in RAM.
 */
export function processCpu(spec: ProcessSpec, faultUs?: number): {refs: number; ticks: number} {
	const busy = spec.burst ? spec.burst.on / Math.max(1e-9, spec.burst.on + spec.burst.off) : 1;
	let weight = 0;
	let ns = 0;
	let growPages = 0;
	for (const s of spec.streams) {
		if (s.pattern === 'grow') {
			growPages += (s.grow ?? 0) / 4096;
			continue;
		}
		const region = spec.regions.find((r) => r.name === s.region);
		weight += s.weight;
		ns += s.weight * REF_NS[s.pattern] * (region && region.kind !== 'anon' ? FILE_REF_FACTOR : 1);
	}
	const perRef = weight > 0 ? ns / weight : 0;
	const refs = weight > 0 ? spec.rate : 0;
	const faults = faultUs === undefined ? 0 : Math.min(refs + growPages, 1e6 / faultUs);
	return {
		refs: (busy * (refs * perRef + growPages * GROW_PAGE_NS + faults * FAULT_NS)) / 1e9,
		ticks: (TICKS_PER_SECOND * PROCESS_TICK_NS) / 1e9,
	};
}

/**
 * The least simulated time a fault takes on this machine once it is short of memory: a swap-in
 * from zram or the zswap pool (which can be turned on at any time), or a page-cache miss.
 */
export function cheapestFaultUs(machine: MachineSpec): number {
	const disk = FAULT_MIN_US[machine.disk === 'zram' ? 'ssd' : machine.disk];
	if (machine.swap.size === 0) return disk;
	return Math.min(disk, machine.swap.device === 'zram' ? FAULT_MIN_US.zram : FAULT_MIN_US.zswap);
}

const sizeText = (bytes: number): string => {
	const tib = 1024 * GIB;
	if (bytes >= 1024 * tib) return `${Number((bytes / (1024 * tib)).toFixed(2))} PiB`;
	if (bytes >= tib) return `${Number((bytes / tib).toFixed(2))} TiB`;
	return formatBytes(bytes);
};

/** "1 GiB", "512 MiB": the figures of a budget message. */
export const formatHostBytes = sizeText;

/** "75 s", "0.4 s": CPU per simulated second. */
export function formatCpu(seconds: number): string {
	return `${seconds >= 10 ? Math.round(seconds) : Number(seconds.toPrecision(2))} s`;
}

/**
 * Estimate a run of `spawns` on a machine of `machine` under `policy`, used as `use` says. The
 * busiest moment is found by a sweep over the processes' start and end times (file objects and the
 * machine stay for the whole run).
 */
export function estimate(
	machine: MachineSpec,
	policy: string,
	spawns: readonly Spawn[],
	use: BudgetUse,
	machinePath: readonly PropertyKey[] = ['machine'],
): Estimate {
	const mb = machineBytes(machine, policy);
	const memoryParts: Part[] = [];
	const copies = use.machines + use.stateCopies;
	// Short of memory: what the processes map at their busiest exceeds RAM (reclaim will run, and any
	// reference may fault). A file object counts once, however many map it.
	const demand = busiest(
		spawns.map((s) => ({
			start: s.start,
			end: s.end ?? Number.POSITIVE_INFINITY,
			bytes: s.count * sumOf(s.spec.regions.map((r) => (r.kind === 'file' ? 0 : r.size))),
		})),
		(l) => l.bytes,
	).value;
	const files = new Map<string, number>();
	for (const s of spawns)
		for (const r of s.spec.regions)
			if (r.kind === 'file') {
				const key = r.object ?? `${s.spec.name}/${r.name}`;
				files.set(key, Math.max(files.get(key) ?? 0, r.size));
			}
	const short = demand + sumOf([...files.values()]) > machine.ram - machine.kernel;
	const faultUs = cheapestFaultUs(machine);
	const hashCpu = (bytes: number): number =>
		use.hashes ? (bytes * HASH_NS_PER_BYTE * use.machines) / HASH_SECONDS / 1e9 : 0;
	memoryParts.push({
		path: [...machinePath, 'ram'],
		value: sizeText(machine.ram),
		what: 'its frame tables',
		bytes: mb.frames * copies,
		cpu: hashCpu(mb.frames),
	});
	if (mb.swap > 0)
		memoryParts.push({
			path: [...machinePath, 'swap', 'size'],
			value: sizeText(machine.swap.size),
			what: 'its swap slots',
			bytes: mb.swap * copies,
			cpu: hashCpu(mb.swap),
		});
	let hard: Estimate['hard'];
	// File and shmem objects: one per name, as large as its largest mapping, kept for the whole run.
	const objects = new Map<
		string,
		{bytes: number; value: string; path: readonly PropertyKey[]; line?: number | undefined}
	>();
	interface Live {
		start: number;
		end: number;
		bytes: number;
		cpu: number;
		parts: Part[];
	}
	const lives: Live[] = [];
	for (const s of spawns) {
		const pb = processBytes(s.spec, machine);
		const at = (...rest: PropertyKey[]): PropertyKey[] => [...s.path, ...rest];
		if (pb.vpns > MAX_PROCESS_PAGES && !hard)
			hard = {
				path: at('regions', largestRegion(s.spec), 'size'),
				line: s.line,
				value: sizeText(s.spec.regions[largestRegion(s.spec)]!.size),
				message: `the process's regions add up to ${sizeText(pb.vpns * 4096)} of address space, more than a process may have (${sizeText(MAX_PROCESS_PAGES * 4096)})`,
			};
		const parts: Part[] = [];
		const n = s.count;
		s.spec.regions.forEach((r, j) => {
			const bytes = (pb.regions[j] ?? 0) * n;
			parts.push({
				path: at('regions', j, 'size'),
				line: s.line,
				value: sizeText(r.size),
				what: n > 1 ? `the page tables of its ${n} processes` : 'its page tables',
				bytes: bytes * copies,
				cpu: hashCpu(bytes),
			});
			if (r.kind !== 'anon') {
				const key = `${r.kind}:${r.object ?? `${s.spec.name}/${r.name}`}`;
				if (bytesToPages(r.size) > MAX_OBJECT_PAGES && !hard)
					hard = {
						path: at('regions', j, 'size'),
						line: s.line,
						value: sizeText(r.size),
						message: `is more than a file or shmem object may have (${sizeText(MAX_OBJECT_PAGES * 4096)})`,
					};
				const bytes = objectBytes(r.size);
				const known = objects.get(key);
				if (!known || known.bytes < bytes)
					objects.set(key, {bytes, value: sizeText(r.size), path: at('regions', j, 'size'), line: s.line});
			}
		});
		const pc = processCpu(s.spec, short ? faultUs : undefined);
		// A replay in the dashboard also indexes the recording on a second machine.
		const tickCpu = pc.ticks * n * use.machines;
		const fixed = Math.max(0, pb.other - sumOf(pb.regions) + pb.pageTables) * n;
		const self = s.countPath && n > 1 ? s.countPath : s.path;
		parts.push(
			{
				path: self,
				line: s.line,
				value: String(n),
				what: n > 1 ? `the structures of its ${n} processes` : 'its process structures',
				bytes: fixed * copies,
				cpu: hashCpu(fixed),
			},
			{
				path: at('rate'),
				line: s.line,
				value: String(s.spec.rate),
				note: n > 1 ? `(×${n} processes)` : undefined,
				what: 'its page references',
				bytes: 0,
				cpu: pc.refs * n * use.machines,
			},
			{
				path: self,
				line: s.line,
				value: String(n),
				what: n > 1 ? `the ticks of its ${n} processes` : 'its ticks',
				bytes: 0,
				cpu: tickCpu,
			},
		);
		lives.push({
			start: s.start,
			end: s.end ?? Number.POSITIVE_INFINITY,
			bytes: sumParts(parts, 'bytes'),
			cpu: sumParts(parts, 'cpu'),
			parts,
		});
	}
	for (const o of objects.values()) {
		memoryParts.push({
			path: o.path,
			line: o.line,
			value: o.value,
			what: 'its page-cache slots',
			bytes: o.bytes * copies,
			cpu: hashCpu(o.bytes),
		});
	}
	const fixedBytes = BASE_BYTES + use.extraBytes + sumParts(memoryParts, 'bytes');
	const fixedCpu = sumParts(memoryParts, 'cpu');
	const memPeak = busiest(lives, (l) => l.bytes);
	const cpuPeak = busiest(lives, (l) => l.cpu);
	const stateBytes =
		mb.frames + mb.swap + sumOf([...objects.values()].map((o) => o.bytes)) + memPeak.value / copies;
	const alive = (t: number) => lives.filter((l) => l.start <= t && t < l.end);
	return {
		memory: fixedBytes + memPeak.value,
		cpu: fixedCpu + cpuPeak.value,
		stateBytes,
		memoryParts: [...memoryParts, ...alive(memPeak.at).flatMap((l) => l.parts)].filter((p) => p.bytes > 0),
		cpuParts: [
			...memoryParts.map((p) => ({...p, what: `hashing ${p.what}`})),
			...alive(cpuPeak.at).flatMap((l) => l.parts),
		].filter((p) => p.cpu > 0),
		hard,
	};
}

function largestRegion(spec: ProcessSpec): number {
	let best = 0;
	spec.regions.forEach((r, i) => {
		if (r.size > spec.regions[best]!.size) best = i;
	});
	return best;
}

function sumOf(xs: readonly number[]): number {
	let s = 0;
	for (const x of xs) s += x;
	return s;
}

function sumParts(parts: readonly Part[], key: 'bytes' | 'cpu'): number {
	let s = 0;
	for (const p of parts) s += p[key];
	return s;
}

/** The moment the most is alive, by `value`: a sweep over starts (+) and ends (−). */
function busiest<T extends {start: number; end: number}>(
	lives: readonly T[],
	value: (l: T) => number,
): {at: number; value: number} {
	const marks: [number, number][] = [];
	for (const l of lives) {
		if (!(l.end > l.start)) continue;
		marks.push([l.start, value(l)]);
		if (Number.isFinite(l.end)) marks.push([l.end, -value(l)]);
	}
	// Ends before starts at the same time: a process that exits as another starts frees its memory.
	marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let best = {at: 0, value: 0};
	for (const [t, v] of marks) {
		now += v;
		if (now > best.value) best = {at: t, value: now};
	}
	return best;
}

// ---------------------------------------------------------------------------------------------------
// The check.

export interface BudgetProblem {
	/** The field at fault, in the parsed form. */
	path: readonly PropertyKey[];
	line?: number | undefined;
	/** What to say after "FILE:LINE: field: ". */
	message: string;
}

/**
 * The first limit `est` exceeds, as a problem naming the field that adds the most, with the figures;
 * null when it fits.
 */
export function budgetProblem(
	est: Estimate,
	limits: BudgetLimits,
	use: BudgetUse,
	/** The field's text as its file has it ("1024T"), when there is a file. */
	fieldText?: (path: readonly PropertyKey[]) => string | undefined,
): BudgetProblem | null {
	const exceeded = (
		parts: readonly Part[],
		key: 'bytes' | 'cpu',
		total: number,
		figure: (n: number) => string,
		tail: string,
	): BudgetProblem => {
		const part = largest(parts, key);
		const value = part ? (fieldText?.(part.path) ?? part.value) : '';
		const head = [value, part?.note].filter(Boolean).join(' ');
		const whole = part && part[key] < total * 0.9 ? ` (${figure(total)} in all)` : '';
		return {
			path: part?.path ?? [],
			line: part?.line,
			message:
				`${head ? `${head} ` : ''}needs ${figure(part?.[key] ?? total)} ${tail.replace('WHAT', part?.what ?? 'the simulation')}`.replace(
					'WHOLE',
					whole,
				),
		};
	};
	// The memory figure first: a limit no flag raises matters only once the memory is allowed.
	if (est.memory > limits.memory)
		return exceeded(
			est.memoryParts,
			'bytes',
			est.memory,
			sizeText,
			`of host memory for WHATWHOLE as ${use.label}; the limit is ${sizeText(limits.memory)} (--max-memory)`,
		);
	if (est.cpu > limits.cpu)
		return exceeded(
			est.cpuParts,
			'cpu',
			est.cpu,
			(n) => `≈${formatCpu(n)}`,
			`of host CPU per simulated second for WHATWHOLE; the limit is ${formatCpu(limits.cpu)} (--max-cpu)`,
		);
	if (!est.hard) return null;
	const {path, line, value, message} = est.hard;
	const text = fieldText?.(path) ?? value;
	return {path, line, message: message.startsWith('is ') ? `${text} ${message}` : `${text}: ${message}`};
}

function largest(parts: readonly Part[], key: 'bytes' | 'cpu'): Part | undefined {
	let best: Part | undefined;
	for (const p of parts) if (!best || p[key] > best[key]) best = p;
	return best;
}

/** Estimate and check a whole workload (its machine, groups and spawn events). */
export function checkWorkloadBudget(
	w: Workload,
	limits: BudgetLimits,
	use: BudgetUse,
	policy?: string,
	fieldText?: (path: readonly PropertyKey[]) => string | undefined,
): BudgetProblem | null {
	const est = estimate(w.machine, policy ?? w.machine.policy, workloadSpawns(w), use);
	return budgetProblem(est, limits, use, fieldText);
}

/**
 * Why spawning `count` processes of `spec` now would take a running machine past `limits` (its live
 * processes and the new ones; the workload's later groups and events are not counted), or null.
 */
export function spawnProblem(
	machine: Machine,
	spec: ProcessSpec,
	count: number,
	limits: BudgetLimits,
	recorded: boolean,
): string | null {
	const spawns: Spawn[] = machine.liveProcs().map((p) => ({spec: p.spec, count: 1, start: 0, path: []}));
	spawns.push({spec, count, start: 0, path: ['spawn']});
	const use = recorded ? BUDGET_USES.recorded : BUDGET_USES.headless;
	const problem = budgetProblem(estimate(machine.spec, machine.policyName, spawns, use), limits, use);
	return problem?.message ?? null;
}
