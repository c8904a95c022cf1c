// memory.min and memory.low: reclaim protection (mm/page_counter.c propagate_protected_usage,
// effective_protection, page_counter_calculate_protection; mm/memcontrol.c
// mem_cgroup_calculate_protection, mem_cgroup_below_min/low; mm/vmscan.c shrink_node_memcgs,
// apply_proportional_protection). Each reclaim pass works out, top-down from its root (the root
// memcg for global reclaim and kswapd, the target for memcg reclaim), every memcg's effective
// protection emin/elow; a memcg at or below its emin is never reclaimed from, one at or below its
// elow only when a pass skipped it and found nothing else to reclaim (then memory.events counts
// `low`), and one above its protection is scanned less in proportion to it.
//
// The kernel walks one lruvec per memcg and skips a protected memcg's lruvec whole. This model has
// one node-wide lruvec, so the skip is a filter on frames, like memcg reclaim's id range: a frame of
// a protected memcg is passed over where the policy would evict it (left on its list, not counted
// as scanned). Pages the scan meets on the way are still aged (referenced ones activated), which
// the kernel would not do to an lruvec it skips.
//
// The effective values are derived each pass from the settings and the usage, as the kernel's are
// (children_min_usage/children_low_usage are what propagate_protected_usage keeps up to date on
// every charge: the sum over the children of min(usage, setting)), so they need no saving.
import {MEMCG_LOW, type Memcontrol, ROOT_MEMCG} from './memcontrol.js';

/** Without the cgroup2 mount option memory_recursiveprot (the kernel's default). */
export const RECURSIVE_PROTECTION = false;

const UNPROTECTED = 0;
const BELOW_MIN = 1;
const BELOW_LOW = 2;

/**
 * effective_protection(): a memcg's share of its parent's effective protection. Its own claim is
 * min(usage, setting); when the siblings together claim more than the parent has, each gets the
 * parent's in proportion to its claim. With recursive protection the parent's unclaimed rest is
 * also spread over the children's unprotected usage.
 */
export function effectiveProtection(
	usage: number,
	parentUsage: number,
	setting: number,
	parentEffective: number,
	siblingsProtected: number,
	recursive: boolean,
): number {
	const protectedPages = Math.min(usage, setting);
	if (siblingsProtected > parentEffective)
		return Math.floor((protectedPages * parentEffective) / siblingsProtected);
	let ep = protectedPages;
	if (!recursive) return ep;
	if (parentEffective > siblingsProtected && parentUsage > siblingsProtected && usage > protectedPages) {
		const unclaimed = parentEffective - siblingsProtected;
		ep += Math.floor((unclaimed * (usage - protectedPages)) / (parentUsage - siblingsProtected));
	}
	return ep;
}

/**
 * mem_cgroup_calculate_protection() for every memcg below `root`, parents first (ids are in
 * depth-first order): emin/elow of each. The root's own stay 0 (a reclaim target's protection is
 * ignored, mem_cgroup_protection()); a memcg with no usage gets 0 (the kernel leaves a stale value,
 * which protects nothing).
 */
export function calculateProtection(
	mc: Memcontrol,
	root: number,
	emin: Float64Array,
	elow: Float64Array,
	recursive = RECURSIVE_PROTECTION,
): void {
	const {nodes, usage} = mc;
	const end = nodes[root]!.end;
	const childrenMin = new Float64Array(end - root);
	const childrenLow = new Float64Array(end - root);
	// propagate_protected_usage(): each child's protected usage, summed in its parent.
	for (let c = root + 1; c < end; c++) {
		const n = nodes[c]!;
		childrenMin[n.parent - root]! += Math.min(usage[c]!, n.min);
		childrenLow[n.parent - root]! += Math.min(usage[c]!, n.low);
	}
	emin[root] = elow[root] = 0;
	for (let c = root + 1; c < end; c++) {
		const n = nodes[c]!;
		const u = usage[c]!;
		if (u === 0) {
			emin[c] = elow[c] = 0;
		} else if (n.parent === root) {
			emin[c] = n.min;
			elow[c] = n.low;
		} else {
			const p = n.parent;
			const pu = usage[p]!;
			emin[c] = effectiveProtection(u, pu, n.min, emin[p]!, childrenMin[p - root]!, recursive);
			elow[c] = effectiveProtection(u, pu, n.low, elow[p]!, childrenLow[p - root]!, recursive);
		}
	}
}

/** The protection one reclaim pass applies (the memcg_low_reclaim / memcg_low_skipped of its scan_control). */
export class MemcgProtection {
	/** Some memcg below the pass's root is protected: evict() must look at each frame's memcg. */
	active = false;
	/** sc->memcg_low_reclaim: this pass reclaims below memory.low too (nothing else was reclaimable). */
	lowReclaim = false;
	/** sc->memcg_low_skipped: the pass skipped (or scanned less of) a memcg for its memory.low. */
	lowSkipped = false;
	readonly emin: Float64Array;
	readonly elow: Float64Array;
	private readonly state: Uint8Array;
	/** apply_proportional_protection()'s share of a memcg's frames to pass over, and its running sum. */
	private readonly share: Float64Array;
	private readonly acc: Float64Array;
	private root = ROOT_MEMCG;
	private subtreeEnd = 0;

	constructor(private readonly mc: Memcontrol) {
		const n = mc.count;
		this.emin = new Float64Array(n);
		this.elow = new Float64Array(n);
		this.state = new Uint8Array(n);
		this.share = new Float64Array(n);
		this.acc = new Float64Array(n);
	}

	/** A reclaim pass from `root` begins: shrink_node_memcgs()'s mem_cgroup_calculate_protection() for each memcg. */
	begin(root: number): void {
		this.lowReclaim = this.lowSkipped = false;
		this.active = false;
		const nodes = this.mc.nodes;
		if (!this.mc.enabled) return;
		const end = nodes[root]!.end;
		let any = false;
		for (let c = root + 1; c < end && !any; c++) any = nodes[c]!.min > 0 || nodes[c]!.low > 0;
		if (!any) return;
		this.active = true;
		this.root = root;
		this.subtreeEnd = end;
		calculateProtection(this.mc, root, this.emin, this.elow);
		this.classify();
	}

	/** Nothing was reclaimed and memory.low held some back: retry below low (do_try_to_free_pages). */
	breakLow(): void {
		this.lowReclaim = true;
		this.lowSkipped = false;
		this.classify();
	}

	/** shrink_node_memcgs(), once per priority: a memcg reclaimed below its memory.low counts a `low` event. */
	enterPriority(): void {
		if (!this.lowReclaim) return;
		for (let c = this.root + 1; c < this.subtreeEnd; c++)
			if (this.state[c] === BELOW_LOW) this.mc.event(c, MEMCG_LOW);
	}

	end(): void {
		this.active = false;
	}

	/** mem_cgroup_below_min/low() and apply_proportional_protection() for each memcg of the pass. */
	private classify(): void {
		const {usage} = this.mc;
		for (let c = this.root + 1; c < this.subtreeEnd; c++) {
			const u = usage[c]!;
			const min = this.emin[c]!;
			const low = this.elow[c]!;
			this.acc[c] = 0;
			this.share[c] = 0;
			if (min >= u) this.state[c] = BELOW_MIN;
			else if (low >= u) {
				this.state[c] = BELOW_LOW;
				if (!this.lowReclaim) this.lowSkipped = true;
			} else {
				this.state[c] = UNPROTECTED;
				if (min === 0 && low === 0) continue;
				// Scale the memcg's scan by its protection: scan -= scan × protection / (size + 1).
				let protection = min;
				if (!this.lowReclaim && low > min) {
					protection = low;
					this.lowSkipped = true;
				}
				this.share[c] = protection / (Math.max(u, protection) + 1);
			}
		}
	}

	/** Does this pass leave a frame charged to memcg `c` alone? */
	skips(c: number): boolean {
		// The root of the pass (for global reclaim the root memcg) and memcgs outside it: no protection.
		if (c <= this.root || c >= this.subtreeEnd) return false;
		const s = this.state[c]!;
		if (s === BELOW_MIN) return true;
		if (s === BELOW_LOW) return !this.lowReclaim;
		const share = this.share[c]!;
		if (share === 0) return false;
		// The proportional scan, spread evenly over the memcg's frames as the pass meets them.
		const a = this.acc[c]! + share;
		if (a >= 1) {
			this.acc[c] = a - 1;
			return true;
		}
		this.acc[c] = a;
		return false;
	}
}
