// Intrusive circular doubly linked lists over frame numbers, as the kernel's struct list_head.
// Frame f's links live in prev[f]/next[f]; list L's sentinel is node count + L. No allocation per page.

export class LinkedLists {
	readonly prev: Int32Array;
	readonly next: Int32Array;
	/** Which list a frame is on, or -1. */
	readonly listOf: Int8Array;
	readonly sizes: Int32Array;
	readonly base: number;

	constructor(frames: number, lists: number) {
		this.base = frames;
		this.prev = new Int32Array(frames + lists);
		this.next = new Int32Array(frames + lists);
		this.listOf = new Int8Array(frames).fill(-1);
		this.sizes = new Int32Array(lists);
		for (let l = 0; l < lists; l++) {
			const s = frames + l;
			this.prev[s] = s;
			this.next[s] = s;
		}
	}

	/** Head = most recently added; the tail is where reclaim looks first. */
	addHead(list: number, f: number): void {
		const s = this.base + list;
		const first = this.next[s]!;
		this.next[f] = first;
		this.prev[f] = s;
		this.prev[first] = f;
		this.next[s] = f;
		this.listOf[f] = list;
		this.sizes[list]!++;
	}

	addTail(list: number, f: number): void {
		const s = this.base + list;
		const last = this.prev[s]!;
		this.prev[f] = last;
		this.next[f] = s;
		this.next[last] = f;
		this.prev[s] = f;
		this.listOf[f] = list;
		this.sizes[list]!++;
	}

	remove(f: number): void {
		const list = this.listOf[f]!;
		if (list < 0) return;
		const p = this.prev[f]!;
		const n = this.next[f]!;
		this.next[p] = n;
		this.prev[n] = p;
		this.listOf[f] = -1;
		this.sizes[list]!--;
	}

	moveHead(list: number, f: number): void {
		this.remove(f);
		this.addHead(list, f);
	}

	moveTail(list: number, f: number): void {
		this.remove(f);
		this.addTail(list, f);
	}

	/** The tail frame of a list, or -1 when empty. */
	tail(list: number): number {
		const s = this.base + list;
		const t = this.prev[s]!;
		return t === s ? -1 : t;
	}

	head(list: number): number {
		const s = this.base + list;
		const h = this.next[s]!;
		return h === s ? -1 : h;
	}

	size(list: number): number {
		return this.sizes[list]!;
	}

	/** The frame before f (toward the tail → head direction), or -1 at the sentinel. */
	towardHead(f: number): number {
		const p = this.prev[f]!;
		return p >= this.base ? -1 : p;
	}
}

/** Host bytes of LinkedLists over `items` nodes and `lists` lists (prev, next, listOf, sizes). */
export function linkedListsBytes(items: number, lists: number): number {
	return (items + lists) * 8 + items + lists * 4;
}
