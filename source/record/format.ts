// The recording format (docs/recording.md): JSON Lines, one header, then commands, checkpoints and an
// end line. This module holds the constants, the line types, the checks every line read from disk goes
// through (a recording is untrusted input: everything is validated, nothing is evaluated), and the
// state encoding of full checkpoints.
import {deflateSync, inflateSync} from 'node:zlib';
import type {Command} from '../sim/commands.js';
import type {SimEvent} from '../sim/events.js';
import type {Machine} from '../sim/machine.js';
import {policyNames} from '../sim/policies/index.js';
import type {SysctlName, Sysctls, Workload} from '../sim/spec.js';
import {hashBytes, saveMachine} from '../sim/state-codec.js';
import {GIB, MIB, TICKS_PER_SECOND} from '../sim/units.js';
import {describeValue} from '../workload/hints.js';
import {formatPath} from '../workload/load.js';
import {workloadSchema} from '../workload/schema.js';

export const RECORDING_MAGIC = 'recording';
/** The format this memtop writes and the newest it reads. */
export const FORMAT_VERSION = 1;
export const RECORDING_SUFFIX = '.memtop.jsonl';

/**
 * A state hash every 5 simulated seconds. A hash costs one saveMachine + hash (≈40-100 ms on the 4 GiB
 * default workload, which steps a simulated second in ≈10 ms), so every second would make a recorded
 * run several times slower at full speed; every 5 s costs about as much as the stepping itself.
 */
export const HASH_INTERVAL_TICKS = 5 * TICKS_PER_SECOND;
/**
 * A full state every 60 simulated seconds (on a hash tick). Seeking restores the nearest one at or
 * before the target (≈0.1-0.3 s) and steps forward at most 60 s (≈0.6 s on default), so any seek
 * in a long recording stays under a second; a full state of the default workload is ≈3-6 MB, so a
 * one-hour recording is a few hundred MB (bench/seek.ts measures both).
 */
export const STATE_INTERVAL_TICKS = 60 * TICKS_PER_SECOND;

export interface ParentRef {
	/** The recording this one branched from (absolute path when written). */
	file: string;
	/** The tick of the parent at which the branch took over. */
	tick: number;
}

export interface RecordingHeader {
	memtop: typeof RECORDING_MAGIC;
	format: number;
	/** memtop's package version that wrote the file. */
	version: string;
	/** ISO 8601 time the recording started. */
	created: string;
	workload: Workload;
	seed: number;
	policy: string;
	/** The sysctls in effect at the first recorded tick (informational: the workload and states hold them). */
	sysctl: Sysctls;
	parent: ParentRef | null;
}

export interface CheckpointBody {
	hash: string;
	/** base64 of zlib deflate of the 4-byte-shuffled canonical saveMachine bytes (see encodeState). */
	state?: string;
}

export type RecordLine =
	| {t: number; cmd: Command}
	| {t: number; checkpoint: CheckpointBody}
	| {t: number; end: {hash: string}};

/** A problem with one value of a recording; the reader prefixes FILE:LINE. */
export class FormatError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FormatError';
	}
}

// ---------------------------------------------------------------------------------------------------
// The canonical state: the machine without its queue of undelivered events. Those are drained by
// whoever shows them (the dashboard every 100 ms of wall time, headless every interval), so they
// differ between a live run and its replay while the simulation itself does not.

interface EventQueue {
	pendingEvents: SimEvent[];
}

function eventQueue(m: Machine): EventQueue {
	const q = m as unknown as EventQueue;
	if (!Array.isArray(q.pendingEvents)) {
		throw new Error('recording: Machine.pendingEvents is gone; update saveCanonical in record/format.ts');
	}
	return q;
}

/** saveMachine with the undelivered-event queue set aside (left as it was afterwards). */
export function saveCanonical(m: Machine): Uint8Array {
	const q = eventQueue(m);
	const pending = q.pendingEvents;
	q.pendingEvents = [];
	try {
		return saveMachine(m);
	} finally {
		q.pendingEvents = pending;
	}
}

/**
 * Refresh the LRU list sizes the machine caches in `machine.lru` (policy.counts), right before a step.
 * Machine.step() now does this itself (the cache used to be read stale, so a run depended on when the
 * dashboard last took a snapshot); this stays as a cheap guard for recordings made by live sessions,
 * headless runs and replays alike.
 */
export function settle(m: Machine): void {
	m.policy.counts(m.lru);
}

/** The state hash recordings store: stateHash of the canonical state. */
export function canonicalHash(m: Machine): string {
	return hashBytes(saveCanonical(m));
}

// ---------------------------------------------------------------------------------------------------
// Full-state encoding. The saved machine is mostly little-endian Int32Arrays whose high bytes are
// nearly constant; grouping byte 0, 1, 2, 3 of every 4-byte word together (a "shuffle", as HDF5 and
// Blosc do) lets deflate find those runs: 3× smaller than deflating the bytes as they are, and faster.

export function shuffle4(src: Uint8Array): Uint8Array {
	const n = src.length >>> 2;
	const out = new Uint8Array(src.length);
	for (let i = 0, j = 0; i < n; i++, j += 4) {
		out[i] = src[j]!;
		out[n + i] = src[j + 1]!;
		out[2 * n + i] = src[j + 2]!;
		out[3 * n + i] = src[j + 3]!;
	}
	out.set(src.subarray(n * 4), n * 4);
	return out;
}

export function unshuffle4(src: Uint8Array): Uint8Array {
	const n = src.length >>> 2;
	const out = new Uint8Array(src.length);
	for (let i = 0, j = 0; i < n; i++, j += 4) {
		out[j] = src[i]!;
		out[j + 1] = src[n + i]!;
		out[j + 2] = src[2 * n + i]!;
		out[j + 3] = src[3 * n + i]!;
	}
	out.set(src.subarray(n * 4), n * 4);
	return out;
}

/** Level 1: level 6 saves ≈4% for twice the time. */
export const DEFLATE_LEVEL = 1;

export function compressState(raw: Uint8Array): Buffer {
	return deflateSync(shuffle4(raw), {level: DEFLATE_LEVEL});
}

/** The largest decompressed state accepted: far above any real one, it only stops a deflate bomb. */
export function maxStateBytes(workload: Workload): number {
	return Math.min(4 * GIB - 1, 512 * MIB + Math.ceil(workload.machine.ram / 4096) * 512);
}

export function decompressState(compressed: Uint8Array, maxBytes: number): Uint8Array {
	let inflated: Buffer;
	try {
		inflated = inflateSync(compressed, {maxOutputLength: maxBytes});
	} catch (error) {
		throw new FormatError(`checkpoint state does not inflate: ${(error as Error).message.split('\n')[0]}`);
	}
	return unshuffle4(inflated);
}

export function encodeState(raw: Uint8Array): string {
	return compressState(raw).toString('base64');
}

/** Anything but the base64 alphabet (a negated class scans several times faster than an anchored pattern). */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

export function decodeState(text: string, maxBytes: number): Uint8Array {
	if (!isBase64(text)) throw new FormatError('checkpoint.state: expected base64 text');
	return decompressState(Buffer.from(text, 'base64'), maxBytes);
}

function isBase64(text: string): boolean {
	if (text.length === 0 || text.length % 4 !== 0 || NOT_BASE64.test(text)) return false;
	// Padding only at the very end, at most two.
	const pad = text.indexOf('=');
	return pad === -1 || pad === text.length - 1 || (pad === text.length - 2 && text.endsWith('='));
}

// ---------------------------------------------------------------------------------------------------
// Times and labels.

/** Simulated time of a tick as m:ss.cc (h:mm:ss.cc from an hour): "0:42.10". */
export function formatTickTime(tick: number): string {
	const cs = Math.max(0, Math.round(tick * (100 / TICKS_PER_SECOND)));
	const h = Math.floor(cs / 360_000);
	const m = Math.floor((cs % 360_000) / 6000);
	const s = Math.floor((cs % 6000) / 100);
	const c = cs % 100;
	const mm = h > 0 ? `${h}:${String(m).padStart(2, '0')}` : String(m);
	return `${mm}:${String(s).padStart(2, '0')}.${String(c).padStart(2, '0')}`;
}

function mib(bytes: number): string {
	const v = bytes / MIB;
	return `${Number.isInteger(v) ? v : v.toFixed(1)} MiB`;
}

/** A short label for a command (timeline markers, listings). */
export function describeCommand(c: Command): string {
	switch (c.kind) {
		case 'spawn':
			return `spawn ${c.spec.name}${(c.count ?? 1) > 1 ? ` ×${c.count}` : ''}`;
		case 'kill':
			return `kill ${c.pid}`;
		case 'set-sysctl':
			return `vm.${c.name} = ${c.value}`;
		case 'set-oom-score-adj':
			return `oom_score_adj ${c.pid} = ${c.value}`;
		case 'set-zswap':
			return `zswap ${c.enabled ? 'on' : 'off'}`;
		case 'drop-caches':
			return `drop_caches ${c.mode}`;
		case 'balloon':
			return `balloon ${c.bytes < 0 ? '-' : '+'}${mib(Math.abs(c.bytes))}`;
	}
}

// ---------------------------------------------------------------------------------------------------
// Validation helpers.

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

export const SYSCTL_NAMES = [
	'swappiness',
	'min_free_kbytes',
	'watermark_scale_factor',
	'dirty_ratio',
	'dirty_background_ratio',
	'overcommit_memory',
	'overcommit_ratio',
	'page_cluster',
	'min_ttl_ms',
] as const satisfies readonly SysctlName[];
// Every sysctl is listed (a type error here means spec.ts grew one).
const sysctlNamesComplete: Exclude<SysctlName, (typeof SYSCTL_NAMES)[number]> extends never ? true : never =
	true;
void sysctlNamesComplete;

const COMMAND_KEYS: Record<Command['kind'], readonly string[]> = {
	spawn: ['kind', 'spec', 'count'],
	kill: ['kind', 'pid'],
	'set-sysctl': ['kind', 'name', 'value'],
	'set-oom-score-adj': ['kind', 'pid', 'value'],
	'set-zswap': ['kind', 'enabled'],
	'drop-caches': ['kind', 'mode'],
	balloon: ['kind', 'bytes'],
};
const COMMAND_KINDS = Object.keys(COMMAND_KEYS) as Command['kind'][];
const PID_MAX = 2 ** 31 - 1;

/** Check a command read from a file; returns it unchanged (it is plain JSON). */
export function validateCommand(v: unknown, path: string): Command {
	if (!isObject(v)) fail(path, 'a command like {"kind": "kill", "pid": 101}', v);
	const kind = v.kind;
	if (typeof kind !== 'string' || !(COMMAND_KINDS as string[]).includes(kind)) {
		fail(`${path}.kind`, `one of ${COMMAND_KINDS.join(', ')}`, kind);
	}
	object(v, path, COMMAND_KEYS[kind as Command['kind']], 'a command');
	switch (kind as Command['kind']) {
		case 'spawn':
			validateProcessSpec(v.spec, `${path}.spec`);
			if (v.count !== undefined) integer(v.count, `${path}.count`, 1, 10_000);
			break;
		case 'kill':
			integer(v.pid, `${path}.pid`, 1, PID_MAX);
			break;
		case 'set-sysctl':
			if (!(SYSCTL_NAMES as readonly unknown[]).includes(v.name))
				fail(`${path}.name`, `one of ${SYSCTL_NAMES.join(', ')}`, v.name);
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

/** A ProcessSpec as it appears in a spawn command, checked as a one-process workload. */
function validateProcessSpec(v: unknown, path: string): void {
	if (!isObject(v)) fail(path, 'a process spec', v);
	for (const k of ['count', 'start', 'end']) {
		if (k in v) throw new FormatError(`${path}: unknown key ${JSON.stringify(k)}`);
	}
	const result = workloadSchema({name: 'spawn'}).safeParse({machine: {ram: GIB}, processes: [v]});
	if (!result.success) {
		const {path: p, message} = issueMessage(result.error.issues);
		// ['processes', 0, ...rest] → spec.rest
		const rest = p[0] === 'processes' ? p.slice(2) : p;
		const field = formatPath(rest);
		throw new FormatError(`${path}${field ? (field.startsWith('[') ? field : `.${field}`) : ''}: ${message}`);
	}
}

/** A parsed TimedEvent back into the file's `{at, <action>: ...}` form. */
function eventToInput(v: unknown, path: string): unknown {
	if (!isObject(v)) return v;
	const {command, ...rest} = v;
	if (command === undefined) return v;
	const c = validateCommand(command, `${path}.command`);
	const out: Obj = {...rest};
	switch (c.kind) {
		case 'spawn':
			out.spawn = c.spec;
			if (c.count !== undefined) out.count = c.count;
			break;
		case 'kill':
			out.kill = c.pid;
			break;
		case 'set-sysctl':
			out.sysctl = {[c.name]: c.value};
			break;
		case 'set-oom-score-adj':
			out.oom_score_adj = {pid: c.pid, value: c.value};
			break;
		case 'set-zswap':
			out.zswap = c.enabled;
			break;
		case 'drop-caches':
			out.drop_caches = c.mode;
			break;
		case 'balloon':
			out.balloon = c.bytes;
			break;
	}
	return out;
}

/**
 * Check a recording's embedded workload (the parsed Workload a run was built from) with the workload
 * schema. Returns the value as recorded: the checks prove its shape; defaults are not re-applied.
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
	return v as unknown as Workload;
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
		if (name === 'min_free_kbytes' && sysctl[name] === undefined) continue;
		integer(sysctl[name], `sysctl.${name}`, 0);
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

/** Check one line after the header (already JSON-parsed). */
export function validateLine(v: unknown): RecordLine {
	if (!isObject(v)) fail('line', 'an object like {"t": 500, "checkpoint": {...}}', v);
	const t = tickValue(v.t);
	if ('cmd' in v) {
		object(v, 'line', ['t', 'cmd'], 'a command line');
		return {t, cmd: validateCommand(v.cmd, 'cmd')};
	}
	if ('checkpoint' in v) {
		object(v, 'line', ['t', 'checkpoint'], 'a checkpoint line');
		const c = object(v.checkpoint, 'checkpoint', ['hash', 'state'], 'a checkpoint like {"hash": ...}');
		const body: CheckpointBody = {hash: hashValue(c.hash, 'checkpoint.hash')};
		if (c.state !== undefined) {
			body.state = string(c.state, 'checkpoint.state', 'base64 text', isBase64);
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

/** Serialize a line (no newline). Key order is fixed: "t" first, so tools can read it from the prefix. */
export function lineText(line: RecordLine): string {
	return JSON.stringify(line);
}
