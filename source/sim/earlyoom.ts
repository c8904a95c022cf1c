// earlyoom's rules (github.com/rfjakob/earlyoom main.c poll_loop, sleep_time_ms; kill.c), as pure
// functions: it reads /proc/meminfo and acts when available memory AND free swap are both at or
// below its limits (defaults -m 10,5 -s 10,5: SIGTERM at 10 %, SIGKILL at 5 %), on the process with
// the highest /proc/PID/oom_score. Its poll sleep adapts to the headroom (100 ms .. 1 s).

/** poll_loop_args_t defaults: mem_term_percent, swap_term_percent, mem_kill_percent, swap_kill_percent. */
export const EARLYOOM_DEFAULTS = {memTerm: 10, swapTerm: 10, memKill: 5, swapKill: 5} as const;
export type EarlyoomLimits = {memTerm: number; swapTerm: number; memKill: number; swapKill: number};

/** sleep_time_ms(): the fill rates it assumes, kiB per ms (≈ MiB/s), and the clamp in ms. */
const MEM_FILL_RATE = 6000;
const SWAP_FILL_RATE = 800;
const MIN_SLEEP_MS = 100;
const MAX_SLEEP_MS = 1000;

/** What earlyoom reads of /proc/meminfo (kB), and the percentages parse_meminfo derives. */
export interface EarlyoomMeminfo {
	memTotalKib: number;
	memAvailableKib: number;
	swapTotalKib: number;
	swapFreeKib: number;
}

/** MemAvailablePercent, SwapFreePercent (swap 0 total: 0 %, as parse_meminfo leaves it). */
export function percents(m: EarlyoomMeminfo): {mem: number; swap: number} {
	return {
		mem: (m.memAvailableKib * 100) / m.memTotalKib,
		swap: m.swapTotalKib > 0 ? (m.swapFreeKib * 100) / m.swapTotalKib : 0,
	};
}

/**
 * poll_loop(): SIGKILL when mem <= mem_kill AND swap <= swap_kill; else SIGTERM when mem <= mem_term
 * AND swap <= swap_term; else nothing. Both conditions must hold (a machine with free swap is left alone).
 */
export function lowmemSignal(
	m: EarlyoomMeminfo,
	l: EarlyoomLimits = EARLYOOM_DEFAULTS,
): 'SIGKILL' | 'SIGTERM' | null {
	const p = percents(m);
	if (p.mem <= l.memKill && p.swap <= l.swapKill) return 'SIGKILL';
	if (p.mem <= l.memTerm && p.swap <= l.swapTerm) return 'SIGTERM';
	return null;
}

/**
 * sleep_time_ms(): headroom above the SIGTERM limits (kiB) over the fastest fill rates it expects,
 * clamped to 100 .. 1000 ms. Integer maths as the C (long long) does.
 */
export function sleepTimeMs(m: EarlyoomMeminfo, l: EarlyoomLimits = EARLYOOM_DEFAULTS): number {
	const p = percents(m);
	const memTotalMib = Math.floor(m.memTotalKib / 1024);
	const swapTotalMib = Math.floor(m.swapTotalKib / 1024);
	const memHeadroom = Math.max(0, Math.trunc((p.mem - l.memTerm) * 10 * memTotalMib));
	const swapHeadroom = Math.max(0, Math.trunc((p.swap - l.swapTerm) * 10 * swapTotalMib));
	const ms = Math.floor(memHeadroom / MEM_FILL_RATE) + Math.floor(swapHeadroom / SWAP_FILL_RATE);
	return Math.min(MAX_SLEEP_MS, Math.max(MIN_SLEEP_MS, ms));
}

export interface EarlyoomProc {
	pid: number;
	name: string;
	uid: number;
	oomScore: number;
	oomScoreAdj: number;
	vmRssKib: number;
}

/**
 * find_largest_process() (kill.c): the highest oom_score; on a tie the larger VmRSS. Processes with
 * no resident memory (kernel threads, zombies) and pid 1 are skipped, as are oom_score 0 ones
 * (oom_score_adj −1000: the kernel would never pick them either).
 */
export function findLargestProcess(procs: readonly EarlyoomProc[]): EarlyoomProc | null {
	let victim: EarlyoomProc | null = null;
	for (const p of procs) {
		if (p.pid <= 1 || p.vmRssKib === 0 || p.oomScore === 0) continue;
		if (
			!victim ||
			p.oomScore > victim.oomScore ||
			(p.oomScore === victim.oomScore && p.vmRssKib > victim.vmRssKib)
		)
			victim = p;
	}
	return victim;
}

const pct = (x: number) => `${x.toFixed(2).padStart(5)}%`;

/** print_mem_stats(): `mem avail: 1234 of 7890 MiB (15.64%), swap free: ...`. */
export function memStatsLine(m: EarlyoomMeminfo): string {
	const p = percents(m);
	const mib = (k: number) => String(Math.floor(k / 1024)).padStart(5);
	return `mem avail: ${mib(m.memAvailableKib)} of ${mib(m.memTotalKib)} MiB (${pct(p.mem)}), swap free: ${mib(m.swapFreeKib).trimStart().padStart(4)} of ${mib(m.swapTotalKib).trimStart().padStart(4)} MiB (${pct(p.swap)})`;
}

/**
 * poll_loop()'s warning and kill_process()'s line, in order. The sending line ends with the victim's
 * /proc/PID/cmdline (earlyoom 1.8); a simulated process has no arguments, so that is its name.
 */
export function killLines(
	sig: 'SIGTERM' | 'SIGKILL',
	m: EarlyoomMeminfo,
	l: EarlyoomLimits,
	v: EarlyoomProc,
): string[] {
	const [mem, swap] = sig === 'SIGKILL' ? [l.memKill, l.swapKill] : [l.memTerm, l.swapTerm];
	return [
		`earlyoom: ${memStatsLine(m)}`,
		`earlyoom: low memory! at or below ${sig} limits: mem ${pct(mem)}, swap ${pct(swap)}`,
		`earlyoom: sending ${sig} to process ${v.pid} uid ${v.uid} "${v.name}": oom_score ${v.oomScore}, oom_score_adj ${v.oomScoreAdj}, VmRSS ${Math.floor(v.vmRssKib / 1024)} MiB, cmdline "${v.name}"`,
	];
}

/**
 * kill_wait(): after the signal it checks up to 100 times, 100 ms apart (i × 100 ms for i = 0..99),
 * then gives up: 10 s.
 */
export const KILL_WAIT_MS = 10_000;
/** kill_process(): with no victim it sleeps 1 s before its usual sleep. */
export const NO_VICTIM_SLEEP_MS = 1000;

export interface EarlyoomAction {
	signal: 'SIGTERM' | 'SIGKILL';
	pid: number;
	lines: string[];
}

/** kill_wait()'s "%.3f" seconds since the signal. */
const secs = (ms: number) => (ms / 1000).toFixed(3);

/**
 * earlyoom's loop as a state machine: poll() is called at each of its wake-ups (sleepTimeMs apart,
 * 100 ms while it waits for a victim), and afterSignal() right after the machine delivered a signal
 * poll() asked for (kill_wait()'s first check, at 0 ms). kill_wait() (kill.c): while a signalled
 * victim is alive it picks no other; if memory falls to the SIGKILL limits meanwhile it escalates
 * to SIGKILL on the same victim; each check logs "process N exited after S seconds" once the victim
 * is gone, and after KILL_WAIT_MS "process N did not exit" and kill_process()'s "kill failed: Timer
 * expired" (strerror(ETIME)); then it sleeps as usual and goes back to its normal checks.
 */
export class EarlyoomLoop {
	/** The signalled victim still being waited for, and when it was signalled (ms). */
	pending: {pid: number; sentMs: number; killed: boolean} | null = null;

	constructor(readonly limits: EarlyoomLimits = EARLYOOM_DEFAULTS) {}

	poll(
		nowMs: number,
		m: EarlyoomMeminfo,
		procs: readonly EarlyoomProc[],
	): {action: EarlyoomAction | null; lines: string[]; extraSleepMs?: number} {
		const w = this.pending;
		if (w) {
			const waited = nowMs - w.sentMs;
			if (waited >= KILL_WAIT_MS) {
				this.pending = null;
				return {
					action: null,
					lines: [`earlyoom: process ${w.pid} did not exit`, 'earlyoom: kill failed: Timer expired'],
				};
			}
			// kill.c escalates before its is_alive() check; a victim already gone is reported gone here
			// instead (a SIGKILL to it would only fail with ESRCH).
			const gone = this.afterSignal(
				nowMs,
				procs.some((p) => p.pid === w.pid),
			);
			if (gone.length > 0) return {action: null, lines: gone};
			if (!w.killed && lowmemSignal(m, this.limits) === 'SIGKILL') {
				w.killed = true;
				const line = `earlyoom: escalating to SIGKILL after ${secs(waited)} seconds`;
				return {action: {signal: 'SIGKILL', pid: w.pid, lines: [line]}, lines: [line]};
			}
			return {action: null, lines: []};
		}
		const sig = lowmemSignal(m, this.limits);
		if (!sig) return {action: null, lines: []};
		const victim = findLargestProcess(procs);
		if (!victim)
			return {
				action: null,
				lines: ['earlyoom: Could not find a process to kill. Sleeping 1 second.'],
				extraSleepMs: NO_VICTIM_SLEEP_MS,
			};
		const lines = killLines(sig, m, this.limits, victim);
		this.pending = {pid: victim.pid, sentMs: nowMs, killed: sig === 'SIGKILL'};
		return {action: {signal: sig, pid: victim.pid, lines}, lines};
	}

	/** kill_wait()'s is_alive() check: once the victim is gone, the line, and the wait is over. */
	afterSignal(nowMs: number, alive: boolean): string[] {
		const w = this.pending;
		if (!w || alive) return [];
		this.pending = null;
		return [`earlyoom: process ${w.pid} exited after ${secs(nowMs - w.sentMs)} seconds`];
	}
}
