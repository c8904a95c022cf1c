// Shared by the policy tests: step-by-step replay through the trace driver, and naive reference
// models (plain arrays, obviously correct) to compare the real policies with.

import {createPolicy} from '../../../source/sim/policies/index.js';
import {needsFuture} from '../../../source/sim/policies/opt.js';
import {pageIdsOf, simulatePages} from '../../../source/trace/run.js';
import {TraceSim} from '../../../source/trace/sim.js';
import {storeIds} from '../../../source/trace/store.js';

/** 'F' for a fault, 'h' for a hit, per reference. */
export function faultPattern(policy: string, refs: readonly number[], frames: number, seed = 1): string {
	const {ids, distinct} = pageIdsOf(refs);
	const sim = new TraceSim(createPolicy(policy, {seed}), frames, distinct);
	sim.reserve(distinct);
	const future = needsFuture(sim.policy) ? storeIds(ids, distinct) : undefined;
	let out = '';
	// One reference at a time, to watch each step (opt sees the whole recorded trace's next uses).
	for (let i = 0; i < refs.length; i++) {
		const before = sim.faults;
		if (future) sim.runWithFuture(future.ids, future.nextUse, i, i + 1);
		else sim.run(ids, i, i + 1);
		out += sim.faults > before ? 'F' : 'h';
	}
	return out;
}

export const faults = (policy: string, refs: readonly number[], frames: number): number =>
	simulatePages(policy, refs, frames).faults;

export function fifoModel(refs: readonly number[], frames: number): string {
	const q: number[] = [];
	let out = '';
	for (const p of refs) {
		if (q.includes(p)) {
			out += 'h';
			continue;
		}
		out += 'F';
		if (q.length === frames) q.shift();
		q.push(p);
	}
	return out;
}

export function lruModel(refs: readonly number[], frames: number): string {
	const stack: number[] = []; // most recent last
	let out = '';
	for (const p of refs) {
		const i = stack.indexOf(p);
		if (i >= 0) {
			out += 'h';
			stack.splice(i, 1);
		} else {
			out += 'F';
			if (stack.length === frames) stack.shift();
		}
		stack.push(p);
	}
	return out;
}

/** CLOCK exactly as specified: frames filled in order, hand at frame 0, loaded pages referenced. */
export function clockModel(refs: readonly number[], frames: number): string {
	const page: number[] = [];
	const bit: boolean[] = [];
	let hand = 0;
	let out = '';
	for (const p of refs) {
		const i = page.indexOf(p);
		if (i >= 0) {
			out += 'h';
			bit[i] = true;
			continue;
		}
		out += 'F';
		if (page.length < frames) {
			page.push(p);
			bit.push(true);
			continue;
		}
		while (bit[hand]) {
			bit[hand] = false;
			hand = (hand + 1) % frames;
		}
		page[hand] = p;
		bit[hand] = true;
		hand = (hand + 1) % frames;
	}
	return out;
}

/** Belady's MIN by brute force: look ahead for every resident page at every eviction. */
export function optModel(refs: readonly number[], frames: number): string {
	const resident: number[] = [];
	let out = '';
	refs.forEach((p, t) => {
		if (resident.includes(p)) {
			out += 'h';
			return;
		}
		out += 'F';
		if (resident.length === frames) {
			let victim = 0;
			let farthest = -1;
			resident.forEach((q, i) => {
				const next = refs.indexOf(q, t + 1);
				const when = next < 0 ? Number.POSITIVE_INFINITY : next;
				if (when > farthest) {
					farthest = when;
					victim = i;
				}
			});
			resident.splice(victim, 1);
		}
		resident.push(p);
	});
	return out;
}

export const count = (pattern: string): number => [...pattern].filter((c) => c === 'F').length;

/** The classic 20-reference string (Silberschatz et al.). */
export const CLASSIC = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];
/** Belady's anomaly string. */
export const BELADY = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];

/** The policies added in round 2. */
export const MODERN = ['arc', '2q', 'lirs', 'clock-pro', 's3fifo', 'sieve', 'lfu', 'random'];
