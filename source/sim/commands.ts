// Everything outside the core (the workload's timed events, the keyboard, a recording) changes the
// machine only through these commands. Each is plain JSON so a recording can store it verbatim.
import type {ProcessSpec, SysctlName} from './spec.js';

export type Command =
	| {kind: 'spawn'; spec: ProcessSpec; count?: number | undefined}
	| {kind: 'kill'; pid: number}
	| {kind: 'set-sysctl'; name: SysctlName; value: number}
	| {kind: 'set-oom-score-adj'; pid: number; value: number}
	| {kind: 'set-zswap'; enabled: boolean}
	/** echo N > /proc/sys/vm/drop_caches: 1 page cache, 2 slab, 3 both (only clean, unmapped pages go). */
	| {kind: 'drop-caches'; mode: 1 | 2 | 3}
	/** A balloon driver takes `bytes` of RAM away from the guest (negative: gives it back). */
	| {kind: 'balloon'; bytes: number};

export type CommandKind = Command['kind'];
export const COMMAND_KINDS: readonly CommandKind[] = [
	'spawn',
	'kill',
	'set-sysctl',
	'set-oom-score-adj',
	'set-zswap',
	'drop-caches',
	'balloon',
];
