// The swap area: an array of page slots (mm/swapfile.c's swap_map), each free, on the device,
// or held compressed in the zswap pool or in zram. Evicted anon pages leave their shadow entry here.
import {LinkedLists, linkedListsBytes} from './lru-list.js';

export const SLOT_FREE = 0;
export const SLOT_DISK = 1;
export const SLOT_ZSWAP = 2;
export const SLOT_ZRAM = 3;

export class SwapArea {
	readonly total: number;
	readonly state: Uint8Array;
	/** Compressed bytes for zswap / zram slots. */
	readonly size: Uint16Array;
	/** Shadow entry of the page swapped out to this slot (workingset.ts), 0 = none. Free slots
	 * thread the free list through it instead (they have no shadow). */
	readonly shadow: Int32Array;
	/** zswap only (allocated when zswap is first enabled): the process slot whose page this is
	 * (−1 for shmem), so writeback can fix its counters, and entries in store order. */
	owner: Int32Array | null = null;
	zswapLru: LinkedLists | null = null;
	/**
	 * Allocated at the first fork (enableSharing), when a slot can be referenced more than once
	 * (mm/swapfile.c swap_duplicate: swap_map counts the references). `extra`: references beyond the
	 * first, where a reference is a PTE holding the entry or the swap cache holding a page for it.
	 * `cacheFrame`: the swap-cache page of a slot (swap_cache_get_folio), −1 for none. `vpn`: the
	 * virtual page the entry is at in every process of the fork family that holds it (fork keeps
	 * addresses), so zswap writeback can find them.
	 */
	extra: Uint16Array | null = null;
	cacheFrame: Int32Array | null = null;
	vpn: Int32Array | null = null;
	private freeHead = -1;
	used = 0;

	constructor(slots: number) {
		this.total = slots;
		this.state = new Uint8Array(slots);
		this.size = new Uint16Array(slots);
		this.shadow = new Int32Array(slots);
		// Lowest slots first, as the allocator scans clusters from the start of the device.
		for (let i = slots - 1; i >= 0; i--) {
			this.shadow[i] = this.freeHead;
			this.freeHead = i;
		}
	}

	enableZswap(): void {
		if (this.zswapLru) return;
		this.owner = new Int32Array(this.total).fill(-1);
		this.zswapLru = new LinkedLists(this.total, 1);
	}

	enableSharing(): void {
		if (this.extra) return;
		this.extra = new Uint16Array(this.total);
		this.cacheFrame = new Int32Array(this.total).fill(-1);
		this.vpn = new Int32Array(this.total).fill(-1);
	}

	/** References beyond the first (0 before any fork). */
	extraRefs(slot: number): number {
		return this.extra ? this.extra[slot]! : 0;
	}

	get free(): number {
		return this.total - this.used;
	}

	alloc(): number {
		const slot = this.freeHead;
		if (slot < 0) return -1;
		this.freeHead = this.shadow[slot]!;
		this.shadow[slot] = 0;
		this.used++;
		return slot;
	}

	release(slot: number): void {
		if (this.state[slot] === SLOT_ZSWAP) this.zswapLru!.remove(slot);
		this.state[slot] = SLOT_FREE;
		this.size[slot] = 0;
		if (this.owner) this.owner[slot] = -1;
		if (this.extra) {
			this.extra[slot] = 0;
			this.cacheFrame![slot] = -1;
			this.vpn![slot] = -1;
		}
		this.shadow[slot] = this.freeHead;
		this.freeHead = slot;
		this.used--;
	}

	save(): Record<string, Uint8Array | Uint16Array | Int32Array | Int8Array | number | null | undefined> {
		const z = this.zswapLru;
		return {
			state: this.state,
			size: this.size,
			shadow: this.shadow,
			freeHead: this.freeHead,
			used: this.used,
			owner: this.owner,
			zPrev: z ? z.prev : null,
			zNext: z ? z.next : null,
			zListOf: z ? z.listOf : null,
			zSizes: z ? z.sizes : null,
			// Only after a fork, so a state without one keeps its layout.
			...(this.extra ? {extra: this.extra, cacheFrame: this.cacheFrame, vpn: this.vpn} : {}),
		};
	}

	load(s: Record<string, unknown>): void {
		this.state.set(s.state as Uint8Array);
		this.size.set(s.size as Uint16Array);
		this.shadow.set(s.shadow as Int32Array);
		this.freeHead = s.freeHead as number;
		this.used = s.used as number;
		if (s.owner) {
			this.enableZswap();
			const z = this.zswapLru!;
			this.owner!.set(s.owner as Int32Array);
			z.prev.set(s.zPrev as Int32Array);
			z.next.set(s.zNext as Int32Array);
			z.listOf.set(s.zListOf as Int8Array);
			z.sizes.set(s.zSizes as Int32Array);
		}
		if (s.extra) {
			this.enableSharing();
			this.extra!.set(s.extra as Uint16Array);
			this.cacheFrame!.set(s.cacheFrame as Int32Array);
			this.vpn!.set(s.vpn as Int32Array);
		}
	}
}

/**
 * Host bytes of a SwapArea of `slots` slots: state (1), size (2) and shadow (4) per slot; with zswap
 * (which a command can turn on at any time) also the owner and the store-order list; after a fork the
 * reference counts (2), swap-cache frames (4) and vpns (4).
 */
export function swapAreaBytes(slots: number, zswap: boolean, fork = false): number {
	return slots * 7 + (zswap ? slots * 4 + linkedListsBytes(slots, 1) : 0) + (fork ? slots * 10 : 0);
}
