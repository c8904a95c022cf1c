// CLOCK (second chance): resident frames sit in a circle in load order with one reference bit each.
// The reference bit is PG_YOUNG in frames.flags, the same bit the MMU sets on every access, so a hit
// costs nothing here. On a miss the hand clears set bits as it passes and evicts the first frame
// whose bit is clear; the new page takes that place in the circle (just behind the hand).
import {type FrameTable, PG_UNEVICTABLE, PG_YOUNG} from '../frames.js';
import {
	EVICTED,
	type LruCounts,
	type PolicyInfo,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
	ResidentCounts,
} from './policy.js';

class ClockPolicy implements ReplacementPolicy {
	readonly name = 'clock';
	readonly needsEveryAccess = false;
	private frames: FrameTable | undefined;
	// The circle as a doubly linked ring over frame numbers; no sentinel, the hand is the entry point.
	private next = new Int32Array(0);
	private prev = new Int32Array(0);
	private inRing = new Uint8Array(0);
	private hand = -1;
	private size = 0;
	/** The ring's frames by kind (anon, file, unevictable), kept as frames come and go. */
	private readonly counted = new ResidentCounts();

	attach(frames: FrameTable): void {
		this.frames = frames;
		this.next = new Int32Array(frames.count);
		this.prev = new Int32Array(frames.count);
		this.inRing = new Uint8Array(frames.count);
		this.hand = -1;
		this.size = 0;
		this.counted.attach(frames.count);
	}

	/** A new page goes just behind the hand: the last place the hand reaches. With free frames filling
	 * in order and the hand not moving, that is load order. */
	inserted(frame: number, _activate: boolean): void {
		if (this.inRing[frame] === 1) return;
		this.inRing[frame] = 1;
		this.size++;
		if (this.frames) this.counted.add(this.frames, frame);
		const hand = this.hand;
		if (hand < 0) {
			this.next[frame] = frame;
			this.prev[frame] = frame;
			this.hand = frame;
			return;
		}
		const p = this.prev[hand]!;
		this.next[p] = frame;
		this.prev[frame] = p;
		this.next[frame] = hand;
		this.prev[hand] = frame;
	}

	accessed(frame: number): void {
		// fd accesses (read(2)) set no PTE bit; count them as a reference too.
		const frames = this.frames;
		if (frames) frames.flags[frame] = frames.flags[frame]! | PG_YOUNG;
	}

	removed(frame: number): void {
		if (this.inRing[frame] !== 1) return;
		this.inRing[frame] = 0;
		this.size--;
		this.counted.remove(frame);
		if (this.size === 0) {
			this.hand = -1;
			return;
		}
		const p = this.prev[frame]!;
		const n = this.next[frame]!;
		this.next[p] = n;
		this.prev[n] = p;
		if (this.hand === frame) this.hand = n;
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		const frames = ctx.frames;
		const flags = frames.flags;
		const stats = ctx.stats;
		// When every bit is set the first sweep only clears bits: allow two sweeps at priority 0.
		let steps = 2 * this.size;
		let budget = steps >> priority;
		let freed = 0;
		while (freed < target && budget > 0 && steps > 0 && this.hand >= 0) {
			steps--;
			const f = this.hand;
			const fl = flags[f]!;
			const anon = frames.isSwapBacked(f);
			if ((fl & PG_UNEVICTABLE) !== 0 || (anon && !ctx.canSwap)) {
				this.hand = this.next[f]!;
				continue;
			}
			budget--;
			if (anon) stats.scannedAnon++;
			else stats.scannedFile++;
			if ((fl & PG_YOUNG) !== 0) {
				// Second chance: clear the bit and move on.
				flags[f] = fl & ~PG_YOUNG;
				stats.rotated++;
				this.hand = this.next[f]!;
				continue;
			}
			if (ctx.evict(f) === EVICTED) {
				// removed() moves the hand one past the victim.
				this.removed(f);
				freed++;
				if (anon) stats.reclaimedAnon++;
				else stats.reclaimedFile++;
			} else {
				this.hand = this.next[f]!;
			}
		}
		return freed;
	}

	/** Bit set: would survive the next sweep ("active"); bit clear: next in line ("inactive"). */
	counts(out: LruCounts): void {
		if (!this.frames || this.hand < 0) {
			out.activeAnon = out.inactiveAnon = out.activeFile = out.inactiveFile = out.unevictable = 0;
			return;
		}
		this.counted.fillByYoung(this.frames.flags, out);
	}

	save(): PolicyState {
		return {
			next: this.next.slice(),
			prev: this.prev.slice(),
			inRing: this.inRing.slice(),
			hand: this.hand,
			size: this.size,
		};
	}

	load(state: PolicyState): void {
		const {next, prev, inRing, hand, size} = state;
		if (
			!(next instanceof Int32Array) ||
			!(prev instanceof Int32Array) ||
			!(inRing instanceof Uint8Array) ||
			typeof hand !== 'number' ||
			typeof size !== 'number' ||
			next.length !== this.next.length
		) {
			throw new Error('clock state does not match this frame table');
		}
		this.next.set(next);
		this.prev.set(prev);
		this.inRing.set(inRing);
		this.hand = hand;
		this.size = size;
		const frames = this.frames;
		if (frames) {
			this.counted.attach(frames.count);
			for (let f = 0; f < inRing.length; f++) if (inRing[f] === 1) this.counted.add(frames, f);
		}
	}
}

export const clockPolicy: PolicyInfo = {
	name: 'clock',
	description:
		'second chance: a hand sweeps the frames, clearing reference bits, and evicts the first clear one',
	traceOnly: false,
	create: () => new ClockPolicy(),
};
