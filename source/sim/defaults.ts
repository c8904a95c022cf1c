// Default tunables, in one place: the kernel's defaults for the sysctls memtop models.
import type {Sysctls} from './spec.js';

/** vm.* defaults (min_free_kbytes is derived from RAM when absent, as the kernel does). */
export const DEFAULT_SYSCTLS = {
	swappiness: 60,
	watermark_scale_factor: 10,
	dirty_ratio: 20,
	dirty_background_ratio: 10,
	overcommit_memory: 0,
	overcommit_ratio: 50,
	page_cluster: 3,
	min_ttl_ms: 0,
} as const satisfies Omit<Sysctls, 'min_free_kbytes'>;
