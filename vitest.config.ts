import {availableParallelism} from 'node:os';
import {defineConfig} from 'vitest/config';

// Test files that change what other files would see if they shared a module registry and a process:
// a vi.mock of a source module, process.env set outright. They run isolated; every other file shares
// its worker's modules with the files before it (isolate: false), so the source tree, Ink and React
// load once per worker instead of once per file.
const ISOLATED = ['test/workload/policy.test.ts', 'test/fuzz/**/*.test.ts'];

export default defineConfig({
	test: {
		env: {FORCE_COLOR: '0'},
		testTimeout: 90_000,
		pool: 'forks',
		// Vitest's default for a run is one worker fewer than the cores: one on a 2-core machine, where
		// the test files then run one after another. Every core: the main process mostly waits.
		maxWorkers: Math.max(2, availableParallelism()),
		projects: [
			{extends: true, test: {name: 'isolated', include: ISOLATED, isolate: true}},
			{
				extends: true,
				test: {name: 'shared', include: ['test/**/*.test.{ts,tsx}'], exclude: ISOLATED, isolate: false},
			},
		],
	},
});
