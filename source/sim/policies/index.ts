// The policy registry: name -> factory. Adding a policy is one file and one line in ALL.

import {FrameTable} from '../frames.js';
import {arcPolicy} from './arc.js';
import {clockPolicy} from './clock.js';
import {clockProPolicy} from './clock-pro.js';
import {fifoPolicy} from './fifo.js';
import {lfuPolicy} from './lfu.js';
import {lirsPolicy} from './lirs.js';
import {lruPolicy} from './lru.js';
import {lru2Policy} from './lru2.js';
import {mglruPolicy} from './mglru.js';
import {optPolicy} from './opt.js';
import type {PolicyInfo, PolicyOptions, ReplacementPolicy} from './policy.js';
import {randomPolicy} from './random.js';
import {s3fifoPolicy} from './s3-fifo.js';
import {sievePolicy} from './sieve.js';
import {twoQPolicy} from './two-q.js';

const ALL: PolicyInfo[] = [
	// one entry per policy file, e.g. lru2Policy, mglruPolicy, fifoPolicy, lruPolicy, clockPolicy, optPolicy
	fifoPolicy,
	lruPolicy,
	clockPolicy,
	optPolicy,
	lru2Policy,
	mglruPolicy,
	arcPolicy,
	twoQPolicy,
	lirsPolicy,
	clockProPolicy,
	s3fifoPolicy,
	sievePolicy,
	lfuPolicy,
	randomPolicy,
];

const registry = new Map<string, PolicyInfo>(ALL.map((p) => [p.name, p]));

/** The machine's default reclaim policy: the kernel's active/inactive two-list LRU. */
export const DEFAULT_POLICY = 'lru2';

export function policyNames(options: {includeTraceOnly: boolean}): string[] {
	return ALL.filter((p) => options.includeTraceOnly || !p.traceOnly).map((p) => p.name);
}

export function policyInfo(name: string): PolicyInfo | undefined {
	return registry.get(name);
}

export function createPolicy(name: string, options?: PolicyOptions): ReplacementPolicy {
	const info = registry.get(name);
	if (!info) {
		throw new Error(
			`unknown policy '${name}' (expected one of ${policyNames({includeTraceOnly: true}).join(', ')})`,
		);
	}
	return info.create(options);
}

const sampledBytes = new Map<string, {fixed: number; perFrame: number}>();

/** Bytes of every typed array reachable from `root`'s fields (not through `skip`), each once. */
function typedArrayBytes(root: object, skip: object): number {
	const seen = new Set<object>([skip]);
	let bytes = 0;
	const visit = (v: unknown): void => {
		if (v === null || typeof v !== 'object' || seen.has(v)) return;
		seen.add(v);
		if (ArrayBuffer.isView(v)) {
			bytes += v.byteLength;
			return;
		}
		for (const x of Object.values(v)) visit(x);
	};
	visit(root);
	return bytes;
}

/**
 * Host bytes of policy `name`'s state over `frames` frames (sim/host-cost.ts), asked of the policy
 * itself: every typed array it keeps, over two small frame tables, extended linearly. A new policy
 * is costed by construction.
 */
export function policyBytes(name: string, frames: number): number {
	let cost = sampledBytes.get(name);
	if (!cost) {
		const at = (n: number): number => {
			const policy = createPolicy(name);
			const table = new FrameTable(n);
			policy.attach(table);
			return typedArrayBytes(policy, table);
		};
		const small = at(1024);
		const perFrame = (at(2048) - small) / 1024;
		cost = {fixed: small - perFrame * 1024, perFrame};
		sampledBytes.set(name, cost);
	}
	return cost.fixed + cost.perFrame * frames;
}
