// The machine's whole state as bytes, and back: for checkpoints (fast seeking in a recording) and
// the state hash that proves a replay is bit-for-bit the run that was recorded.
// Layout: each typed array's bytes, 8-byte aligned, then the JSON header, then its length (u32).
import {Machine} from './machine.js';
import type {Workload} from './spec.js';
import {TICK_US} from './units.js';

type Typed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float64Array;
const CTORS = {
	Int8Array,
	Uint8Array,
	Int16Array,
	Uint16Array,
	Int32Array,
	Uint32Array,
	Float64Array,
} as const;
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

/**
 * The machine's state in format 1's layout: each module's saved fields, placed where format 1 has
 * them (the order is part of the bytes every recording hashes). `events` false leaves out the
 * queue of undelivered events (the canonical state recordings hash: see record/format.ts).
 */
function machineState(m: Machine, events: boolean) {
	const zone = m.zone.save();
	const runner = m.runner.save();
	const tasks = m.tasks.save();
	const zswap = m.zswap.save();
	const zs = m.zs.save();
	const kswapd = m.kswapd.save();
	const vmscan = m.vmscan.save();
	const writeback = m.writeback.save();
	const swapfile = m.swapfile.save();
	const {policy, ...lruvecScalars} = m.lruvec.save();
	const oom = m.oom.save();
	const queue = m.events.save();
	return {
		version: 1,
		seed: m.seed,
		policyName: m.policyName,
		scalars: {
			tick: m.clock.tick,
			totalRefs: runner.totalRefs,
			nextPid: tasks.nextPid,
			zswapEnabled: zswap.zswapEnabled,
			oomKills: oom.oomKills,
			kswapdState: kswapd.kswapdState,
			kswapdFailures: vmscan.kswapdFailures,
			kswapdNapUntil: kswapd.kswapdNapUntil,
			kswapdReclaimed: kswapd.kswapdReclaimed,
			...(kswapd.kswapdOrder ? {kswapdOrder: kswapd.kswapdOrder} : {}),
			...m.kcompactd.save(),
			...m.khugepaged.save(),
			zswapBytes: zs.zswapBytes,
			zswapStored: zswap.zswapStored,
			zswapFull: zswap.zswapFull,
			...m.zswap.saveShrink(),
			zramBytes: zs.zramBytes,
			zramStored: m.zram ? m.zram.save().zramStored : 0,
			zpoolTop: zs.zpoolTop,
			...writeback.scalars,
			nrMapped: m.rmap.save().nrMapped,
			nrSwapCached: swapfile.nrSwapCached,
			...lruvecScalars,
			balloonPages: zone.balloonPages,
			// Only with a hugetlb pool, so a state without one keeps its layout.
			...(zone.hugetlbPages > 0 ? {hugetlbPages: zone.hugetlbPages} : {}),
			...boostScalars(zone, kswapd),
			balloonTarget: m.balloon.save().balloonTarget,
			oomVictim: oom.oomVictim,
			oomVictimTick: oom.oomVictimTick,
			nextGroupStart: m.lifecycle.save().nextGroupStart,
			nextTimedEvent: runner.nextTimedEvent,
			diskBusy: m.disk.save(m.clock.tick * TICK_US),
			swapBusy: m.swapDev ? m.swapDev.save(m.clock.tick * TICK_US) : 0,
		},
		reclaimCostUs: vmscan.reclaimCostUs,
		freeSlots: tasks.freeSlots,
		sysctl: m.sysctl,
		wm: zone.wm,
		vm: m.vm,
		psi: m.psi.save().psi,
		lastOnce: queue.lastOnce,
		pendingEvents: events ? queue.pendingEvents : [],
		rng: m.rng.state,
		frames: zone.frames,
		mapper: zone.mapper,
		kindCount: zone.kindCount,
		buddy: zone.buddy,
		internals: {
			zpoolFrames: zs.zpoolFrames,
			writeback: writeback.arrays,
			kernelStatic: zone.kernelStatic,
		},
		policy,
		swap: swapfile.swap,
		files: m.files.save().files,
		procs: tasks.procs,
		...optionalParts(m),
	};
}

/**
 * The watermark boost (zone.ts), a boost yet to wake kswapd, and a boosted kswapd pass (kswapd.ts):
 * only while there is one, so a state without them is byte for byte what it was.
 */
function boostScalars(
	zone: ReturnType<Machine['zone']['save']>,
	kswapd: ReturnType<Machine['kswapd']['save']>,
) {
	return {
		...(zone.watermarkBoost > 0 ? {watermarkBoost: zone.watermarkBoost} : {}),
		...(zone.zoneBoosted ? {zoneBoosted: true} : {}),
		...(kswapd.kswapdPassBoost
			? {kswapdPassBoost: kswapd.kswapdPassBoost, kswapdBoostReclaim: kswapd.kswapdBoostReclaim}
			: {}),
	};
}

/** Parts a state has only when it uses them, so a state without them is byte for byte what it was. */
function optionalParts(m: Machine) {
	const userspaceOom = m.userspaceOom.save();
	const tlb = m.tlb.save();
	return {
		// Only with a cgroup tree.
		...(m.memcg.enabled
			? {memcg: m.memcg.save(), memcgOom: m.memcgOom.save(), memcgHigh: m.memcgHigh.save()}
			: {}),
		// The zone's compaction deferral, cached scanner positions and skip hints, once they moved.
		...m.kcompactd.compaction.save(),
		// Only once a userspace OOM killer has run (userspace-oom.ts).
		...(userspaceOom ? {userspaceOom} : {}),
		// Only after a fork (rmap.ts: fork-shared anon pages).
		...(m.rmap.anonMapcount ? {anonMapcount: m.rmap.anonMapcount} : {}),
		// The TLB's counters (tlb.ts), once a process has made a reference.
		...(tlb ? {tlb} : {}),
	};
}

type MachineState = ReturnType<typeof machineState>;

/**
 * Each module takes back its part of a decoded state (tasks first: the OOM victim is one of them).
 * `ownPolicy` false: the state was saved under another policy, whose lists this machine's policy
 * cannot read; it is given the resident pages instead (Lruvec.adoptResident).
 */
function loadModules(m: Machine, s: MachineState, ownPolicy = true): void {
	const sc = s.scalars;
	m.rng.state.set(s.rng);
	m.tasks.load({nextPid: sc.nextPid, freeSlots: s.freeSlots, procs: s.procs});
	m.files.load({files: s.files});
	m.zone.load({
		...sc,
		wm: s.wm,
		frames: s.frames,
		mapper: s.mapper,
		kindCount: s.kindCount,
		kernelStatic: 0,
		buddy: s.buddy,
	});
	m.hugeMemory.load();
	m.zs.load({...sc, zpoolFrames: s.internals.zpoolFrames});
	m.writeback.load({scalars: sc, arrays: s.internals.writeback});
	if (ownPolicy) m.lruvec.load({...sc, policy: s.policy});
	else m.lruvec.adoptResident(sc);
	m.swapfile.load({nrSwapCached: sc.nrSwapCached, swap: s.swap});
	m.zswap.load(sc);
	m.zram?.load(sc);
	m.kswapd.load(sc);
	m.kcompactd.load(sc);
	m.khugepaged.load(sc);
	m.kcompactd.compaction.load(s);
	m.vmscan.load({kswapdFailures: sc.kswapdFailures, reclaimCostUs: s.reclaimCostUs});
	m.rmap.load({nrMapped: sc.nrMapped, anonMapcount: s.anonMapcount});
	m.balloon.load(sc);
	m.oom.load(sc);
	m.lifecycle.load(sc);
	m.runner.load(sc);
	m.clock.tick = sc.tick;
	m.disk.load(sc.diskBusy, sc.tick * TICK_US);
	m.swapDev?.load(sc.swapBusy, sc.tick * TICK_US);
	Object.assign(m.sysctl, s.sysctl);
	Object.assign(m.vm, s.vm);
	m.psi.load({psi: s.psi});
	m.events.load({lastOnce: s.lastOnce, pendingEvents: s.pendingEvents});
	if (m.memcg.enabled) {
		if (!s.memcg || !s.memcgOom) throw new Error('state lacks the cgroup tree its workload has');
		m.memcg.load(s.memcg);
		m.memcgOom.load(s.memcgOom);
		// A state saved before memory.high throttled anyone has no such part: nothing owed.
		m.memcgHigh.load(s.memcgHigh ?? {overHigh: [], sleepUs: []});
	}
	// After the clock and the cgroup tree: a killer's timers and pressure contexts are theirs.
	m.userspaceOom.load(s.userspaceOom);
	m.tlb.load(s.tlb);
}

/**
 * Serialize the whole machine. The arrays come first and the JSON header last (its length in the
 * final 4 bytes), so two states of one run line up byte for byte wherever their arrays have the
 * same sizes: a byte-wise difference of two checkpoints is then mostly zeros and compresses well.
 */
export function saveMachine(m: Machine, options: {events?: boolean} = {}): Uint8Array {
	const w = new Writer();
	const header = w.encode(machineState(m, options.events ?? true)) as Record<string, unknown>;
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

/**
 * Rebuild a machine from its workload and saved bytes. Throws on bytes that do not fit.
 * `options.policy`, if it differs from the saved one: the same machine under that policy (a policy
 * duel's twin from this moment), its lists started afresh from the pages resident.
 */
export function restoreMachine(
	workload: Workload,
	bytes: Uint8Array,
	options: {policy?: string} = {},
): Machine {
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
	const s = decode(parsed.header, arrays) as MachineState;
	const policy = options.policy ?? s.policyName;
	const m = new Machine(workload, {seed: s.seed, policy});
	loadModules(m, s, policy === s.policyName);
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
