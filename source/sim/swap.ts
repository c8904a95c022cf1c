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
	/** zswap only (allocated when zswap is first enabled): the virtual page an anon slot's entry is
	 * at (−1 for shmem), in every process holding it (fork keeps addresses), so writeback can fix
	 * their counters (rmap.ts zswapWrittenBack); and entries in store order. */
	vpn: Int32Array | null = null;
	zswapLru: LinkedLists | null = null;
	/** zswap only: entry->referenced, set on store; the shrink worker's second chance clears it (zswap.ts). */
	zswapRef: Uint8Array | null = null;
	/**
	 * Allocated at the first fork (enableSharing), when a slot can be referenced more than once
	 * (mm/swapfile.c swap_duplicate: swap_map counts the references): the references beyond the
	 * first, where a reference is a PTE holding the entry or the swap cache holding a page for it.
	 */
	extra: Uint16Array | null = null;
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
		this.vpn = new Int32Array(this.total).fill(-1);
		this.zswapLru = new LinkedLists(this.total, 1);
		this.zswapRef = new Uint8Array(this.total);
	}

	/**
	 * mm/zswap.c zswap_store_page(): a new entry is referenced (`entry->referenced = true`) and goes to
	 * the tail of the pool's LRU (zswap_lru_add).
	 */
	addZswapEntry(slot: number): void {
		this.zswapLru!.addTail(0, slot);
		this.zswapRef![slot] = 1;
	}

	enableSharing(): void {
		if (this.extra) return;
		this.extra = new Uint16Array(this.total);
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
		if (this.vpn) this.vpn[slot] = -1;
		if (this.zswapRef) this.zswapRef[slot] = 0;
		if (this.extra) this.extra[slot] = 0;
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
			vpn: this.vpn,
			zPrev: z ? z.prev : null,
			zNext: z ? z.next : null,
			zListOf: z ? z.listOf : null,
			zSizes: z ? z.sizes : null,
			// Absent without zswap, so states of machines that never ran it keep their bytes.
			...(this.zswapRef ? {zRef: this.zswapRef} : {}),
			// Only after a fork, so a state without one keeps its layout.
			...(this.extra ? {extra: this.extra} : {}),
		};
	}

	load(s: Record<string, unknown>): void {
		this.state.set(s.state as Uint8Array);
		this.size.set(s.size as Uint16Array);
		this.shadow.set(s.shadow as Int32Array);
		this.freeHead = s.freeHead as number;
		this.used = s.used as number;
		// States saved before fork kept each zswap entry's owner, not its vpn (swapfile.ts rebuilds it).
		if (s.vpn || s.owner) {
			this.enableZswap();
			const z = this.zswapLru!;
			if (s.vpn) this.vpn!.set(s.vpn as Int32Array);
			z.prev.set(s.zPrev as Int32Array);
			z.next.set(s.zNext as Int32Array);
			z.listOf.set(s.zListOf as Int8Array);
			z.sizes.set(s.zSizes as Int32Array);
			// States saved before the second chance was modelled: every entry unreferenced.
			if (s.zRef) this.zswapRef!.set(s.zRef as Uint8Array);
		}
		if (s.extra) {
			this.enableSharing();
			this.extra!.set(s.extra as Uint16Array);
		}
	}
}

/**
 * Host bytes of a SwapArea of `slots` slots: state (1), size (2) and shadow (4) per slot; with zswap
 * (which a command can turn on at any time) also the vpns (4), the referenced bit (1) and the
 * store-order list; after a fork the reference counts (2).
 */
export function swapAreaBytes(slots: number, zswap: boolean, fork = false): number {
	return slots * 7 + (zswap ? slots * 5 + linkedListsBytes(slots, 1) : 0) + (fork ? slots * 2 : 0);
}
