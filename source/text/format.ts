// Turning machine numbers into the short strings a terminal column has room for, and events into
// log lines: shared by the dashboard, headless output and messages. Sizes in the snapshot are pages
// of 4 KiB; every display path goes through here.
import type {SimEvent, SimEventKind} from '../sim/events.js';
import {PAGE_SIZE, TICKS_PER_SECOND} from '../sim/units.js';
import {escapeText} from './escape.js';

const UNITS = ['B', 'K', 'M', 'G', 'T'] as const;

/** Three significant digits at most, htop style: 512K, 9.75M, 12.3M, 512M, 1.21G. */
function compact(value: number, unitIndex: number): string {
	let v = value;
	let u = unitIndex;
	while (v >= 1023.5 && u < UNITS.length - 1) {
		v /= 1024;
		u++;
	}
	const unit = UNITS[u];
	if (u <= 1 || v === 0) return `${Math.round(v)}${unit}`;
	if (v < 9.995) return `${v.toFixed(2)}${unit}`;
	if (v < 99.95) return `${v.toFixed(1)}${unit}`;
	return `${Math.round(v)}${unit}`;
}

/** A byte count as at most five characters (1020K, 9.75M, 1.21G). */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes)) return '?';
	const sign = bytes < 0 ? '-' : '';
	const abs = Math.abs(bytes);
	if (abs < 1024) return `${sign}${Math.round(abs)}B`;
	return sign + compact(abs / 1024, 1);
}

/** Round binary sizes for messages: "256 MiB", "1 GiB", "1.5 GiB", "12 KiB". */
export function formatBinary(bytes: number): string {
	const abs = Math.abs(bytes);
	const [scale, unit] =
		abs >= 1024 ** 3 ? [1024 ** 3, 'GiB'] : abs >= 1024 ** 2 ? [1024 ** 2, 'MiB'] : [1024, 'KiB'];
	const v = bytes / scale;
	return `${Number.isInteger(v) ? v : v.toFixed(1)} ${unit}`;
}

/** Pages as a compact size; zero stays a bare 0 so empty columns read quietly. */
export function formatPages(pages: number): string {
	if (pages === 0) return '0';
	return formatBytes(pages * PAGE_SIZE);
}

/** Pages the way /proc prints them: "1234 kB". */
export function formatKb(pages: number): string {
	return `${Math.round((pages * PAGE_SIZE) / 1024)} kB`;
}

/** An event count or a rate: 0, 12, 999, 1.2k, 12.9k, 123k, 1.2M. */
export function formatCount(value: number): string {
	if (!Number.isFinite(value)) return '?';
	const abs = Math.abs(value);
	const sign = value < 0 ? '-' : '';
	if (abs < 999.5) return sign + String(Math.round(abs));
	const steps: [number, string][] = [
		[1e9, 'G'],
		[1e6, 'M'],
		[1e3, 'k'],
	];
	for (const [scale, suffix] of steps) {
		if (abs >= scale * 0.9995) {
			const v = abs / scale;
			if (v < 99.95) return `${sign}${v.toFixed(1)}${suffix}`;
			if (v < 999.5) return `${sign}${Math.round(v)}${suffix}`;
		}
	}
	return `${sign}${abs.toExponential(1)}`;
}

/** A share 0..1 as a whole percentage ("12%"); digits for PSI-like precision. */
export function formatPercent(fraction: number, digits = 0): string {
	if (!Number.isFinite(fraction)) return '?';
	return `${(fraction * 100).toFixed(digits)}%`;
}

/** Simulated seconds as h:mm:ss. */
export function formatClock(seconds: number): string {
	const total = Math.max(0, Math.floor(seconds));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/**
 * Simulated time to the tick (10 ms) as h:mm:ss.cc, for a paused clock: stepping with `.` moves it
 * one tick, which whole seconds would not show.
 */
export function formatClockTicks(ticks: number): string {
	const t = Math.max(0, Math.floor(ticks));
	const hundredths = ((t % TICKS_PER_SECOND) * 100) / TICKS_PER_SECOND;
	return `${formatClock(Math.floor(t / TICKS_PER_SECOND))}.${String(Math.floor(hundredths)).padStart(2, '0')}`;
}

/** A short duration for axis labels: 45s, 4m, 4m30s, 1h05m. */
export function formatDuration(seconds: number): string {
	const total = Math.max(0, Math.round(seconds));
	if (total < 60) return `${total}s`;
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
	return s === 0 ? `${m}m` : `${m}m${String(s).padStart(2, '0')}s`;
}

/** dmesg-style timestamp of a tick: "[   83.45]". */
export function formatDmesgTime(tick: number): string {
	return `[${(tick / TICKS_PER_SECOND).toFixed(2).padStart(8)}]`;
}

/** Simulation speed: ×0.25, ×1, ×100, max. */
export function formatSpeed(speed: number): string {
	return Number.isFinite(speed) ? `×${speed}` : 'max';
}

/** "mm:ss", "h:mm:ss" or plain seconds into seconds; null if it is not a time. */
export function parseTime(text: string): number | null {
	const trimmed = text.trim();
	if (!/^\d+(:\d{1,2}){0,2}$/.test(trimmed)) return null;
	return trimmed.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

/** Exactly `width` columns: truncated with an ellipsis or padded on the right. */
export function fitRight(text: string, width: number): string {
	if (width <= 0) return '';
	if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
	return text.padEnd(width);
}

/** Exactly `width` columns, right-aligned; numbers too wide keep their tail visible. */
export function fitLeft(text: string, width: number): string {
	if (width <= 0) return '';
	if (text.length > width) return text.slice(text.length - width);
	return text.padStart(width);
}

/** Truncate without padding. */
export function clip(text: string, width: number): string {
	if (width <= 0) return '';
	return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}

const SPARK = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as block characters, eight even steps from zero to the series' own peak
 * (so growth shows whatever the size); zero is blank. Pads on the left while history is short.
 */
export function sparkline(values: readonly number[], width: number): string {
	if (width <= 0) return '';
	const tail = values.slice(-width);
	let peak = 0;
	for (const v of tail) if (v > peak) peak = v;
	let out = '';
	for (const v of tail) {
		out += v <= 0 || peak <= 0 ? ' ' : SPARK[Math.min(7, Math.max(0, Math.ceil((v / peak) * 8) - 1))];
	}
	return out.padStart(width);
}

const describeExit: Record<Extract<SimEvent, {kind: 'process-exit'}>['reason'], string> = {
	finished: 'exited',
	// By a kill command, the user's or the workload's (the command's own line says whose).
	killed: 'killed (SIGKILL)',
	terminated: 'exited on SIGTERM, memory freed',
	'oom-killed': 'OOM-killed, memory freed',
	enomem: 'failed: out of memory (ENOMEM)',
	segfault: 'killed by SIGSEGV (segmentation fault), memory freed',
};

/** One formatter per event kind: adding a kind to SimEvent without one here is a compile error. */
type EventFormatters = {[K in SimEventKind]: (event: Extract<SimEvent, {kind: K}>) => string};

const EVENT_FORMATTERS: EventFormatters = {
	'process-start': (e) => `started ${e.pid} (${e.name})`,
	'process-exit': (e) => `${e.pid} (${e.name}) ${describeExit[e.reason]}`,
	// The comparison in pages, as zone_watermark_ok() makes it: the check fails at free <= mark, so
	// kswapd is woken with free equal to low too (sizes alone round 3050 and 3051 alike).
	'kswapd-wake': (e) =>
		e.boost
			? `kswapd0 woke: watermarks boosted by ${e.boost} pages (${formatPages(e.boost)}) after a fallback stole from another pageblock; free ${e.free} pages (${formatPages(e.free)})`
			: `kswapd0 woke: free ${e.free} ≤ low ${e.low} pages (${formatPages(e.free)} ≤ ${formatPages(e.low)})`,
	'kswapd-sleep': (e) =>
		`kswapd0 sleeps: free ${e.free} ≥ high ${e.high} pages (${formatPages(e.free)}), reclaimed ${formatPages(e.reclaimed)}`,
	'direct-reclaim': (e) =>
		`${e.pid} (${e.name}) direct reclaim: ${e.stalls} stall${e.stalls === 1 ? '' : 's'}, reclaimed ${formatPages(e.reclaimed)}`,
	'zswap-pool-full': (e) =>
		`zswap: pool limit hit (${formatPages(e.poolPages)}/${formatPages(e.limitPages)}), storing straight to swap`,
	'zswap-accepting': (e) => `zswap: pool down to ${formatPages(e.poolPages)}, accepting pages again`,
	'zswap-writeback': (e) => `zswap: wrote back ${formatPages(e.pages)} to the swap device`,
	'zram-full': () => 'zram0: mem_limit reached, swap-out fails',
	'swap-full': () => 'swap: no free swap slots left',
	// The kernel's own final line ("Out of memory: Killed process …") is what people grep for.
	'oom-kill': (e) => e.lines.at(-1) ?? `Out of memory: Killed process ${e.pid} (${e.name})`,
	'oom-reaped': (e) => e.line,
	'userspace-oom-log': (e) => e.line,
	'alloc-fail': (e) => `${e.pid} (${e.name}): page allocation failure: ${e.reason}`,
	// The kernel's own line (show_signal_msg), as dmesg has it.
	segfault: (e) => e.line,
	// The workload file's narration: what to watch now.
	note: (e) => `note: ${e.text}`,
	// `>` for what the user typed, as a shell prompt; the workload's own timed events say so.
	command: (e) => (e.origin === 'workload' ? `workload event: ${e.summary}` : `> ${e.summary}`),
};

/** An event as one log line, without the timestamp; names from files are escaped (text/escape.ts). */
export function formatEvent(event: SimEvent): string {
	const format = EVENT_FORMATTERS[event.kind] as (e: SimEvent) => string;
	return escapeText(format(event));
}
