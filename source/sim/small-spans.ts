// The page table's storage for sparse 2 MiB spans (page-table.ts): a span whose entries are few keeps
// them in a small block of SMALL_ENTRIES slots, each slot the entry's index in its span, the entry and
// its working-set stamp (8 bytes), instead of a full block of 512 (3 KiB). The page table moves a
// span to a full block when a 17th entry comes, and gives the small block back here for the next
// sparse span. Host memory only: the simulated machine pays its 4 KiB PTE page either way.

/** Entries a small block holds before its span gets a full block. */
export const SMALL_ENTRIES = 16;
/** Host bytes of a small block: SMALL_ENTRIES × (Uint16 index + Int32 entry + Uint16 stamp) and its length byte. */
export const SMALL_BLOCK_BYTES = SMALL_ENTRIES * 8 + 1;

/** What a saved state holds of the small blocks. */
export interface SmallSpansState {
	key: Uint16Array;
	entry: Int32Array;
	stamp: Uint16Array;
	len: Uint8Array;
	free: number[];
}

export class SmallSpans {
	/** Per block SMALL_ENTRIES slots: the index in the span, the entry, the stamp; and slots used. */
	key = new Uint16Array(0);
	entry = new Int32Array(0);
	stamp = new Uint16Array(0);
	private len = new Uint8Array(0);
	/** Blocks made so far, and those given back. */
	private made = 0;
	private free: number[] = [];

	/** Blocks holding a span's entries. */
	get inUse(): number {
		return this.made - this.free.length;
	}

	/** Where block `k` holds index `i` of its span, or −1. */
	slot(k: number, i: number): number {
		const base = k * SMALL_ENTRIES;
		const end = base + this.len[k]!;
		const key = this.key;
		for (let j = base; j < end; j++) if (key[j] === i) return j;
		return -1;
	}

	/** A slot for index `i` in block `k` (none, stamp 0), or −1 when the block is full. */
	add(k: number, i: number): number {
		const len = this.len[k]!;
		if (len >= SMALL_ENTRIES) return -1;
		const j = k * SMALL_ENTRIES + len;
		this.key[j] = i;
		this.entry[j] = 0; // PTE_NONE (page-table.ts)
		this.stamp[j] = 0;
		this.len[k] = len + 1;
		return j;
	}

	/** The slots of block `k`: [first, end). */
	first(k: number): number {
		return k * SMALL_ENTRIES;
	}
	end(k: number): number {
		return k * SMALL_ENTRIES + this.len[k]!;
	}

	/** The smallest index above `after` that block `k` holds, or −1. */
	next(k: number, after: number): number {
		const base = k * SMALL_ENTRIES;
		const end = base + this.len[k]!;
		const key = this.key;
		let best = 512;
		for (let j = base; j < end; j++) {
			const i = key[j]!;
			if (i > after && i < best) best = i;
		}
		return best === 512 ? -1 : best;
	}

	/** A block for a new sparse span: one given back, or a new one (never more than `spans`). */
	make(spans: number): number {
		const reused = this.free.pop();
		if (reused !== undefined) return reused;
		const k = this.made++;
		if (this.made > this.len.length) {
			// An eighth more each time (16 blocks at least), never more than one per span.
			const want = Math.min(
				Math.max(this.made, this.len.length + Math.max(16, this.len.length >>> 3)),
				Math.max(this.made, spans),
			);
			this.len = grownTo(this.len, want);
			this.key = grownTo(this.key, want * SMALL_ENTRIES);
			this.entry = grownTo(this.entry, want * SMALL_ENTRIES);
			this.stamp = grownTo(this.stamp, want * SMALL_ENTRIES);
		}
		return k;
	}

	/** Block `k`'s span moved to a full block: the block is free for another. */
	release(k: number): void {
		this.len[k] = 0;
		this.free.push(k);
	}

	clear(): void {
		this.key = new Uint16Array(0);
		this.entry = new Int32Array(0);
		this.stamp = new Uint16Array(0);
		this.len = new Uint8Array(0);
		this.made = 0;
		this.free = [];
	}

	save(): SmallSpansState | undefined {
		if (this.made === 0) return undefined;
		return {
			key: this.key.subarray(0, this.made * SMALL_ENTRIES),
			entry: this.entry.subarray(0, this.made * SMALL_ENTRIES),
			stamp: this.stamp.subarray(0, this.made * SMALL_ENTRIES),
			len: this.len.subarray(0, this.made),
			free: [...this.free],
		};
	}

	load(s: SmallSpansState | undefined): void {
		this.key = s ? s.key.slice() : new Uint16Array(0);
		this.entry = s ? s.entry.slice() : new Int32Array(0);
		this.stamp = s ? s.stamp.slice() : new Uint16Array(0);
		this.len = s ? s.len.slice() : new Uint8Array(0);
		this.made = this.len.length;
		this.free = s ? [...s.free] : [];
	}
}

function grownTo<T extends Uint8Array | Uint16Array | Int32Array>(a: T, length: number): T {
	const b = new (a.constructor as new (n: number) => T)(length);
	b.set(a);
	return b;
}
