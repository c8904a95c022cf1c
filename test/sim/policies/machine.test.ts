// The round-2 policies on the live machine: a small machine under memory pressure (anon heaps past
// RAM with swap, written to, and a file being read and written) runs with each for 0.15 simulated
// seconds, and the machine's invariants hold at every tick while the policy reclaims
// through the real contract (dirty pages kept for writeback, swap, the scan budget).
import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../../source/sim/invariants.js';
import {Machine} from '../../../source/sim/machine.js';
import {MIB} from '../../../source/sim/units.js';
import {group, workload} from '../../helpers/workload.js';
import {MODERN} from './helpers.js';

const TICKS = 15;

const pressure = workload(
	[
		group('batch', {
			count: 2,
			rate: 50_000,
			regions: [{name: 'heap', kind: 'anon', size: 20 * MIB}],
			streams: [
				{region: 'heap', pattern: 'sequential', weight: 1, write_ratio: 0.3},
				{region: 'heap', pattern: 'zipf', skew: 0.9, weight: 2, write_ratio: 0.3},
			],
		}),
		group('reader', {
			rate: 20_000,
			regions: [{name: 'data', kind: 'file', size: 16 * MIB}],
			streams: [{region: 'data', pattern: 'zipf', weight: 1, write_ratio: 0.2}],
		}),
	],
	{ram: 48 * MIB},
);

const runs = new Map<string, string>();

function run(policy: string): {fingerprint: string; stolen: number} {
	const m = new Machine(pressure, {seed: 5, policy});
	for (let t = 0; t < TICKS; t++) {
		m.step();
		const errors = checkInvariants(m);
		if (errors.length) throw new Error(`${policy} tick ${m.tick}: ${errors.join('; ')}`);
	}
	const v = m.vm;
	const fingerprint = [v.pgfault, v.pgmajfault, v.pswpout, v.pgsteal_anon, v.pgsteal_file].join(',');
	runs.set(policy, fingerprint);
	return {fingerprint, stolen: v.pgsteal_anon + v.pgsteal_file};
}

describe('round-2 policies on the machine', () => {
	it.each(MODERN)('%s reclaims under pressure with the invariants holding every tick', (policy) => {
		expect(run(policy).stolen).toBeGreaterThan(0);
	});

	it('runs are deterministic, and the policies make different choices', () => {
		expect(run('arc').fingerprint).toBe(runs.get('arc'));
		expect(new Set(runs.values()).size).toBeGreaterThan(3);
	});
});
