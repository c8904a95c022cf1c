// Sizes, durations and rates as people write them in workload files, and back again for messages.
// Units are binary (K = KiB = 1024 bytes), as free(1), /proc/meminfo and the kernel's memparse() use.
import {GIB, KIB, MIB, PAGE_SIZE} from '../sim/units.js';

const SIZE_UNITS: Record<string, number> = {'': 1, b: 1, k: KIB, m: MIB, g: GIB, t: 1024 * GIB};

// 512M, 1.5G, 64KiB, 4kb, 4096, 4096B; an optional sign for signed sizes (balloon: -512M).
const SIZE_RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)\s*(?:([kmgt])(?:i?b)?|(b))?$/i;

/** Bytes from `512M`, `4G`, `1.5G`, `64K` or a plain number of bytes; undefined when it is not a size. */
export function parseSize(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string') return undefined;
	const m = SIZE_RE.exec(value.trim());
	if (!m) return undefined;
	const unit = (m[3] ?? m[4] ?? '').toLowerCase();
	const bytes = Number(m[2]) * (SIZE_UNITS[unit] ?? 1);
	return m[1] === '-' ? -bytes : bytes;
}

/** Round a byte count away from zero to whole 4 KiB pages (the simulator only deals in pages). */
export function roundUpToPages(bytes: number): number {
	const pages = Math.ceil(Math.abs(bytes) / PAGE_SIZE);
	return Math.sign(bytes) * pages * PAGE_SIZE;
}

const DURATION_UNITS: Record<string, number> = {ms: 0.001, s: 1, m: 60, h: 3600};
const DURATION_RE = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ms|s|m|h)/i;

/** Seconds from `30s`, `2m`, `1h`, `500ms`, `1m30s` or a plain number of seconds. */
export function parseDuration(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string') return undefined;
	let rest = value.trim();
	if (rest === '') return undefined;
	if (/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(rest)) return Number(rest);
	let seconds = 0;
	while (rest.length > 0) {
		const m = DURATION_RE.exec(rest);
		if (!m) return undefined;
		const numberPart = /^[\d.]+/.exec(m[0])![0];
		const unit = m[0].slice(numberPart.length).toLowerCase();
		seconds += Number(numberPart) * (DURATION_UNITS[unit] ?? 1);
		rest = rest.slice(m[0].length);
	}
	// Avoid 0.30000000000000004 from sums of ms parts.
	return Math.round(seconds * 1e6) / 1e6;
}

/** Bytes per second from `20M/s`, `512K/s` (the `/s` may be left out) or a plain number. */
export function parseRate(value: unknown): number | undefined {
	if (typeof value === 'string') {
		const trimmed = value.trim().replace(/\s*\/\s*s(?:ec)?$/i, '');
		return parseSize(trimmed);
	}
	return parseSize(value);
}

function trimNumber(n: number, decimals: number): string {
	return n.toFixed(decimals).replace(/\.?0+$/, '');
}

/** 4 GiB, 1.5 GiB, 512 MiB, 64 KiB, 100 B (negative sizes keep their sign). */
export function formatBytes(bytes: number): string {
	const sign = bytes < 0 ? '-' : '';
	const b = Math.abs(bytes);
	if (b >= GIB) return `${sign}${trimNumber(b / GIB, 2)} GiB`;
	if (b >= MIB) return `${sign}${trimNumber(b / MIB, 1)} MiB`;
	if (b >= KIB) return `${sign}${trimNumber(b / KIB, 1)} KiB`;
	return `${sign}${b} B`;
}

/** 1h, 2m30s, 45s, 500ms, 1.5s. */
export function formatDuration(seconds: number): string {
	if (seconds === 0) return '0s';
	if (seconds < 1) return `${trimNumber(seconds * 1000, 1)}ms`;
	if (!Number.isInteger(seconds)) return `${trimNumber(seconds, 3)}s`;
	const h = Math.floor(seconds / 3600);
	const m = Math.floor((seconds % 3600) / 60);
	const s = seconds % 60;
	return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
