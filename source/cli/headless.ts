// Headless mode: run the machine without a screen and print what it does, as vmstat and top -b
// would, or as one JSON object per interval.
import type {Steppable} from '../record/stepper.js';
import type {Machine} from '../sim/machine.js';
import {takeSnapshot} from '../sim/snapshot.js';
import type {Snapshot} from '../sim/snapshot-types.js';
import {pagesToKb, TICKS_PER_SECOND} from '../sim/units.js';
import {escapeText} from '../text/escape.js';
import {formatBinary, formatDmesgTime, formatEvent} from '../text/format.js';

export interface HeadlessOptions {
	/** Simulated seconds to run. */
	duration: number;
	/** Seconds between output lines. */
	interval: number;
	json: boolean;
	write: (line: string) => void;
}

/** The interval line as JSON: sizes in kB as /proc shows them, counters as /proc/vmstat counts them. */
export function jsonLine(s: Snapshot): string {
	return JSON.stringify({
		t: s.time,
		meminfo: s.meminfo,
		vmstat: s.vmstat,
		psi: s.psi,
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
		})),
		events: s.events,
	});
}

const COLUMNS: [string, number][] = [
	['time', 8],
	['free', 7],
	['anon', 7],
	['cache', 7],
	['zpool', 7],
	['swpd', 7],
	['si/s', 6],
	['so/s', 6],
	['majf/s', 7],
	['rflt/s', 7],
	['scan/s', 7],
	['some10', 7],
	['full10', 7],
	['kswapd', 11],
];

export function textHeader(): string {
	return COLUMNS.map(([name, w]) => name.padStart(w)).join(' ');
}

const pageBytes = (pages: number): string => formatBinary(pages * 4096);

export function textLine(s: Snapshot, prev: Snapshot | null, seconds: number): string {
	const d = (f: keyof Snapshot['vmstat']): number => (prev ? (s.vmstat[f] - prev.vmstat[f]) / seconds : 0);
	const cells = [
		`${s.time.toFixed(1)}s`,
		pageBytes(s.frames.free),
		pageBytes(s.frames.anon),
		pageBytes(s.frames.file + s.frames.shmem),
		pageBytes(s.frames.zpool),
		pageBytes(s.swap.usedPages),
		Math.round(d('pswpin') + d('zswpin')).toString(),
		Math.round(d('pswpout') + d('zswpout')).toString(),
		Math.round(d('pgmajfault')).toString(),
		Math.round(d('workingset_refault_anon') + d('workingset_refault_file')).toString(),
		Math.round(d('pgscan_kswapd') + d('pgscan_direct')).toString(),
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
	dying: 'X',
	exited: 'Z',
};

/** top -b: the process table at the end of a run, biggest RSS first. */
export function topTable(s: Snapshot): string[] {
	const head =
		'    PID NAME             S       RSS      SWAP     ZSWAP       WSS   MINFLT   MAJFLT STALL% PROG% OOM ADJ';
	const rows = [...s.processes]
		.sort((a, b) => b.rss - a.rss)
		.map((p) =>
			[
				String(p.pid).padStart(7),
				escapeText(p.name).slice(0, 16).padEnd(16),
				STATE_LETTER[p.state],
				pageBytes(p.rss).padStart(9),
				pageBytes(p.swap).padStart(9),
				pageBytes(p.zswap).padStart(9),
				pageBytes(p.wss).padStart(9),
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
	return `memtop: workload ${m.workload.name}, seed ${m.seed}, policy ${m.policyName}: ${formatBinary(spec.ram)} RAM, ${spec.cpus} CPUs, ${swap}, ${zswap}, swappiness ${m.sysctl.swappiness}`;
}

/**
 * Run `duration` simulated seconds, printing a line every `interval` seconds. `run` steps the machine
 * (a Stepper with its recorder, or a Player with the recording's commands). Returns the last snapshot.
 */
export function runHeadless(run: Steppable, options: HeadlessOptions): Snapshot {
	const {write} = options;
	const machine = run.machine;
	const intervalTicks = Math.max(1, Math.round(options.interval * TICKS_PER_SECOND));
	const endTick = machine.tick + Math.round(options.duration * TICKS_PER_SECOND);
	if (!options.json) {
		write(describeMachine(machine));
		write(textHeader());
	}
	let prev: Snapshot | null = null;
	let last = takeSnapshot(machine, {regions: false, events: false});
	while (machine.tick < endTick) {
		const stop = Math.min(endTick, machine.tick + intervalTicks);
		while (machine.tick < stop) run.step();
		last = takeSnapshot(machine, {regions: false});
		if (options.json) write(jsonLine(last));
		else {
			for (const e of last.events) {
				if (e.kind === 'direct-reclaim' || e.kind === 'kswapd-wake' || e.kind === 'kswapd-sleep') continue;
				const lines = e.kind === 'oom-kill' ? e.lines.map(escapeText) : [formatEvent(e)];
				if (e.kind === 'oom-reaped') lines.splice(0, 1, escapeText(e.line));
				for (const line of lines) write(`  ${formatDmesgTime(e.tick)} ${line}`);
			}
			write(textLine(last, prev, (prev ? last.time - prev.time : options.interval) || options.interval));
		}
		prev = last;
	}
	if (!options.json) {
		write('');
		for (const line of topTable(last)) write(line);
	}
	return last;
}
