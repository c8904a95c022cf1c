// The real traces shipped in traces/ (see docs/trace.md): they load, and the stories in the docs
// hold. Counts were computed once with memtop and pinned.
import {describe, expect, it} from 'vitest';
import {openTraceInput} from '../../source/trace/input.js';
import {runTrace, type TraceOptions} from '../../source/trace/run.js';
import {readTrace} from '../../source/trace/source.js';

const trace = (name: string): string => new URL(`../../traces/${name}.mtrace.gz`, import.meta.url).pathname;
const base: TraceOptions = {
	policies: ['lru'],
	frames: [4],
	format: 'auto',
	pageSize: 4096,
	dataOnly: false,
	skipBad: false,
};

async function faults(
	name: string,
	options: Partial<TraceOptions>,
): Promise<{references: number; distinct: number; faults: number[]}> {
	const report = await runTrace(await openTraceInput(trace(name), process.stdin), {...base, ...options});
	expect(report.format).toBe('binary');
	return {
		references: report.references,
		distinct: report.distinct,
		faults: report.results.map((r) => r.faults),
	};
}

describe('shipped real traces', () => {
	it('sort and compress load: counts as in docs/trace.md', async () => {
		for (const [name, references, distinct] of [
			['sort', 3_324_927, 129],
			['compress', 1_504_810, 69],
		] as const) {
			let seen = 0;
			const r = await readTrace(await openTraceInput(trace(name), process.stdin), base, (_ids, n) => {
				seen += n;
			});
			expect({format: r.format, references: r.references, distinct: r.distinct, seen}).toEqual({
				format: 'binary',
				references,
				distinct,
				seen: references,
			});
		}
	});

	it("matmul: lru faults on every step of B's column walk until all of B fits", async () => {
		const r = await faults('matmul', {frames: [16, 32]});
		expect(r).toMatchObject({references: 3_594_240, distinct: 72});
		expect(r.faults).toEqual([178_668, 147]);
	});
});
