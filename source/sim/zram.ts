import {compressedSize} from './compression.js';
import {type Core, CoreModule} from './core.js';
import {COMPRESSORS} from './costs.js';
import type {Compressor, SwapSpec} from './spec.js';
import {SLOT_ZRAM, type SwapArea} from './swap.js';
import {PAGE_SIZE} from './units.js';
import {ZS_ZRAM, type Zsmalloc} from './zsmalloc.js';
import type {ReclaimTime} from './zswap.js';

/** zram refused the write: at mem_limit, or no RAM left for the pool. The page stays. */
export const ZRAM_FULL = -1;
/** No swap slot left. */
export const ZRAM_NO_SLOT = -2;

export class Zram extends CoreModule {
	/** Pages stored (mm_stat orig_data_size, in pages). */
	stored = 0;
	readonly compressor: Compressor;

	constructor(
		core: Core,
		private readonly spec: SwapSpec,
		private readonly zs: Zsmalloc,
		private readonly swap: SwapArea,
	) {
		super(core);
		// zram's own default is lzo-rle; lzo is the nearest compressor modelled.
		this.compressor = spec.compressor ?? 'lzo';
	}

	/** Compressed bytes held (mm_stat compr_data_size). */
	get bytes(): number {
		return this.zs.bytes(ZS_ZRAM);
	}

	/** zram_write_page(): compress the page into a slot. Returns the slot, ZRAM_FULL or ZRAM_NO_SLOT. */
	store(time: ReclaimTime, compressibility: number): number {
		// zram_write_page(): a page that does not compress below PAGE_SIZE is stored whole (ZRAM_HUGE).
		const size = Math.min(PAGE_SIZE, compressedSize(this.rng, this.compressor, compressibility));
		const limit = this.spec.mem_limit ?? 0;
		if ((limit > 0 && this.bytes + size > limit) || !this.zs.reserve(ZS_ZRAM, size)) {
			this.events.emitOnce('zram-full', this.clock.tick);
			return ZRAM_FULL;
		}
		const swap = this.swap;
		const slot = swap.alloc();
		if (slot < 0) return ZRAM_NO_SLOT;
		swap.state[slot] = SLOT_ZRAM;
		swap.size[slot] = size;
		this.zs.add(ZS_ZRAM, size);
		this.stored++;
		time.costUs += COMPRESSORS[this.compressor].compressUs;
		this.vm.pswpout++;
		return slot;
	}

	/** The slot is freed (swap_free → zram_slot_free_notify): its compressed copy leaves the pool. */
	free(slot: number): void {
		this.zs.remove(ZS_ZRAM, this.swap.size[slot]!);
		this.stored--;
		this.zs.shrink();
	}

	/** zram_read_page(): decompressing is the wait (a synchronous device: no queue, no swap cache). */
	readUs(): number {
		return COMPRESSORS[this.compressor].decompressUs;
	}

	save() {
		return {zramStored: this.stored};
	}

	load(s: {zramStored: number}): void {
		this.stored = s.zramStored;
	}
}
