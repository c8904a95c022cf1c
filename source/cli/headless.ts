// Headless mode: run the machine without a screen and print what it does, as vmstat and top -b
// would, or as one JSON object per interval.

import {formatTickTime} from '../record/labels.js';
import type {Steppable} from '../record/stepper.js';
import type {Machine} from '../sim/machine.js';
import {takeSnapshot} from '../sim/snapshot.js';
import type {Snapshot} from '../sim/snapshot-types.js';
import {MIB, PAGE_SIZE, pagesToKb, TICKS_PER_SECOND, ticksToSeconds} from '../sim/units.js';
import {escapeText} from '../text/escape.js';
import {formatBinary, formatDmesgTime, formatEvent} from '../text/format.js';

export interface HeadlessOptions {
	/** Simulated seconds to run. */
	duration: number;
	/** Seconds between output lines. */
	interval: number;
	json: boolean;
	write: (line: string) => void;
	/** Asked between slices of stepping: true ends the run where it is (Ctrl-C). */
	interrupted?: () => boolean;
	/** Told between slices of stepping how far the run has got (0..1): a progress bar. */
	onProgress?: (fraction: number) => void;
}

/** What a headless run came to: its last snapshot, and whether it was interrupted before the end. */
export interface HeadlessResult {
	last: Snapshot;
	interrupted: boolean;
}

/** Steps between looks at the clock, and the wall time after which the loop lets signals in. */
const CHECK_EVERY_TICKS = 8;
const SLICE_MS = 50;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The interval line as JSON: sizes in kB as /proc shows them, counters as /proc/vmstat counts them. */
export function jsonLine(s: Snapshot): string {
	return JSON.stringify({
		t: s.time,
		meminfo: s.meminfo,
		zoneinfo: s.zoneinfo,
		vmstat: s.vmstat,
		psi: s.psi,
		buddyinfo: s.buddy.free,
		pagetypeinfo: {free: s.buddy.freeByType, blocks: s.buddy.blocks},
		extfrag: {unusable_index: s.buddy.unusable, extfrag_index: s.buddy.extfrag},
		processes: s.processes.map((p) => ({
			pid: p.pid,
			name: p.name,
			state: p.state,
			rss: pagesToKb(p.rss),
			anon: pagesToKb(p.anon),
			file: pagesToKb(p.file),
			shmem: pagesToKb(p.shmem),
			swap: pagesToKb(p.swap),
			zswap: pagesToKb(p.zswap),
			wss: pagesToKb(p.wss),
			minflt: p.minflt,
			majflt: p.majflt,
			oom_score: p.oomScore,
			oom_score_adj: p.oomScoreAdj,
			progress: p.progress,
			// perf stat's names: dTLB-loads, dTLB-load-misses (page walks), and their ratio now.
			'dTLB-loads': p.tlb.loads,
			'dTLB-load-misses': p.tlb.misses,
			dtlb_miss_ratio: p.tlb.missRatio,
			smaps_rollup: p.smaps,
		})),
		events: s.events,
		...(s.cgroups ? {cgroups: s.cgroups.map(cgroupJson)} : {}),
		...(s.userspaceOom ? {userspace_oom: userspaceOomJson(s.userspaceOom)} : {}),
	});
}

/** The userspace OOM killer's state (present once one has run): times in seconds, as `t`. */
function userspaceOomJson(u: NonNullable<Snapshot['userspaceOom']>) {
	return {
		killer: u.killer,
		kills: u.kills,
		next_poll: u.nextPollTick === null ? null : ticksToSeconds(u.nextPollTick),
		ManagedOOMMemoryPressure: u.pressure.map((c) => ({
			path: c.path,
			full_avg10: c.fullAvg10,
			limit: c.limitPercent,
			duration: c.durationSec,
			above_since: c.aboveSinceTick === null ? null : ticksToSeconds(c.aboveSinceTick),
		})),
		ManagedOOMSwap: u.swap,
		earlyoom: u.earlyoom,
	};
}

/** A cgroup as its files under /sys/fs/cgroup/PATH/ read: sizes in kB, "max" for no limit. */
function cgroupJson(c: NonNullable<Snapshot['cgroups']>[number]) {
	const kb = (pages: number | null) => (pages === null ? 'max' : pagesToKb(pages));
	return {
		path: c.path,
		'memory.current': pagesToKb(c.current),
		'memory.peak': pagesToKb(c.peak),
		'memory.swap.current': pagesToKb(c.swapCurrent),
		'memory.min': kb(c.min),
		'memory.low': kb(c.low),
		'memory.high': kb(c.high),
		'memory.max': kb(c.max),
		'memory.swap.max': kb(c.swapMax),
		'memory.min.effective': pagesToKb(c.effectiveMin),
		'memory.low.effective': pagesToKb(c.effectiveLow),
		'memory.oom.group': c.oomGroup ? 1 : 0,
		'memory.events': c.events,
		'memory.stat': {
			anon: pagesToKb(c.stat.anon),
			file: pagesToKb(c.stat.file),
			shmem: pagesToKb(c.stat.shmem),
			pagetables: pagesToKb(c.stat.pagetables),
			file_dirty: pagesToKb(c.stat.file_dirty),
			file_writeback: pagesToKb(c.stat.file_writeback),
			swapcached: pagesToKb(c.stat.swapcached),
			pgscan: c.stat.pgscan,
			pgsteal: c.stat.pgsteal,
		},
		'memory.pressure': c.pressure,
		'cgroup.procs': c.pids,
		...(c.oomd ? {'systemd-oomd': systemdOomdJson(c.oomd)} : {}),
	};
}

/**
 * A cgroup's unit settings for systemd-oomd (only when it has any): the ManagedOOM*= keys, the
 * user.oomd_avoid / user.oomd_omit xattr systemd writes for ManagedOOMPreference=, and the uid owning
 * the cgroup (which decides whether oomd honours that xattr).
 */
function systemdOomdJson(o: NonNullable<NonNullable<Snapshot['cgroups']>[number]['oomd']>) {
	const {owner, ...settings} = o;
	const pref = o.ManagedOOMPreference;
	return {
		...settings,
		...(pref === 'avoid' || pref === 'omit' ? {xattr: `user.oomd_${pref}=1`} : {}),
		owner,
	};
}

// The interval lines, as vmstat prints them: every column a fixed width, right-aligned, one number
// format per kind (sizes in MiB with one decimal, rates as whole numbers per second, PSI as percent
// with two decimals), the units in a group line above the column names.
const COLUMNS: [string, number][] = [
	['time', 8],
	['free', 8],
	['anon', 8],
	['cache', 8],
	['zpool', 8],
	['swpd', 8],
	['si', 7],
	['so', 7],
	['majf', 7],
	['rflt', 7],
	['scan', 8],
	['some10', 7],
	['full10', 7],
	['kswapd', 11],
];

/** Column groups (first column, how many) and their labels, as vmstat's "procs ---memory---" line. */
const GROUPS: [number, number, string][] = [
	[0, 1, 'sec'],
	[1, 5, 'memory (MiB)'],
	[6, 5, 'pages/s'],
	[11, 2, 'psi %'],
	[13, 1, 'state'],
];

/** A group label centred in dashes over `width` characters: "-----memory (MiB)-----". */
function groupLabel(label: string, width: number): string {
	const dashes = Math.max(0, width - label.length);
	return `${'-'.repeat(dashes >> 1)}${label}${'-'.repeat(dashes - (dashes >> 1))}`;
}

/** The two header lines: the groups with their units, then the column names. */
export function textHeader(): string[] {
	const groups = GROUPS.map(([first, count, label]) => {
		const cols = COLUMNS.slice(first, first + count);
		// The columns' widths and the spaces between them.
		return groupLabel(label, cols.reduce((sum, [, w]) => sum + w + 1, 0) - 1);
	}).join(' ');
	return [groups, COLUMNS.map(([name, w]) => name.padStart(w)).join(' ')];
}

/** A size in pages as MiB with one decimal, the one size format of headless text. */
export function mib(pages: number): string {
	return ((pages * PAGE_SIZE) / MIB).toFixed(1);
}

/** A rate per second as a whole number. */
const rate = (x: number): string => Math.round(x).toString();

export function textLine(s: Snapshot, prev: Snapshot | null, seconds: number): string {
	const d = (f: keyof Snapshot['vmstat']): number => (prev ? (s.vmstat[f] - prev.vmstat[f]) / seconds : 0);
	const cells = [
		s.time.toFixed(1),
		mib(s.frames.free),
		mib(s.frames.anon),
		mib(s.frames.file + s.frames.shmem),
		mib(s.frames.zpool),
		mib(s.swap.usedPages),
		rate(d('pswpin') + d('zswpin')),
		rate(d('pswpout') + d('zswpout')),
		rate(d('pgmajfault')),
		rate(d('workingset_refault_anon') + d('workingset_refault_file')),
		rate(d('pgscan_kswapd') + d('pgscan_direct')),
		s.psi.some.avg10.toFixed(2),
		s.psi.full.avg10.toFixed(2),
		s.kswapd.state,
	];
	return cells.map((c, i) => c.padStart(COLUMNS[i]![1])).join(' ');
}

/** ps/top state letters: D is uninterruptible sleep (reclaim, swap-in, dirty throttling). */
const STATE_LETTER: Record<Snapshot['processes'][number]['state'], string> = {
	running: 'R',
	sleeping: 'S',
	reclaim: 'D',
	swapin: 'D',
	io: 'D',
	throttled: 'D',
	// Shutting down after SIGTERM: its handler runs (ps shows such a task as S or R).
	exiting: 'S',
	dying: 'X',
	exited: 'Z',
};

/** top -b: the process table at the end of a run, biggest RSS first. */
export function topTable(s: Snapshot): string[] {
	// Sizes in MiB with one decimal, as in the interval lines (top -E m); each name over its column.
	const head = [
		'PID'.padStart(7),
		'NAME'.padEnd(16),
		'S',
		...['RSS', 'SWAP', 'ZSWP', 'WSS'].map((n) => `${n} MiB`.padStart(8)),
		'MINFLT'.padStart(8),
		'MAJFLT'.padStart(8),
		'STALL%',
		'PROG%',
		'OOM'.padStart(4),
		'ADJ'.padStart(5),
	].join(' ');
	const rows = [...s.processes]
		.sort((a, b) => b.rss - a.rss)
		.map((p) =>
			[
				String(p.pid).padStart(7),
				escapeText(p.name).slice(0, 16).padEnd(16),
				STATE_LETTER[p.state],
				mib(p.rss).padStart(8),
				mib(p.swap).padStart(8),
				mib(p.zswap).padStart(8),
				mib(p.wss).padStart(8),
				String(p.minflt).padStart(8),
				String(p.majflt).padStart(8),
				(p.stall * 100).toFixed(0).padStart(6),
				(p.progress * 100).toFixed(0).padStart(5),
				String(p.oomScore).padStart(4),
				String(p.oomScoreAdj).padStart(5),
			].join(' '),
		);
	return [head, ...rows];
}

export function describeMachine(m: Machine): string {
	const spec = m.spec;
	const swap = spec.swap.size > 0 ? `${formatBinary(spec.swap.size)} swap (${spec.swap.device})` : 'no swap';
	const zswap = m.zswap.enabled
		? `zswap on (${spec.zswap.compressor}, max_pool_percent ${spec.zswap.max_pool_percent})`
		: 'zswap off';
	return `memtop: workload ${escapeText(m.workload.name)}, seed ${m.seed}, policy ${m.policyName}: ${formatBinary(spec.ram)} RAM, ${spec.cpus} CPUs, ${swap}, ${zswap}, swappiness ${m.sysctl.swappiness}`;
}

/**
 * The zone as /proc/zoneinfo gives it, in pages: "zone Normal: pages free 412345, min 1412, ...", then
 * its free blocks per order 0..10 as /proc/buddyinfo prints them ("nr_free 3 1 0 ... 201").
 */
export function describeZone(s: Snapshot): string {
	const z = s.zoneinfo;
	const boost = z.boost > 0 ? `, boost ${z.boost}` : '';
	return `zone Normal: pages free ${z.free}${boost}, min ${z.min}, low ${z.low}, high ${z.high}, managed ${z.managed}, present ${z.present}, nr_free ${z.nr_free.join(' ')}`;
}

/** The watermarks as set (zoneinfo's less the boost, which comes and goes with fallbacks), or managed, moved. */
const zoneMoved = (a: Snapshot, b: Snapshot): boolean =>
	a.zoneinfo.min - a.zoneinfo.boost !== b.zoneinfo.min - b.zoneinfo.boost ||
	a.zoneinfo.low - a.zoneinfo.boost !== b.zoneinfo.low - b.zoneinfo.boost ||
	a.zoneinfo.high - a.zoneinfo.boost !== b.zoneinfo.high - b.zoneinfo.boost ||
	a.zoneinfo.managed !== b.zoneinfo.managed;

/**
 * Run `duration` simulated seconds, printing a line every `interval` seconds. `run` steps the machine
 * (a Stepper with its recorder, or a Player with the recording's commands). Every SLICE_MS of wall
 * time it lets the event loop turn, so a signal handler can ask it to stop (`interrupted`): it then
 * stops at once, mid-interval, without printing more.
 */
export async function runHeadless(run: Steppable, options: HeadlessOptions): Promise<HeadlessResult> {
	const {write} = options;
	const machine = run.machine;
	const intervalTicks = Math.max(1, Math.round(options.interval * TICKS_PER_SECOND));
	const totalTicks = Math.max(1, Math.round(options.duration * TICKS_PER_SECOND));
	const endTick = machine.tick + totalTicks;
	let prev: Snapshot | null = null;
	let last = takeSnapshot(machine, {regions: false, events: false});
	if (!options.json) {
		write(describeMachine(machine));
		write(describeZone(last));
		for (const line of textHeader()) write(line);
	}
	let sliceStart = performance.now();
	const interrupted = options.interrupted ?? (() => false);
	while (machine.tick < endTick) {
		const stop = Math.min(endTick, machine.tick + intervalTicks);
		for (let n = 1; machine.tick < stop; n++) {
			run.step();
			if (n % CHECK_EVERY_TICKS === 0 && performance.now() - sliceStart >= SLICE_MS) {
				await nextTurn();
				sliceStart = performance.now();
				if (interrupted()) return {last, interrupted: true};
				options.onProgress?.(1 - (endTick - machine.tick) / totalTicks);
			}
		}
		last = takeSnapshot(machine, {regions: false});
		options.onProgress?.(1 - (endTick - machine.tick) / totalTicks);
		if (options.json) write(jsonLine(last));
		else {
			for (const e of last.events) {
				if (e.kind === 'direct-reclaim' || e.kind === 'kswapd-wake' || e.kind === 'kswapd-sleep') continue;
				const lines = e.kind === 'oom-kill' ? e.lines.map(escapeText) : [formatEvent(e)];
				if (e.kind === 'oom-reaped') lines.splice(0, 1, escapeText(e.line));
				for (const line of lines) write(`  ${formatDmesgTime(e.tick)} ${line}`);
			}
			// The watermarks move when a command sets min_free_kbytes or watermark_scale_factor.
			if (prev && zoneMoved(prev, last)) write(describeZone(last));
			write(textLine(last, prev, (prev ? last.time - prev.time : options.interval) || options.interval));
		}
		prev = last;
	}
	if (!options.json) {
		write('');
		for (const line of topTable(last)) write(line);
	}
	return {last, interrupted: false};
}

const INTERRUPT_EXIT_CODES = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129} as const;

/**
 * Run `body` with SIGINT, SIGTERM and SIGHUP caught: the first one makes `interrupted()` true (the
 * headless loop stops at its next slice). Returns body's result and the exit code the signal calls
 * for (undefined when none came). A second signal of the same kind ends memtop at once.
 */
export async function withInterrupts<T>(
	body: (interrupted: () => boolean) => Promise<T>,
): Promise<{result: T; signalCode: number | undefined}> {
	let signalCode: number | undefined;
	const handlers = (Object.keys(INTERRUPT_EXIT_CODES) as (keyof typeof INTERRUPT_EXIT_CODES)[]).map(
		(signal) => {
			const handler = (): void => {
				if (signalCode !== undefined) process.exit(INTERRUPT_EXIT_CODES[signal]);
				signalCode = INTERRUPT_EXIT_CODES[signal];
			};
			process.on(signal, handler);
			return [signal, handler] as const;
		},
	);
	try {
		const result = await body(() => signalCode !== undefined);
		return {result, signalCode};
	} finally {
		for (const [signal, handler] of handlers) process.off(signal, handler);
	}
}

/** "interrupted at 0:12.30 of 1:00.00 (simulated)": how far a headless run got. */
export function interruptedLine(tick: number, endTick: number): string {
	return `interrupted at ${formatTickTime(tick)} of ${formatTickTime(endTick)} (simulated time; tick ${tick})`;
}
