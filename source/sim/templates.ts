// Process templates the dashboard's pressure keys spawn. Full specs, so a recording of the
// spawn command is self-contained.
import type {ExecImage, ProcessSpec} from './spec.js';
import {GIB, MIB} from './units.js';

/** Hog sizes cycle with repeated presses of `a`. */
export const HOG_SIZES = [256 * MIB, 512 * MIB, GIB, 2 * GIB] as const;

/** A memory hog: allocates `bytes` of anonymous memory and keeps all of it hot. */
export function hogSpec(bytes: number): ProcessSpec {
	return {
		name: 'hog',
		rate: 40_000,
		regions: [{name: 'heap', kind: 'anon', size: bytes}],
		streams: [{region: 'heap', pattern: 'random', weight: 1, write_ratio: 0.5}],
		oom_score_adj: 0,
		compressibility: 0.5,
	};
}

/** A streaming reader (`cat bigfile > /dev/null`): floods the page cache with use-once pages. */
export function cacheFloodSpec(): ProcessSpec {
	return {
		name: 'reader',
		rate: 60_000,
		regions: [{name: 'bigfile', kind: 'file', size: 16 * GIB, object: 'bigfile', access: 'read'}],
		streams: [{region: 'bigfile', pattern: 'stream', weight: 1}],
		oom_score_adj: 0,
		compressibility: 0.5,
	};
}

/** A leak: mallocs and writes 16 MiB/s that it never touches again. */
export function leakSpec(): ProcessSpec {
	return {
		name: 'leaker',
		rate: 10_000,
		regions: [
			{name: 'work', kind: 'anon', size: 32 * MIB},
			{name: 'leak', kind: 'anon', size: 64 * GIB},
		],
		streams: [
			{region: 'work', pattern: 'zipf', weight: 0.8, skew: 1},
			{region: 'leak', pattern: 'grow', weight: 0.2, grow: 16 * MIB},
		],
		oom_score_adj: 0,
		compressibility: 0.7,
	};
}

/**
 * A shell's image (`exec sh`, key E): what a fork child runs when it execs a command. A 4 MiB heap it
 * touches and its 1 MiB text; small, so its exec shows what the old mm gave back.
 */
export function shellImage(): ExecImage {
	return {
		name: 'sh',
		rate: 1000,
		regions: [
			{name: 'heap', kind: 'anon', size: 4 * MIB, locked: false},
			{name: 'text', kind: 'file', size: MIB, object: '/usr/bin/dash', access: 'mmap'},
		],
		streams: [
			{region: 'heap', pattern: 'random', weight: 0.5, write_ratio: 0.3},
			{region: 'text', pattern: 'zipf', weight: 0.5, skew: 1, write_ratio: 0},
		],
		compressibility: 0.5,
	};
}
