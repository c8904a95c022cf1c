// Page number → dense page id (0, 1, 2... in order of first use), shared by every simulation of a
// run: each reference is hashed once, and the simulations index plain arrays by id instead of each
// hashing the page number again. The table holds only id + 1 per slot (0: empty), 4 bytes, and
// compares page numbers through the id → page array it keeps anyway (for the binary format), so it
// is a third the size of a table of keys and values and more of it stays in the cache. It grows by
// doubling (open addressing, linear probing, at most half full). Eight consecutive page numbers
// hash to eight consecutive slots, so a sequential scan through new pages writes one cache line
// per eight pages instead of one per page.
import {UserError} from '../common/user-error.js';

/** Distinct pages one run may hold: 2^24 pages (64 GiB of 4 KiB pages), about 24 bytes each. */
export const MAX_DISTINCT = 1 << 24;

const INITIAL_BITS = 13;

/** The slot of `page` in a table of 2^bits slots (bits ≥ 4). */
function slotOf(page: number, bits: number): number {
	// Runs of 8: the low three bits stay, the rest is mixed (exactly, for page numbers up to 2^53).
	const run = Math.floor(page / 8);
	const lo = run >>> 0;
	const hi = (run - lo) / 4294967296;
	const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> (35 - bits);
	return (h << 3) | (page - run * 8);
}

export class PageIds {
	/** Number of ids handed out. */
	distinct = 0;
	/** The page number of each id. */
	pages = new Float64Array(1 << 12);
	/** id + 1 at each slot, 0 for empty. */
	private slots = new Int32Array(1 << INITIAL_BITS);
	private bits = INITIAL_BITS;

	constructor(
		/** For the message when the bound is reached. */
		private readonly name = 'trace',
		private readonly limit = MAX_DISTINCT,
	) {}

	/** Map `n` page numbers to ids into `out`. */
	map(refs: Float64Array, n: number, out: Int32Array): void {
		let slots = this.slots;
		let pages = this.pages;
		let mask = slots.length - 1;
		let bits = this.bits;
		for (let i = 0; i < n; i++) {
			const page = refs[i]!;
			let h = slotOf(page, bits);
			let id: number;
			for (;;) {
				const e = slots[h]!;
				if (e === 0) {
					id = this.add(page, h);
					slots = this.slots;
					pages = this.pages;
					mask = slots.length - 1;
					bits = this.bits;
					break;
				}
				if (pages[e - 1] === page) {
					id = e - 1;
					break;
				}
				h = (h + 1) & mask;
			}
			out[i] = id;
		}
	}

	/** The id of one page (adding it if new). */
	idOf(page: number): number {
		const out = new Int32Array(1);
		this.map(Float64Array.of(page), 1, out);
		return out[0]!;
	}

	private add(page: number, slot: number): number {
		const id = this.distinct;
		if (id >= this.limit) {
			throw new UserError(
				`${this.name}: more than ${this.limit.toLocaleString('en-US')} distinct pages, the most one run holds (about 24 bytes each); sample it with --curve --sample RATE`,
			);
		}
		this.distinct = id + 1;
		this.slots[slot] = id + 1;
		if (id >= this.pages.length) {
			const grown = new Float64Array(this.pages.length * 2);
			grown.set(this.pages);
			this.pages = grown;
		}
		this.pages[id] = page;
		if (this.distinct * 2 > this.slots.length) this.grow();
		return id;
	}

	private grow(): void {
		this.bits++;
		const slots = new Int32Array(1 << this.bits);
		const mask = slots.length - 1;
		const pages = this.pages;
		for (let id = 0; id < this.distinct; id++) {
			let h = slotOf(pages[id]!, this.bits);
			while (slots[h] !== 0) h = (h + 1) & mask;
			slots[h] = id + 1;
		}
		this.slots = slots;
	}
}
