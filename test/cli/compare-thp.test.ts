// memtop compare --thp: one run per transparent_hugepage/enabled mode, THP figures in the table.
import {describe, expect, it} from 'vitest';
import {parseThpModes, runLabels} from '../../source/cli/compare.js';
import {type CompareResult, runPolicy, withThp} from '../../source/cli/compare-run.js';
import {group, MIB, workload} from '../helpers/workload.js';

describe('compare --thp', () => {
	it('parses the modes and refuses an unknown one in one line', () => {
		expect(parseThpModes('always, never')).toEqual(['always', 'never']);
		expect(() => parseThpModes('always,sometimes')).toThrow(
			"--thp: unknown transparent_hugepage mode 'sometimes' (expected one of always, madvise, never)",
		);
	});

	it('sets the mode from boot and reports the THP counters; labels say the mode', () => {
		const w = workload([group('db', {regions: [{name: 'heap', kind: 'anon', size: 8 * MIB}]})]);
		expect(withThp(w, 'never').machine.sysctl.transparent_hugepage_enabled).toBe(2);
		const always = runPolicy(w, 1, 'lru2', 2, undefined, undefined, 'always');
		const never = runPolicy(w, 1, 'lru2', 2, undefined, undefined, 'never');
		// 8 MiB heap: 4 aligned ranges, each a THP on a fresh machine, no compaction needed.
		expect(always.thp).toEqual({
			mode: 'always',
			compactStall: 0,
			faultAlloc: 4,
			faultFallback: 0,
			collapseAlloc: 0,
			anonHugePages: 8192,
		});
		expect(never.thp?.faultAlloc).toBe(0);
		expect(runLabels([always, never] as CompareResult[], false)).toEqual(['THP always', 'THP never']);
	});
});
