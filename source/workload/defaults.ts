// Every default of a workload file (the sysctls' are in sim/sysctl.ts, the one sysctl table), and how
// the machine numbers the file's processes.
import {FIRST_PID} from '../sim/machine.js';
import {DEFAULT_POLICY} from '../sim/policies/index.js';
import type {Compressor, RegionKind, SwapDeviceKind, ZswapSpec} from '../sim/spec.js';
import {MIB} from '../sim/units.js';

/**
 * Pids are not in the file, so `kill` and `oom_score_adj` events name them by number. The machine gives
 * the processes of `processes:` pids FIRST_WORKLOAD_PID, +1, ... in the order they are listed, a group's
 * `count` expanding in place, whether or not the group has started yet; processes spawned by events
 * follow, in the order the events happen (a spawn's `count` expanding in place).
 */
export const FIRST_WORKLOAD_PID = FIRST_PID;

export const DEFAULTS = {
	cpus: 4,
	disk: 'ssd',
	/** kernel: max(64 MiB, 2% of RAM), rounded up to pages. */
	kernelMinimum: 64 * MIB,
	kernelRamShare: 0.02,
	/** No swap unless the file asks; the swap device defaults to the machine's disk. */
	swapSize: 0,
	/** zram's own default is lzo-rle; lzo is the nearest compressor we model. */
	zramCompressor: 'lzo',
	zramMemLimit: 0,
	zswap: {enabled: false, compressor: 'lz4', max_pool_percent: 20, accept_threshold_percent: 90},
	policy: DEFAULT_POLICY,
	count: 1,
	start: 0,
	oomScoreAdj: 0,
	compressibility: 0.5,
	uid: 1000,
	regionKind: 'anon',
	fileAccess: 'mmap',
	locked: false,
	weight: 1,
	skew: 1.0,
	writeRatio: 0,
} as const satisfies {
	disk: SwapDeviceKind;
	zramCompressor: Compressor;
	zswap: ZswapSpec;
	regionKind: RegionKind;
	[key: string]: unknown;
};
