// A memory cgroup tree for the fixture snapshot's processes (snapshot-fixture.ts), in the order the
// core lists them: root first, depth first. Sizes in pages.
import type {CgroupSnapshot, Snapshot} from '../../source/sim/snapshot-types.js';
import {buildSnapshot, type FixtureOptions, MIB_PAGES} from './snapshot-fixture.js';

const line = (avg10: number) => ({avg10, avg60: avg10 / 2, avg300: avg10 / 4, total: 0});

export function cgroup(
	path: string,
	depth: number,
	current: number,
	more: Partial<CgroupSnapshot> = {},
): CgroupSnapshot {
	return {
		path,
		depth,
		current,
		peak: current,
		swapCurrent: 0,
		min: 0,
		low: 0,
		effectiveMin: 0,
		effectiveLow: 0,
		high: null,
		max: null,
		swapMax: null,
		oomGroup: false,
		events: {low: 0, high: 0, max: 0, oom: 0, oom_kill: 0, oom_group_kill: 0},
		stat: {
			anon: current,
			file: 0,
			shmem: 0,
			pagetables: 0,
			file_dirty: 0,
			file_writeback: 0,
			swapcached: 0,
			pgscan: 0,
			pgsteal: 0,
		},
		pressure: {some: line(0), full: line(0)},
		pids: [],
		...more,
	};
}

/**
 * / (systemd, java, reader, backup), /kubepods (max 1G) with pod-a (max 256M, high 200M, low 64M:
 * hog and leaker, at its max with a kill) and pod-b (nginx), /system.slice/postgres.service (low 512M).
 */
export function fixtureCgroups(): CgroupSnapshot[] {
	const M = MIB_PAGES;
	return [
		cgroup('/', 0, 3000 * M, {pids: [1, 777, 902, 1024]}),
		cgroup('/kubepods', 1, 300 * M, {max: 1024 * M, events: ev({max: 40, oom: 1, oom_kill: 1})}),
		cgroup('/kubepods/pod-a', 2, 256 * M, {
			peak: 256 * M,
			low: 64 * M,
			high: 200 * M,
			max: 256 * M,
			swapCurrent: 12 * M,
			events: ev({high: 310, max: 40, oom: 1, oom_kill: 1}),
			pressure: {some: line(12.5), full: line(3.25)},
			pids: [901, 903],
		}),
		cgroup('/kubepods/pod-b', 2, 44 * M, {pids: [530]}),
		cgroup('/system.slice', 1, 340 * M),
		cgroup('/system.slice/postgres.service', 2, 340 * M, {low: 512 * M, pids: [412]}),
	];
}

function ev(e: Partial<CgroupSnapshot['events']>): CgroupSnapshot['events'] {
	return {low: 0, high: 0, max: 0, oom: 0, oom_kill: 0, oom_group_kill: 0, ...e};
}

/** The fixture snapshot with the tree above. */
export function cgroupSnapshot(options: FixtureOptions = {}): Snapshot {
	return {...buildSnapshot(options), cgroups: fixtureCgroups()};
}
