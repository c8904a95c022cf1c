// Overcommit accounting (mm/util.c __vm_enough_memory, vm_commit_limit): whether a new commitment
// of address space is granted, by vm.overcommit_memory's rule.
import {type Core, CoreModule} from './core.js';
import type {Swapfile} from './swapfile.js';

export const OVERCOMMIT_GUESS = 0;
export const OVERCOMMIT_ALWAYS = 1;
export const OVERCOMMIT_NEVER = 2;

export class Overcommit extends CoreModule {
	constructor(
		core: Core,
		private readonly swapfile: Swapfile,
	) {
		super(core);
	}

	/** Mode 1 always grants; mode 0 refuses one request larger than RAM + swap; mode 2 enforces CommitLimit. Null: granted. */
	refusal(pages: number): string | null {
		const mode = this.sysctl.overcommit_memory;
		if (mode === OVERCOMMIT_ALWAYS) return null;
		const swapPages = this.swapfile.totalPages;
		if (mode === OVERCOMMIT_GUESS) {
			return pages > this.zone.totalPages + swapPages
				? `request of ${pages} pages exceeds RAM + swap (overcommit_memory=0)`
				: null;
		}
		const limit = this.commitLimit();
		const committed = this.committedAs();
		return committed + pages > limit
			? `Committed_AS ${committed} + ${pages} pages > CommitLimit ${limit} (overcommit_memory=2)`
			: null;
	}

	/** Mode 2 refuses even one more page (brk/mmap growth). */
	strictLimitReached(): boolean {
		return this.sysctl.overcommit_memory === OVERCOMMIT_NEVER && this.committedAs() + 1 > this.commitLimit();
	}

	/** CommitLimit = MemTotal · overcommit_ratio / 100 + SwapTotal (pages). */
	commitLimit(): number {
		return (
			Math.floor((this.zone.totalramPages * this.sysctl.overcommit_ratio) / 100) + this.swapfile.totalPages
		);
	}

	/** Committed_AS: every live process's commitments. */
	committedAs(): number {
		let sum = 0;
		for (const p of this.tasks.procs) if (p && !p.exited) sum += p.committed;
		return sum;
	}
}
