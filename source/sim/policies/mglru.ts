// A multi-generational LRU after CONFIG_LRU_GEN (mm/vmscan.c, Documentation/mm/multigen_lru.rst).
// Pages live in generations per type (anon, file): max_seq is the youngest, min_seq[type] the
// oldest. Aging opens a new generation and moves pages whose accessed bit is set into it;
// eviction takes the oldest generation of the type that is cheaper to reclaim.
import {
	FRAME_FILE,
	type FrameTable,
	PG_ACTIVE,
	PG_SWAPCACHE,
	PG_UNEVICTABLE,
	PG_WORKINGSET,
	PG_YOUNG,
} from '../frames.js';
import {LinkedLists} from '../lru-list.js';
import {
	CANNOT,
	EVICTED,
	type LruCounts,
	type PolicyInfo,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
} from './policy.js';

const MAX_NR_GENS = 4;
const MIN_NR_GENS = 2;
const ANON = 0;
const FILE = 1;
const UNEVICTABLE_LIST = 2 * MAX_NR_GENS;
/** Ticks per millisecond (10 ms ticks) for min_ttl_ms. */
const MS_PER_TICK = 10;
/** Pages accessed through a file descriptor this many times are in a protected tier. */
const PROTECTED_TIER_REFS = 2;

export class MultiGenLru implements ReplacementPolicy {
	readonly name = 'mglru';
	readonly needsEveryAccess = false;
	private frames!: FrameTable;
	private lists!: LinkedLists;
	/** fd-access count per frame (the tier is log2 of it). */
	private refs!: Uint8Array;
	maxSeq = MIN_NR_GENS - 1;
	readonly minSeq = [0, 0];
	/** Tick each generation (by seq % MAX_NR_GENS) was born. */
	readonly birth = new Float64Array(MAX_NR_GENS);

	attach(frames: FrameTable): void {
		this.frames = frames;
		this.lists = new LinkedLists(frames.count, 2 * MAX_NR_GENS + 1);
		this.refs = new Uint8Array(frames.count);
	}

	private list(type: number, seq: number): number {
		return type * MAX_NR_GENS + (seq % MAX_NR_GENS);
	}

	private typeOf(frame: number): number {
		return this.frames.kind[frame] === FRAME_FILE ? FILE : ANON;
	}

	/** lru_gen_folio_seq(): activated → youngest; fresh anon → second youngest; the rest → second oldest. */
	inserted(frame: number, activate: boolean): void {
		const flags = this.frames.flags;
		this.refs[frame] = 0;
		if (flags[frame]! & PG_UNEVICTABLE) {
			this.lists.addHead(UNEVICTABLE_LIST, frame);
			return;
		}
		const type = this.typeOf(frame);
		let seq: number;
		if (activate) seq = this.maxSeq;
		else if (type === ANON && !(flags[frame]! & PG_SWAPCACHE)) seq = this.maxSeq - 1;
		else if (this.minSeq[type]! + MIN_NR_GENS >= this.maxSeq) seq = this.minSeq[type]!;
		else seq = this.minSeq[type]! + 1;
		seq = Math.max(seq, this.minSeq[type]!);
		this.lists.addHead(this.list(type, seq), frame);
	}

	/** fd accesses raise the page's tier; tiers are protected from one round of eviction. */
	accessed(frame: number): void {
		if (this.refs[frame]! < 255) this.refs[frame]!++;
	}

	removed(frame: number): void {
		this.lists.remove(frame);
	}

	private genCount(type: number): number {
		return this.maxSeq - this.minSeq[type]! + 1;
	}

	/** inc_max_seq() with the page-table walk: young pages move to the new youngest generation. */
	private age(tick: number): void {
		if (this.genCount(ANON) >= MAX_NR_GENS || this.genCount(FILE) >= MAX_NR_GENS) {
			// No room for another generation: fold the oldest into the next (inc_min_seq).
			for (const type of [ANON, FILE]) if (this.genCount(type) >= MAX_NR_GENS) this.foldOldest(type);
		}
		this.maxSeq++;
		this.birth[this.maxSeq % MAX_NR_GENS] = tick;
		const flags = this.frames.flags;
		for (const type of [ANON, FILE]) {
			const young = this.list(type, this.maxSeq);
			for (let seq = this.minSeq[type]!; seq < this.maxSeq; seq++) {
				const l = this.list(type, seq);
				let f = this.lists.tail(l);
				while (f >= 0) {
					const prev = this.lists.towardHead(f);
					if (flags[f]! & PG_YOUNG) {
						// Promoted for being used: it is part of the workingset (a later refault is thrashing).
						flags[f] = (flags[f]! & ~PG_YOUNG) | PG_WORKINGSET;
						this.lists.moveHead(young, f);
					}
					f = prev;
				}
			}
		}
	}

	private foldOldest(type: number): void {
		const from = this.list(type, this.minSeq[type]!);
		const to = this.list(type, this.minSeq[type]! + 1);
		for (let f = this.lists.tail(from); f >= 0; f = this.lists.tail(from)) this.lists.moveHead(to, f);
		this.minSeq[type]!++;
	}

	/** Drop empty oldest generations (try_to_inc_min_seq), keeping at least MIN_NR_GENS. */
	private trimMinSeq(type: number): void {
		while (this.genCount(type) > MIN_NR_GENS && this.lists.size(this.list(type, this.minSeq[type]!)) === 0) {
			this.minSeq[type]!++;
		}
	}

	/** get_type_to_scan(): the older type first; on a tie the one cheaper to refault, weighted by swappiness. */
	private typeToScan(ctx: ReclaimContext): number {
		const sw = ctx.swappiness;
		if (!ctx.canSwap || sw === 0) return FILE;
		if (sw === 200) return ANON;
		if (this.minSeq[ANON]! !== this.minSeq[FILE]!)
			return this.minSeq[ANON]! < this.minSeq[FILE]! ? ANON : FILE;
		const anonRate = (ctx.anonCost + 1) / sw;
		const fileRate = (ctx.fileCost + 1) / (200 - sw);
		return anonRate <= fileRate ? ANON : FILE;
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		let reclaimed = 0;
		const budget = Math.max(64, target * 8) << Math.max(0, 4 - priority);
		let scanned = 0;
		let first = this.typeToScan(ctx);
		for (let attempt = 0; attempt < 4 && reclaimed < target && scanned < budget; attempt++) {
			const type = attempt % 2 === 0 ? first : 1 - first;
			if (type === ANON && !ctx.canSwap) continue;
			this.trimMinSeq(type);
			if (this.genCount(type) <= MIN_NR_GENS) this.age(ctx.tick);
			const seq = this.minSeq[type]!;
			// min_ttl_ms: never evict a generation younger than this (thrashing protection).
			const ttl = ctx.minTtlMs ?? 0;
			if (ttl > 0 && (ctx.tick - this.birth[seq % MAX_NR_GENS]!) * MS_PER_TICK < ttl) return reclaimed;
			const r = this.evictFrom(ctx, type, seq, target - reclaimed, budget - scanned);
			reclaimed += r.reclaimed;
			scanned += r.scanned;
			if (r.scanned === 0) first = 1 - type;
		}
		return reclaimed;
	}

	private evictFrom(
		ctx: ReclaimContext,
		type: number,
		seq: number,
		want: number,
		budget: number,
	): {reclaimed: number; scanned: number} {
		const flags = this.frames.flags;
		const l = this.list(type, seq);
		const next = this.list(type, seq + 1);
		const young = this.list(type, this.maxSeq);
		let reclaimed = 0;
		let scanned = 0;
		while (reclaimed < want && scanned < budget) {
			const f = this.lists.tail(l);
			if (f < 0) break;
			scanned++;
			if (type === ANON) ctx.stats.scannedAnon++;
			else ctx.stats.scannedFile++;
			const fl = flags[f]!;
			if (fl & PG_YOUNG) {
				// lru_gen_look_around(): a young page found during eviction is promoted.
				flags[f] = (fl & ~PG_YOUNG) | PG_WORKINGSET;
				this.lists.moveHead(young, f);
				ctx.stats.activated++;
				continue;
			}
			if (this.refs[f]! >= PROTECTED_TIER_REFS) {
				// A page in a higher tier gets one more generation.
				this.refs[f] = 0;
				this.lists.moveHead(next, f);
				ctx.stats.rotated++;
				continue;
			}
			this.lists.remove(f);
			const result = ctx.evict(f);
			if (result === EVICTED) {
				reclaimed++;
				if (type === ANON) ctx.stats.reclaimedAnon++;
				else ctx.stats.reclaimedFile++;
			} else if (result === CANNOT) {
				flags[f] = flags[f]! | PG_ACTIVE;
				this.lists.addHead(young, f);
			} else {
				this.lists.addHead(next, f);
			}
		}
		return {reclaimed, scanned};
	}

	counts(out: LruCounts): void {
		const s = this.lists.sizes;
		const active = (type: number): number =>
			s[this.list(type, this.maxSeq)]! +
			(this.maxSeq - 1 >= this.minSeq[type]! ? s[this.list(type, this.maxSeq - 1)]! : 0);
		let anon = 0;
		let file = 0;
		for (let g = 0; g < MAX_NR_GENS; g++) {
			anon += s[ANON * MAX_NR_GENS + g]!;
			file += s[FILE * MAX_NR_GENS + g]!;
		}
		out.activeAnon = active(ANON);
		out.inactiveAnon = anon - out.activeAnon;
		out.activeFile = active(FILE);
		out.inactiveFile = file - out.activeFile;
		out.unevictable = s[UNEVICTABLE_LIST]!;
	}

	save(): PolicyState {
		return {
			prev: this.lists.prev,
			next: this.lists.next,
			listOf: this.lists.listOf,
			sizes: this.lists.sizes,
			refs: this.refs,
			birth: this.birth,
			maxSeq: this.maxSeq,
			minSeqAnon: this.minSeq[ANON]!,
			minSeqFile: this.minSeq[FILE]!,
		};
	}

	load(state: PolicyState): void {
		this.lists.prev.set(state.prev as Int32Array);
		this.lists.next.set(state.next as Int32Array);
		this.lists.listOf.set(state.listOf as Int8Array);
		this.lists.sizes.set(state.sizes as Int32Array);
		this.refs.set(state.refs as Uint8Array);
		this.birth.set(state.birth as Float64Array);
		this.maxSeq = state.maxSeq as number;
		this.minSeq[ANON] = state.minSeqAnon as number;
		this.minSeq[FILE] = state.minSeqFile as number;
	}
}

export const mglruPolicy: PolicyInfo = {
	name: 'mglru',
	description:
		'multi-generational LRU (CONFIG_LRU_GEN): generations, aging by accessed bits, tiers, min_ttl_ms',
	traceOnly: false,
	create: () => new MultiGenLru(),
};
