// Compaction deferral (mm/compaction.c): after a sync compaction of some order fails, the zone
// skips the next 2^compact_defer_shift attempts at that order or above (up to 2^6 = 64), so a
// fragmented zone is not scanned end to end for every huge page asked for. A success resets it.
// The zone's fields: compact_considered, compact_defer_shift, compact_order_failed.

/** COMPACT_MAX_DEFER_SHIFT: do not skip compaction more than 64 times. */
export const COMPACT_MAX_DEFER_SHIFT = 6;

export class CompactDefer {
	/** compact_considered: attempts seen since the last deferral. */
	considered = 0;
	/** compact_defer_shift: 2^shift attempts are skipped after a failure. */
	shift = 0;
	/** compact_order_failed: the lowest order that failed (orders below it are never deferred). */
	orderFailed = 0;

	/** defer_compaction(): a sync compaction of `order` failed. */
	defer(order: number): void {
		this.considered = 0;
		this.shift++;
		if (order < this.orderFailed) this.orderFailed = order;
		if (this.shift > COMPACT_MAX_DEFER_SHIFT) this.shift = COMPACT_MAX_DEFER_SHIFT;
	}

	/** compaction_deferred(): true if this attempt at `order` is to be skipped (and it counts as considered). */
	deferred(order: number): boolean {
		const limit = 1 << this.shift;
		if (order < this.orderFailed) return false;
		if (++this.considered >= limit) {
			this.considered = limit;
			return false;
		}
		return true;
	}

	/** compaction_defer_reset(): compaction of `order` succeeded (`allocSuccess`: and the allocation too). */
	reset(order: number, allocSuccess: boolean): void {
		if (allocSuccess) {
			this.considered = 0;
			this.shift = 0;
		}
		if (order >= this.orderFailed) this.orderFailed = order + 1;
	}

	/** compaction_restarting(): the attempt after the longest deferral: the skip hints are cleared first. */
	restarting(order: number): boolean {
		if (order < this.orderFailed) return false;
		return this.shift === COMPACT_MAX_DEFER_SHIFT && this.considered >= 1 << this.shift;
	}

	/** Only when not at the boot values, so a state of a run that never deferred keeps its layout. */
	save() {
		const idle = this.considered === 0 && this.shift === 0 && this.orderFailed === 0;
		return idle ? {} : {compactDefer: [this.considered, this.shift, this.orderFailed]};
	}

	load(s: {compactDefer?: number[] | undefined}): void {
		const [considered = 0, shift = 0, orderFailed = 0] = s.compactDefer ?? [];
		this.considered = considered;
		this.shift = shift;
		this.orderFailed = orderFailed;
	}
}
