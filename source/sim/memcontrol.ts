// The memory controller of cgroup v2 (mm/memcontrol.c): the tree of memory cgroups, the page
// counters (memory.current, memory.peak, memory.swap.current, hierarchical as page_counter.c keeps
// them), the limits (memory.min/low/high/max, memory.swap.max, memory.oom.group), memory.events and
// the per-cgroup counters behind memory.stat. Every page is charged to one memcg when it is
// allocated (mem_cgroup_charge: the memcg of the task that faulted it first) and uncharged when its
// frame is freed (zone.freePage calls uncharge): one place charges, one place uncharges.
// Without a cgroup tree in the workload the controller is off and nothing is charged (the root
// memcg is never limited: try_charge_memcg returns at once for it), so such runs are unchanged.
import {type Core, CoreModule} from './core.js';
import type {Proc} from './process.js';
import {PsiLineState} from './psi.js';
import type {CgroupFile, CgroupSpec, Workload} from './spec.js';
import {bytesToPages} from './units.js';

export const ROOT_MEMCG = 0;
/** memcgOf of a frame charged to no memcg (free, kernel, the zpool). */
export const NO_MEMCG = -1;
/** PAGE_COUNTER_MAX: "max", no limit (pages). */
export const PAGE_COUNTER_MAX = 2 ** 31 - 1;
/** At most this many cgroups in a tree (the schema holds files to it). */
export const MAX_CGROUPS = 1000;

/** memory.events, in the kernel's order (enum memcg_memory_event). */
export const MEMCG_EVENTS = ['low', 'high', 'max', 'oom', 'oom_kill', 'oom_group_kill'] as const;
export type MemcgEvent = (typeof MEMCG_EVENTS)[number];
export const MEMCG_LOW = 0;
export const MEMCG_HIGH = 1;
export const MEMCG_MAX = 2;
export const MEMCG_OOM = 3;
export const MEMCG_OOM_KILL = 4;
export const MEMCG_OOM_GROUP_KILL = 5;

/** The memory.stat event counters this model keeps, per memcg (local: summed over the subtree when read). */
export const MEMCG_STAT_EVENTS = ['pgscan', 'pgsteal'] as const;
export const STAT_PGSCAN = 0;
export const STAT_PGSTEAL = 1;
const NR_STATS = MEMCG_STAT_EVENTS.length;
const NR_EVENTS = MEMCG_EVENTS.length;

/** A cgroup's place in the tree and its limits in pages (PAGE_COUNTER_MAX: max). */
export interface MemcgNode {
	readonly id: number;
	readonly path: string;
	readonly parent: number;
	readonly depth: number;
	/** Ids are in depth-first order: the subtree of `id` is the ids id .. end − 1. */
	end: number;
	min: number;
	low: number;
	high: number;
	max: number;
	swapMax: number;
	oomGroup: boolean;
}

/** The paths of a tree: every path given, and every ancestor of one, sorted so parents come first (depth-first order). */
export function cgroupPaths(cgroups: Record<string, CgroupSpec>): string[] {
	const all = new Set<string>(['/']);
	for (const path of Object.keys(cgroups)) {
		const parts = path.split('/').filter((x) => x !== '');
		for (let i = 1; i <= parts.length; i++) all.add(`/${parts.slice(0, i).join('/')}`);
	}
	// Depth-first: sort by components, so /a < /a/b < /a/c < /b.
	return [...all].sort((a, b) => {
		const pa = a.split('/').filter((x) => x !== '');
		const pb = b.split('/').filter((x) => x !== '');
		for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
			if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
		}
		return pa.length - pb.length;
	});
}

export function parentPath(path: string): string {
	const i = path.lastIndexOf('/');
	return i <= 0 ? '/' : path.slice(0, i);
}

/** A limit in bytes (absent: `dflt`) as pages; sizes round down to whole pages as page_counter_memparse does. */
function limitPages(bytes: number | undefined, dflt: number): number {
	if (bytes === undefined) return dflt;
	return Math.min(PAGE_COUNTER_MAX, bytesToPages(bytes));
}

/**
 * Host bytes of the memory controller's per-frame and per-slot maps (page->memcg_data and
 * swap_cgroup, 2 bytes each) when a cgroup tree is set; the per-cgroup counters are small beside them.
 */
export function memcgBytes(frames: number, slots: number): number {
	return 2 * frames + 2 * slots;
}

export class Memcontrol extends CoreModule {
	readonly enabled: boolean;
	readonly nodes: MemcgNode[] = [];
	/** page->memcg_data: the memcg each frame is charged to (NO_MEMCG: none). */
	readonly memcgOf: Int16Array;
	/** memcg->memory: pages charged to the memcg and its descendants (memory.current). */
	readonly usage: Int32Array;
	/** memory.peak. */
	readonly peak: Int32Array;
	/** memcg->swap: swap slots charged to the memcg and its descendants (memory.swap.current). */
	readonly swapUsage: Int32Array;
	/** memory.events, hierarchical (memcg_memory_event propagates to every ancestor but the root). */
	readonly memEvents: Float64Array;
	/** memory.stat event counters, local to each memcg. */
	readonly stats: Float64Array;
	/** memory.pressure: PSI's some and full lines per memcg (kernel/sched/psi.c, a psi_group per cgroup). */
	readonly psiSome: PsiLineState[] = [];
	readonly psiFull: PsiLineState[] = [];
	/** The memcg of each swap slot (swap_cgroup), NO_MEMCG when free or uncharged. */
	swapMemcgOf: Int16Array = new Int16Array(0);
	private readonly byPath = new Map<string, number>();

	constructor(core: Core, workload: Workload) {
		super(core);
		const cgroups = workload.cgroups ?? {};
		const paths = cgroupPaths(cgroups);
		this.enabled = paths.length > 1;
		paths.forEach((path, id) => {
			const spec = cgroups[path] ?? {};
			const parent = path === '/' ? -1 : this.byPath.get(parentPath(path))!;
			const node: MemcgNode = {
				id,
				path,
				parent,
				depth: parent < 0 ? 0 : this.nodes[parent]!.depth + 1,
				end: id + 1,
				min: limitPages(spec['memory.min'], 0),
				low: limitPages(spec['memory.low'], 0),
				high: limitPages(spec['memory.high'], PAGE_COUNTER_MAX),
				max: limitPages(spec['memory.max'], PAGE_COUNTER_MAX),
				swapMax: limitPages(spec['memory.swap.max'], PAGE_COUNTER_MAX),
				oomGroup: spec['memory.oom.group'] ?? false,
			};
			this.nodes.push(node);
			this.byPath.set(path, id);
			for (let a = parent; a >= 0; a = this.nodes[a]!.parent) this.nodes[a]!.end = id + 1;
			this.psiSome.push(new PsiLineState());
			this.psiFull.push(new PsiLineState());
		});
		const n = paths.length;
		this.memcgOf = new Int16Array(this.enabled ? core.zone.totalPages : 0).fill(NO_MEMCG);
		this.usage = new Int32Array(n);
		this.peak = new Int32Array(n);
		this.swapUsage = new Int32Array(n);
		this.memEvents = new Float64Array(n * NR_EVENTS);
		this.stats = new Float64Array(n * NR_STATS);
		if (this.enabled) core.zone.uncharge = (frame) => this.uncharge(frame);
	}

	get count(): number {
		return this.nodes.length;
	}

	/** The memcg at `path`, or −1. */
	idOf(path: string): number {
		return this.byPath.get(path) ?? -1;
	}

	/** The memcg a process is charged to: its spec's cgroup (the root when it names none or one not in the tree). */
	memcgOfProc(p: Proc): number {
		if (p.memcg < 0) {
			const id = p.spec.cgroup === undefined ? ROOT_MEMCG : this.idOf(p.spec.cgroup);
			p.memcg = id < 0 ? ROOT_MEMCG : id;
		}
		return p.memcg;
	}

	/** Is `id` in the subtree of `ancestor` (mem_cgroup_is_descendant)? */
	isDescendant(id: number, ancestor: number): boolean {
		return id >= ancestor && id < this.nodes[ancestor]!.end;
	}

	/**
	 * page_counter_try_charge()'s verdict for one page: the nearest memcg from `id` up whose usage
	 * would pass memory.max, or −1 when the page fits everywhere. The root is never limited.
	 */
	overMax(id: number): number {
		const nodes = this.nodes;
		const usage = this.usage;
		for (let c = id; c > ROOT_MEMCG; c = nodes[c]!.parent) {
			if (usage[c]! + 1 > nodes[c]!.max) return c;
		}
		return -1;
	}

	/** mem_cgroup_margin(): pages `id` may still charge before memory.max. */
	margin(id: number): number {
		return Math.max(0, this.nodes[id]!.max - this.usage[id]!);
	}

	/** commit_charge() and page_counter_charge(): `frame` now belongs to `id` and every ancestor counts it. */
	charge(frame: number, id: number): void {
		this.memcgOf[frame] = id;
		const nodes = this.nodes;
		const usage = this.usage;
		const peak = this.peak;
		for (let c = id; c >= 0; c = nodes[c]!.parent) {
			const u = usage[c]! + 1;
			usage[c] = u;
			if (u > peak[c]!) peak[c] = u;
		}
	}

	/** mem_cgroup_uncharge() when a frame is freed. */
	uncharge(frame: number): void {
		const id = this.memcgOf[frame]!;
		if (id < 0) return;
		this.memcgOf[frame] = NO_MEMCG;
		const nodes = this.nodes;
		const usage = this.usage;
		for (let c = id; c >= 0; c = nodes[c]!.parent) usage[c]!--;
	}

	/** mem_cgroup_swapout(): the page's charge moves to its swap slot (memory.swap.current). */
	chargeSwap(slot: number, id: number): void {
		if (id < 0) return;
		if (this.swapMemcgOf.length === 0) return;
		this.swapMemcgOf[slot] = id;
		for (let c = id; c >= 0; c = this.nodes[c]!.parent) this.swapUsage[c]!++;
	}

	/** The slot was freed (swap_free / __mem_cgroup_uncharge_swap). Returns the memcg it was charged to. */
	unchargeSwap(slot: number): number {
		if (slot >= this.swapMemcgOf.length) return NO_MEMCG;
		const id = this.swapMemcgOf[slot]!;
		if (id < 0) return id;
		this.swapMemcgOf[slot] = NO_MEMCG;
		for (let c = id; c >= 0; c = this.nodes[c]!.parent) this.swapUsage[c]!--;
		return id;
	}

	/** The nearest memcg from `id` up whose swap usage would pass memory.swap.max, or −1. */
	overSwapMax(id: number): number {
		for (let c = id; c > ROOT_MEMCG; c = this.nodes[c]!.parent) {
			if (this.swapUsage[c]! + 1 > this.nodes[c]!.swapMax) return c;
		}
		return -1;
	}

	/** memcg_memory_event(): counted in the memcg and every ancestor below the root. */
	event(id: number, event: number): void {
		const nodes = this.nodes;
		for (let c = id; c > ROOT_MEMCG; c = nodes[c]!.parent) this.memEvents[c * NR_EVENTS + event]!++;
	}

	eventCount(id: number, event: number): number {
		return this.memEvents[id * NR_EVENTS + event]!;
	}

	/** count_memcg_events(): a memory.stat counter of the memcg a process runs in. */
	countProc(p: Proc, stat: number, n = 1): void {
		this.stats[this.memcgOfProc(p) * NR_STATS + stat]! += n;
	}

	/** A memory.stat counter of memcg `id` (none when −1). */
	countMemcg(id: number, stat: number, n = 1): void {
		if (id >= 0) this.stats[id * NR_STATS + stat]! += n;
	}

	/** A memory.stat counter, summed over the subtree (memory.stat is hierarchical). */
	statCount(id: number, stat: number): number {
		let sum = 0;
		for (let c = id; c < this.nodes[id]!.end; c++) sum += this.stats[c * NR_STATS + stat]!;
		return sum;
	}

	/** echo VALUE > memory.FILE (memory_max_write and friends); value in bytes, null: "max". */
	set(id: number, file: CgroupFile, value: number | null): void {
		const node = this.nodes[id]!;
		const pages = value === null ? PAGE_COUNTER_MAX : limitPages(value, PAGE_COUNTER_MAX);
		switch (file) {
			case 'memory.min':
				node.min = value === null ? PAGE_COUNTER_MAX : pages;
				break;
			case 'memory.low':
				node.low = value === null ? PAGE_COUNTER_MAX : pages;
				break;
			case 'memory.high':
				node.high = pages;
				break;
			case 'memory.max':
				node.max = pages;
				break;
			case 'memory.swap.max':
				node.swapMax = pages;
				break;
			case 'memory.oom.group':
				node.oomGroup = value !== null && value !== 0;
				break;
		}
	}

	/** Called once the swap area's size is known. */
	attachSwap(slots: number): void {
		if (this.enabled) this.swapMemcgOf = new Int16Array(slots).fill(NO_MEMCG);
	}

	save() {
		return {
			limits: this.nodes.map((n) => [n.min, n.low, n.high, n.max, n.swapMax, n.oomGroup ? 1 : 0]),
			memcgOf: this.memcgOf,
			usage: this.usage,
			peak: this.peak,
			swapUsage: this.swapUsage,
			swapMemcgOf: this.swapMemcgOf,
			events: this.memEvents,
			stats: this.stats,
			psi: this.psiSome.map((s, i) => {
				const f = this.psiFull[i]!;
				return [...s.avgs, s.totalUs, s.periodUs, ...f.avgs, f.totalUs, f.periodUs];
			}),
		};
	}

	load(s: ReturnType<Memcontrol['save']>): void {
		s.limits.forEach((l, i) => {
			const n = this.nodes[i]!;
			[n.min, n.low, n.high, n.max, n.swapMax] = l as [number, number, number, number, number];
			n.oomGroup = l[5] === 1;
		});
		this.memcgOf.set(s.memcgOf);
		this.usage.set(s.usage);
		this.peak.set(s.peak);
		this.swapUsage.set(s.swapUsage);
		this.swapMemcgOf.set(s.swapMemcgOf);
		this.memEvents.set(s.events);
		this.stats.set(s.stats);
		s.psi.forEach((v, i) => {
			const some = this.psiSome[i]!;
			const full = this.psiFull[i]!;
			some.avgs.splice(0, 3, v[0]!, v[1]!, v[2]!);
			some.totalUs = v[3]!;
			some.periodUs = v[4]!;
			full.avgs.splice(0, 3, v[5]!, v[6]!, v[7]!);
			full.totalUs = v[8]!;
			full.periodUs = v[9]!;
		});
	}
}
