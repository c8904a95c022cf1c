// The swap area: an array of page slots (mm/swapfile.c's swap_map), each free, on the device,
// or held compressed in the zswap pool or in zram. Evicted anon pages leave their shadow entry here.
import {LinkedLists} from './lru-list.js';

export const SLOT_FREE = 0;
export const SLOT_DISK = 1;
export const SLOT_ZSWAP = 2;
export const SLOT_ZRAM = 3;

export class SwapArea {
	readonly total: number;
	readonly state: Uint8Array;
	/** Compressed bytes for zswap / zram slots. */
	readonly size: Uint16Array;
	/** Shadow entry of the page swapped out to this slot (workingset.ts), 0 = none. */
	readonly shadow: Int32Array;
	/** Frame holding the slot's page in the swap cache + 1, or 0. */
	readonly cachedFrame: Int32Array;
	/** Process slot whose page this is (−1 for shmem), so zswap writeback can fix its counters. */
	readonly owner: Int32Array;
	/** zswap entries in store order: writeback takes the oldest first. */
	readonly zswapLru: LinkedLists;
	private readonly freeStack: Int32Array;
	private freeTop: number;
	used = 0;

	constructor(slots: number) {
		this.total = slots;
		this.state = new Uint8Array(slots);
		this.size = new Uint16Array(slots);
		this.shadow = new Int32Array(slots);
		this.cachedFrame = new Int32Array(slots);
		this.owner = new Int32Array(slots).fill(-1);
		this.zswapLru = new LinkedLists(slots, 1);
		this.freeStack = new Int32Array(slots);
		// Lowest slots first, as the allocator scans clusters from the start of the device.
		for (let i = 0; i < slots; i++) this.freeStack[i] = slots - 1 - i;
		this.freeTop = slots;
	}

	get free(): number {
		return this.total - this.used;
	}

	alloc(): number {
		if (this.freeTop === 0) return -1;
		const slot = this.freeStack[--this.freeTop]!;
		this.used++;
		return slot;
	}

	release(slot: number): void {
		if (this.state[slot] === SLOT_ZSWAP) this.zswapLru.remove(slot);
		this.state[slot] = SLOT_FREE;
		this.size[slot] = 0;
		this.shadow[slot] = 0;
		this.cachedFrame[slot] = 0;
		this.owner[slot] = -1;
		this.freeStack[this.freeTop++] = slot;
		this.used--;
	}

	save(): Record<string, Uint8Array | Uint16Array | Int32Array | Int8Array | number> {
		return {
			state: this.state,
			size: this.size,
			shadow: this.shadow,
			cachedFrame: this.cachedFrame,
			owner: this.owner,
			zPrev: this.zswapLru.prev,
			zNext: this.zswapLru.next,
			zListOf: this.zswapLru.listOf,
			zSizes: this.zswapLru.sizes,
			freeStack: this.freeStack,
			freeTop: this.freeTop,
			used: this.used,
		};
	}

	load(s: Record<string, unknown>): void {
		this.state.set(s.state as Uint8Array);
		this.size.set(s.size as Uint16Array);
		this.shadow.set(s.shadow as Int32Array);
		this.cachedFrame.set(s.cachedFrame as Int32Array);
		this.owner.set(s.owner as Int32Array);
		this.zswapLru.prev.set(s.zPrev as Int32Array);
		this.zswapLru.next.set(s.zNext as Int32Array);
		this.zswapLru.listOf.set(s.zListOf as Int8Array);
		this.zswapLru.sizes.set(s.zSizes as Int32Array);
		this.freeStack.set(s.freeStack as Int32Array);
		this.freeTop = s.freeTop as number;
		this.used = s.used as number;
	}
}
