// Page number → frame, for page numbers up to 2^53: open addressing with linear probing over a
// Float64Array of keys, sized once for the frame count (at most `frames` pages are ever resident),
// so a lookup allocates nothing and the table never grows. Deletion shifts later entries back
// (no tombstones), so probe chains stay short however long the trace runs.

const EMPTY = -1;

/** Fibonacci hash of an integer-valued double, top `bits` bits of the product. */
function slotOf(page: number, shift: number): number {
	// ToUint32 keeps the low 32 bits of any integer below 2^53; fold in the high part.
	const lo = page >>> 0;
	const hi = (page - lo) / 4294967296;
	return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> shift;
}

export class PageMap {
	readonly keys: Float64Array;
	readonly vals: Int32Array;
	private readonly mask: number;
	private readonly shift: number;
	size = 0;

	constructor(capacity: number) {
		// At most a quarter full: probe runs stay short, which matters most for deletion.
		let bits = 4;
		while (1 << bits < capacity * 4) bits++;
		if (bits > 30) throw new RangeError(`page map too large for ${capacity} entries`);
		this.keys = new Float64Array(1 << bits).fill(EMPTY);
		this.vals = new Int32Array(1 << bits);
		this.mask = (1 << bits) - 1;
		this.shift = 32 - bits;
	}

	/** The frame holding `page`, or -1. */
	get(page: number): number {
		const keys = this.keys;
		const mask = this.mask;
		let i = slotOf(page, this.shift);
		for (;;) {
			const k = keys[i]!;
			if (k === page) return this.vals[i]!;
			if (k === EMPTY) return -1;
			i = (i + 1) & mask;
		}
	}

	/** Map a page that is not present. */
	insert(page: number, frame: number): void {
		const keys = this.keys;
		const mask = this.mask;
		let i = slotOf(page, this.shift);
		while (keys[i] !== EMPTY) i = (i + 1) & mask;
		keys[i] = page;
		this.vals[i] = frame;
		this.size++;
	}

	delete(page: number): boolean {
		const keys = this.keys;
		const vals = this.vals;
		const mask = this.mask;
		const shift = this.shift;
		let i = slotOf(page, shift);
		for (;;) {
			const k = keys[i]!;
			if (k === page) break;
			if (k === EMPTY) return false;
			i = (i + 1) & mask;
		}
		// Backward-shift deletion: move each later entry of the run into the hole unless its home
		// slot lies cyclically after the hole (then it is already reachable from its home).
		let j = i;
		for (;;) {
			j = (j + 1) & mask;
			const k = keys[j]!;
			if (k === EMPTY) break;
			const home = slotOf(k, shift);
			const reachable = i <= j ? i < home && home <= j : i < home || home <= j;
			if (!reachable) {
				keys[i] = k;
				vals[i] = vals[j]!;
				i = j;
			}
		}
		keys[i] = EMPTY;
		this.size--;
		return true;
	}
}
