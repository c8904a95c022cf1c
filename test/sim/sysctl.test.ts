// The sysctl table (source/sim/sysctl.ts) is the one source of names, defaults and ranges: the
// workload schema, the set-sysctl clamp, the recording header's check and docs/workloads.md all
// follow it. The ranges are the kernel's (proc_dointvec_minmax extra1..extra2, or what the sysfs
// store parses).
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {
	clampSysctl,
	DEFAULT_SYSCTLS,
	SYSCTL_NAMES,
	SYSCTLS,
	type SysctlName,
} from '../../source/sim/sysctl.js';
import {workloadSchema} from '../../source/workload/schema.js';
import {group, workload} from '../helpers/workload.js';

function fileWith(sysctl: Record<string, unknown>): unknown {
	return {
		machine: {ram: '1G', sysctl},
		processes: [
			{
				name: 'app',
				rate: 1000,
				regions: [{name: 'heap', size: '16M'}],
				streams: [{region: 'heap', pattern: 'random'}],
			},
		],
	};
}

const accepts = (sysctl: Record<string, unknown>): boolean =>
	workloadSchema({name: 'test'}).safeParse(fileWith(sysctl)).success;

describe('the kernel ranges', () => {
	it('are the ones in the kernel sysctl tables', () => {
		const ranges = Object.fromEntries(SYSCTL_NAMES.map((n) => [n, [SYSCTLS[n].min, SYSCTLS[n].max]]));
		expect(ranges).toEqual({
			swappiness: [0, 200], // SYSCTL_ZERO..SYSCTL_TWO_HUNDRED
			min_free_kbytes: [0, 2 ** 31 - 1], // extra1 = SYSCTL_ZERO, no extra2
			watermark_scale_factor: [1, 3000], // SYSCTL_ONE..SYSCTL_THREE_THOUSAND
			watermark_boost_factor: [0, 2 ** 31 - 1], // extra1 = SYSCTL_ZERO, no extra2
			dirty_ratio: [0, 100],
			dirty_background_ratio: [0, 100],
			overcommit_memory: [0, 2],
			overcommit_ratio: [0, 2 ** 31 - 1], // proc_dointvec: unbounded above
			admin_reserve_kbytes: [0, 2 ** 53 - 1], // proc_doulongvec_minmax: ULONG_MAX, here 2^53 − 1
			user_reserve_kbytes: [0, 2 ** 53 - 1],
			page_cluster: [0, 31], // page_cluster_max
			min_ttl_ms: [0, 2 ** 32 - 1], // kstrtouint
			extfrag_threshold: [0, 1000], // SYSCTL_ZERO..SYSCTL_ONE_THOUSAND
			compaction_proactiveness: [0, 100], // SYSCTL_ZERO..SYSCTL_ONE_HUNDRED
			nr_hugepages: [0, 2 ** 31 - 1], // an unsigned long in the kernel; an int's range here
			compact_memory: [0, 1], // write-only: 1 compacts
			transparent_hugepage_enabled: [0, 2], // always, madvise, never
			transparent_hugepage_defrag: [0, 4], // always, defer, defer+madvise, madvise, never
			khugepaged_pages_to_scan: [1, 2 ** 32 - 1], // kstrtouint, not 0
			khugepaged_scan_sleep_millisecs: [0, 2 ** 32 - 1],
			khugepaged_alloc_sleep_millisecs: [0, 2 ** 32 - 1],
			khugepaged_max_ptes_none: [0, 511], // at most HPAGE_PMD_NR − 1
			khugepaged_max_ptes_swap: [0, 511],
			khugepaged_max_ptes_shared: [0, 511],
		});
	});

	it('defaults are the kernel defaults; min_free_kbytes has none (derived at boot)', () => {
		expect(DEFAULT_SYSCTLS).toEqual({
			swappiness: 60,
			watermark_scale_factor: 10,
			watermark_boost_factor: 15000,
			dirty_ratio: 20,
			dirty_background_ratio: 10,
			overcommit_memory: 0,
			overcommit_ratio: 50,
			page_cluster: 3,
			min_ttl_ms: 0,
			extfrag_threshold: 500,
			compaction_proactiveness: 20,
			nr_hugepages: 0,
			compact_memory: 0,
			transparent_hugepage_enabled: 1, // madvise (Kconfig's default is always: see sysctl.ts)
			transparent_hugepage_defrag: 3, // madvise
			khugepaged_pages_to_scan: 4096,
			khugepaged_scan_sleep_millisecs: 10000,
			khugepaged_alloc_sleep_millisecs: 60000,
			khugepaged_max_ptes_none: 511,
			khugepaged_max_ptes_swap: 64,
			khugepaged_max_ptes_shared: 256,
		});
	});
});

describe('the set-sysctl clamp', () => {
	it('truncates and clamps to the range', () => {
		expect(clampSysctl('swappiness', 250)).toBe(200);
		expect(clampSysctl('swappiness', -3)).toBe(0);
		expect(clampSysctl('swappiness', 99.9)).toBe(99);
		expect(clampSysctl('watermark_scale_factor', 0)).toBe(1);
		expect(clampSysctl('page_cluster', 40)).toBe(31);
		// Values the old clamp changed (128..4194304, 0..1000, 0..1000000) now pass as the kernel's do.
		expect(clampSysctl('min_free_kbytes', 64)).toBe(64);
		expect(clampSysctl('overcommit_ratio', 5000)).toBe(5000);
		expect(clampSysctl('min_ttl_ms', 2_000_000)).toBe(2_000_000);
	});

	it('is what the machine applies', () => {
		const m = new Machine(workload([group('idle', {rate: 0, streams: []})]), {seed: 1});
		m.apply({kind: 'set-sysctl', name: 'page_cluster', value: 99});
		m.apply({kind: 'set-sysctl', name: 'overcommit_ratio', value: 3000});
		expect(m.sysctl.page_cluster).toBe(31);
		expect(m.sysctl.overcommit_ratio).toBe(3000);
		expect(m.drainEvents().map((e) => (e.kind === 'command' ? e.summary : e.kind))).toContain(
			'vm.page_cluster = 31',
		);
	});
});

describe('the workload schema', () => {
	it('accepts each end of every range and refuses one past it', () => {
		for (const name of SYSCTL_NAMES) {
			const {min, max} = SYSCTLS[name];
			// min_free_kbytes is also held to a quarter of RAM (1 GiB here: 262144 KiB).
			const top = name === 'min_free_kbytes' ? 262_144 : max;
			expect([name, accepts({[name]: min})]).toEqual([name, true]);
			expect([name, accepts({[name]: top})]).toEqual([name, true]);
			expect([name, accepts({[name]: min - 1})]).toEqual([name, false]);
			expect([name, accepts({[name]: top + 1})]).toEqual([name, false]);
		}
	});
});

describe('docs/workloads.md', () => {
	it('lists every sysctl with the table default, range and meaning', () => {
		const doc = readFileSync(new URL('../../docs/workloads.md', import.meta.url), 'utf8');
		const section = doc.slice(doc.indexOf('### `sysctl`'), doc.indexOf('## `processes`'));
		const rows = new Map<string, string[]>();
		for (const line of section.split('\n')) {
			const cells = line.split('|').map((c) => c.trim());
			const key = /^`([a-z_]+)`$/.exec(cells[1] ?? '')?.[1];
			if (key) rows.set(key, cells.slice(2, 5));
		}
		expect([...rows.keys()]).toEqual(SYSCTL_NAMES);
		for (const [name, [def, range, meaning]] of rows) {
			const s = SYSCTLS[name as SysctlName];
			expect(def).toBe(s.default === null ? 'derived' : `\`${s.default}\``);
			expect(range).toBe('values' in s ? s.values.join(', ') : `${s.min}..${s.max}`);
			expect(meaning?.replaceAll('`', '')).toBe(s.meaning);
		}
	});
});
