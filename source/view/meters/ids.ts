// The header meters' names and the default arrangement: what a config file may name. Apart from the
// registry (which holds the components), so the config schema does not import every meter.

export const METER_IDS = [
	'memory',
	'breakdown',
	'watermarks',
	'swap',
	'zswap',
	'run',
	'clock',
	'psi',
	'kswapd',
	'faults',
	'swapio',
	'tasks',
	'lru',
	'buddy',
] as const;
export type MeterId = (typeof METER_IDS)[number];

const IDS: ReadonlySet<string> = new Set(METER_IDS);

export function isMeterId(id: string): id is MeterId {
	return IDS.has(id);
}

/** Which meters the header shows, in two columns as htop's setup arranges them. */
export interface HeaderConfig {
	left: readonly MeterId[];
	right: readonly MeterId[];
}

export const DEFAULT_HEADER: HeaderConfig = {
	left: ['memory', 'breakdown', 'watermarks', 'swap', 'zswap', 'run', 'buddy'],
	// Alone on the last line, across the width.
	right: ['clock', 'psi', 'kswapd', 'faults', 'swapio', 'tasks', 'lru'],
};
