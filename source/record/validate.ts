// The checks every line read from a recording goes through (a recording is untrusted input:
// everything is validated, nothing is evaluated), and what they return: the values as the schema
// parsed them, never the raw objects.
import type {Command} from '../sim/commands.js';
import {policyNames} from '../sim/policies/index.js';
import {
	CGROUP_FILES,
	isCgroupPath,
	KILL_SIGNALS,
	type ProcessSpec,
	type Sysctls,
	USERSPACE_OOM_KILLERS,
	type Workload,
} from '../sim/spec.js';
import {isSysctlName, SYSCTL_NAMES, SYSCTLS} from '../sim/sysctl.js';
import {GIB} from '../sim/units.js';
import {commandToEvent, eventSchema} from '../workload/events.js';
import {describeValue} from '../workload/hints.js';
import {formatPath} from '../workload/load.js';
import {workloadSchema} from '../workload/schema.js';
import {isBase64} from './compression.js';
import {
	type CheckpointBody,
	FORMAT_VERSION,
	FormatError,
	type ParentRef,
	RECORDING_MAGIC,
	type RecordingHeader,
	type RecordLine,
} from './format.js';

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(path: string, expected: string, got: unknown): never {
	throw new FormatError(`${path}: expected ${expected}, got ${describeValue(got)}`);
}

function object(v: unknown, path: string, keys: readonly string[], what: string): Obj {
	if (!isObject(v)) fail(path, what, v);
	for (const k of Object.keys(v)) {
		if (!keys.includes(k)) throw new FormatError(`${path}: unknown key ${JSON.stringify(k)}`);
	}
	return v;
}

function integer(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
	if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
		fail(
			path,
			max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`,
			v,
		);
	}
	return v;
}

function finite(v: unknown, path: string): number {
	if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'a number', v);
	return v;
}

function string(v: unknown, path: string, what: string, test: (s: string) => boolean): string {
	if (typeof v !== 'string' || !test(v)) fail(path, what, v);
	return v;
}

export function tickValue(v: unknown, path = 't'): number {
	return integer(v, path, 0);
}

const HASH = /^[0-9a-f]{16}$/;

export function hashValue(v: unknown, path: string): string {
	return string(v, path, 'a state hash of 16 hex digits', (s) => HASH.test(s));
}

// ---------------------------------------------------------------------------------------------------
// Commands.

const COMMAND_KEYS: Record<Command['kind'], readonly string[]> = {
	spawn: ['kind', 'spec', 'count'],
	fork: ['kind', 'pid', 'name', 'streams', 'lifetime'],
	exec: ['kind', 'pid', 'image'],
	kill: ['kind', 'pid', 'signal'],
	'set-sysctl': ['kind', 'name', 'value'],
	'set-oom-score-adj': ['kind', 'pid', 'value'],
	'set-zswap': ['kind', 'enabled'],
	'drop-caches': ['kind', 'mode'],
	balloon: ['kind', 'bytes'],
	'set-cgroup': ['kind', 'path', 'file', 'value'],
	'set-userspace-oom': ['kind', 'killer'],
};
const COMMAND_KINDS = Object.keys(COMMAND_KEYS) as Command['kind'][];
const PID_MAX = 2 ** 31 - 1;

/**
 * Check a command read from a file (or sent by the dashboard: sessions record commands in this form).
 * Returns the command as the schema parses it: a spawn's spec with every default filled in, so the
 * machine never sees a raw value ("640M") or a missing field.
 */
export function validateCommand(v: unknown, path: string): Command {
	if (!isObject(v)) fail(path, 'a command like {"kind": "kill", "pid": 101}', v);
	const kind = v.kind;
	if (typeof kind !== 'string' || !(COMMAND_KINDS as string[]).includes(kind)) {
		fail(`${path}.kind`, `one of ${COMMAND_KINDS.join(', ')}`, kind);
	}
	object(v, path, COMMAND_KEYS[kind as Command['kind']], 'a command');
	switch (kind as Command['kind']) {
		case 'spawn': {
			const spec = validateProcessSpec(v.spec, `${path}.spec`);
			const count = integer(v.count ?? 1, `${path}.count`, 1, 10_000);
			return {kind: 'spawn', spec, count};
		}
		case 'fork':
			return validateFork(v, path);
		case 'exec':
			return validateExec(v, path);
		case 'kill':
			integer(v.pid, `${path}.pid`, 1, PID_MAX);
			// Absent in every recording before signals: SIGKILL.
			if (v.signal !== undefined && !(KILL_SIGNALS as readonly unknown[]).includes(v.signal))
				fail(`${path}.signal`, `one of ${KILL_SIGNALS.join(', ')}`, v.signal);
			break;
		case 'set-sysctl':
			if (!isSysctlName(v.name)) fail(`${path}.name`, `one of ${SYSCTL_NAMES.join(', ')}`, v.name);
			finite(v.value, `${path}.value`);
			break;
		case 'set-oom-score-adj':
			integer(v.pid, `${path}.pid`, 1, PID_MAX);
			finite(v.value, `${path}.value`);
			break;
		case 'set-zswap':
			if (typeof v.enabled !== 'boolean') fail(`${path}.enabled`, 'true or false', v.enabled);
			break;
		case 'drop-caches':
			if (v.mode !== 1 && v.mode !== 2 && v.mode !== 3) fail(`${path}.mode`, '1, 2 or 3', v.mode);
			break;
		case 'balloon':
			integer(v.bytes, `${path}.bytes`, -Number.MAX_SAFE_INTEGER);
			break;
		case 'set-cgroup':
			if (typeof v.path !== 'string' || !isCgroupPath(v.path))
				fail(`${path}.path`, 'a cgroup path like "/system.slice/app.service"', v.path);
			if (!(CGROUP_FILES as readonly unknown[]).includes(v.file))
				fail(`${path}.file`, `one of ${CGROUP_FILES.join(', ')}`, v.file);
			if (v.value !== null) integer(v.value, `${path}.value`, 0);
			break;
		case 'set-userspace-oom':
			if (!(USERSPACE_OOM_KILLERS as readonly unknown[]).includes(v.killer))
				fail(`${path}.killer`, `one of ${USERSPACE_OOM_KILLERS.join(', ')}`, v.killer);
			break;
	}
	return v as Command;
}

// ---------------------------------------------------------------------------------------------------
// Workloads and process specs: turned back into the workload file's input form and run through the
// same zod schema `memtop validate` uses, so a recording's workload meets exactly the same rules.

interface Issue {
	code?: string;
	path: readonly PropertyKey[];
	message: string;
	keys?: readonly string[];
}

/** The first issue, with an unknown key appended to its path (as `memtop validate` reports it). */
function issueMessage(issues: readonly Issue[]): {path: PropertyKey[]; message: string} {
	const first = issues[0]!;
	const path = [...first.path];
	if (first.code === 'unrecognized_keys' && first.keys?.[0] !== undefined) path.push(first.keys[0]);
	return {path, message: first.message};
}

/** A fork command, checked as the workload file's fork event is (the same schema); returned as parsed. */
function validateFork(v: Obj, path: string): Command {
	const {kind: _kind, ...fork} = v;
	const result = eventSchema.safeParse({at: 0, fork});
	if (!result.success) {
		const {path: p, message} = issueMessage(result.error.issues);
		const field = formatPath(p[0] === 'fork' ? p.slice(1) : p);
		throw new FormatError(`${path}${field ? (field.startsWith('[') ? field : `.${field}`) : ''}: ${message}`);
	}
	return result.data[0]!.command;
}

/** An exec command, checked as the workload file's exec event is (the same schema); returned as parsed. */
function validateExec(v: Obj, path: string): Command {
	if (v.image !== undefined && !isObject(v.image))
		fail(`${path}.image`, 'a program image like {"name": "sh", ...}', v.image);
	const image = v.image as Obj | undefined;
	if (image && 'pid' in image) throw new FormatError(`${path}.image: unknown key "pid"`);
	const result = eventSchema.safeParse({at: 0, exec: {pid: v.pid, ...image}});
	if (!result.success) {
		const {path: p, message} = issueMessage(result.error.issues);
		const rest = p[0] === 'exec' ? p.slice(1) : p;
		const inImage = rest.length > 0 && rest[0] !== 'pid';
		const field = formatPath(inImage ? ['image', ...rest] : rest);
		throw new FormatError(`${path}${field ? (field.startsWith('[') ? field : `.${field}`) : ''}: ${message}`);
	}
	return result.data[0]!.command;
}

/** A ProcessSpec as it appears in a spawn command, checked as a one-process workload; returned as parsed. */
export function validateProcessSpec(v: unknown, path: string): ProcessSpec {
	if (!isObject(v)) fail(path, 'a process spec', v);
	for (const k of ['count', 'start', 'end']) {
		if (k in v) throw new FormatError(`${path}: unknown key ${JSON.stringify(k)}`);
	}
	// The spawn's cgroup is checked against the running machine's tree when it is applied.
	const cgroups = isCgroupPath(v.cgroup) ? {cgroups: {[v.cgroup]: {}}} : {};
	const result = workloadSchema({name: 'spawn'}).safeParse({machine: {ram: GIB}, processes: [v], ...cgroups});
	if (!result.success) {
		const {path: p, message} = issueMessage(result.error.issues);
		// ['processes', 0, ...rest] → spec.rest
		const rest = p[0] === 'processes' ? p.slice(2) : p;
		const field = formatPath(rest);
		throw new FormatError(`${path}${field ? (field.startsWith('[') ? field : `.${field}`) : ''}: ${message}`);
	}
	// A one-process group of the file form: the spec is the group without count and start.
	const {count: _count, start: _start, ...spec} = result.data.processes[0]!;
	return spec;
}

/** A parsed TimedEvent back into the file's `{at, <action>: ...}` form (workload/events.ts has both ways). */
function eventToInput(v: unknown, path: string): unknown {
	if (!isObject(v)) return v;
	const {command, ...rest} = v;
	if (command === undefined) return v;
	return {...rest, ...commandToEvent(validateCommand(command, `${path}.command`))};
}

/**
 * Check a recording's embedded workload (the parsed Workload a run was built from) with the workload
 * schema. Returns the schema's parse, never the raw object: a parsed workload parses to itself, so a
 * recording memtop wrote replays as it ran, and a hand-made one cannot reach the machine unparsed.
 */
export function validateWorkload(v: unknown, path = 'workload'): Workload {
	if (!isObject(v)) fail(path, 'a workload', v);
	const input: Obj = {...v};
	if (Array.isArray(v.events)) input.events = v.events.map((e, i) => eventToInput(e, `${path}.events[${i}]`));
	const name = typeof v.name === 'string' ? v.name : 'recorded';
	const result = workloadSchema({name}).safeParse(input);
	if (!result.success) {
		const {path: p, message} = issueMessage(result.error.issues);
		// An event's action key (sysctl, kill...) is its `command` in the parsed form.
		if (p[0] === 'events' && typeof p[1] === 'number' && p.length > 2 && p[2] !== 'at')
			p.splice(2, 1, 'command');
		const field = formatPath(p);
		throw new FormatError(`${path}${field ? (field.startsWith('[') ? field : `.${field}`) : ''}: ${message}`);
	}
	return result.data;
}

// ---------------------------------------------------------------------------------------------------
// Lines.

const HEADER_KEYS = [
	'memtop',
	'format',
	'version',
	'created',
	'workload',
	'seed',
	'policy',
	'sysctl',
	'parent',
];

/** Is this parsed first line meant as a memtop recording header at all? */
export function looksLikeHeader(v: unknown): v is Obj {
	return isObject(v) && v.memtop === RECORDING_MAGIC;
}

/** The format number of a header, checked only as far as "a positive integer". */
export function headerFormat(v: Obj): number {
	return integer(v.format, 'format', 1);
}

/** Check a header whose format this memtop reads. */
export function validateHeader(v: Obj): RecordingHeader {
	object(v, 'header', HEADER_KEYS, 'a header');
	const format = headerFormat(v);
	string(v.version, 'version', 'a version like 0.1.0', (s) => s.length <= 64 && /^[0-9A-Za-z.+-]+$/.test(s));
	string(
		v.created,
		'created',
		'an ISO time like 2026-11-21T23:40:12.000Z',
		(s) => s.length <= 64 && /^\d{4}-\d\d-\d\dT/.test(s) && !Number.isNaN(Date.parse(s)),
	);
	const seed = integer(v.seed, 'seed', 0);
	const names = policyNames({includeTraceOnly: false});
	string(v.policy, 'policy', `one of the policies ${names.join(', ')}`, (s) => names.includes(s));
	const sysctl = object(v.sysctl, 'sysctl', SYSCTL_NAMES, 'a mapping of sysctls');
	for (const name of SYSCTL_NAMES) {
		// A sysctl the kernel derives at boot may be absent (as the kernel derives it).
		if (SYSCTLS[name].default === null && sysctl[name] === undefined) continue;
		integer(sysctl[name], `sysctl.${name}`, SYSCTLS[name].min, SYSCTLS[name].max);
	}
	let parent: ParentRef | null = null;
	if (v.parent !== null) {
		const p = object(v.parent, 'parent', ['file', 'tick'], 'null or {"file": ..., "tick": ...}');
		parent = {
			file: string(
				p.file,
				'parent.file',
				'a file name',
				(s) => s.length > 0 && s.length <= 4096 && !s.includes('\0'),
			),
			tick: tickValue(p.tick, 'parent.tick'),
		};
	}
	const workload = validateWorkload(v.workload);
	return {
		memtop: RECORDING_MAGIC,
		format,
		version: v.version as string,
		created: v.created as string,
		workload,
		seed,
		policy: v.policy as string,
		sysctl: sysctl as unknown as Sysctls,
		parent,
	};
}

/** The most a state can be (the tightest limit, stateBound of the machine, is checked on loading). */
const STATE_BYTES_LIMIT = 4 * GIB - 1;

/** Check one line after the header (already JSON-parsed), for a file of format `format`. */
export function validateLine(v: unknown, format: number = FORMAT_VERSION): RecordLine {
	if (!isObject(v)) fail('line', 'an object like {"t": 500, "checkpoint": {...}}', v);
	const t = tickValue(v.t);
	if ('cmd' in v) {
		object(v, 'line', ['t', 'cmd'], 'a command line');
		return {t, cmd: validateCommand(v.cmd, 'cmd')};
	}
	if ('checkpoint' in v) {
		object(v, 'line', ['t', 'checkpoint'], 'a checkpoint line');
		const keys = format >= 2 ? ['hash', 'state', 'delta', 'base', 'length'] : ['hash', 'state'];
		const c = object(v.checkpoint, 'checkpoint', keys, 'a checkpoint like {"hash": ...}');
		const body: CheckpointBody = {hash: hashValue(c.hash, 'checkpoint.hash')};
		if (c.state !== undefined) {
			body.state = string(c.state, 'checkpoint.state', 'base64 text', isBase64);
			// Format 3: a full state says its length (the exact bound it decompresses to).
			if (format >= 3) {
				if (c.delta !== undefined || c.base !== undefined)
					throw new FormatError('checkpoint: a full state and a delta at once');
				body.length = integer(c.length, 'checkpoint.length', 4, STATE_BYTES_LIMIT);
				return {t, checkpoint: body};
			}
		}
		if (c.delta !== undefined || c.base !== undefined || c.length !== undefined) {
			if (c.state !== undefined) throw new FormatError('checkpoint: a full state and a delta at once');
			body.delta = string(c.delta, 'checkpoint.delta', 'base64 text', isBase64);
			if (t === 0) throw new FormatError('checkpoint.base: a delta at tick 0 has no earlier state');
			body.base = integer(c.base, 'checkpoint.base', 0, t - 1);
			body.length = integer(c.length, 'checkpoint.length', 4, STATE_BYTES_LIMIT);
		}
		return {t, checkpoint: body};
	}
	if ('end' in v) {
		object(v, 'line', ['t', 'end'], 'an end line');
		const e = object(v.end, 'end', ['hash'], 'an end like {"hash": ...}');
		return {t, end: {hash: hashValue(e.hash, 'end.hash')}};
	}
	throw new FormatError('line: expected one of "cmd", "checkpoint" or "end" with "t"');
}
