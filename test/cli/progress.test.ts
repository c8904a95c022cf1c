// Long work reports how far it has got, for the progress bar on a terminal's stderr (issue 16):
// a headless run after every interval (and between slices of stepping), a compare run every
// simulated second. The bar itself is test/common/progress.test.ts.
import {describe, expect, it} from 'vitest';
import {PROGRESS_EVERY_TICKS, runPolicy} from '../../source/cli/compare-run.js';
import {runHeadless} from '../../source/cli/headless.js';
import {processIo} from '../../source/cli/io.js';
import {Stepper} from '../../source/record/stepper.js';
import {Machine} from '../../source/sim/machine.js';
import {TICKS_PER_SECOND} from '../../source/sim/units.js';
import {group, MIB, workload} from '../helpers/workload.js';

const w = workload([group('app', {regions: [{name: 'heap', kind: 'anon', size: 8 * MIB}]})], {ram: 64 * MIB});

describe('progress of long work', () => {
	it('a headless run reports rising fractions, the last one 1 at its end', async () => {
		const seen: number[] = [];
		await runHeadless(new Stepper(new Machine(w, {seed: 1})), {
			duration: 3,
			interval: 0.5,
			json: true,
			write: () => {},
			onProgress: (f) => seen.push(f),
		});
		// One per interval at least (six), more if slices of stepping ended between them.
		expect(seen.length).toBeGreaterThanOrEqual(6);
		expect(seen.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!))).toBe(true);
		expect(seen.at(-1)).toBe(1);
		expect(seen).toContain(0.5);
	});

	it('a compare run reports each simulated second, and its result does not depend on it', () => {
		const seen: number[] = [];
		const withBar = runPolicy(w, 1, 'lru2', 4, (f) => seen.push(f));
		expect(PROGRESS_EVERY_TICKS).toBe(TICKS_PER_SECOND);
		expect(seen).toEqual([0, 0.25, 0.5, 0.75]);
		expect(runPolicy(w, 1, 'lru2', 4)).toEqual(withBar);
	});

	it('the process streams say whether they are a terminal (the bar asks them)', () => {
		// They did not, and no bar was ever drawn: trace's had been silent since writes became synchronous.
		expect(processIo.stderr.isTTY).toBe(process.stderr.isTTY === true);
		expect(processIo.stdout.isTTY).toBe(process.stdout.isTTY === true);
	});
});
