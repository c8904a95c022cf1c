// A machine from a checkpoint's state bytes. The bytes come from a file, so they are checked before
// and after restoring: a bad state gives a FormatError, never a broken machine.
import {Machine} from '../sim/machine.js';
import {Proc} from '../sim/process.js';
import type {ProcessSpec, Workload} from '../sim/spec.js';
import {restoreMachine, stateHeaderText} from '../sim/state-codec.js';
import type {BudgetLimits} from '../workload/budget.js';
import {describeValue} from '../workload/hints.js';
import {checkRestoredBudget} from './budget.js';
import {FormatError} from './format.js';
import {errorText} from './line-reader.js';
import type {CommandEntry} from './recording.js';
import {validateProcessSpec} from './validate.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every value `a` has is the one its parse `b` has (a may leave out what the schema defaults: the
 * machine takes ProcessSpec's optional fields as absent), key order aside.
 */
function agrees(a: unknown, b: unknown): boolean {
	if (Array.isArray(a) || Array.isArray(b)) {
		return (
			Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => agrees(x, b[i]))
		);
	}
	if (isObject(a) && isObject(b))
		return Object.keys(a).every((k) => a[k] === undefined || agrees(a[k], b[k]));
	return a === b;
}

/** The fields ProcessSpec requires (the schema defaults some of them in a file; a state must hold them). */
const REQUIRED = {
	spec: ['name', 'rate', 'regions', 'streams', 'oom_score_adj', 'compressibility'],
	region: ['name', 'kind', 'size'],
	stream: ['region', 'pattern', 'weight'],
} as const;

function missingField(spec: Obj): string | undefined {
	const missing = (o: unknown, keys: readonly string[]) =>
		keys.find((k) => !isObject(o) || o[k] === undefined);
	const top = missing(spec, REQUIRED.spec);
	if (top) return top;
	for (const [list, keys] of [
		['regions', REQUIRED.region],
		['streams', REQUIRED.stream],
	] as const) {
		const items = spec[list] as unknown[];
		for (let i = 0; i < items.length; i++) {
			const k = missing(items[i], keys);
			if (k) return `${list}[${i}].${k}`;
		}
	}
	return undefined;
}

/**
 * The text a state carries that reaches the screen or the machine's arithmetic meets the workload
 * file's rules: every process spec (names, sizes, rates) is one the schema accepts and parses to
 * itself, file objects are named as the schema names them, and the queue of undelivered events is
 * empty (a canonical state sets it aside: docs/recording.md).
 */
function checkStateText(
	parsed: unknown,
	where: (message: string) => string,
): ({index: number; spec: ProcessSpec} | null)[] {
	const bad = (message: string): never => {
		throw new FormatError(where(`checkpoint state ${message}`));
	};
	const header = isObject(parsed) && isObject(parsed.header) ? parsed.header : bad('is not a machine state');
	if (!Array.isArray(header.pendingEvents) || header.pendingEvents.length > 0)
		bad('holds undelivered events (a recorded state never does)');
	if (!Array.isArray(header.procs)) bad('has no process list');
	const specs: ({index: number; spec: ProcessSpec} | null)[] = [];
	for (const [i, entry] of (header.procs as unknown[]).entries()) {
		specs.push(null);
		if (entry === null) continue;
		if (!isObject(entry) || !isObject(entry.spec)) bad(`procs[${i}]: expected a process with its spec`);
		// Workload processes keep their group's spec (count, start, end); the process is the rest.
		const {count, start, end, ...spec} = (entry as Obj).spec as Obj;
		const parsedSpec = parseSpec(spec, `procs[${i}].spec`, bad);
		const missing = missingField(spec);
		if (missing) bad(`procs[${i}].spec.${missing}: expected a value, got nothing`);
		if (!agrees(spec, parsedSpec)) bad(`procs[${i}].spec: not a process spec as memtop writes it`);
		specs[i] = {index: i, spec: parsedSpec};
		for (const [key, value] of Object.entries({count, start, end})) {
			if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0))
				bad(`procs[${i}].spec.${key}: expected a number of at least 0, got ${describeValue(value)}`);
		}
	}
	if (!Array.isArray(header.files)) bad('has no file list');
	(header.files as unknown[]).forEach((f, i) => {
		if (!isObject(f) || typeof f.name !== 'string' || !FILE_NAME.test(f.name))
			bad(`files[${i}].name: expected an object name without spaces or control characters (at most 255)`);
	});
	return specs;
}

function parseSpec(spec: Obj, path: string, bad: (message: string) => never): ProcessSpec {
	try {
		return validateProcessSpec(spec, path);
	} catch (error) {
		return bad(errorText(error));
	}
}

/** As the workload schema names file and shmem objects (objectName in workload/schema.ts). */
const FILE_NAME = /^[^\s\p{Cc}]{1,255}$/u;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The resource budget a restored state is held to: its processes and what the recording adds later. */
export interface RestoreBudget {
	limits: BudgetLimits;
	policy: string;
	commands: readonly CommandEntry[];
}

/** restoreMachine, guarded: state bytes come from a file, so a bad one gives an error, not a broken machine. */
export function restoreState(
	workload: Workload,
	raw: Uint8Array,
	where: (message: string) => string,
	budget?: RestoreBudget,
): Machine {
	// The codec's JSON part must not carry keys that would reach object prototypes.
	let parsed: unknown;
	try {
		parsed = JSON.parse(stateHeaderText(raw), (key, value) => {
			if (FORBIDDEN_KEYS.has(key)) throw new Error(`forbidden key ${key}`);
			return value;
		});
	} catch (error) {
		throw new FormatError(where(`checkpoint state is not a machine state: ${errorText(error)}`));
	}
	const specs = checkStateText(parsed, where);
	if (budget) {
		const scalars = (parsed as {header: {scalars?: {tick?: unknown}}}).header.scalars;
		const tick = typeof scalars?.tick === 'number' ? scalars.tick : 0;
		const problem = checkRestoredBudget(workload, budget.policy, specs, tick, budget.commands, budget.limits);
		if (problem) throw new FormatError(where(problem));
	}
	let m: Machine;
	try {
		m = restoreMachine(workload, raw);
	} catch (error) {
		throw new FormatError(where(`checkpoint state does not fit the workload: ${errorText(error)}`));
	}
	// Data must not shadow methods (restore copies fields by name).
	const shadows = (obj: object, proto: object): string | undefined =>
		Object.keys(obj).find((k) => typeof (proto as Record<string, unknown>)[k] === 'function');
	const bad =
		shadows(m, Machine.prototype) ??
		m.procs.map((p) => (p ? shadows(p, Proc.prototype) : undefined)).find(Boolean);
	if (bad) throw new FormatError(where(`checkpoint state overwrites ${bad}: not a machine state`));
	return m;
}
