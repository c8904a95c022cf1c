// fork(2) (kernel/fork.c copy_process → dup_mm → dup_mmap, and mm/memory.c copy_page_range): the
// child gets a copy of the parent's address space. Its VMAs are the parent's, at the same addresses;
// for private anonymous memory the page tables are copied entry by entry (copy_pte_range): a present
// page becomes shared copy-on-write (copy_present_pte: the page's mapcount goes up, both PTEs are
// write-protected and the page is no longer PageAnonExclusive), a swap entry gets one more
// reference (copy_nonpresent_pte → swap_duplicate). File and shmem mappings are not copied: the
// child faults them in from the page cache (copy_page_range skips VMAs without anon pages). The
// child's page-table pages are its own, allocated as the copy goes (it may reclaim, or fail).
//
// The copy's CPU time is the parent's (FORK_PTE_US per PTE). What follows is memory.ts's: a write to
// a shared page copies it (do_wp_page → wp_page_copy), or reuses it if the writer is its last user;
// an exit frees only what no one else maps (lifecycle.ts); reclaim unmaps a shared page from every
// mapper (rmap.ts rmap_walk_anon). The child is charged to the parent's cgroup (the same spec), and
// the pages stay charged to whoever faulted them first, as memcg does.

import {type Core, CoreModule} from './core.js';
import {FORK_PTE_US} from './costs.js';
import type {HugeMemory} from './huge-memory.js';
import {type Lifecycle, NO_END} from './lifecycle.js';
import type {Memory} from './memory.js';
import {PTE_NONE, presentFrame, swapEntrySlot} from './page-table.js';
import type {Proc} from './process.js';
import type {Rmap} from './rmap.js';
import type {ProcessSpec, StreamSpec} from './spec.js';
import {SLOT_ZSWAP, type SwapArea} from './swap.js';
import {REGION_ANON} from './vma.js';

/** What the child does after fork (the fork command's fields). */
export interface ForkChild {
	/** The child's comm (default: the parent's). */
	name?: string | undefined;
	/** Its reference streams over the parent's regions (default: a snapshot that reads every anon region once). */
	streams?: StreamSpec[] | undefined;
	/** Seconds until it exits (default: a snapshot child exits when it has read everything once). */
	lifetime?: number | undefined;
}

export interface ForkResult {
	child: Proc | null;
	/** PTEs copied (present pages shared, swap entries duplicated). */
	copied: number;
	/** What happened, in one line. */
	line: string;
}

/**
 * The child's spec: the parent's, with its own name, streams and lifetime. By default a snapshot
 * child (Redis's BGSAVE, a backup): it reads each anon region through once, at the parent's rate,
 * and exits.
 */
export function childSpec(parent: Proc, child: ForkChild): ProcessSpec {
	const anon = parent.regions.filter((r) => r.kind === REGION_ANON && (r.grows ? r.grown : r.pages) > 0);
	const size = (r: (typeof anon)[number]): number => (r.grows ? r.grown : r.pages);
	const pages = anon.reduce((n, r) => n + size(r), 0);
	const streams =
		child.streams ??
		anon.map((r) => ({region: r.name, pattern: 'sequential' as const, weight: size(r), write_ratio: 0}));
	const rate = parent.spec.rate;
	const lifetime =
		child.lifetime ??
		(child.streams === undefined && rate > 0 ? Math.max(1, Math.ceil(pages / rate)) : undefined);
	return {...parent.spec, name: child.name ?? parent.name, streams, lifetime};
}

export class Fork extends CoreModule {
	constructor(
		core: Core,
		private readonly lifecycle: Lifecycle,
		private readonly memory: Memory,
		private readonly rmap: Rmap,
		private readonly swap: SwapArea | null,
		private readonly huge: HugeMemory,
	) {
		super(core);
	}

	/** fork(2) of `parent` (kernel/fork.c kernel_clone → copy_process). */
	fork(parent: Proc, child: ForkChild): ForkResult {
		const who = `${parent.pid} (${parent.name})`;
		if (parent.dying || parent.exited || parent.termTick >= 0) {
			return {child: null, copied: 0, line: `fork ${who}: no such process`};
		}
		const spec = childSpec(parent, child);
		const c = this.lifecycle.spawn(spec, NO_END, undefined, parent);
		if (!c) return {child: null, copied: 0, line: `fork ${who}: Cannot allocate memory (overcommit)`};
		c.ppid = parent.pid;
		c.anonVma = parent.anonVma;
		c.oomScoreAdj = parent.oomScoreAdj;
		c.committed = parent.committed;
		const copied = this.dupMmap(parent, c);
		// copy_huge_pmd(): the child's PMDs are huge where the parent's are.
		if (copied >= 0 && !c.exited) this.huge.copyHugePmds(parent, c);
		parent.debtCpuUs += Math.max(0, copied) * FORK_PTE_US;
		if (copied < 0 || c.dying || c.exited) {
			// dup_mmap failed (no memory for a page table): the half-built child goes (exit_mmap).
			if (!c.exited) this.lifecycle.exit(c, 'enomem');
			const reason = 'fork: Cannot allocate memory (page tables)';
			this.events.emit({
				kind: 'alloc-fail',
				tick: this.clock.tick,
				pid: parent.pid,
				name: parent.name,
				reason,
			});
			return {child: null, copied: 0, line: `fork ${who}: Cannot allocate memory`};
		}
		const ms = ((copied * FORK_PTE_US) / 1000).toFixed(1);
		return {
			child: c,
			copied,
			line: `fork ${who}: child ${c.pid} (${c.name}), ${copied.toLocaleString('en-US')} PTEs copied in ${ms} ms`,
		};
	}

	/**
	 * dup_mmap() → copy_page_range() over each private anon region: every entry of the parent's table
	 * into the child's (whose table pages are allocated on the way). Returns the entries copied, or
	 * ALLOC_KILLED / ALLOC_RETRY when a table page could not be had.
	 */
	private dupMmap(parent: Proc, child: Proc): number {
		// The anon mapcounts, and the swap map's reference counts with them.
		this.rmap.enableAnonSharing();
		const swap = this.swap;
		const ppt = parent.pt;
		const cpt = child.pt;
		let copied = 0;
		for (const r of parent.regions) {
			if (r.kind !== REGION_ANON) continue;
			const end = Math.min(r.startVpn + r.pages, ppt.covered);
			for (let v = ppt.skip(r.startVpn, end); v < end; v = ppt.next(v, end)) {
				if (ppt.get(v) === PTE_NONE) continue;
				const got = this.memory.pteAlloc(child, v);
				if (got < 0) return got;
				// The table page may have reclaimed this very page: read the entry after.
				if (child.exited || child.dying || parent.exited) return -1;
				const e = ppt.get(v);
				if (e === PTE_NONE) continue;
				cpt.set(v, e);
				if (e > 0) {
					// copy_present_pte(): shared, write-protected in both.
					this.rmap.dupAnon(presentFrame(e));
					child.rssAnon++;
				} else {
					// copy_nonpresent_pte(): swap_duplicate().
					const slot = swapEntrySlot(e);
					swap!.extra![slot]!++;
					child.swapEnts++;
					if (swap!.state[slot] === SLOT_ZSWAP) child.zswapEnts++;
				}
				copied++;
			}
		}
		return copied;
	}
}
