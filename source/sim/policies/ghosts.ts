// What the policies that remember evicted pages share (ARC, 2Q, LIRS, CLOCK-Pro, S3-FIFO): a page's
// identity that outlives its frame, a fixed set of "ghost" nodes that stand for evicted pages in the
// same lists as resident frames, and one step of a reclaim scan. Node ids 0 .. frames-1 are frames;
// ghost nodes follow them, so a list can hold both (LIRS's stack, CLOCK-Pro's clock).
import {type FrameTable, PG_UNEVICTABLE} from '../frames.js';
import {LinkedLists} from '../lru-list.js';
import {
	EVICTED,
	type EvictResult,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
	SplitCounts,
} from './policy.js';

/** A page's identity from its frame's owner, kind and index: exact below 2^19 owners. */
export function pageKeyOf(kind: number, owner: number, index: number): number {
	return (owner + 1) * 2 ** 34 + kind * 2 ** 31 + index;
}

export function pageKey(frames: FrameTable, f: number): number {
	return pageKeyOf(frames.kind[f]!, frames.owner[f]!, frames.index[f]!);
}

/**
 * Optional driver hook: the page about to be faulted in, before reclaim makes room for it. The trace
 * lab calls it; the machine does not, and policies then learn of the page at inserted().
 */
export interface SeesFaults {
	faulting(key: number): void;
}

export function seesFaults(policy: ReplacementPolicy): policy is ReplacementPolicy & SeesFaults {
	return typeof (policy as Partial<SeesFaults>).faulting === 'function';
}

/** Not scanned: mlocked, or anon without swap to go to (get_scan_count). */
export const SKIPPED = -1;

/**
 * Try to evict frame f in a reclaim pass, counting the scan. Returns SKIPPED without counting when f
 * cannot be scanned at all, else the EvictResult. `key` is set to f's identity before it goes.
 */
export function tryEvict(ctx: ReclaimContext, f: number): EvictResult | typeof SKIPPED {
	const frames = ctx.frames;
	const anon = frames.isSwapBacked(f);
	if ((frames.flags[f]! & PG_UNEVICTABLE) !== 0 || (anon && !ctx.canSwap)) return SKIPPED;
	const stats = ctx.stats;
	if (anon) stats.scannedAnon++;
	else stats.scannedFile++;
	const r = ctx.evict(f);
	if (r === EVICTED) {
		if (anon) stats.reclaimedAnon++;
		else stats.reclaimedFile++;
	}
	return r;
}

const EMPTY = -1;

/**
 * Ghost nodes: `capacity` node ids after the frames (base .. base + capacity - 1), each holding an
 * evicted page's key, found by key through an open-addressing table with backward-shift deletion.
 */
export class Ghosts {
	readonly base: number;
	readonly capacity: number;
	/** Key of each ghost node (by node - base), EMPTY when free. */
	keys: Float64Array;
	private table: Float64Array;
	private slots: Int32Array;
	private readonly mask: number;
	private readonly shift: number;
	private free: Int32Array;
	private freeTop: number;
	size = 0;

	constructor(base: number, capacity: number) {
		this.base = base;
		this.capacity = capacity;
		this.keys = new Float64Array(capacity).fill(EMPTY);
		let bits = 4;
		while (1 << bits < capacity * 2) bits++;
		this.table = new Float64Array(1 << bits).fill(EMPTY);
		this.slots = new Int32Array(1 << bits);
		this.mask = (1 << bits) - 1;
		this.shift = 32 - bits;
		this.free = new Int32Array(capacity);
		for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
		this.freeTop = capacity;
	}

	private home(key: number): number {
		const lo = key >>> 0;
		const hi = (key - lo) / 4294967296;
		return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
	}

	/** The ghost node for `key`, or -1. */
	find(key: number): number {
		const table = this.table;
		for (let h = this.home(key); ; h = (h + 1) & this.mask) {
			const k = table[h]!;
			if (k === key) return this.base + this.slots[h]!;
			if (k === EMPTY) return -1;
		}
	}

	isGhost(node: number): boolean {
		return node >= this.base;
	}

	/** A new ghost node for `key`, or -1 when all are taken. */
	add(key: number): number {
		if (this.freeTop === 0) return -1;
		const slot = this.free[--this.freeTop]!;
		this.keys[slot] = key;
		let h = this.home(key);
		while (this.table[h] !== EMPTY) h = (h + 1) & this.mask;
		this.table[h] = key;
		this.slots[h] = slot;
		this.size++;
		return this.base + slot;
	}

	/** Forget a ghost node. */
	remove(node: number): void {
		const slot = node - this.base;
		const key = this.keys[slot]!;
		if (key === EMPTY) return;
		this.keys[slot] = EMPTY;
		this.free[this.freeTop++] = slot;
		this.size--;
		const table = this.table;
		const mask = this.mask;
		let i = this.home(key);
		while (table[i] !== key) i = (i + 1) & mask;
		for (let j = (i + 1) & mask; table[j] !== EMPTY; j = (j + 1) & mask) {
			const home = this.home(table[j]!);
			const reachable = i <= j ? i < home && home <= j : i < home || home <= j;
			if (!reachable) {
				table[i] = table[j]!;
				this.slots[i] = this.slots[j]!;
				i = j;
			}
		}
		table[i] = EMPTY;
	}

	save(prefix: string, out: PolicyState): void {
		out[`${prefix}keys`] = this.keys.slice();
		out[`${prefix}table`] = this.table.slice();
		out[`${prefix}slots`] = this.slots.slice();
		out[`${prefix}free`] = this.free.slice();
		out[`${prefix}freeTop`] = this.freeTop;
		out[`${prefix}size`] = this.size;
	}

	load(prefix: string, state: PolicyState): void {
		const keys = state[`${prefix}keys`];
		const table = state[`${prefix}table`];
		const slots = state[`${prefix}slots`];
		const free = state[`${prefix}free`];
		const freeTop = state[`${prefix}freeTop`];
		const size = state[`${prefix}size`];
		if (
			!(keys instanceof Float64Array) ||
			!(table instanceof Float64Array) ||
			!(slots instanceof Int32Array) ||
			!(free instanceof Int32Array) ||
			typeof freeTop !== 'number' ||
			typeof size !== 'number' ||
			keys.length !== this.keys.length ||
			table.length !== this.table.length
		) {
			throw new Error('ghost state does not match this frame table');
		}
		this.keys.set(keys);
		this.table.set(table);
		this.slots.set(slots);
		this.free.set(free);
		this.freeTop = freeTop;
		this.size = size;
	}
}

/** Save a LinkedLists under a prefix (several lists in one policy state). */
export function saveListsAs(prefix: string, lists: LinkedLists, out: PolicyState): void {
	out[`${prefix}prev`] = lists.prev.slice();
	out[`${prefix}next`] = lists.next.slice();
	out[`${prefix}listOf`] = lists.listOf.slice();
	out[`${prefix}sizes`] = lists.sizes.slice();
}

export function loadListsAs(prefix: string, lists: LinkedLists, state: PolicyState): void {
	const prev = state[`${prefix}prev`];
	const next = state[`${prefix}next`];
	const listOf = state[`${prefix}listOf`];
	const sizes = state[`${prefix}sizes`];
	if (
		!(prev instanceof Int32Array) ||
		!(next instanceof Int32Array) ||
		!(listOf instanceof Int8Array) ||
		!(sizes instanceof Int32Array) ||
		prev.length !== lists.prev.length ||
		listOf.length !== lists.listOf.length ||
		sizes.length !== lists.sizes.length
	) {
		throw new Error('policy state does not match this frame table');
	}
	lists.prev.set(prev);
	lists.next.set(next);
	lists.listOf.set(listOf);
	lists.sizes.set(sizes);
}

/** Typed-array fields of a state, checked against the live ones' lengths. */
export function loadArray<T extends Int32Array | Uint8Array | Float64Array>(
	state: PolicyState,
	name: string,
	into: T,
): void {
	const a = state[name];
	if (!a || typeof a === 'number' || a.constructor !== into.constructor || a.length !== into.length) {
		throw new Error(`policy state field ${name} does not match this frame table`);
	}
	into.set(a as T);
}

export function loadNumber(state: PolicyState, name: string): number {
	const v = state[name];
	if (typeof v !== 'number') throw new Error(`policy state field ${name} is missing`);
	return v;
}

/**
 * LinkedLists whose resident lists keep a policy's counts() as frames come, go and move between
 * lists: lists marked resident hold frames (node ids below `frames`), and a frame on a list marked
 * active counts as active. Ghost nodes (ids from `frames` up) are never counted.
 */
export class CountedLists extends LinkedLists {
	readonly counted = new SplitCounts();
	private readonly table: FrameTable;
	private readonly frameCount: number;
	/** Per list: -1 not resident, 0 resident inactive, 1 resident active. */
	private readonly role: Int8Array;

	constructor(frames: FrameTable, nodes: number, lists: number, resident: number[], active: number[]) {
		super(nodes, lists);
		this.table = frames;
		this.frameCount = frames.count;
		this.role = new Int8Array(lists).fill(-1);
		for (const l of resident) this.role[l] = active.includes(l) ? 1 : 0;
		this.counted.attach(frames.count);
	}

	override addHead(list: number, f: number): void {
		super.addHead(list, f);
		this.count(list, f);
	}

	override addTail(list: number, f: number): void {
		super.addTail(list, f);
		this.count(list, f);
	}

	override remove(f: number): void {
		if (f < this.frameCount) this.counted.remove(f);
		super.remove(f);
	}

	private count(list: number, f: number): void {
		const role = this.role[list]!;
		if (f < this.frameCount && role >= 0) this.counted.add(this.table, f, role === 1);
	}

	/** Count afresh from listOf (after the lists were loaded). */
	recount(): void {
		const listOf = this.listOf;
		const role = this.role;
		this.counted.rebuild(
			this.table,
			(f) => listOf[f]! >= 0 && role[listOf[f]!]! >= 0,
			(f) => role[listOf[f]!] === 1,
		);
	}
}
