// The process table's rows: a flat sorted list, or htop's tree (F5). A process hangs under its
// parent process when it has a live one (fork), else under its group: the workload group (the
// processes one `processes:` entry or spawn started share a name), or its cgroup path. The
// `TreeParents` below is the one place that says so; a fork parent or a cgroup path is a field of
// the snapshot read there, and the tree, the table and the keys need no change.
import type {SmapsRollup} from '../sim/smaps.js';
import type {ProcessSnapshot} from '../sim/snapshot-types.js';
import {type ColumnContext, type ColumnId, sortProcesses} from './panels/columns.js';

/** One line of the table. */
export interface TableRow {
	/** Stable id for selection: the pid of a process; a negative number for a group line. */
	id: number;
	/** The process, or for a group line the sum of its members (pid set to `id`). */
	process: ProcessSnapshot;
	/** Tree branches drawn before the name ('├─ ', '│  └─ '); '' in the flat list. */
	prefix: string;
	/** Set on group lines. */
	group: {key: string; members: number; collapsed: boolean} | null;
	/** The tree node's key ('' in the flat list): what + and - fold. */
	key: string;
}

/** Where a process hangs: a live parent process, or else a path of groups from the root. */
export interface TreeParents {
	/** The pid of the process it was forked from (null: none, or it has exited). */
	parentPid(p: ProcessSnapshot): number | null;
	/** Group names from the root down, e.g. [name] or a cgroup path ['system.slice', 'db.service']. */
	groupPath(p: ProcessSnapshot): readonly string[];
}

/** A forked child's parent: the snapshot's ppid (fork.ts); null for the workload's own processes. */
export const forkParent = (p: ProcessSnapshot): number | null => p.ppid ?? null;

/** Without a cgroup tree: children under their fork parent, the rest one group per workload entry (they share the name). */
export const BY_WORKLOAD_GROUP: TreeParents = {
	parentPid: forkParent,
	groupPath: (p) => [p.name],
};

export function flatRows(processes: readonly ProcessSnapshot[]): TableRow[] {
	return processes.map((p) => ({id: p.pid, process: p, prefix: '', group: null, key: ''}));
}

/** A negative id for a group, the same every frame (FNV-1a of its key). */
export function groupId(key: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < key.length; i++) {
		h ^= key.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return -1 - (h & 0x3fffffff);
}

/** A group line's figures: sizes, faults and work summed; the worst OOM score; stall and progress averaged. */
export function aggregate(id: number, label: string, members: readonly ProcessSnapshot[]): ProcessSnapshot {
	const sum = (f: (p: ProcessSnapshot) => number): number => members.reduce((n, p) => n + f(p), 0);
	const mean = (f: (p: ProcessSnapshot) => number): number => (members.length ? sum(f) / members.length : 0);
	return {
		pid: id,
		name: label,
		state: members.some((p) => p.state === 'running') ? 'running' : (members[0]?.state ?? 'sleeping'),
		rss: sum((p) => p.rss),
		anon: sum((p) => p.anon),
		file: sum((p) => p.file),
		shmem: sum((p) => p.shmem),
		swap: sum((p) => p.swap),
		zswap: sum((p) => p.zswap),
		wss: sum((p) => p.wss),
		vsize: sum((p) => p.vsize),
		pgtablesBytes: sum((p) => p.pgtablesBytes),
		pageTables: {
			pgd: sum((p) => p.pageTables.pgd),
			pud: sum((p) => p.pageTables.pud),
			pmd: sum((p) => p.pageTables.pmd),
			pte: sum((p) => p.pageTables.pte),
		},
		minflt: sum((p) => p.minflt),
		majflt: sum((p) => p.majflt),
		minfltRate: sum((p) => p.minfltRate),
		majfltRate: sum((p) => p.majfltRate),
		oomScore: Math.max(0, ...members.map((p) => p.oomScore)),
		oomScoreAdj: 0,
		// A group is no OOM candidate itself: its members are.
		oom: null,
		stall: mean((p) => p.stall),
		progress: mean((p) => p.progress),
		refs: sum((p) => p.refs),
		tlb: aggregateTlb(members),
		startTime: Math.min(...members.map((p) => p.startTime)),
		smaps: sumRollups(members.map((p) => p.smaps)),
		regions: [],
	};
}

/** A group's TLB: counters summed, its miss ratio theirs (misses over loads so far), sizes summed. */
function aggregateTlb(members: readonly ProcessSnapshot[]): ProcessSnapshot['tlb'] {
	const sum = (f: (t: ProcessSnapshot['tlb']) => number): number => members.reduce((n, p) => n + f(p.tlb), 0);
	const loads = sum((t) => t.loads);
	const ratio = (f: (t: ProcessSnapshot['tlb']) => number): number =>
		loads > 0 ? sum((t) => f(t) * t.loads) / loads : 0;
	return {
		loads,
		misses: sum((t) => t.misses),
		missRatio: loads > 0 ? sum((t) => t.misses) / loads : 0,
		l1MissRatio: ratio((t) => t.l1MissRatio),
		pdeMissRatio: ratio((t) => t.pdeMissRatio),
		costPerRefUs: ratio((t) => t.costPerRefUs),
		loadsPerRef: ratio((t) => t.loadsPerRef),
		stlbReachBytes: sum((t) => t.stlbReachBytes),
		hugePages: sum((t) => t.hugePages),
	};
}

interface Node {
	key: string;
	process: ProcessSnapshot | null;
	children: Node[];
}

export interface TreeOptions {
	sortColumn: ColumnId;
	descending: boolean;
	context: ColumnContext;
	/** Keys of the groups folded away (their members hidden). */
	collapsed: ReadonlySet<string>;
	parents?: TreeParents;
}

/** Every process of a node and below it. */
function members(node: Node): ProcessSnapshot[] {
	return [...(node.process ? [node.process] : []), ...node.children.flatMap(members)];
}

/**
 * The tree's lines: groups of two or more processes get a line of their own with the members'
 * totals; a group of one is just its process. Siblings sort by the table's sort column.
 */
export function treeRows(processes: readonly ProcessSnapshot[], options: TreeOptions): TableRow[] {
	const parents = options.parents ?? BY_WORKLOAD_GROUP;
	const alive = new Map(processes.map((p) => [p.pid, p]));
	const root: Node = {key: '', process: null, children: []};
	const groups = new Map<string, Node>();
	const byPid = new Map<number, Node>();
	for (const p of processes) byPid.set(p.pid, {key: `pid:${p.pid}`, process: p, children: []});
	for (const p of processes) {
		const node = byPid.get(p.pid)!;
		const parent = parents.parentPid(p);
		if (parent !== null && parent !== p.pid && alive.has(parent)) {
			byPid.get(parent)!.children.push(node);
			continue;
		}
		let at = root;
		let path = '';
		for (const name of parents.groupPath(p)) {
			path = `${path}/${name}`;
			let group = groups.get(path);
			if (!group) {
				group = {key: path, process: null, children: []};
				groups.set(path, group);
				at.children.push(group);
			}
			at = group;
		}
		at.children.push(node);
	}
	// A group of one process is not worth a line: the process takes its place.
	const simplify = (node: Node): Node => {
		node.children = node.children.map(simplify);
		if (node.process === null && node !== root && node.children.length === 1) return node.children[0]!;
		return node;
	};
	simplify(root);

	const rows: TableRow[] = [];
	// Top-level lines have no branch; below them, htop's ├─ └─ with │ carrying on past a sibling.
	const walk = (nodes: readonly Node[], indent: string, top: boolean): void => {
		const lines = nodes.map((node) => {
			const id = node.process ? node.process.pid : groupId(node.key);
			const all = members(node);
			const label = node.process ? node.process.name : `${node.key.split('/').at(-1)} (${all.length})`;
			return {node, id, process: node.process ?? aggregate(id, label, all), count: all.length};
		});
		const byId = new Map(lines.map((l) => [l.id, l]));
		const order = sortProcesses(
			lines.map((l) => l.process),
			options.sortColumn,
			options.descending,
			options.context,
		);
		order.forEach((p, i) => {
			const line = byId.get(p.pid)!;
			const last = i === order.length - 1;
			const hasChildren = line.node.children.length > 0;
			const collapsed = hasChildren && options.collapsed.has(line.node.key);
			const branch = top ? '' : last ? '└─ ' : '├─ ';
			const fold = hasChildren ? (collapsed ? '+ ' : '- ') : '';
			rows.push({
				id: line.id,
				process: line.process,
				prefix: `${indent}${branch}${fold}`,
				group: line.node.process === null ? {key: line.node.key, members: line.count, collapsed} : null,
				key: line.node.key,
			});
			if (hasChildren && !collapsed)
				walk(line.node.children, top ? indent : `${indent}${last ? '   ' : '│  '}`, false);
		});
	};
	walk(root.children, '', true);
	return rows;
}

/** Rollups added field by field (a group line shows its members' sums). */
export function sumRollups(list: readonly SmapsRollup[]): SmapsRollup {
	const out: SmapsRollup = {
		Rss: 0,
		Pss: 0,
		Pss_Anon: 0,
		Pss_File: 0,
		Pss_Shmem: 0,
		Shared_Clean: 0,
		Shared_Dirty: 0,
		Private_Clean: 0,
		Private_Dirty: 0,
		Referenced: 0,
		Anonymous: 0,
		Swap: 0,
		SwapPss: 0,
	};
	for (const r of list) for (const k of Object.keys(out) as (keyof SmapsRollup)[]) out[k] += r[k];
	return out;
}
