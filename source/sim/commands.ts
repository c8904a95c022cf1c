// Everything outside the core (the workload's timed events, the keyboard, a recording) changes the
// machine only through commands (the Command union lives with the workload types in spec.ts). Each
// is applied here, as the syscall or sysfs write it stands for, and summarised in one line.
import type {Balloon} from './balloon.js';
import {freeBlocksByOrder} from './compaction.js';
import type {Exec} from './exec.js';
import type {Filemap} from './filemap.js';
import type {Fork} from './fork.js';
import type {Hugetlb} from './hugetlb.js';
import type {Kcompactd} from './kcompactd.js';
import {type Lifecycle, NO_END} from './lifecycle.js';
import {type Memcontrol, ROOT_MEMCG} from './memcontrol.js';
import {OOM_SCORE_ADJ_MAX, OOM_SCORE_ADJ_MIN} from './oom.js';
import type {Vmstat} from './proc-names.js';
import type {Command, SysctlName, Sysctls} from './spec.js';
import {clampSysctl, sysctlLine} from './sysctl.js';
import type {TaskList} from './task-list.js';
import {MIB, PAGE_SIZE} from './units.js';
import type {UserspaceOom} from './userspace-oom.js';
import type {Zone} from './zone.js';
import type {Zswap} from './zswap.js';

export type {Command, CommandKind, CommandOrigin} from './spec.js';

/** The parts of the machine commands act on. */
export interface CommandTarget {
	readonly lifecycle: Lifecycle;
	readonly fork: Fork;
	readonly exec: Exec;
	readonly tasks: TaskList;
	readonly sysctl: Sysctls;
	readonly zone: Zone;
	readonly zswap: Zswap;
	readonly filemap: Filemap;
	readonly balloon: Balloon;
	readonly hugetlb: Hugetlb;
	readonly kcompactd: Kcompactd;
	readonly vm: Vmstat;
	readonly memcg: Memcontrol;
	readonly userspaceOom: UserspaceOom;
}

/** Apply one command now; returns what it did, in one line. */
export function applyCommand(m: CommandTarget, c: Command): string {
	switch (c.kind) {
		case 'spawn': {
			const count = c.count ?? 1;
			const pids: number[] = [];
			for (let i = 0; i < count; i++) {
				const p = m.lifecycle.spawn(c.spec, NO_END);
				if (p) pids.push(p.pid);
			}
			const size = c.spec.regions.reduce((s, r) => s + (r.kind === 'file' ? 0 : r.size), 0);
			return pids.length
				? `spawned ${c.spec.name} (pid ${pids.join(', ')}${size ? `, ${Math.round(size / MIB)} MiB anon` : ''})`
				: `spawn ${c.spec.name} refused`;
		}
		case 'fork': {
			const p = m.tasks.procByPid(c.pid);
			if (!p) return `fork ${c.pid}: no such process`;
			const missing = c.streams?.find((s) => !p.regions.some((r) => r.name === s.region));
			if (missing) return `fork ${c.pid} (${p.name}): it has no region ${missing.region}`;
			return m.fork.fork(p, c).line;
		}
		case 'exec':
			return execCommand(m, c);
		case 'kill': {
			const p = m.tasks.procByPid(c.pid);
			if (c.signal === 'SIGTERM') {
				// kill(2) with SIGTERM: the handler shuts the process down, then it exits (lifecycle.ts).
				if (!p) return `kill ${c.pid}: no such process`;
				if (!m.lifecycle.terminate(p)) return `SIGTERM to ${p.pid} (${p.name}): already exiting`;
				return `sent SIGTERM to ${p.pid} (${p.name})`;
			}
			// SIGKILL (a command without a signal, as every recording before signals): gone at once.
			if (!p || p.dying) return `kill ${c.pid}: no such process`;
			m.lifecycle.exit(p, 'killed');
			return `killed ${p.pid} (${p.name})`;
		}
		case 'set-sysctl': {
			const value = clampSysctl(c.name, c.value);
			(m.sysctl as Record<SysctlName, number>)[c.name] = value;
			if (c.name === 'min_free_kbytes' || c.name === 'watermark_scale_factor')
				m.zone.updateWatermarks(m.sysctl);
			if (c.name === 'nr_hugepages') return resizeHugetlb(m, value);
			if (c.name === 'compact_memory') return compactMemory(m, value);
			return sysctlLine(c.name, value);
		}
		case 'set-oom-score-adj': {
			const p = m.tasks.procByPid(c.pid);
			if (!p) return `oom_score_adj ${c.pid}: no such process`;
			p.oomScoreAdj = Math.max(OOM_SCORE_ADJ_MIN, Math.min(OOM_SCORE_ADJ_MAX, Math.trunc(c.value)));
			return `${p.pid} (${p.name}) oom_score_adj = ${p.oomScoreAdj}`;
		}
		case 'set-zswap':
			m.zswap.setEnabled(c.enabled);
			return `zswap ${c.enabled ? 'enabled' : 'disabled'}`;
		case 'drop-caches': {
			const dropped = c.mode & 1 ? m.filemap.dropCaches() : 0;
			m.vm.drop_pagecache++;
			return `drop_caches ${c.mode}: freed ${dropped} clean page-cache pages`;
		}
		case 'balloon':
			m.balloon.resize(c.bytes);
			return `balloon target ${Math.round((m.balloon.target * PAGE_SIZE) / MIB)} MiB`;
		case 'set-cgroup': {
			const id = m.memcg.idOf(c.path);
			if (id <= ROOT_MEMCG) return `${c.path}/${c.file}: no such cgroup`;
			m.memcg.set(id, c.file, c.value);
			const shown =
				c.value === null
					? 'max'
					: c.file === 'memory.oom.group'
						? String(c.value)
						: `${Math.round(c.value / MIB)} MiB`;
			return `${c.path}/${c.file} = ${shown}`;
		}
		case 'set-userspace-oom':
			return m.userspaceOom.set(c.killer);
	}
}

/** execve(2) in a running process (exec.ts); a pid not running or a stream off the image's regions is refused. */
function execCommand(m: CommandTarget, c: Extract<Command, {kind: 'exec'}>): string {
	const p = m.tasks.procByPid(c.pid);
	if (!p) return `exec ${c.pid}: no such process`;
	const regions = c.image?.regions ?? [];
	const missing = c.image?.streams.find((s) => !regions.some((r) => r.name === s.region));
	if (missing) return `exec ${c.pid} (${p.name}): the image has no region ${missing.region}`;
	return m.exec.exec(p, c.image).line;
}

/**
 * hugetlb_sysctl_handler(): the pool grows or shrinks now, in the writer's context; the sysctl then
 * reads back the pool it got, which on a fragmented machine is less than asked.
 */
function resizeHugetlb(m: CommandTarget, value: number): string {
	const r = m.hugetlb.resize(value);
	m.sysctl.nr_hugepages = r.pool;
	const how =
		r.allocated || r.failed
			? `: allocated ${r.allocated}${r.failed ? ', then an allocation failed' : ''}, ${(r.stallUs / 1000).toFixed(1)} ms in compaction and reclaim`
			: r.freed
				? `: freed ${r.freed}`
				: '';
	return `vm.nr_hugepages = ${r.pool}${r.pool < value ? ` (asked ${value})` : ''}${how}`;
}

/**
 * mm/compaction.c sysctl_compaction_handler(): writing 1 to vm.compact_memory runs compact_nodes() in
 * the writer's context: every zone compacted whole (order -1: MIGRATE_SYNC, skip hints ignored), until
 * the scanners meet. The file is write-only: it reads back 0.
 */
function compactMemory(m: CommandTarget, value: number): string {
	m.sysctl.compact_memory = 0;
	if (value !== 1) return 'vm.compact_memory: write 1 to compact';
	const before = freeBlocksByOrder(m.zone);
	const st = m.kcompactd.compaction.compactZone(
		{order: -1, async: false, direct: false, proactive: false},
		m.zone.wm.min,
	);
	const after = freeBlocksByOrder(m.zone);
	const big = (f: number[]): number => f.slice(9).reduce((n, b, i) => n + (b << i), 0);
	return `compact_memory: ${st.migrated} pages migrated in ${(st.costUs / 1000).toFixed(1)} ms, free 2 MiB blocks ${big(before)} → ${big(after)}`;
}
