// RANDOM: evict a resident page chosen uniformly at random, with the policy's own seeded generator
// (xorshift32), so runs are repeatable: the same seed gives the same victims. The baseline every
// policy should beat; it is not a stack algorithm and can show Belady's anomaly.
import type {FrameTable} from '../frames.js';
import {loadArray, loadNumber, SKIPPED, tryEvict} from './ghosts.js';
import {
	EVICTED,
	type LruCounts,
	type PolicyInfo,
	type PolicyOptions,
	type PolicyState,
	type ReclaimContext,
	type ReplacementPolicy,
	ResidentCounts,
} from './policy.js';

class RandomPolicy implements ReplacementPolicy {
	readonly name = 'random';
	readonly needsEveryAccess = false;
	private frames: FrameTable | undefined;
	/** The resident frames, in any order, and each frame's index there (-1: not resident). */
	private members = new Int32Array(0);
	private index = new Int32Array(0);
	private size = 0;
	private readonly counted = new ResidentCounts();
	private state: number;

	constructor(seed: number) {
		// xorshift32 needs a non-zero state; mix the seed so nearby seeds diverge at once.
		this.state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 1;
	}

	attach(frames: FrameTable): void {
		this.frames = frames;
		this.members = new Int32Array(frames.count);
		this.index = new Int32Array(frames.count).fill(-1);
		this.size = 0;
		this.counted.attach(frames.count);
	}

	/** Uniform in 0 .. n-1 (n ≤ 2^31), from the top bits of the next xorshift32 state. */
	private below(n: number): number {
		let x = this.state;
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		this.state = x >>> 0;
		return Math.floor((this.state / 4294967296) * n);
	}

	inserted(frame: number, _activate: boolean): void {
		if (this.index[frame]! >= 0) return;
		this.index[frame] = this.size;
		this.members[this.size++] = frame;
		this.counted.add(this.frames!, frame);
	}

	accessed(_frame: number): void {}

	removed(frame: number): void {
		const i = this.index[frame]!;
		if (i < 0) return;
		const last = this.members[--this.size]!;
		this.members[i] = last;
		this.index[last] = i;
		this.index[frame] = -1;
		this.counted.remove(frame);
	}

	reclaim(ctx: ReclaimContext, target: number, priority: number): number {
		let budget = (2 * this.size) >> priority;
		let freed = 0;
		while (freed < target && budget > 0 && this.size > 0) {
			budget--;
			const f = this.members[this.below(this.size)]!;
			const r = tryEvict(ctx, f);
			if (r === SKIPPED) continue;
			if (r === EVICTED) {
				this.removed(f);
				freed++;
			}
		}
		return freed;
	}

	counts(out: LruCounts): void {
		this.counted.fill(out);
	}

	save(): PolicyState {
		return {members: this.members.slice(), index: this.index.slice(), size: this.size, rng: this.state};
	}

	load(state: PolicyState): void {
		loadArray(state, 'members', this.members);
		loadArray(state, 'index', this.index);
		this.size = loadNumber(state, 'size');
		this.state = loadNumber(state, 'rng');
		this.counted.attach(this.members.length);
		for (let i = 0; i < this.size; i++) this.counted.add(this.frames!, this.members[i]!);
	}
}

export const randomPolicy: PolicyInfo = {
	name: 'random',
	description: 'evict a resident page at random (seeded: the same seed, the same victims)',
	traceOnly: false,
	create: (options?: PolicyOptions) => new RandomPolicy(options?.seed ?? 1),
};
