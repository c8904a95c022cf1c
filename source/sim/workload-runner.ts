import {type Core, CoreModule} from './core.js';
import {PG_ANON_SHARED, PG_READAHEAD, PG_SWAPCACHE, PG_YOUNG} from './frames.js';
import type {Lifecycle} from './lifecycle.js';
import type {MemcgHigh} from './memcg-high.js';
import type {Memory} from './memory.js';
import type {Overcommit} from './overcommit.js';
import {ALLOC_KILLED, ALLOC_RETRY} from './page-alloc.js';
import {presentFrame} from './page-table.js';
import {
	PAT_GROW,
	PAT_RANDOM,
	PAT_SEQUENTIAL,
	PAT_SHIFTING,
	PAT_STREAM,
	PAT_WILD,
	PAT_ZIPF,
	type Proc,
	wssSecond,
} from './process.js';
import type {Command, CommandOrigin, Workload} from './spec.js';
import type {Swapfile} from './swapfile.js';
import {Tlb} from './tlb.js';
import {PAGE_SIZE, secondsToTicks, TICK_US, TICKS_PER_SECOND} from './units.js';
import {grownOffset, REGION_ANON} from './vma.js';
import {
	errorCode,
	FAULT_ALWAYS,
	instructionPointer,
	segfaultLine,
	stackGrowthRefused,
	stackPointer,
} from './x86-fault.js';
import {zipfOffset} from './zipf.js';

/** An allocation that must wait for an OOM victim during growth costs the rest of half a tick. */
const GROWTH_WAIT_US = TICK_US / 2;

export class WorkloadRunner extends CoreModule {
	/** Page references completed by every process that ever ran: the work the machine got done. */
	totalRefs = 0;
	/** The data TLB (tlb.ts): its misses' page walks are part of every reference's time. */
	readonly tlb = new Tlb();
	private nextTimedEvent = 0;
	/** The workload's notes by the tick they are due at: looked up, never saved (notes change nothing). */
	private readonly notesByTick = new Map<number, string[]>();

	constructor(
		core: Core,
		private readonly workload: Workload,
		private readonly memory: Memory,
		private readonly swapfile: Swapfile,
		private readonly overcommit: Overcommit,
		private readonly lifecycle: Lifecycle,
		/** memory.high's throttle, on each return to user space after a fault. */
		private readonly high: MemcgHigh,
		/** The machine's apply(): a timed event is a command like any other, the workload's. */
		private readonly apply: (command: Command, origin: CommandOrigin) => void,
	) {
		super(core);
		for (const note of workload.notes ?? []) {
			const tick = secondsToTicks(note.at);
			const due = this.notesByTick.get(tick);
			if (due) due.push(note.text);
			else this.notesByTick.set(tick, [note.text]);
		}
	}

	/** The workload's notes due at this tick, as events: narration, which touches no machine state. */
	runNotes(): void {
		const tick = this.clock.tick;
		const due = this.notesByTick.get(tick);
		if (due) for (const text of due) this.events.emit({kind: 'note', tick, text});
	}

	/** The workload's events whose time has come, in order. */
	runTimedEvents(): void {
		const events = this.workload.events;
		const tick = this.clock.tick;
		while (this.nextTimedEvent < events.length && secondsToTicks(events[this.nextTimedEvent]!.at) <= tick) {
			this.apply(events[this.nextTimedEvent]!.command, 'workload');
			this.nextTimedEvent++;
		}
	}

	/** Every live process's tick, in slot order. */
	runProcesses(): void {
		const procs = this.tasks.procs;
		for (let i = 0; i < procs.length; i++) {
			const p = procs[i];
			// A process shutting down after SIGTERM does no more work (lifecycle.ts terminate).
			if (p && !p.exited && !p.dying && p.termTick < 0) this.runProcess(p);
		}
	}

	/** One tick of one process: pay off stall debt, then make references until the tick's time is spent. */
	private runProcess(p: Proc): void {
		p.tickMemUs = 0;
		p.tickIoUs = 0;
		p.tickReclaimUs = 0;
		p.tickSwapinUs = 0;
		p.tickFileIoUs = 0;
		p.tickThrottleUs = 0;
		p.tickRefsWanted = 0;
		p.tickRefsDone = 0;
		p.waitingOom = false;
		if (p.burstPeriodTicks > 0) {
			if ((this.clock.tick - p.startTick) % p.burstPeriodTicks >= p.burstOnTicks) {
				p.state = 'sleeping';
				p.wantAcc = 0;
				return;
			}
		}
		// A task sleeping off a memory.high penalty does nothing else until it wakes.
		let used = payDebt(p);
		used += this.high.sleepTick(p, used);
		if (p.hasGrowth && !this.high.asleep(p)) used = this.runGrowth(p, used);
		// A failed allocation (ENOMEM) or an OOM kill during growth ends this tick's work.
		if (p.exited || p.dying) return;
		p.wantAcc = Math.min(p.wantAcc + p.refsPerTick, p.refsPerTick + 1);
		p.tickRefsWanted = p.refsPerTick;
		if (!p.hasRefStreams) p.wantAcc = 0;
		used = this.references(p, used);
		if (p.exited) return;
		closeTick(p, used);
	}

	/** The reference loop: pick a stream by weight, an offset by its pattern, and touch the page. Returns the time used. */
	private references(p: Proc, usedBefore: number): number {
		const budget = TICK_US;
		const tick = this.clock.tick;
		const tickStartUs = tick * TICK_US;
		const rng = this.rng;
		const flags = this.zone.frames.flags;
		const policy = this.lruvec.policy;
		const needsEveryAccess = this.lruvec.needsEveryAccess;
		// The TLB's lookups and page walks, at this tick's miss rate (tlb.ts), on top of the work.
		const tlbRates = this.tlb.ratesOf(p);
		const usPerRef = p.usPerRef + this.tlb.refCostUs(p, tlbRates);
		const n = p.nStreams;
		const sec16 = wssSecond(Math.floor(tick / TICKS_PER_SECOND));
		let used = usedBefore;
		let done = 0;
		while (used < budget && p.wantAcc >= 1 && !p.dying) {
			p.wantAcc -= 1;
			let s = 0;
			if (n > 1) {
				const u = rng.next();
				while (s < n - 1 && (p.streamCum[s]! < 0 || u >= p.streamCum[s]!)) s++;
			}
			const region = p.regions[p.streamRegion[s]!]!;
			let off = this.pickOffset(p, s, tick);
			if (region.grows && (off = grownOffset(region, off)) < 0) continue;
			const vpn = p.streamStart[s]! + off;
			const write = p.streamWrite[s]! > 0 && rng.next() < p.streamWrite[s]!;
			const sf = p.streamFault[s]!;
			if (sf !== 0 && (sf === FAULT_ALWAYS || write)) {
				this.protectionFault(p, s, off, vpn, write);
				break;
			}
			let cost = usPerRef;
			const e = p.pt.get(vpn);
			// A fault's cost (µs), or ALLOC_KILLED / ALLOC_RETRY; NaN: no fault (a plain hit).
			let c = Number.NaN;
			if (e > 0 && region.kind === REGION_ANON) {
				// The common case: a resident anonymous page. The MMU sets the accessed bit.
				const frame = presentFrame(e);
				const f = flags[frame]!;
				if (f & PG_READAHEAD) cost += this.memory.readaheadHit(p, frame);
				flags[frame]! |= PG_YOUNG;
				if (needsEveryAccess) policy.accessed(frame);
				if (write && f & PG_ANON_SHARED) {
					// A write-protected PTE after fork: do_wp_page.
					this.clock.nowUs = tickStartUs + used;
					c = this.memory.wpFault(p, vpn, frame);
				} else if (write && f & PG_SWAPCACHE) this.swapfile.dropSwapCache(frame);
			} else {
				this.clock.nowUs = tickStartUs + used;
				c = this.memory.handleFault(p, region, vpn, off, s, write);
			}
			if (!Number.isNaN(c)) {
				if (c < 0) {
					// Waiting for memory (an OOM victim to exit) or killed: the reference did not happen.
					p.wantAcc += 1;
					if (c === ALLOC_KILLED) break;
					used = budget;
					break;
				}
				cost += c;
				cost = this.high.returnToUser(p, used + cost) - used;
			}
			p.touchWss(vpn, sec16);
			used += cost;
			done++;
		}
		p.refs += done;
		this.tlb.account(p, done, tlbRates);
		this.totalRefs += done;
		p.tickRefsDone = done;
		p.secDone += done;
		p.secWanted += p.hasRefStreams ? p.refsPerTick : 0;
		return used;
	}

	/** The page offset stream `s` references next, by its pattern. */
	private pickOffset(p: Proc, s: number, tick: number): number {
		const pages = p.streamPages[s]!;
		switch (p.streamPattern[s]) {
			case PAT_SEQUENTIAL:
			case PAT_STREAM: {
				const off = p.streamCursor[s]!;
				p.streamCursor[s] = off + 1 >= pages ? 0 : off + 1;
				return off;
			}
			case PAT_RANDOM:
				return Math.floor(this.rng.next() * pages);
			case PAT_ZIPF:
				return zipfOffset(this.rng.next(), pages, p.streamZipf, 2 * s);
			case PAT_SHIFTING: {
				const w = p.streamWindow[s]!;
				const phase = Math.floor((tick - p.startTick) / p.streamPeriodTicks[s]!);
				const off = ((phase * w) % pages) + Math.floor(this.rng.next() * w);
				return off >= pages ? off - pages : off;
			}
			default:
				return 0;
		}
	}

	/**
	 * Grow streams allocate and first-touch new pages at their own rate (a leak never looks back),
	 * unless memory.high throttles the task. Returns `used` plus the throttle's time.
	 */
	private runGrowth(p: Proc, used: number): number {
		const tick = this.clock.tick;
		for (let s = 0; s < p.nStreams; s++) {
			if (p.streamPattern[s] !== PAT_GROW) continue;
			const region = p.regions[p.streamRegion[s]!]!;
			p.streamGrowAcc[s]! += p.streamGrowPerTick[s]!;
			while (p.streamGrowAcc[s]! >= 1 && region.grown < region.pages && !p.dying) {
				// A stack grows down a page at a time, unless expand_downwards() refuses (x86-fault.ts).
				const refused = region.growsDown ? stackGrowthRefused(p, region) : -1;
				if (refused >= 0) {
					this.segfault(p, s, refused, true, false, refused);
					return used;
				}
				// brk()/mmap() growth is a commitment first: mode 2 refuses it past CommitLimit.
				if (this.overcommit.strictLimitReached(p)) {
					this.events.emit({
						kind: 'alloc-fail',
						tick,
						pid: p.pid,
						name: p.name,
						reason: 'malloc: ENOMEM (CommitLimit reached, overcommit_memory=2)',
					});
					this.lifecycle.exit(p, 'enomem');
					return used;
				}
				const vpn = region.growsDown
					? region.startVpn + region.pages - 1 - region.grown
					: region.startVpn + region.grown;
				p.ensureVpn(vpn);
				// Another stream over the same region may have touched this page already.
				const c = p.pt.get(vpn) > 0 ? 0 : this.memory.anonFault(p, vpn, true, region);
				if (c < 0) {
					if (c === ALLOC_RETRY) p.tickMemUs += GROWTH_WAIT_US;
					return used;
				}
				region.grown++;
				p.committed++;
				p.streamGrowAcc[s]! -= 1;
				p.refs++;
				this.totalRefs++;
				p.touchWss(vpn, wssSecond(Math.floor(tick / TICKS_PER_SECOND)));
				used = this.high.returnToUser(p, used);
				if (this.high.asleep(p)) return used;
			}
		}
		return used;
	}

	/** No VMA (a wild pointer), or access_error() refused the access: SIGSEGV (x86-fault.ts). */
	private protectionFault(p: Proc, s: number, off: number, vpn: number, write: boolean): void {
		const wild = p.streamPattern[s] === PAT_WILD;
		const addr = wild ? p.streamAddress[s]! : p.regions[p.streamRegion[s]!]!.va + off * PAGE_SIZE;
		this.segfault(p, s, addr, write, !wild && p.pt.get(vpn) > 0, stackPointer(p));
	}

	/** SIGSEGV (arch/x86/mm/fault.c bad_area → force_sig_fault): the kernel's line, then the task dies. */
	private segfault(p: Proc, s: number, addr: number, write: boolean, present: boolean, sp: number): void {
		const f = {addr, ip: instructionPointer(p, s), sp, error: errorCode(write, present)};
		const line = segfaultLine(p, f);
		this.events.emit({kind: 'segfault', tick: this.clock.tick, pid: p.pid, name: p.name, ...f, line});
		this.lifecycle.exit(p, 'segfault');
	}

	/** A new second: each process's last-second figures, and a direct-reclaim event for those that stalled in it. */
	rollSecond(): void {
		const tick = this.clock.tick;
		const sec16 = wssSecond(Math.floor(tick / TICKS_PER_SECOND));
		this.tlb.prune(this.tasks);
		for (const p of this.tasks.procs) {
			if (!p || p.exited) continue;
			p.stall = Math.min(1, p.secStallUs / 1_000_000);
			p.progress =
				p.secWanted > 0 ? Math.min(1, p.secDone / p.secWanted) : p.state === 'sleeping' ? 1 : p.progress;
			p.minfltRate = p.secMinflt;
			p.majfltRate = p.secMajflt;
			p.secStallUs = p.secWanted = p.secDone = p.secMinflt = p.secMajflt = 0;
			if (tick > p.startTick) p.rollWss(sec16);
			if (p.directReclaims > 0) {
				this.events.emit({
					kind: 'direct-reclaim',
					tick,
					pid: p.pid,
					name: p.name,
					stalls: p.directReclaims,
					reclaimed: p.directReclaimed,
				});
				p.directReclaims = 0;
				p.directReclaimed = 0;
			}
		}
	}

	save() {
		return {totalRefs: this.totalRefs, nextTimedEvent: this.nextTimedEvent};
	}

	load(s: {totalRefs: number; nextTimedEvent: number}): void {
		this.totalRefs = s.totalRefs;
		this.nextTimedEvent = s.nextTimedEvent;
	}
}

/** Time owed from a fault that overran the last tick: still stalled. Returns the time it takes of this tick. */
function payDebt(p: Proc): number {
	const budget = TICK_US;
	let used = 0;
	if (p.debtCpuUs > 0) {
		// Work the kernel does for the task (fork's copy): time spent, not a stall.
		used = Math.min(p.debtCpuUs, budget);
		p.debtCpuUs -= used;
	}
	if (p.debtMemUs > 0 && used < budget) {
		const d = Math.min(p.debtMemUs, budget - used);
		p.debtMemUs -= d;
		p.tickMemUs += d;
		used += d;
	}
	if (p.debtIoUs > 0 && used < budget) {
		const d = Math.min(p.debtIoUs, budget - used);
		p.debtIoUs -= d;
		p.tickIoUs += d;
		used += d;
	}
	return used;
}

/** The tick is over: an overrun spills into the next tick as debt, split like this tick's stall. */
function closeTick(p: Proc, used: number): void {
	const budget = TICK_US;
	if (used > budget) {
		const over = used - budget;
		const stall = p.tickMemUs + p.tickIoUs;
		// A tick overrun by the references' own time (the TLB's walks) is work still to do, no stall.
		if (stall === 0) {
			p.debtCpuUs += over;
			p.state = stateOf(p);
			return;
		}
		const memShare = stall > 0 ? p.tickMemUs / stall : 0;
		p.debtMemUs += over * memShare;
		p.debtIoUs += over * (1 - memShare);
		p.tickMemUs -= Math.min(p.tickMemUs, over * memShare);
		p.tickIoUs -= Math.min(p.tickIoUs, over * (1 - memShare));
	}
	p.secStallUs += p.tickMemUs + p.tickIoUs;
	p.state = stateOf(p);
}

/** What top would show for the tick: the wait that took more than half of it. */
function stateOf(p: Proc): Proc['state'] {
	if (p.dying) return 'dying';
	const half = TICK_US / 2;
	if (p.tickReclaimUs > half || p.waitingOom) return 'reclaim';
	if (p.tickSwapinUs > half) return 'swapin';
	if (p.tickFileIoUs > half) return 'io';
	if (p.tickThrottleUs > half) return 'throttled';
	// Still paying for a long fault begun in an earlier tick.
	if (p.debtMemUs + p.debtIoUs > half) return p.lastWait;
	return 'running';
}
