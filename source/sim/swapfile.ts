// Swap slots and the swap cache (mm/swapfile.c, mm/swap_state.c): allocating and freeing slots of the
// swap area, with whatever copy a slot holds (on the device, in zswap, in zram), and the swap cache:
// pages read back from the device that keep their slot until they are written.
import {type Core, CoreModule} from './core.js';
import {PG_DIRTY, PG_SWAPCACHE} from './frames.js';
import type {Memcontrol} from './memcontrol.js';
import {swapEntrySlot} from './page-table.js';
import type {Proc} from './process.js';
import {SLOT_ZRAM, SLOT_ZSWAP, type SwapArea} from './swap.js';
import {NO_SLOT} from './zone.js';
import type {Zram} from './zram.js';
import type {Zswap} from './zswap.js';

export class Swapfile extends CoreModule {
	/** Pages in the swap cache (SwapCached). */
	nrSwapCached = 0;

	constructor(
		core: Core,
		/** The swap area; null when the machine has no swap. */
		readonly area: SwapArea | null,
		/** The swap device is zram (every slot compressed in RAM). */
		readonly isZram: boolean,
		private readonly zswap: Zswap,
		private readonly zram: Zram | null,
		private readonly memcg: Memcontrol,
	) {
		super(core);
		memcg.attachSwap(area?.total ?? 0);
	}

	/** Swap is usable: slots left (zram's memory limit shows up as failed writes instead). */
	get canSwap(): boolean {
		return this.area !== null && this.area.free > 0;
	}

	/** SwapTotal in pages. */
	get totalPages(): number {
		return this.area?.total ?? 0;
	}

	/** swap_free(): the slot is free again, and any compressed copy it held leaves the pool. */
	freeSlot(slot: number): void {
		const swap = this.area!;
		const state = swap.state[slot];
		if (state === SLOT_ZSWAP) this.zswap.free(slot);
		else if (state === SLOT_ZRAM) this.zram!.free(slot);
		this.memcg.unchargeSwap(slot);
		swap.release(slot);
	}

	/**
	 * swap_free(): one reference to the slot goes (a PTE's entry, or the swap cache's page). After a
	 * fork a slot may have more (swap_duplicate): it is freed with the last.
	 */
	putSlot(slot: number): void {
		const swap = this.area!;
		if (swap.extra && swap.extra[slot]! > 0) swap.extra[slot]!--;
		else this.freeSlot(slot);
	}

	/** An exiting process's swap entry goes away (zap_pte_range → free_swap_and_cache). */
	releaseEntry(slot: number, p: Proc): void {
		if (this.area!.state[slot] === SLOT_ZSWAP) p.zswapEnts--;
		p.swapEnts--;
		this.putSlot(slot);
	}

	/** add_to_swap_cache(): the page keeps its slot, which still holds a valid copy. */
	addToSwapCache(frame: number, slot: number): void {
		this.zone.frames.flags[frame]! |= PG_SWAPCACHE;
		this.zone.frameSlot[frame] = slot;
		this.nrSwapCached++;
	}

	/**
	 * The page was written (or is going away): its swap copy is stale to it, so the swap cache lets go
	 * of the slot (folio_free_swap), which is freed unless fork left other references to it.
	 */
	dropSwapCache(frame: number): void {
		const zone = this.zone;
		const slot = zone.frameSlot[frame]!;
		zone.frames.flags[frame]! &= ~PG_SWAPCACHE;
		zone.frames.flags[frame]! |= PG_DIRTY;
		zone.frameSlot[frame] = NO_SLOT;
		this.nrSwapCached--;
		if (slot >= 0) this.putSlot(slot);
	}

	/** __delete_from_swap_cache() for a clean page reclaim drops: the slot keeps the copy. */
	deleteFromSwapCache(): void {
		this.nrSwapCached--;
	}

	/** A state saved before fork named each zswap entry's owner: its vpn is where that PTE holds it. */
	private vpnsFromPageTables(): void {
		const swap = this.area!;
		for (const p of this.tasks.procs) {
			if (!p || p.exited) continue;
			const pt = p.pt;
			for (const r of p.regions) {
				const end = Math.min(r.startVpn + r.pages, pt.covered);
				for (let v = pt.skip(r.startVpn, end); v < end; v = pt.next(v, end)) {
					const e = pt.get(v);
					if (e < 0 && swap.state[swapEntrySlot(e)] === SLOT_ZSWAP) swap.vpn![swapEntrySlot(e)] = v;
				}
			}
		}
	}

	save() {
		return {nrSwapCached: this.nrSwapCached, swap: this.area ? this.area.save() : null};
	}

	load(s: {nrSwapCached: number; swap: Record<string, unknown> | null}): void {
		this.nrSwapCached = s.nrSwapCached;
		if (this.area && s.swap) {
			this.area.load(s.swap);
			if (s.swap.owner && !s.swap.vpn) this.vpnsFromPageTables();
		}
	}
}
