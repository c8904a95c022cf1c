// The policy field is checked against the registry once the registry has entries.
import {describe, expect, it, vi} from 'vitest';
import {workloadSchema} from '../../source/workload/schema.js';

vi.mock('../../source/sim/policies/index.js', () => ({
	DEFAULT_POLICY: 'lru2',
	policyNames: ({includeTraceOnly}: {includeTraceOnly: boolean}) =>
		includeTraceOnly ? ['lru2', 'mglru', 'fifo', 'opt'] : ['lru2', 'mglru', 'fifo'],
	policyInfo: (name: string) => (name === 'opt' ? {name, traceOnly: true} : undefined),
}));

const base = {
	processes: [{name: 'app', rate: 0, regions: [{name: 'heap', size: '1M'}]}],
};

function policyResult(policy: string): string {
	const result = workloadSchema({name: 'x'}).safeParse({...base, machine: {ram: '1G', policy}});
	return result.success ? `ok ${result.data.machine.policy}` : result.error.issues[0]!.message;
}

describe('machine.policy with a filled registry', () => {
	it('accepts registered policies', () => {
		expect(policyResult('mglru')).toBe('ok mglru');
	});

	it('lists the accepted names, with a hint', () => {
		expect(policyResult('mglur')).toBe(
			'expected one of the policies lru2, mglru or fifo, got "mglur" (did you mean mglru?)',
		);
		expect(policyResult('clock-pro')).toBe(
			'expected one of the policies lru2, mglru or fifo, got "clock-pro"',
		);
	});

	it('explains why a trace-only policy cannot run the machine', () => {
		expect(policyResult('opt')).toBe(
			'expected a policy the machine can run (opt needs the future, so only the trace lab runs it), got "opt"',
		);
	});
});
