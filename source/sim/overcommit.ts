// Overcommit accounting (mm/util.c __vm_enough_memory, vm_commit_limit): whether a new commitment
// of address space is granted, by vm.overcommit_memory's rule.
import {type Core, CoreModule} from './core.js';
import type {Swapfile} from './swapfile.js';
import {kbToPages, pagesToKb} from './units.js';
import {type Region, totalVm} from './vma.js';

export const OVERCOMMIT_GUESS = 0;
export const OVERCOMMIT_ALWAYS = 1;
export const OVERCOMMIT_NEVER = 2;

/** init_admin_reserve / init_user_reserve: min(free at boot / 32, 8 MiB) and min(free at boot / 32, 128 MiB), in kB. */
const ADMIN_RESERVE_CAP_KB = 1 << 13;
const USER_RESERVE_CAP_KB = 1 << 17;

/** Who asks: __vm_enough_memory looks at the caller's capabilities (uid 0 stands for CAP_SYS_ADMIN) and its mm's size (total_vm before this request, pages). */
export interface Requester {
	readonly uid: number;
	readonly totalVm: number;
}

export class Overcommit extends CoreModule {
	/** Free memory when the machine booted (kB): the reserves' defaults are derived from it once. */
	private readonly bootFreeKb: number;

	constructor(
		core: Core,
		private readonly swapfile: Swapfile,
	) {
		super(core);
		this.bootFreeKb = pagesToKb(this.zone.freePages);
	}

	/** vm.admin_reserve_kbytes in effect, pages. */
	adminReservePages(): number {
		const kb =
			this.sysctl.admin_reserve_kbytes ?? Math.min(Math.floor(this.bootFreeKb / 32), ADMIN_RESERVE_CAP_KB);
		return kbToPages(kb);
	}

	/** vm.user_reserve_kbytes in effect, pages. */
	userReservePages(): number {
		const kb =
			this.sysctl.user_reserve_kbytes ?? Math.min(Math.floor(this.bootFreeKb / 32), USER_RESERVE_CAP_KB);
		return kbToPages(kb);
	}

	/**
	 * mm/util.c __vm_enough_memory() for one request (one mapping, one growth step) of `pages` by
	 * `who`, with `pending` pages the same process has committed but not yet installed. Mode 1 always
	 * grants; mode 0 refuses a request larger than RAM + swap; mode 2 adds the request to Committed_AS
	 * (vm_acct_memory) and grants only if that stays below CommitLimit less admin_reserve (not for
	 * root) and less min(total_vm / 32, user_reserve). Null: granted.
	 */
	refusal(pages: number, who: Requester, pending = 0): string | null {
		const mode = this.sysctl.overcommit_memory;
		if (mode === OVERCOMMIT_ALWAYS) return null;
		const swapPages = this.swapfile.totalPages;
		if (mode === OVERCOMMIT_GUESS) {
			return pages > this.zone.totalramPages + swapPages
				? `request of ${pages} pages exceeds RAM + swap (overcommit_memory=0)`
				: null;
		}
		const allowed = this.allowed(who);
		const committed = this.committedAs() + pending;
		return committed + pages < allowed
			? null
			: `Committed_AS ${committed} + ${pages} pages >= CommitLimit ${this.commitLimit()} less reserves = ${allowed} (overcommit_memory=2)`;
	}

	/** Mode 2: what Committed_AS must stay below for this requester (CommitLimit less the reserves). */
	allowed(who: Requester): number {
		let allowed = this.commitLimit();
		if (who.uid !== 0) allowed -= this.adminReservePages();
		allowed -= Math.min(Math.floor(who.totalVm / 32), this.userReservePages());
		return allowed;
	}

	/** Mode 2 refuses even one more page (brk/mmap growth) to process `p`. */
	strictLimitReached(p: {readonly uid: number; readonly regions: readonly Region[]}): boolean {
		if (this.sysctl.overcommit_memory !== OVERCOMMIT_NEVER) return false;
		return this.refusal(1, {uid: p.uid, totalVm: totalVm(p.regions)}) !== null;
	}

	/** CommitLimit = MemTotal · overcommit_ratio / 100 + SwapTotal (pages). */
	commitLimit(): number {
		return (
			Math.floor((this.zone.totalramPages * this.sysctl.overcommit_ratio) / 100) + this.swapfile.totalPages
		);
	}

	/** Committed_AS: every live process's private commitments, and every shmem object once. */
	committedAs(): number {
		let sum = this.files.shmemPages();
		for (const p of this.tasks.procs) if (p && !p.exited) sum += p.committed;
		return sum;
	}
}
