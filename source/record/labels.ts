// Times and labels recordings are shown with (timeline markers, listings, messages).
import type {Command} from '../sim/commands.js';
import {MIB, TICKS_PER_SECOND} from '../sim/units.js';

/** Simulated time of a tick as m:ss.cc (h:mm:ss.cc from an hour): "0:42.10". */
export function formatTickTime(tick: number): string {
	const cs = Math.max(0, Math.round(tick * (100 / TICKS_PER_SECOND)));
	const h = Math.floor(cs / 360_000);
	const m = Math.floor((cs % 360_000) / 6000);
	const s = Math.floor((cs % 6000) / 100);
	const c = cs % 100;
	const mm = h > 0 ? `${h}:${String(m).padStart(2, '0')}` : String(m);
	return `${mm}:${String(s).padStart(2, '0')}.${String(c).padStart(2, '0')}`;
}

function mib(bytes: number): string {
	const v = bytes / MIB;
	return `${Number.isInteger(v) ? v : v.toFixed(1)} MiB`;
}

function cgroupValue(c: Extract<Command, {kind: 'set-cgroup'}>): string {
	if (c.value === null) return 'max';
	return c.file === 'memory.oom.group' ? String(c.value) : mib(c.value);
}

/** A short label for a command (timeline markers, listings). */
export function describeCommand(c: Command): string {
	switch (c.kind) {
		case 'spawn':
			return `spawn ${c.spec.name}${(c.count ?? 1) > 1 ? ` ×${c.count}` : ''}`;
		case 'fork':
			return `fork ${c.pid}${c.name ? ` → ${c.name}` : ''}`;
		case 'exec':
			return `exec ${c.pid}${c.image ? ` → ${c.image.name}` : ''}`;
		case 'kill':
			return c.signal === 'SIGTERM' ? `kill -TERM ${c.pid}` : `kill ${c.pid}`;
		case 'set-sysctl':
			return `vm.${c.name} = ${c.value}`;
		case 'set-oom-score-adj':
			return `oom_score_adj ${c.pid} = ${c.value}`;
		case 'set-zswap':
			return `zswap ${c.enabled ? 'on' : 'off'}`;
		case 'drop-caches':
			return `drop_caches ${c.mode}`;
		case 'balloon':
			return `balloon ${c.bytes < 0 ? '-' : '+'}${mib(Math.abs(c.bytes))}`;
		case 'set-cgroup':
			return `${c.path} ${c.file} = ${cgroupValue(c)}`;
		case 'set-userspace-oom':
			return `userspace OOM killer: ${c.killer}`;
	}
}
