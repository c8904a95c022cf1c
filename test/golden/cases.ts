// The golden cases (see scripts/golden.ts). `full` is the set: every shipped workload with
// seeds 1-3 for 300 simulated seconds, every policy on thrash (the classic ones for 60 s), and a recorded run with every command
// kind. `quick` is a cheaper cut of the same (30 s spans) that runs in `npm test`.
export interface GoldenCase {
	name: string;
	args: string[];
	/** Record the run and keep its checkpoint hashes instead of hashing stdout. */
	record?: boolean;
}
export interface GoldenFile {
	quick: Record<string, string>;
	full: Record<string, string>;
}

export const GOLDEN_WORKLOADS = ['default', 'thrash', 'leak', 'cache-flood', 'zswap', 'protected'] as const;
export const GOLDEN_POLICIES = ['lru2', 'mglru', 'clock', 'lru', 'fifo'] as const;
const COMMANDS = 'test/golden/commands.yaml';

export function goldenCases(set: 'quick' | 'full'): GoldenCase[] {
	const duration = set === 'full' ? '300' : '30';
	const seeds = set === 'full' ? [1, 2, 3] : [1];
	const headless = (w: string, extra: string[]) => [
		'run',
		w,
		'--headless',
		'--json',
		'--duration',
		duration,
		...extra,
	];
	const cases: GoldenCase[] = [];
	for (const w of GOLDEN_WORKLOADS) {
		for (const seed of seeds)
			cases.push({name: `${w} seed ${seed}`, args: headless(w, ['--seed', String(seed)])});
	}
	for (const p of GOLDEN_POLICIES) {
		if (p === 'lru2') continue; // thrash's own policy: the same run as "thrash seed 1"
		// The classic policies (clock, lru, fifo) cost about 1 s of host time per simulated second on
		// thrash under pressure (an O(n) victim search), so they run a shorter span.
		const classic = p !== 'mglru';
		const span = classic ? (set === 'full' ? '60' : '10') : duration;
		cases.push({
			name: `thrash policy ${p}`,
			args: ['run', 'thrash', '--headless', '--json', '--duration', span, '--policy', p],
		});
	}
	cases.push({
		name: 'commands text',
		args: ['run', COMMANDS, '--headless', '--duration', duration, '--interval', '5'],
	});
	cases.push({name: 'commands json', args: headless(COMMANDS, ['--seed', '7'])});
	cases.push({
		name: 'commands recording',
		args: ['run', COMMANDS, '--headless', '--duration', duration, '--seed', '3'],
		record: true,
	});
	cases.push({
		name: 'thrash recording',
		args: ['run', 'thrash', '--headless', '--duration', duration],
		record: true,
	});
	return cases;
}
