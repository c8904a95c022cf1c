import {type Core, CoreModule} from './core.js';
import type {SimEvent} from './events.js';
import {PG_SWAPCACHE} from './frames.js';
import type {HugeMemory} from './huge-memory.js';
import {unmapHugetlb} from './hugetlb.js';
import type {Overcommit} from './overcommit.js';
import {PTE_NONE, presentFrame, swapEntrySlot} from './page-table.js';
import {Proc} from './process.js';
import type {Rmap} from './rmap.js';
import type {ProcessSpec, Workload} from './spec.js';
import type {Swapfile} from './swapfile.js';
import {secondsToTicks} from './units.js';
import {commitPages, mappedPages, REGION_ANON, REGION_HUGETLB, REGION_SHMEM} from './vma.js';

export type ExitReason = Extract<SimEvent, {kind: 'process-exit'}>['reason'];
/** A process with no end of its own. */
export const NO_END = -1;

/**
 * How long a process takes to exit after SIGTERM: a service's shutdown (finish requests in flight,
 * flush, close its files), as systemd's stop of a well-behaved service takes about a second. Fixed,
 * so runs stay deterministic; it stops its work at once and its memory goes when it exits.
 */
export const TERM_GRACE_SECONDS = 1;
export const TERM_GRACE_TICKS = secondsToTicks(TERM_GRACE_SECONDS);

export class Lifecycle extends CoreModule {
	/** The workload's process groups by start time, and the pid each group's first process gets. */
	private readonly groupOrder: number[];
	private readonly groupPids: number[];
	private nextGroupStart = 0;

	constructor(
		core: Core,
		private readonly workload: Workload,
		private readonly overcommit: Overcommit,
		private readonly swapfile: Swapfile,
		private readonly rmap: Rmap,
		private readonly huge: HugeMemory,
	) {
		super(core);
		// Workload processes get pids 100, 101, ... in the order listed (count expanded in place), up
		// front, so events can name them; later spawns continue from there.
		this.groupPids = workload.processes.map((g) => core.tasks.reservePids(g.count));
		this.groupOrder = workload.processes
			.map((_, i) => i)
			.sort((a, b) => workload.processes[a]!.start - workload.processes[b]!.start || a - b);
	}

	/**
	 * Spawn a process now. `endTick` NO_END: no fixed end. Returns null when overcommit refuses it.
	 * `parent`: fork(2)'s child, with the parent's address space (fork.ts copies its pages).
	 */
	spawn(spec: ProcessSpec, endTick: number, fixedPid?: number, parent?: Proc): Proc | null {
		const tasks = this.tasks;
		const tick = this.clock.tick;
		const slot = tasks.takeSlot();
		const pid = fixedPid ?? tasks.allocPid();
		const lifetimeEnd = spec.lifetime !== undefined ? tick + secondsToTicks(spec.lifetime) : NO_END;
		const end =
			endTick >= 0 && lifetimeEnd >= 0 ? Math.min(endTick, lifetimeEnd) : Math.max(endTick, lifetimeEnd);
		const filesBefore = this.files.files.length;
		const p = new Proc({
			pid,
			slot,
			spec,
			startTick: tick,
			endTick: end,
			objectIdFor: (r) => this.files.objectFor(spec.name, r).id,
			parent,
		});
		const refusal = this.mapRegions(p, filesBefore);
		if (refusal) {
			tasks.releaseSlot(slot);
			this.files.dropSince(filesBefore);
			this.events.emit({kind: 'alloc-fail', tick, pid, name: spec.name, reason: refusal});
			return null;
		}
		tasks.install(p);
		this.events.emit({kind: 'process-start', tick, pid, name: spec.name});
		return p;
	}

	/**
	 * exec's mappings, one mmap each: every region that commits memory asks __vm_enough_memory() for
	 * its pages, with the process's total_vm as mapped so far; a shmem object asks for its size when it
	 * is created (objects from `filesBefore` on are this exec's). Returns the first refusal, or null.
	 */
	mapRegions(p: Proc, filesBefore: number): string | null {
		let pending = 0;
		let totalVm = 0;
		const accounted = new Set<number>();
		// In the program's order (the file's), not the address order the layout put them in.
		const order = p.spec.regions.map((s) => s.name);
		const byOrder = [...p.regions].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
		for (const r of byOrder) {
			const created = r.kind === REGION_SHMEM && r.objectId >= filesBefore && !accounted.has(r.objectId);
			if (created) accounted.add(r.objectId);
			const pages = created ? this.files.files[r.objectId]!.pages : commitPages(r);
			if (pages > 0) {
				const refusal = this.overcommit.refusal(pages, {uid: p.uid, totalVm}, pending);
				if (refusal) return `mmap ${r.name}: ${refusal}`;
			}
			pending += pages;
			totalVm += mappedPages(r);
		}
		return null;
	}

	/**
	 * kill(pid, SIGTERM): the process's handler starts its shutdown. Its streams stop at once (no more
	 * references, so no faults and no allocations); it exits by itself TERM_GRACE_TICKS later
	 * (startAndStop). SIGTERM is not a fatal signal to the kernel (fatal_signal_pending() is false,
	 * kernel/signal.c), so the OOM killer may still pick it meanwhile. Returns false if it is already
	 * on its way out.
	 */
	terminate(p: Proc): boolean {
		if (p.dying || p.exited || p.termTick >= 0) return false;
		p.termTick = this.clock.tick + TERM_GRACE_TICKS;
		p.state = 'exiting';
		p.wantAcc = 0;
		p.tickMemUs = p.tickIoUs = p.tickReclaimUs = p.tickSwapinUs = p.tickFileIoUs = p.tickThrottleUs = 0;
		p.tickRefsWanted = p.tickRefsDone = 0;
		p.debtMemUs = p.debtIoUs = 0;
		p.waitingOom = false;
		return true;
	}

	/** do_exit(): the mm goes (exitMmap), then the task; its children go to init. */
	exit(p: Proc, reason: ExitReason): void {
		this.exitMmap(p);
		p.exited = true;
		p.state = 'exited';
		// Its children are reparented to init (kernel/exit.c forget_original_parent).
		for (const c of this.tasks.procs) if (c && c.ppid === p.pid) c.ppid = 1;
		this.tasks.remove(p);
		this.events.emit({kind: 'process-exit', tick: this.clock.tick, pid: p.pid, name: p.name, reason});
	}

	/**
	 * mm/mmap.c exit_mmap() as the last user of `p`'s mm drops it (exit, or exec's exec_mmap → mmput):
	 * anon pages no one else maps and swap entries are freed, a page a fork relative still maps stays
	 * theirs (zap_present_ptes); file and shmem pages stay cached, unmapped; then the page tables
	 * (free_pgtables) and the commitment (vm_unacct_memory). Returns the anon pages freed.
	 */
	exitMmap(p: Proc): number {
		let freed = 0;
		// zap_huge_pmd() for each huge PMD first; the subpages then go as 4 KiB pages do.
		this.huge.zapAll(p);
		const pt = p.pt;
		const frames = this.zone.frames;
		for (const r of p.regions) {
			// A MAP_HUGETLB region's pages go back to the pool (hugetlb.ts), no PTE maps them.
			if (r.kind === REGION_HUGETLB) unmapHugetlb(this.zone, r);
			const end = Math.min(r.startVpn + r.pages, pt.covered);
			for (let vpn = pt.skip(r.startVpn, end); vpn < end; vpn = pt.next(vpn, end)) {
				const e = pt.get(vpn);
				if (e === PTE_NONE) continue;
				if (r.kind === REGION_ANON) {
					if (e > 0) {
						const frame = presentFrame(e);
						// A page fork shared stays with the family's other mappers (zap_present_ptes).
						if (!this.rmap.removeAnon(frame, p)) continue;
						if (frames.flags[frame]! & PG_SWAPCACHE) this.swapfile.dropSwapCache(frame);
						this.lruvec.policy.removed(frame);
						this.zone.freePage(frame);
						freed++;
					} else {
						this.swapfile.releaseEntry(swapEntrySlot(e), p);
					}
				} else if (e > 0) {
					this.rmap.exitMapping(presentFrame(e));
				}
			}
		}
		// free_pgtables(): every PTE, PMD and PUD page, and the PGD (pgd_free).
		for (const level of [pt.tables, pt.pmds, pt.puds])
			for (let i = 0; i < level.length; i++) {
				const e = level[i]!;
				if (e > 0) this.zone.freePage(presentFrame(e));
			}
		if (pt.pgd > 0) this.zone.freePage(presentFrame(pt.pgd));
		pt.clear();
		p.rssAnon = 0;
		p.rssFile = 0;
		p.rssShmem = 0;
		p.swapEnts = 0;
		p.zswapEnts = 0;
		p.committed = 0;
		return freed;
	}

	/** The workload's groups start at their time (with the pids reserved for them), and end at theirs. */
	startAndStop(): void {
		const groups = this.workload.processes;
		const tick = this.clock.tick;
		while (this.nextGroupStart < this.groupOrder.length) {
			const gi = this.groupOrder[this.nextGroupStart]!;
			const g = groups[gi]!;
			if (secondsToTicks(g.start) > tick) break;
			this.nextGroupStart++;
			const end = g.end !== undefined ? secondsToTicks(g.end) : NO_END;
			for (let i = 0; i < g.count; i++) this.spawn(g, end, this.groupPids[gi]! + i);
		}
		for (const p of this.tasks.procs) {
			if (!p || p.exited || p.dying) continue;
			// A SIGTERM's grace period ends: do_exit(), as any exit (the reason says SIGTERM).
			if (p.termTick >= 0 && tick >= p.termTick) this.exit(p, 'terminated');
			else if (p.endTick >= 0 && tick >= p.endTick) this.exit(p, 'finished');
		}
	}

	save() {
		return {nextGroupStart: this.nextGroupStart};
	}

	load(s: {nextGroupStart: number}): void {
		this.nextGroupStart = s.nextGroupStart;
	}
}
