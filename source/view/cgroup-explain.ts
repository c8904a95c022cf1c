// e in the cgroup view: the selected cgroup's files in Linux terms, the rules that move them (naming
// the kernel functions) and its numbers now.
import type {CgroupSnapshot} from '../sim/snapshot-types.js';
import {lowOf, minOf} from './cgroup-rows.js';
import {type Explanation, pagesAndSize} from './explain.js';

const limit = (pages: number | null): string => (pages === null ? 'max' : pagesAndSize(pages));

export function explainCgroup(c: CgroupSnapshot): Explanation {
	const rules = [
		'Every page is charged to the cgroup of the task that first faulted it (mem_cgroup_charge), and counted up the tree: memory.current is this cgroup and all below it.',
	];
	if (c.max !== null)
		rules.push(
			'A charge past memory.max fails in try_charge_memcg(): the task reclaims from this cgroup alone (try_to_free_mem_cgroup_pages), up to MAX_RECLAIM_RETRIES times, then mem_cgroup_out_of_memory() kills inside it (CONSTRAINT_MEMCG) however much the host has free.',
		);
	if (c.high !== null)
		rules.push(
			'Above memory.high, reclaim_high() reclaims on the way back to user space and mem_cgroup_handle_over_high() throttles the task, longer the further over (at most 2 s a time): a slow service, not a kill.',
		);
	if (lowOf(c) > 0 || minOf(c) > 0)
		rules.push(
			'Under its effective memory.low (memory.min), as page_counter shares protection down the tree, reclaim passes the cgroup over while others have pages to give (mem_cgroup_below_low); low events count the times it could not.',
		);
	rules.push(...oomdRules(c));
	const e = c.events;
	const now = [
		`memory.current ${pagesAndSize(c.current)}, memory.peak ${pagesAndSize(c.peak)}`,
		c.max === null
			? 'memory.max max: no limit of its own (the bar is against the nearest limited ancestor, or RAM)'
			: `memory.max ${limit(c.max)}: ${Math.round((c.current / Math.max(1, c.max)) * 100)}% used, ${pagesAndSize(Math.max(0, c.max - c.current))} before a charge must reclaim`,
		`memory.high ${limit(c.high)}, memory.low ${pagesAndSize(lowOf(c))}, memory.min ${pagesAndSize(minOf(c))}`,
		`memory.swap.current ${pagesAndSize(c.swapCurrent)} of memory.swap.max ${limit(c.swapMax)}`,
		`memory.events low ${e.low} high ${e.high} max ${e.max} oom ${e.oom} oom_kill ${e.oom_kill} oom_group_kill ${e.oom_group_kill}`,
		`memory.pressure some avg10 ${c.pressure.some.avg10.toFixed(2)}, full avg10 ${c.pressure.full.avg10.toFixed(2)}`,
		`memory.stat anon ${pagesAndSize(c.stat.anon)}, file ${pagesAndSize(c.stat.file)}, shmem ${pagesAndSize(c.stat.shmem)}`,
		`cgroup.procs ${c.pids.length > 0 ? c.pids.join(' ') : '(none of its own)'}${c.oomGroup ? ' · memory.oom.group 1: a memcg kill takes them all' : ''}`,
		...(c.oomd ? [oomdNow(c.oomd)] : []),
	];
	return {
		title: `cgroup ${c.path}`,
		linux: `/sys/fs/cgroup${c.path === '/' ? '' : c.path}/memory.*: the cgroup v2 memory controller's files for this cgroup and everything below it${c.path === '/' ? ' (the root has no limits)' : ''}.`,
		rule: rules.join(' '),
		now,
	};
}

type Oomd = NonNullable<CgroupSnapshot['oomd']>;

/** What systemd-oomd does with this cgroup, from its unit's ManagedOOM*= settings. */
function oomdRules(c: CgroupSnapshot): string[] {
	const o = c.oomd;
	if (!o) return [];
	const out: string[] = [];
	if (o.ManagedOOMMemoryPressure === 'kill')
		out.push(
			`ManagedOOMMemoryPressure=kill: systemd-oomd reads its memory.pressure full avg10 every second; over ${o.ManagedOOMMemoryPressureLimit ? `${o.ManagedOOMMemoryPressureLimit}%` : "oomd.conf's DefaultMemoryPressureLimit"} for ${o.ManagedOOMMemoryPressureDurationSec ? `${o.ManagedOOMMemoryPressureDurationSec} s` : 'DefaultMemoryPressureDurationSec'}, with reclaim in it, it kills the cgroup below with the highest pgscan rate, whole (never this one).`,
		);
	if (o.ManagedOOMSwap === 'kill')
		out.push(
			'ManagedOOMSwap=kill: when MemAvailable and SwapFree are both under 100 − SwapUsedLimit % (10 %), systemd-oomd kills the cgroup below using the most swap (over 5 % of it).',
		);
	const pref = o.ManagedOOMPreference;
	if (pref === 'avoid' || pref === 'omit')
		out.push(
			`ManagedOOMPreference=${pref}: systemd writes user.oomd_${pref}=1 on this cgroup, and oomd_sort_cgroup_contexts() ${pref === 'avoid' ? 'ranks it after every other candidate: it goes only when nothing else would help' : 'leaves it out: never chosen'}. It counts only where this cgroup is a candidate (a leaf, or memory.oom.group) and, the cgroup being uid ${o.owner}'s, ${o.owner === 0 ? 'always (root-owned)' : `only for a watched cgroup uid ${o.owner} owns too (a pressure watch on its user@${o.owner}.service; never a swap kill, watched from the root)`}.`,
		);
	return out;
}

function oomdNow(o: Oomd): string {
	const keys = Object.entries(o)
		.filter(([k]) => k !== 'owner')
		.map(
			([k, v]) =>
				`${k}=${typeof v === 'number' && k.endsWith('Limit') ? `${v}%` : typeof v === 'number' ? `${v}s` : v}`,
		);
	return `systemd-oomd: ${keys.join(' ')} · cgroup owner uid ${o.owner}${o.owner !== 0 ? ' (Delegate=yes)' : ''}`;
}
