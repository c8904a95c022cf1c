// What the cgroup view and headless JSON show of each memory cgroup: the files of
// /sys/fs/cgroup/PATH/ the kernel would print (memory.current, memory.peak, memory.swap.current,
// memory.min/low/high/max, memory.events, memory.stat's page counts and events, memory.pressure),
// all from the controller's own counters and the frames charged to each cgroup.
import {
	FRAME_ANON,
	FRAME_FILE,
	FRAME_KERNEL,
	FRAME_SHMEM,
	PG_DIRTY,
	PG_SWAPCACHE,
	PG_WRITEBACK,
} from './frames.js';
import type {Machine} from './machine.js';
import {calculateProtection} from './memcg-protection.js';
import {MEMCG_EVENTS, MEMCG_STAT_EVENTS, PAGE_COUNTER_MAX, ROOT_MEMCG} from './memcontrol.js';
import {cgroupOwner} from './oomd-util.js';
import type {CgroupSnapshot, ManagedOomSettings, PsiLine} from './snapshot-types.js';
import {oomdUnits} from './userspace-oom.js';

const MANAGED_OOM_KEYS = [
	'ManagedOOMSwap',
	'ManagedOOMMemoryPressure',
	'ManagedOOMMemoryPressureLimit',
	'ManagedOOMMemoryPressureDurationSec',
	'ManagedOOMPreference',
] as const satisfies readonly (keyof ManagedOomSettings)[];

/** Each cgroup's ManagedOOM*= settings (the desktop drop-ins applied), for those that have any. */
function managedOom(m: Machine): Map<string, ManagedOomSettings> {
	const out = new Map<string, ManagedOomSettings>();
	for (const [path, spec] of oomdUnits(m.workload)) {
		const own: ManagedOomSettings = {};
		for (const k of MANAGED_OOM_KEYS)
			if (spec[k] !== undefined) (own as Record<string, unknown>)[k] = spec[k];
		if (Object.keys(own).length > 0) out.set(path, own);
	}
	return out;
}

const NR_COUNTS = 7;

/** Every cgroup of the tree, root first, in depth-first order; [] without a tree. */
export function cgroupSnapshots(
	m: Machine,
	psiLine: (s: Machine['psi']['some']) => PsiLine,
): CgroupSnapshot[] {
	const mc = m.memcg;
	if (!mc.enabled) return [];
	const n = mc.count;
	// The page counts of memory.stat: one pass over the charged frames, local to each memcg, then
	// summed into the ancestors (memory.stat is hierarchical).
	const counts = new Float64Array(n * NR_COUNTS);
	const frames = m.zone.frames;
	const memcgOf = mc.memcgOf;
	for (let f = 0; f < memcgOf.length; f++) {
		const c = memcgOf[f]!;
		if (c < 0) continue;
		const kind = frames.kind[f]!;
		const flags = frames.flags[f]!;
		const at = c * NR_COUNTS;
		if (kind === FRAME_ANON) counts[at]!++;
		else if (kind === FRAME_FILE) counts[at + 1]!++;
		else if (kind === FRAME_SHMEM) counts[at + 2]!++;
		else if (kind === FRAME_KERNEL) counts[at + 3]!++;
		if (kind === FRAME_FILE && flags & PG_DIRTY) counts[at + 4]!++;
		if (flags & PG_WRITEBACK) counts[at + 5]!++;
		if (flags & PG_SWAPCACHE) counts[at + 6]!++;
	}
	for (let c = n - 1; c > 0; c--) {
		const parent = mc.nodes[c]!.parent;
		for (let k = 0; k < NR_COUNTS; k++) counts[parent * NR_COUNTS + k]! += counts[c * NR_COUNTS + k]!;
	}
	const pids: number[][] = mc.nodes.map(() => []);
	for (const p of m.tasks.liveProcs()) pids[mc.memcgOfProc(p)]!.push(p.pid);
	const limit = (pages: number) => (pages >= PAGE_COUNTER_MAX ? null : pages);
	const emin = new Float64Array(n);
	const elow = new Float64Array(n);
	calculateProtection(mc, ROOT_MEMCG, emin, elow);
	const oomd = managedOom(m);
	return mc.nodes.map((node, c) => {
		const at = c * NR_COUNTS;
		const events = Object.fromEntries(
			MEMCG_EVENTS.map((e, i) => [e, mc.eventCount(c, i)]),
		) as CgroupSnapshot['events'];
		const stats = Object.fromEntries(MEMCG_STAT_EVENTS.map((e, i) => [e, mc.statCount(c, i)])) as Record<
			(typeof MEMCG_STAT_EVENTS)[number],
			number
		>;
		return {
			path: node.path,
			depth: node.depth,
			current: mc.usage[c]!,
			peak: mc.peak[c]!,
			swapCurrent: mc.swapUsage[c]!,
			min: node.min,
			low: node.low,
			high: limit(node.high),
			max: limit(node.max),
			swapMax: limit(node.swapMax),
			effectiveMin: emin[c]!,
			effectiveLow: elow[c]!,
			oomGroup: node.oomGroup,
			events,
			stat: {
				anon: counts[at]!,
				file: counts[at + 1]!,
				shmem: counts[at + 2]!,
				pagetables: counts[at + 3]!,
				file_dirty: counts[at + 4]!,
				file_writeback: counts[at + 5]!,
				swapcached: counts[at + 6]!,
				...stats,
			},
			pressure: {some: psiLine(mc.psiSome[c]!), full: psiLine(mc.psiFull[c]!)},
			...(oomd.has(node.path) ? {oomd: {...oomd.get(node.path)!, owner: cgroupOwner(node.path)}} : {}),
			pids: pids[c]!,
		};
	});
}
