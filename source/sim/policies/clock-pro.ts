// CLOCK-Pro: Jiang, Chen and Zhang, "CLOCK-Pro: An Effective Improvement of the CLOCK Replacement",
// USENIX ATC'05. LIRS's idea (reuse distance, not recency) on a clock. One circle holds hot pages
// (resident), cold resident pages, and cold non-resident pages (ghosts) still in their "test
// period". Each resident page has a reference bit. New and promoted pages enter at the head, just
// behind HAND_hot (the oldest end). Three hands go round:
// - HAND_cold finds a victim among resident cold pages: referenced and in its test period -> the page
//   turns hot (bit cleared, to the head; if hot pages now exceed c - mc, HAND_hot runs); referenced
//   and not in test -> bit cleared, a new test period, to the head; not referenced -> evicted,
//   staying as a ghost if in its test period.
// - HAND_hot turns the first unreferenced hot page cold (clearing the bits of referenced ones), and
//   ends the test period of cold pages it passes (ghosts are dropped; mc - 1 for each).
// - HAND_test, when there are more than c ghosts, ends test periods it passes (mc - 1 each) until it
//   has dropped one ghost.
// - A fault on a ghost (re-referenced within its test period): mc + 1, and the page enters hot.
//   Any other fault: the page enters cold, in a test period.
// mc, the target number of cold resident pages, starts at 1% of the frames (as LIRS's HIR share)
// and adapts within 1 .. c - 1. New pages start unreferenced: the bit is the policy's own, set on
// each hit (needsEveryAccess).
import type {FrameTable} from '../frames.js';
import {LinkedLists} from '../lru-list.js';
import {
	Ghosts,
	loadArray,
	loadListsAs,
	loadNumber,
	pageKey,
	type SeesFaults,
	saveListsAs,
	tryEvict,
} from './ghosts.js';
import {
	EVICTED,
	type LruCounts,
	type PolicyInfo,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
	SplitCounts,
} from './policy.js';

const COLD = 1;
const HOT = 2;

class ClockProPolicy implements ReplacementPolicy, SeesFaults {
	readonly name = 'clock-pro';
	readonly needsEveryAccess = true;
	private frames: FrameTable | undefined;
	private c = 1;
	/** The circle as a ring over frames and ghost nodes (its "list" 0 is used for membership only). */
	private ring = new LinkedLists(0, 1);
	private ghosts = new Ghosts(0, 1);
	/** Per frame: COLD or HOT (0: not resident), reference bit, in test period. */
	private kind = new Uint8Array(0);
	private readonly counted = new SplitCounts();
	private ref = new Uint8Array(0);
	private test = new Uint8Array(0);
	private hot = 0;
	private cold = 0;
	private mc = 1;
	private handHot = -1;
	private handCold = -1;
	private handTest = -1;
	/** An announced fault: its key and whether it was a ghost in its test period (before HAND_cold). */
	private pendingKey = -1;
	private pendingHit = false;

	attach(frames: FrameTable): void {
		const n = frames.count;
		this.frames = frames;
		this.c = n;
		this.ring = new LinkedLists(n + n, 1);
		this.ghosts = new Ghosts(n, n);
		this.kind = new Uint8Array(n);
		this.counted.attach(n);
		this.ref = new Uint8Array(n);
		this.test = new Uint8Array(n);
		this.hot = 0;
		this.cold = 0;
		this.mc = this.clampMc(Math.round(n / 100));
		this.handHot = this.handCold = this.handTest = -1;
	}

	private clampMc(v: number): number {
		return Math.max(1, Math.min(Math.max(1, this.c - 1), v));
	}

	private isGhost(node: number): boolean {
		return node >= this.ghosts.base;
	}

	/** The node after `node` going round (the ring's list order wraps past its sentinel). */
	private after(node: number): number {
		const r = this.ring;
		let n = r.next[node]!;
		if (n >= r.base) n = r.next[n]!;
		return n;
	}

	/** Insert at the head: just behind HAND_hot. */
	private addHead(node: number): void {
		const r = this.ring;
		if (this.handHot < 0) {
			r.addHead(0, node);
			this.handHot = this.handCold = this.handTest = node;
			return;
		}
		// Before handHot in ring order (the sentinel may sit anywhere: it is skipped by after()).
		const h = this.handHot;
		const p = r.prev[h]!;
		r.prev[node] = p;
		r.next[node] = h;
		r.next[p] = node;
		r.prev[h] = node;
		r.listOf[node] = 0;
		r.sizes[0]!++;
	}

	/** Take a node off the circle, moving any hand on it to the next node. */
	private unlink(node: number): void {
		const r = this.ring;
		if (r.listOf[node] !== 0) return;
		const next = r.size(0) === 1 ? -1 : this.after(node);
		if (this.handHot === node) this.handHot = next;
		if (this.handCold === node) this.handCold = next;
		if (this.handTest === node) this.handTest = next;
		r.remove(node);
	}

	private dropGhost(g: number): void {
		this.unlink(g);
		this.ghosts.remove(g);
	}

	/** HAND_hot: turn one hot page cold; end the test periods it passes. */
	private runHandHot(): void {
		for (let steps = 2 * this.ring.size(0) + 2; steps > 0 && this.handHot >= 0 && this.hot > 0; steps--) {
			const n = this.handHot;
			const next = this.after(n);
			if (this.isGhost(n)) {
				this.dropGhost(n);
				this.mc = this.clampMc(this.mc - 1);
				continue;
			}
			this.handHot = next;
			if (this.kind[n] === HOT) {
				if (this.ref[n] === 1) this.ref[n] = 0;
				else {
					this.setKind(n, COLD);
					this.test[n] = 0;
					this.hot--;
					this.cold++;
					return;
				}
			} else if (this.test[n] === 1) {
				this.test[n] = 0;
				this.mc = this.clampMc(this.mc - 1);
			}
		}
	}

	/** HAND_test: drop one ghost, ending the test periods of resident cold pages on the way. */
	private runHandTest(): void {
		for (let steps = 2 * this.ring.size(0) + 2; steps > 0 && this.handTest >= 0; steps--) {
			const n = this.handTest;
			if (this.isGhost(n)) {
				this.dropGhost(n);
				this.mc = this.clampMc(this.mc - 1);
				return;
			}
			this.handTest = this.after(n);
			if (this.kind[n] === COLD && this.test[n] === 1) {
				this.test[n] = 0;
				this.mc = this.clampMc(this.mc - 1);
			}
		}
	}

	/** A frame's kind, with counts() kept: hot pages are reported active. */
	private setKind(f: number, k: number): void {
		this.kind[f] = k;
		if (k === 0) this.counted.remove(f);
		else this.counted.add(this.frames!, f, k === HOT);
	}

	private makeHot(f: number): void {
		this.setKind(f, HOT);
		this.test[f] = 0;
		this.ref[f] = 0;
		this.hot++;
		if (this.hot > this.c - this.mc) this.runHandHot();
	}

	faulting(key: number): void {
		this.pendingKey = key;
		this.pendingHit = this.takeGhost(key);
	}

	private takeGhost(key: number): boolean {
		const g = this.ghosts.find(key);
		if (g < 0) return false;
		this.dropGhost(g);
		return true;
	}

	inserted(frame: number, _activate: boolean): void {
		if (this.kind[frame] !== 0) return;
		const key = pageKey(this.frames!, frame);
		const hit = this.pendingKey === key ? this.pendingHit : this.takeGhost(key);
		this.pendingKey = -1;
		this.ref[frame] = 0;
		if (hit) {
			this.mc = this.clampMc(this.mc + 1);
			this.addHead(frame);
			this.makeHot(frame);
			return;
		}
		this.setKind(frame, COLD);
		this.test[frame] = 1;
		this.cold++;
		this.addHead(frame);
	}

	accessed(frame: number): void {
		if (this.kind[frame] !== 0) this.ref[frame] = 1;
	}

	removed(frame: number): void {
		const k = this.kind[frame];
		if (k === 0) return;
		if (k === HOT) this.hot--;
		else this.cold--;
		this.setKind(frame, 0);
		this.unlink(frame);
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		let budget = (3 * this.ring.size(0) + 3) >> priority;
		let freed = 0;
		while (freed < target && budget > 0 && this.hot + this.cold > 0) {
			budget--;
			if (this.cold === 0) this.runHandHot();
			const n = this.handCold;
			if (n < 0) break;
			const next = this.after(n);
			if (this.isGhost(n) || this.kind[n] !== COLD) {
				this.handCold = next;
				continue;
			}
			this.handCold = next;
			if (this.ref[n] === 1) {
				this.ref[n] = 0;
				this.unlink(n);
				if (this.test[n] === 1) {
					this.cold--;
					this.addHead(n);
					this.makeHot(n);
				} else {
					this.test[n] = 1;
					this.addHead(n);
				}
				continue;
			}
			const key = pageKey(ctx.frames, n);
			const inTest = this.test[n] === 1;
			const r = tryEvict(ctx, n);
			if (r !== EVICTED) continue;
			freed++;
			this.cold--;
			this.setKind(n, 0);
			if (inTest) {
				// Stays on the circle as a ghost, in the page's place.
				if (this.ghosts.size === this.ghosts.capacity) this.runHandTest();
				const g = this.ghosts.add(key);
				const ring = this.ring;
				if (g >= 0 && ring.listOf[n] === 0) {
					const p = ring.prev[n]!;
					const nx = ring.next[n]!;
					ring.prev[g] = p;
					ring.next[g] = nx;
					ring.next[p] = g;
					ring.prev[nx] = g;
					ring.listOf[g] = 0;
					ring.listOf[n] = -1;
					if (this.handHot === n) this.handHot = g;
					if (this.handCold === n) this.handCold = g;
					if (this.handTest === n) this.handTest = g;
				} else {
					this.unlink(n);
				}
			} else {
				this.unlink(n);
			}
			if (this.ghosts.size > this.c) this.runHandTest();
		}
		return freed;
	}

	counts(out: LruCounts): void {
		this.counted.fill(out);
	}

	save(): PolicyState {
		const out: PolicyState = {
			kind: this.kind.slice(),
			ref: this.ref.slice(),
			test: this.test.slice(),
			hot: this.hot,
			cold: this.cold,
			mc: this.mc,
			handHot: this.handHot,
			handCold: this.handCold,
			handTest: this.handTest,
		};
		saveListsAs('', this.ring, out);
		this.ghosts.save('ghost', out);
		return out;
	}

	load(state: PolicyState): void {
		loadListsAs('', this.ring, state);
		this.ghosts.load('ghost', state);
		loadArray(state, 'kind', this.kind);
		this.counted.rebuild(
			this.frames!,
			(f) => this.kind[f] !== 0,
			(f) => this.kind[f] === HOT,
		);
		loadArray(state, 'ref', this.ref);
		loadArray(state, 'test', this.test);
		this.hot = loadNumber(state, 'hot');
		this.cold = loadNumber(state, 'cold');
		this.mc = loadNumber(state, 'mc');
		this.handHot = loadNumber(state, 'handHot');
		this.handCold = loadNumber(state, 'handCold');
		this.handTest = loadNumber(state, 'handTest');
		this.pendingKey = -1;
	}
}

export const clockProPolicy: PolicyInfo = {
	name: 'clock-pro',
	description: 'CLOCK-Pro (USENIX ATC 2005): hot and cold pages on one clock, ghosts in a test period',
	traceOnly: false,
	create: () => new ClockProPolicy(),
};
