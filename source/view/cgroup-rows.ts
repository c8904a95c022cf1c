// The cgroup view's lines (C), like systemd-cgtop's tree with htop's branches: one line per memory
// cgroup in tree order (the snapshot lists them root first, depth first), each followed by the
// processes of that cgroup itself (cgroup.procs). Also the bar's scale and marks, and the sizes
// the memory.high / memory.max prompt accepts. Pure: the panel draws these, the keys move over them.
import type {CgroupSnapshot, ProcessSnapshot, Snapshot} from '../sim/snapshot-types.js';
import {PAGE_SIZE} from '../sim/units.js';
import {forkParent, type TreeParents} from './tree.js';

export type CgroupRow =
	| {
			kind: 'cgroup';
			cgroup: CgroupSnapshot;
			/** Its position among the cgroups (what the selection counts). */
			index: number;
			/** htop's branches before the name ('├─ ', '│  └─ '); '' for the root. */
			prefix: string;
			/** What the bar is drawn against, and where that comes from. */
			scale: BarScale;
	  }
	| {kind: 'process'; process: ProcessSnapshot; prefix: string; cgroup: string};

/** The bar's 100 %: the cgroup's memory.max, else the nearest limited ancestor's, else RAM. */
export interface BarScale {
	pages: number;
	from: 'max' | 'ancestor' | 'ram';
	/** The ancestor whose max it is, when `from` is 'ancestor'. */
	path?: string;
}

/**
 * Protection the kernel computes down the tree (effective memory.min / memory.low), when the
 * snapshot has it: read defensively, a snapshot without them shows the configured values.
 */
interface EffectiveProtection {
	emin?: unknown;
	elow?: unknown;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** memory.low (or its effective value when the snapshot carries one), in pages. */
export function lowOf(c: CgroupSnapshot): number {
	return num((c as EffectiveProtection).elow) ?? c.low;
}

export function minOf(c: CgroupSnapshot): number {
	return num((c as EffectiveProtection).emin) ?? c.min;
}

/** The cgroup's parent path ('/' for a top-level one, null for the root). */
export function parentOf(path: string): string | null {
	if (path === '/') return null;
	const cut = path.lastIndexOf('/');
	return cut <= 0 ? '/' : path.slice(0, cut);
}

export function leafName(path: string): string {
	return path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
}

export function barScale(
	c: CgroupSnapshot,
	byPath: ReadonlyMap<string, CgroupSnapshot>,
	ramPages: number,
): BarScale {
	if (c.max !== null) return {pages: Math.max(1, c.max), from: 'max'};
	for (let p = parentOf(c.path); p !== null; p = parentOf(p)) {
		const a = byPath.get(p);
		if (a && a.max !== null) return {pages: Math.max(1, a.max), from: 'ancestor', path: p};
	}
	return {pages: Math.max(1, ramPages), from: 'ram'};
}

/** Is `c` the last of its siblings in the list (depth-first order)? */
function lastSibling(list: readonly CgroupSnapshot[], i: number): boolean {
	const depth = list[i]!.depth;
	for (let k = i + 1; k < list.length; k++) {
		const d = list[k]!.depth;
		if (d < depth) return true;
		if (d === depth) return false;
	}
	return true;
}

/** The view's lines: each cgroup, then (with `processes`) its own live processes, biggest RSS first. */
export function cgroupRows(snapshot: Snapshot, processes = true): CgroupRow[] {
	const list = snapshot.cgroups ?? [];
	if (list.length === 0) return [];
	const byPath = new Map(list.map((c) => [c.path, c]));
	const byPid = new Map(snapshot.processes.filter((p) => p.state !== 'exited').map((p) => [p.pid, p]));
	const rows: CgroupRow[] = [];
	// Per depth: does a later sibling still come (draw │) or not (blank)?
	const open: boolean[] = [];
	list.forEach((cgroup, index) => {
		const depth = Math.max(0, cgroup.depth);
		const last = lastSibling(list, index);
		let indent = '';
		for (let d = 1; d < depth; d++) indent += open[d] ? '│  ' : '   ';
		const prefix = depth === 0 ? '' : `${indent}${last ? '└─ ' : '├─ '}`;
		open[depth] = !last;
		rows.push({kind: 'cgroup', cgroup, index, prefix, scale: barScale(cgroup, byPath, snapshot.totalPages)});
		if (!processes) return;
		// The processes hang one level below their cgroup, after its child cgroups' branches.
		const hasChildren = list[index + 1] !== undefined && list[index + 1]!.depth > depth;
		let below = '';
		for (let d = 1; d <= depth; d++) below += open[d] ? '│  ' : '   ';
		const members = cgroup.pids
			.map((pid) => byPid.get(pid))
			.filter((p): p is ProcessSnapshot => p !== undefined)
			.sort((a, b) => b.rss - a.rss || a.pid - b.pid);
		for (const process of members) {
			rows.push({
				kind: 'process',
				process,
				prefix: `${below}${hasChildren ? '│ ' : ''}· `,
				cgroup: cgroup.path,
			});
		}
	});
	return rows;
}

/** The rows' index of the cgroup at `index` among the cgroups (−1 when out of range). */
export function rowOfCgroup(rows: readonly CgroupRow[], index: number): number {
	return rows.findIndex((r) => r.kind === 'cgroup' && r.index === index);
}

export function cgroupCount(rows: readonly CgroupRow[]): number {
	let n = 0;
	for (const r of rows) if (r.kind === 'cgroup') n++;
	return n;
}

/** The selected cgroup's index: by path while it exists, else the remembered index, clamped. */
export function selectedCgroup(rows: readonly CgroupRow[], path: string | null, index: number): number {
	const count = cgroupCount(rows);
	if (count === 0) return -1;
	if (path !== null) {
		const at = rows.find((r) => r.kind === 'cgroup' && r.cgroup.path === path);
		if (at?.kind === 'cgroup') return at.index;
	}
	return Math.max(0, Math.min(count - 1, index));
}

/** The cgroup at an index among the cgroups. */
export function cgroupAt(rows: readonly CgroupRow[], index: number): CgroupSnapshot | undefined {
	const row = rows.find((r) => r.kind === 'cgroup' && r.index === index);
	return row?.kind === 'cgroup' ? row.cgroup : undefined;
}

/** The tree view (F5) with a cgroup tree: processes under their cgroup's path, as htop does with cgroups. */
export function byCgroupPath(cgroups: readonly CgroupSnapshot[]): TreeParents {
	const pathOf = new Map<number, string>();
	for (const c of cgroups) for (const pid of c.pids) pathOf.set(pid, c.path);
	return {
		// A forked child is in its parent's cgroup: it hangs under its parent there.
		parentPid: forkParent,
		groupPath: (p) => {
			const path = pathOf.get(p.pid);
			return path && path !== '/' ? path.slice(1).split('/') : [];
		},
	};
}

// memparse() as memory.max takes it, and the forms workload files use: 512M, 1.5G, 64K, 4096, max.
const LIMIT_RE = /^(\d+(?:\.\d*)?|\.\d+)\s*(?:([kmgt])(?:i?b)?|b)?$/i;
const UNITS: Record<string, number> = {k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4};
/** Past this the kernel's page_counter is "max" anyway. */
const LIMIT_CAP = 2 ** 52;

/**
 * A value typed for memory.high or memory.max: bytes rounded up to whole pages, null for "max", or
 * an error in one line.
 */
export function parseLimit(text: string): {bytes: number | null} | {error: string} {
	const t = text.trim();
	if (t.toLowerCase() === 'max') return {bytes: null};
	const m = t.length <= 32 ? LIMIT_RE.exec(t) : null;
	if (!m) return {error: `not a size: "${t.slice(0, 32)}" (512M, 1.5G, 64K, bytes, or max)`};
	const bytes = Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1);
	if (!Number.isFinite(bytes) || bytes > LIMIT_CAP) return {error: `too large: "${t}" (max means no limit)`};
	return {bytes: Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE};
}
