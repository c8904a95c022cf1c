// The simulated machine: it owns one of each kernel module, wires them together, and orders a tick
// (step()). Every kernel idea lives in its own module, named after the file of mm/ it models, with
// its own state and its save/load: zone.ts (frames, free list, watermarks), page-alloc.ts,
// vmscan.ts, kswapd.ts, workingset.ts, swapfile.ts, zswap.ts, zram.ts, page-writeback.ts, memory.ts,
// filemap.ts, shmem.ts, rmap.ts, oom.ts, psi.ts, balloon.ts, lifecycle.ts, workload-runner.ts, and the
// userspace OOM killer it runs, if any (userspace-oom.ts: systemd-oomd or earlyoom).
// Pure and deterministic: all randomness comes from this.rng, all time from this.clock.
import {Balloon} from './balloon.js';
import {BlockDevice} from './block-device.js';
import {Clock} from './clock.js';
import {applyCommand, type Command, type CommandOrigin} from './commands.js';
import {Compaction} from './compaction.js';
import type {Core} from './core.js';
import {DEVICE_PROFILES} from './costs.js';
import {EventQueue, type SimEvent} from './events.js';
import {Exec} from './exec.js';
import {Filemap} from './filemap.js';
import {Fork} from './fork.js';
import {HugeMemory} from './huge-memory.js';
import {Hugetlb} from './hugetlb.js';
import {Kcompactd} from './kcompactd.js';
import {Khugepaged} from './khugepaged.js';
import {Kswapd} from './kswapd.js';
import {Lifecycle} from './lifecycle.js';
import {Lruvec} from './lruvec.js';
import {MemcgCharge} from './memcg-charge.js';
import {MemcgHigh} from './memcg-high.js';
import {MemcgOom} from './memcg-oom.js';
import {MemcgPsi} from './memcg-psi.js';
import {Memcontrol} from './memcontrol.js';
import {Memory} from './memory.js';
import {Migrate} from './migrate.js';
import {OomKiller} from './oom.js';
import {Overcommit} from './overcommit.js';
import {PageAlloc} from './page-alloc.js';
import {FileTable} from './page-cache.js';
import {Writeback} from './page-writeback.js';
import {DEFAULT_POLICY} from './policies/index.js';
import {type Vmstat, zeroVmstat} from './proc-names.js';
import type {Proc} from './process.js';
import {Psi} from './psi.js';
import {Rmap} from './rmap.js';
import {Rng} from './rng.js';
import {Shmem} from './shmem.js';
import type {MachineSpec, Sysctls, Workload} from './spec.js';
import {SwapArea} from './swap.js';
import {Swapfile} from './swapfile.js';
import {TaskList} from './task-list.js';
import type {Tlb} from './tlb.js';
import {bytesToPages, TICK_US, TICKS_PER_SECOND} from './units.js';
import {UserspaceOom} from './userspace-oom.js';
import {REGION_FILE, REGION_SHMEM} from './vma.js';
import {Vmscan} from './vmscan.js';
import {WorkloadRunner} from './workload-runner.js';
import {Zone} from './zone.js';
import {Zram} from './zram.js';
import {Zsmalloc} from './zsmalloc.js';
import {Zswap} from './zswap.js';

export {FIRST_PID} from './task-list.js';

export interface MachineOptions {
	seed: number;
	/** Overrides the workload's policy. */
	policy?: string | undefined;
}

export class Machine {
	readonly workload: Workload;
	readonly spec: MachineSpec;
	readonly seed: number;
	readonly policyName: string;
	readonly rng: Rng;
	readonly clock = new Clock();
	/** The tunables in effect (set-sysctl changes them; sysctl.ts has their names and ranges). */
	readonly sysctl: Sysctls;
	/** The counters behind /proc/vmstat: every module counts its own events here (count_vm_event). */
	readonly vm: Vmstat = zeroVmstat();
	readonly events = new EventQueue();

	// Memory, processes, files.
	readonly zone: Zone;
	readonly tasks = new TaskList();
	readonly files = new FileTable();
	readonly lruvec: Lruvec;
	readonly rmap: Rmap;
	/** The memory controller: the cgroup tree, charges, limits, memory.events (off without a tree). */
	readonly memcg: Memcontrol;

	// Devices, swap and compressed memory.
	readonly disk: BlockDevice;
	readonly swapDev: BlockDevice | null;
	readonly zs: Zsmalloc;
	readonly zswap: Zswap;
	readonly zram: Zram | null;
	readonly swapfile: Swapfile;
	/** Dirty pages and their writeback to `disk` (before reclaim, which wakes its flusher). */
	readonly writeback: Writeback;

	// Reclaim, allocation and the OOM killer.
	readonly vmscan: Vmscan;
	readonly kswapd: Kswapd;
	readonly overcommit: Overcommit;
	readonly lifecycle: Lifecycle;
	readonly oom: OomKiller;
	readonly memcgOom: MemcgOom;
	/** memory.high: the pages each task owes over it and the throttles in progress. */
	readonly memcgHigh: MemcgHigh;
	readonly memcgPsi: MemcgPsi;
	/** systemd-oomd or earlyoom, if one runs (their kills are not the kernel's: vmstat oom_kill stays the kernel's). */
	readonly userspaceOom: UserspaceOom;
	readonly pageAlloc: PageAlloc;

	// Faults, the page cache, writeback; the workload; accounting.
	readonly memory: Memory;
	/** fork(2): children sharing their parent's anon pages copy-on-write. */
	readonly fork: Fork;
	/** execve(2): a task's mm replaced by a new program's. */
	readonly exec: Exec;
	readonly shmem: Shmem;
	readonly filemap: Filemap;
	readonly balloon: Balloon;
	readonly hugetlb: Hugetlb;
	/** Transparent huge pages: splits, zaps, the count (faults in thp-fault.ts, collapses in khugepaged.ts). */
	readonly hugeMemory: HugeMemory;
	readonly khugepaged: Khugepaged;
	readonly kcompactd: Kcompactd;
	readonly psi: Psi;
	readonly runner: WorkloadRunner;

	constructor(workload: Workload, options: MachineOptions) {
		const spec = workload.machine;
		this.workload = workload;
		this.spec = spec;
		this.seed = options.seed;
		this.rng = new Rng(options.seed);
		this.policyName = options.policy ?? spec.policy ?? DEFAULT_POLICY;
		this.sysctl = {...spec.sysctl};
		const zone = new Zone(bytesToPages(spec.ram), bytesToPages(spec.kernel), this.sysctl);
		this.zone = zone;
		this.lruvec = new Lruvec(this.policyName, zone.frames);
		const {clock, vm, events, tasks, files, rng, sysctl, lruvec} = this;
		const core: Core = {zone, lruvec, tasks, files, clock, vm, events, sysctl, rng};
		const memcg = new Memcontrol(core, workload);
		this.memcg = memcg;

		// Devices, swap and compressed memory.
		const {disk, isZram, area, swapDev} = devicesOf(spec);
		this.disk = disk;
		this.swapDev = swapDev;
		const rmap = (this.rmap = new Rmap(core, area));
		const thp = (this.hugeMemory = new HugeMemory(core, rmap));
		this.zs = new Zsmalloc(zone);
		this.zswap = new Zswap(core, spec.zswap, this.zs, area, swapDev, this.rmap);
		this.zram = isZram && area ? new Zram(core, spec.swap, this.zs, area) : null;
		const swapfile = new Swapfile(core, area, isZram, this.zswap, this.zram, memcg);
		this.swapfile = swapfile;

		// Reclaim, processes, the OOM killer and the allocator above them.
		const writeback = new Writeback(core, this.disk);
		this.writeback = writeback;
		this.vmscan = new Vmscan(core, swapfile, this.zswap, this.zram, rmap, swapDev, memcg, writeback, thp);
		const compaction = new Compaction(core, new Migrate(core, memcg, this.rmap));
		this.kcompactd = new Kcompactd(core, compaction, () => this.kswapd.state === 'reclaiming');
		this.kswapd = new Kswapd(core, this.vmscan, this.kcompactd);
		this.overcommit = new Overcommit(core, swapfile);
		this.lifecycle = new Lifecycle(core, workload, this.overcommit, swapfile, this.rmap, thp);
		this.oom = new OomKiller(core, swapfile, this.lifecycle);
		this.memcgOom = new MemcgOom(core, memcg, swapfile, this.lifecycle);
		this.memcgHigh = new MemcgHigh(core, memcg, this.vmscan);
		const charger = new MemcgCharge(core, memcg, this.vmscan, this.memcgOom, this.memcgHigh);
		const pageAlloc = (this.pageAlloc = new PageAlloc(
			core,
			swapfile,
			this.vmscan,
			this.kswapd,
			this.oom,
			swapDev,
			memcg,
			charger,
			this.writeback,
			compaction,
		));

		// Faults (file and shmem regions by their vm_operations), writeback, the balloon, the workload.
		const memory = new Memory(core, pageAlloc, swapfile, this.zram, spec.zswap, swapDev, rmap, thp, memcg);
		this.memory = memory;
		this.shmem = new Shmem(core, memory, pageAlloc, swapfile, this.rmap);
		this.fork = new Fork(core, this.lifecycle, memory, this.rmap, area, thp);
		this.khugepaged = new Khugepaged(core, pageAlloc, memcg, this.rmap, swapfile, thp);
		this.exec = new Exec(core, this.lifecycle, this.memcgHigh);
		this.filemap = new Filemap(core, memory, pageAlloc, swapfile, this.rmap, this.writeback, this.disk);
		memory.setVmOps(REGION_FILE, this.filemap);
		memory.setVmOps(REGION_SHMEM, this.shmem);
		this.balloon = new Balloon(core, pageAlloc);
		this.hugetlb = new Hugetlb(core, pageAlloc, this.lifecycle, memory);
		this.psi = new Psi(spec.cpus);
		this.memcgPsi = new MemcgPsi(memcg, spec.cpus);
		this.userspaceOom = new UserspaceOom(core, memcg, this.lifecycle, swapfile, workload);
		this.runner = new WorkloadRunner(
			core,
			workload,
			memory,
			swapfile,
			this.overcommit,
			this.lifecycle,
			this.memcgHigh,
			(c, origin) => this.apply(c, origin),
		);
	}

	/** The data TLB of each process (the reference loop's): miss rates from its streams and page sizes. */
	get tlb(): Tlb {
		return this.runner.tlb;
	}

	get tick(): number {
		return this.clock.tick;
	}

	get totalPages(): number {
		return this.zone.totalPages;
	}

	/** Processes by slot (null where one exited). */
	get procs(): readonly (Proc | null)[] {
		return this.tasks.procs;
	}

	get totalRefs(): number {
		return this.runner.totalRefs;
	}

	/** Processes alive (not exited), in pid order. */
	liveProcs(): Proc[] {
		return this.tasks.liveProcs();
	}

	procByPid(pid: number): Proc | undefined {
		return this.tasks.procByPid(pid);
	}

	/** Events since the last call. */
	drainEvents(): SimEvent[] {
		return this.events.drain();
	}

	/** Apply a command at the current tick; every command is logged as an event, with who gave it. */
	apply(command: Command, origin: CommandOrigin = 'user'): void {
		const summary = applyCommand(this, command);
		this.events.emit({kind: 'command', tick: this.clock.tick, command, summary, origin});
	}

	/** Advance one tick (10 ms). */
	step(): void {
		const clock = this.clock;
		const tick = clock.tick;
		clock.nowUs = tick * TICK_US;
		this.disk.beginTick(clock.nowUs);
		this.swapDev?.beginTick(clock.nowUs);
		// The LRU sizes are a cache others may refresh (snapshots do); start every tick from fresh
		// ones so the machine's future never depends on whether someone looked at it.
		this.lruvec.refresh();
		// The narration first, then what it narrates (a note changes nothing in the machine).
		this.runner.runNotes();
		if (tick % TICKS_PER_SECOND === 0) this.runner.rollSecond();
		// systemd-oomd / earlyoom wake on their own timers and read what the last tick left.
		this.userspaceOom.run();
		this.oom.reap();
		this.memcgOom.reap();
		this.lifecycle.startAndStop();
		this.runner.runTimedEvents();
		this.kswapd.run();
		this.kcompactd.run();
		this.khugepaged.run();
		this.writeback.runFlusher();
		this.zswap.shrinkWorker();
		this.balloon.run();
		this.runner.runProcesses();
		this.psi.account(this.tasks.procs, this.kswapd.busyUs + this.kcompactd.busyUs);
		this.memcgPsi.account(this.tasks.procs);
		clock.tick = tick + 1;
		this.psi.tickTo(clock.tick);
		this.memcgPsi.tickTo(clock.tick);
	}
}

/** The disk, and the swap area with its device (none for zram, which is memory). */
function devicesOf(spec: Workload['machine']) {
	const disk = new BlockDevice(DEVICE_PROFILES[spec.disk === 'zram' ? 'ssd' : spec.disk]);
	const swapPages = bytesToPages(spec.swap.size);
	const isZram = spec.swap.device === 'zram';
	const area = swapPages > 0 ? new SwapArea(swapPages) : null;
	const swapDev =
		swapPages > 0 && !isZram ? new BlockDevice(DEVICE_PROFILES[spec.swap.device as 'ssd']) : null;
	return {disk, isZram, area, swapDev};
}
