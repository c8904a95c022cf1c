// Page number → dense page id (0, 1, 2... in order of first use), shared by every simulation of a
// run: each reference is hashed once, and the simulations index plain arrays by id instead of each
// hashing the page number again. The table grows by doubling (open addressing, linear probing,
// at most half full) and keeps the page number of every id for the binary format.
import {UserError} from '../common/user-error.js';

const EMPTY = -1;

/** Distinct pages one run may hold: 2^24 pages (64 GiB of 4 KiB pages), about 48 bytes each. */
export const MAX_DISTINCT = 1 << 24;

export class PageIds {
	/** Number of ids handed out. */
	distinct = 0;
	/** The page number of each id. */
	pages = new Float64Array(1 << 12);
	private keys = new Float64Array(1 << 13).fill(EMPTY);
	private vals = new Int32Array(1 << 13);
	private bits = 13;

	constructor(
		/** For the message when the bound is reached. */
		private readonly name = 'trace',
		private readonly limit = MAX_DISTINCT,
	) {}

	/** Map `n` page numbers to ids into `out`. */
	map(refs: Float64Array, n: number, out: Int32Array): void {
		let keys = this.keys;
		let vals = this.vals;
		let mask = keys.length - 1;
		let shift = 32 - this.bits;
		for (let i = 0; i < n; i++) {
			const page = refs[i]!;
			const lo = page >>> 0;
			const hi = (page - lo) / 4294967296;
			let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> shift;
			let id = -1;
			for (;;) {
				const k = keys[h]!;
				if (k === page) {
					id = vals[h]!;
					break;
				}
				if (k === EMPTY) break;
				h = (h + 1) & mask;
			}
			if (id < 0) {
				id = this.add(page, h);
				keys = this.keys;
				vals = this.vals;
				mask = keys.length - 1;
				shift = 32 - this.bits;
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
				`${this.name}: more than ${this.limit.toLocaleString('en-US')} distinct pages, the most one run holds (about 48 bytes each); sample it with --curve --sample RATE`,
			);
		}
		this.distinct = id + 1;
		this.keys[slot] = page;
		this.vals[slot] = id;
		if (id >= this.pages.length) {
			const grown = new Float64Array(this.pages.length * 2);
			grown.set(this.pages);
			this.pages = grown;
		}
		this.pages[id] = page;
		if (this.distinct * 2 > this.keys.length) this.grow();
		return id;
	}

	private grow(): void {
		this.bits++;
		const keys = new Float64Array(1 << this.bits).fill(EMPTY);
		const vals = new Int32Array(1 << this.bits);
		const mask = keys.length - 1;
		const shift = 32 - this.bits;
		const pages = this.pages;
		for (let id = 0; id < this.distinct; id++) {
			const page = pages[id]!;
			const lo = page >>> 0;
			const hi = (page - lo) / 4294967296;
			let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> shift;
			while (keys[h] !== EMPTY) h = (h + 1) & mask;
			keys[h] = page;
			vals[h] = id;
		}
		this.keys = keys;
		this.vals = vals;
	}
}
