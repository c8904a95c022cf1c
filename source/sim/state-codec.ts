// The machine's whole state as bytes, and back: for checkpoints (fast seeking in a recording) and
// the state hash that proves a replay is bit-for-bit the run that was recorded.
// Layout: each typed array's bytes, 8-byte aligned, then the JSON header, then its length (u32).
import {Machine} from './machine.js';
import {FileObject} from './page-cache.js';
import {Proc} from './process.js';
import type {Workload} from './spec.js';

type Typed = Int8Array | Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;
const CTORS = {Int8Array, Uint8Array, Uint16Array, Int32Array, Uint32Array, Float64Array} as const;
type CtorName = keyof typeof CTORS;

function isTyped(v: unknown): v is Typed {
	return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

class Writer {
	readonly arrays: Typed[] = [];
	/** Replace typed arrays anywhere in a value by {$a: index} references. */
	encode(v: unknown): unknown {
		if (isTyped(v)) {
			this.arrays.push(v);
			return {$a: this.arrays.length - 1, t: v.constructor.name};
		}
		if (Array.isArray(v)) return v.map((x) => this.encode(x));
		if (v && typeof v === 'object') {
			const out: Record<string, unknown> = {};
			for (const [k, x] of Object.entries(v)) out[k] = this.encode(x);
			return out;
		}
		if (typeof v === 'number' && !Number.isFinite(v)) return {$n: String(v)};
		return v;
	}
}

function decode(v: unknown, arrays: Typed[]): unknown {
	if (Array.isArray(v)) return v.map((x) => decode(x, arrays));
	if (v && typeof v === 'object') {
		const o = v as Record<string, unknown>;
		if (typeof o.$a === 'number') return arrays[o.$a];
		if (typeof o.$n === 'string') return Number(o.$n);
		const out: Record<string, unknown> = {};
		for (const [k, x] of Object.entries(o)) out[k] = decode(x, arrays);
		return out;
	}
	return v;
}

/** Proc fields that are derived from the spec at construction and need not be stored. */
const PROC_DERIVED = new Set([
	'spec',
	'name',
	'uid',
	'nStreams',
	'streamCum',
	'streamRegion',
	'streamPattern',
	'streamStart',
	'streamPages',
	'streamSkew',
	'streamWindow',
	'streamPeriodTicks',
	'streamWrite',
	'streamGrowPerTick',
	'hasRefStreams',
	'usPerRef',
	'refsPerTick',
	'vsize',
	'burstPeriodTicks',
	'burstOnTicks',
	'hasGrowth',
]);

function procState(p: Proc): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(p)) if (!PROC_DERIVED.has(k)) out[k] = v;
	return out;
}

function machineState(m: Machine): Record<string, unknown> {
	const any = m as unknown as Record<string, unknown>;
	const files = m.files.map((f) => ({
		name: f.name,
		kind: f.kind,
		pages: f.pages,
		mmapMiss: f.mmapMiss,
		cache: f.cache,
	}));
	const procs = m.procs.map((p) => (p ? {spec: p.spec, state: procState(p)} : null));
	return {
		version: 1,
		seed: m.seed,
		policyName: m.policyName,
		scalars: m.scalars(),
		reclaimCostUs: any.reclaimCostUs,
		freeSlots: any.freeSlots,
		sysctl: m.sysctl,
		wm: m.wm,
		vm: m.vm,
		psi: [m.psiSome, m.psiFull].map((s) => ({avgs: s.avgs, totalUs: s.totalUs, periodUs: s.periodUs})),
		lastOnce: [...(any.lastOnce as Map<string, number>).entries()],
		pendingEvents: any.pendingEvents,
		rng: m.rng.state,
		frames: {kind: m.frames.kind, flags: m.frames.flags, owner: m.frames.owner, index: m.frames.index},
		mapper: m.mapper,
		kindCount: m.kindCount,
		internals: m.internals(),
		policy: m.policy.save(),
		swap: m.swap ? m.swap.save() : null,
		files,
		procs,
	};
}

/**
 * Serialize the whole machine. The arrays come first and the JSON header last (its length in the
 * final 4 bytes), so two states of one run line up byte for byte wherever their arrays have the
 * same sizes: a byte-wise difference of two checkpoints is then mostly zeros and compresses well.
 */
export function saveMachine(m: Machine): Uint8Array {
	const w = new Writer();
	const header = w.encode(machineState(m)) as Record<string, unknown>;
	const layout = w.arrays.map((a) => a.byteLength);
	const json = new TextEncoder().encode(JSON.stringify({header, layout}));
	let size = 0;
	for (const len of layout) size = align8(size + len);
	const jsonAt = size;
	size = jsonAt + json.length + 4;
	const out = new Uint8Array(size);
	let at = 0;
	for (const a of w.arrays) {
		out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
		at = align8(at + a.byteLength);
	}
	out.set(json, jsonAt);
	new DataView(out.buffer).setUint32(size - 4, json.length, true);
	return out;
}

function align8(n: number): number {
	return (n + 7) & ~7;
}

/** The JSON header of saved bytes, as text (for checks before restoring untrusted bytes). */
export function stateHeaderText(bytes: Uint8Array): string {
	if (bytes.byteLength < 4) throw new Error('too short');
	const jsonLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
		bytes.byteLength - 4,
		true,
	);
	if (jsonLen + 4 > bytes.byteLength) throw new Error('truncated');
	const jsonAt = bytes.byteLength - 4 - jsonLen;
	return new TextDecoder().decode(bytes.subarray(jsonAt, jsonAt + jsonLen));
}

/** Rebuild a machine from its workload and saved bytes. Throws on bytes that do not fit. */
export function restoreMachine(workload: Workload, bytes: Uint8Array): Machine {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const jsonLen = view.getUint32(bytes.byteLength - 4, true);
	const jsonAt = bytes.byteLength - 4 - jsonLen;
	const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(jsonAt, jsonAt + jsonLen))) as {
		header: unknown;
		layout: number[];
	};
	const arrays: Typed[] = [];
	let at = 0;
	// Types come from the header's {$a, t} references; collect them first.
	const types: CtorName[] = [];
	(function walk(v: unknown): void {
		if (Array.isArray(v)) v.forEach(walk);
		else if (v && typeof v === 'object') {
			const o = v as Record<string, unknown>;
			if (typeof o.$a === 'number') types[o.$a] = o.t as CtorName;
			else Object.values(o).forEach(walk);
		}
	})(parsed.header);
	parsed.layout.forEach((len, i) => {
		const Ctor = CTORS[types[i]!];
		const copy = bytes.slice(at, at + len);
		arrays.push(new Ctor(copy.buffer, 0, len / Ctor.BYTES_PER_ELEMENT));
		at = align8(at + len);
	});
	const s = decode(parsed.header, arrays) as ReturnType<typeof machineState>;
	const sc = s.scalars as Record<string, unknown>;
	const m = new Machine(workload, {seed: s.seed as number, policy: s.policyName as string});
	const any = m as unknown as Record<string, unknown>;
	m.rng.state.set(s.rng as Uint32Array);
	const frames = s.frames as Record<string, Typed>;
	m.frames.kind.set(frames.kind!);
	m.frames.flags.set(frames.flags!);
	m.frames.owner.set(frames.owner!);
	m.frames.index.set(frames.index!);
	m.mapper.set(s.mapper as Int32Array);
	m.kindCount.set(s.kindCount as Int32Array);
	const internals = s.internals as Record<string, Int32Array>;
	m.restoreInternals({
		zpoolFrames: internals.zpoolFrames!,
		dirtyRing: internals.dirtyRing!,
		dirtyRingTick: internals.dirtyRingTick!,
	});
	m.policy.load(s.policy as ReturnType<Machine['policy']['save']>);
	if (m.swap && s.swap) m.swap.load(s.swap as Record<string, unknown>);
	// Files in creation order (ids are indexes).
	const files = s.files as {name: string; kind: number; pages: number; mmapMiss: number; cache: Int32Array}[];
	const fileByName = any.fileByName as Map<string, unknown>;
	m.files.length = 0;
	fileByName.clear();
	for (const f of files) {
		const obj = new FileObject(m.files.length, f.name, f.kind, f.pages);
		obj.cache.set(f.cache);
		obj.mmapMiss = f.mmapMiss;
		m.files.push(obj);
		fileByName.set(f.name, obj);
	}
	// Processes: rebuild from spec, then overwrite every stored field.
	m.procs.length = 0;
	for (const entry of s.procs as ({spec: Proc['spec']; state: Record<string, unknown>} | null)[]) {
		if (!entry) {
			m.procs.push(null);
			continue;
		}
		const st = entry.state;
		const p = new Proc({
			pid: st.pid as number,
			slot: st.slot as number,
			spec: entry.spec,
			startTick: st.startTick as number,
			endTick: st.endTick as number,
			objectIdFor: () => -1,
		});
		Object.assign(p, st);
		m.procs.push(p);
	}
	for (const [k, v] of Object.entries(sc)) {
		if (k === 'oomVictim' || k === 'diskBusy' || k === 'swapBusy') continue;
		any[k] = v;
	}
	any.oomVictim = sc.oomVictim === null ? null : (m.procs.find((p) => p?.pid === sc.oomVictim) ?? null);
	m.disk.busyUntilUs = sc.diskBusy as number;
	if (m.swapDev) m.swapDev.busyUntilUs = sc.swapBusy as number;
	any.reclaimCostUs = s.reclaimCostUs;
	any.freeSlots = s.freeSlots;
	Object.assign(m.sysctl, s.sysctl);
	m.wm = s.wm as Machine['wm'];
	Object.assign(m.vm, s.vm);
	const psi = s.psi as {avgs: number[]; totalUs: number; periodUs: number}[];
	[m.psiSome, m.psiFull].forEach((line, i) => {
		line.avgs.splice(0, 3, ...psi[i]!.avgs);
		line.totalUs = psi[i]!.totalUs;
		line.periodUs = psi[i]!.periodUs;
	});
	any.lastOnce = new Map(s.lastOnce as [string, number][]);
	any.pendingEvents = s.pendingEvents;
	m.policy.counts(m.lru);
	return m;
}

/** A 64-bit FNV-1a-style hash (two 32-bit lanes) of the machine's state, as 16 hex digits. */
export function hashBytes(bytes: Uint8Array): string {
	let h1 = 0x811c9dc5;
	let h2 = 0x01000193 ^ 0x5bd1e995;
	const words = bytes.byteLength >>> 2;
	const w = new Uint32Array(bytes.buffer, bytes.byteOffset, words);
	for (let i = 0; i < words; i++) {
		const x = w[i]!;
		h1 = Math.imul(h1 ^ x, 0x01000193);
		h2 = Math.imul(h2 ^ x, 0x5bd1e995);
		h2 ^= h2 >>> 15;
	}
	for (let i = words * 4; i < bytes.byteLength; i++) {
		h1 = Math.imul(h1 ^ bytes[i]!, 0x01000193);
		h2 = Math.imul(h2 ^ bytes[i]!, 0x5bd1e995);
	}
	return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

export function stateHash(m: Machine): string {
	return hashBytes(saveMachine(m));
}
