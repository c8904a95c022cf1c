// The fuzz suite in npm test (issue 15): a few hundred seeded cases of hostile workloads,
// recordings, traces and argument vectors through memtop's real entry functions. Each must be a
// clean refusal (one line, exit 2) or accepted and bounded: never a stack trace, a hang or a run over
// budget. `npm run fuzz` runs as many as asked (scripts/fuzz.ts).
import fc from 'fast-check';
import {afterAll, describe, expect, it} from 'vitest';
import {
	argvCase,
	FAILING,
	type FuzzCase,
	type Outcome,
	recordingCase,
	removeScratch,
	resolveArgv,
	runCase,
	TEST_OPTIONS,
	traceCase,
	workloadCase,
} from './harness.js';

const SEED = 15;

async function check(arbitrary: fc.Arbitrary<FuzzCase>, numRuns: number): Promise<Record<Outcome, number>> {
	const counts: Record<Outcome, number> = {refused: 0, bounded: 0, internal: 0, hang: 0, over: 0};
	await fc.assert(
		fc.asyncProperty(arbitrary, async (generated) => {
			const r = await runCase(resolveArgv(generated), TEST_OPTIONS);
			counts[r.outcome]++;
			if (FAILING.has(r.outcome))
				throw new Error(`${r.outcome}: ${generated.kind}: ${generated.how}\n${r.detail}`);
		}),
		// No shrinking: a failing case is reported as generated (npm run fuzz saves it).
		{seed: SEED, numRuns, endOnFailure: true},
	);
	return counts;
}

afterAll(removeScratch);

describe('fuzz: hostile input is refused in one line or runs bounded', () => {
	it('workloads: mutated shipped files, damaged text, random structure', async () => {
		const counts = await check(workloadCase, 120);
		// The generators reach both sides: some refused, some accepted and run.
		expect(counts.refused).toBeGreaterThan(0);
		expect(counts.bounded).toBeGreaterThan(0);
	});

	it('recordings: cut, bit flips, spliced bytes, changed numbers', async () => {
		const counts = await check(recordingCase, 80);
		expect(counts.refused).toBeGreaterThan(0);
		expect(counts.bounded).toBeGreaterThan(0);
	});

	it('traces: garbage, huge numbers, mixed formats, gzip and a gzip bomb, with flags', async () => {
		const counts = await check(traceCase, 60);
		expect(counts.refused).toBeGreaterThan(0);
		expect(counts.bounded).toBeGreaterThan(0);
	});

	it('argument vectors: every command with hostile flags, values and paths', async () => {
		const counts = await check(argvCase, 60);
		expect(counts.refused).toBeGreaterThan(0);
		expect(counts.bounded).toBeGreaterThan(0);
	});
});
