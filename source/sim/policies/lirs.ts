// LIRS: Jiang and Zhang, "LIRS: An Efficient Low Inter-reference Recency Set Replacement Policy to
// Improve Buffer Cache Performance", SIGMETRICS'02.
// Pages are LIR (low inter-reference recency: the hot set, c - Lhirs frames) or HIR (the rest;
// Lhirs = 1% of the frames, at least 1). Two structures:
// - the stack S, in recency order, holding every LIR page, and HIR pages referenced since the
//   oldest LIR page was, resident or not (non-resident HIR entries are ghosts);
// - the queue Q of resident HIR pages: the victim is always Q's front.
// - hit on a LIR page: to S's top; if it was the bottom, prune (drop HIR entries from S's bottom
//   until a LIR page is there).
// - hit on a resident HIR page in S: it becomes LIR (to S's top, out of Q); S's bottom LIR page
//   becomes HIR and goes to Q's end; prune. A resident HIR page not in S goes to S's top and Q's end.
// - miss: Q's front page is evicted (an entry in S stays, as a ghost). While fewer than c - Lhirs
//   pages are LIR, a new page becomes LIR. Otherwise a page with a ghost in S becomes LIR (the bottom
//   LIR page becomes HIR, to Q's end; prune), and any other page becomes resident HIR (S's top, Q's
//   end).
// The paper lets S grow without bound; here it keeps at most c ghosts, dropping the oldest.
// Needs every access (needsEveryAccess).
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

const LIR = 1;
const HIR = 2;

class LirsPolicy implements ReplacementPolicy, SeesFaults {
	readonly name = 'lirs';
	readonly needsEveryAccess = true;
	private frames: FrameTable | undefined;
	/** The stack S over frames and ghost nodes; head = top (most recent). */
	private s = new LinkedLists(0, 1);
	/** The queue Q of resident HIR frames; head = end (newest), tail = front (next victim). */
	private q = new LinkedLists(0, 1);
	/** Ghost nodes in the order they became ghosts (by node - base), to drop the oldest. */
	private order = new LinkedLists(0, 1);
	private ghosts = new Ghosts(0, 1);
	private status = new Uint8Array(0);
	private readonly counted = new SplitCounts();
	private lir = 0;
	private maxLir = 0;
	/** An announced fault: its key and whether it had a ghost in S (before the eviction). */
	private pendingKey = -1;
	private pendingHit = false;

	attach(frames: FrameTable): void {
		const n = frames.count;
		this.frames = frames;
		const hirs = Math.max(1, Math.round(n / 100));
		this.maxLir = Math.max(0, n - hirs);
		this.s = new LinkedLists(n + n, 1);
		this.q = new LinkedLists(n, 1);
		this.order = new LinkedLists(n, 1);
		this.ghosts = new Ghosts(n, n);
		this.status = new Uint8Array(n);
		this.counted.attach(n);
		this.lir = 0;
	}

	/** A frame's status, with counts() kept: LIR pages are reported active. */
	private setStatus(f: number, st: number): void {
		this.status[f] = st;
		if (st === 0) this.counted.remove(f);
		else this.counted.add(this.frames!, f, st === LIR);
	}

	private isGhost(node: number): boolean {
		return node >= this.ghosts.base;
	}

	private forget(g: number): void {
		this.s.remove(g);
		this.order.remove(g - this.ghosts.base);
		this.ghosts.remove(g);
	}

	/** Drop HIR entries (resident or ghosts) from S's bottom until a LIR page is there. */
	private prune(): void {
		const s = this.s;
		for (let b = s.tail(0); b >= 0; b = s.tail(0)) {
			if (this.isGhost(b)) this.forget(b);
			else if (this.status[b] === LIR) return;
			else s.remove(b);
		}
	}

	/** S's bottom LIR page becomes resident HIR at Q's end; then prune. */
	private demoteBottom(): void {
		this.prune();
		const b = this.s.tail(0);
		if (b < 0) return;
		this.setStatus(b, HIR);
		this.lir--;
		this.s.remove(b);
		this.q.addHead(0, b);
		this.prune();
	}

	faulting(key: number): void {
		this.pendingKey = key;
		this.pendingHit = this.takeGhost(key);
	}

	private takeGhost(key: number): boolean {
		const g = this.ghosts.find(key);
		if (g < 0) return false;
		this.forget(g);
		return true;
	}

	inserted(frame: number, _activate: boolean): void {
		if (this.status[frame] !== 0) return;
		const key = pageKey(this.frames!, frame);
		const hit = this.pendingKey === key ? this.pendingHit : this.takeGhost(key);
		this.pendingKey = -1;
		if (this.lir < this.maxLir || hit) {
			this.setStatus(frame, LIR);
			this.lir++;
			this.s.addHead(0, frame);
			if (this.lir > this.maxLir) this.demoteBottom();
			return;
		}
		this.setStatus(frame, HIR);
		this.s.addHead(0, frame);
		this.q.addHead(0, frame);
	}

	accessed(frame: number): void {
		const st = this.status[frame];
		const s = this.s;
		if (st === LIR) {
			const bottom = s.tail(0) === frame;
			s.moveHead(0, frame);
			if (bottom) this.prune();
		} else if (st === HIR) {
			if (s.listOf[frame] === 0) {
				this.setStatus(frame, LIR);
				this.lir++;
				this.q.remove(frame);
				s.moveHead(0, frame);
				if (this.lir > this.maxLir) this.demoteBottom();
				else this.prune();
			} else {
				s.addHead(0, frame);
				this.q.moveHead(0, frame);
			}
		}
	}

	removed(frame: number): void {
		const st = this.status[frame];
		if (st === 0) return;
		if (st === LIR) this.lir--;
		this.setStatus(frame, 0);
		this.s.remove(frame);
		this.q.remove(frame);
		this.prune();
	}

	/** Evicted page `f` stays in S as a ghost in its place (dropping the oldest ghost if need be). */
	private leaveGhost(f: number, key: number): void {
		const s = this.s;
		if (s.listOf[f] !== 0) return;
		if (this.ghosts.size === this.ghosts.capacity) {
			const oldest = this.order.tail(0);
			if (oldest >= 0) this.forget(oldest + this.ghosts.base);
		}
		const g = this.ghosts.add(key);
		const p = s.prev[f]!;
		const n = s.next[f]!;
		s.prev[g] = p;
		s.next[g] = n;
		s.next[p] = g;
		s.prev[n] = g;
		s.listOf[g] = 0;
		s.listOf[f] = -1;
		this.order.addHead(0, g - this.ghosts.base);
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		const q = this.q;
		let budget = (2 * (q.size(0) + this.lir)) >> priority;
		let freed = 0;
		let stuck = 0;
		while (freed < target && budget > 0 && q.size(0) + this.lir > 0) {
			budget--;
			// Q is empty only when pages left by other means, and all of Q may be stuck (KEPT): then
			// take the next candidate from S's bottom.
			if (q.size(0) === 0 || stuck >= q.size(0)) {
				this.demoteBottom();
				stuck = 0;
			}
			const f = q.tail(0);
			if (f < 0) break;
			const key = pageKey(ctx.frames, f);
			const r = tryEvict(ctx, f);
			if (r === EVICTED) {
				q.remove(f);
				this.setStatus(f, 0);
				this.leaveGhost(f, key);
				freed++;
				stuck = 0;
			} else {
				q.moveHead(0, f);
				stuck++;
			}
		}
		return freed;
	}

	counts(out: LruCounts): void {
		this.counted.fill(out);
	}

	save(): PolicyState {
		const out: PolicyState = {status: this.status.slice(), lir: this.lir};
		saveListsAs('s', this.s, out);
		saveListsAs('q', this.q, out);
		saveListsAs('o', this.order, out);
		this.ghosts.save('ghost', out);
		return out;
	}

	load(state: PolicyState): void {
		loadListsAs('s', this.s, state);
		loadListsAs('q', this.q, state);
		loadListsAs('o', this.order, state);
		this.ghosts.load('ghost', state);
		loadArray(state, 'status', this.status);
		this.counted.rebuild(
			this.frames!,
			(f) => this.status[f] !== 0,
			(f) => this.status[f] === LIR,
		);
		this.lir = loadNumber(state, 'lir');
		this.pendingKey = -1;
	}
}

export const lirsPolicy: PolicyInfo = {
	name: 'lirs',
	description:
		'LIRS (SIGMETRICS 2002): keep pages with short reuse distance (LIR); evict from a small HIR queue',
	traceOnly: false,
	create: () => new LirsPolicy(),
};
