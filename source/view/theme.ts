// Every colour the dashboard uses, by meaning. Named ANSI colours only, so it looks the same on a
// 16-colour console as in a truecolor terminal (htop's default scheme does the same).

import type {SimEventKind} from '../sim/events.js';
import type {KswapdState, ProcessState} from '../sim/snapshot-types.js';

export type Colour =
	| 'black'
	| 'red'
	| 'green'
	| 'yellow'
	| 'blue'
	| 'magenta'
	| 'cyan'
	| 'white'
	| 'gray'
	| 'redBright'
	| 'greenBright'
	| 'yellowBright'
	| 'blueBright'
	| 'magentaBright'
	| 'cyanBright'
	| 'whiteBright';

export const theme = {
	/** Meter captions ("Mem", "Swp", "PSI"), htop's cyan. */
	label: 'cyan',
	bracket: 'white',
	/** Secondary text: units, separators, empty bar cells. */
	dim: 'gray',
	value: 'whiteBright',

	// Memory bar segments, in the order they are drawn.
	anon: 'green',
	shmem: 'magenta',
	zpool: 'cyan',
	kernel: 'blue',
	fileDirty: 'red',
	fileClean: 'yellow',

	// Swap bar.
	swapUsed: 'red',
	swapCache: 'yellow',

	// Levels: fine / attention / trouble.
	ok: 'green',
	warn: 'yellow',
	bad: 'red',

	// Table.
	tableHeader: {color: 'black', backgroundColor: 'green'},
	sortedHeader: {color: 'black', backgroundColor: 'cyan'},
	selected: {color: 'black', backgroundColor: 'cyan'},
	panelTitle: {color: 'black', backgroundColor: 'green'},

	// Function bar: key in default colours, caption black on cyan (htop).
	fnKey: 'white',
	fnCaption: {color: 'black', backgroundColor: 'cyan'},

	/** Text on a coloured badge (REPLAY, FULL). */
	badgeText: 'black',
	/** Free memory between low and high: kswapd may still be at work. */
	freeNearHigh: 'cyan',
	majorFaults: 'magenta',

	message: 'yellowBright',
	prompt: 'cyanBright',
	replay: 'magentaBright',
	paused: 'yellow',
	running: 'green',
	oom: 'redBright',
	command: 'greenBright',
	sparkline: 'cyan',
} as const satisfies Record<string, Colour | {color: Colour; backgroundColor: Colour}>;

export const stateColour: Record<ProcessState, Colour> = {
	running: 'green',
	sleeping: 'gray',
	reclaim: 'yellow',
	swapin: 'magenta',
	io: 'cyan',
	throttled: 'blue',
	dying: 'red',
	exited: 'gray',
};

export const kswapdColour: Record<KswapdState, Colour> = {
	sleeping: 'green',
	napping: 'yellow',
	reclaiming: 'red',
};

export const eventColour: Record<SimEventKind, Colour> = {
	'process-start': 'blue',
	'process-exit': 'blue',
	'kswapd-wake': 'cyan',
	'kswapd-sleep': 'cyan',
	'direct-reclaim': 'yellow',
	'zswap-pool-full': 'magenta',
	'zswap-accepting': 'magenta',
	'zswap-writeback': 'magenta',
	'zram-full': 'magenta',
	'swap-full': 'red',
	'oom-kill': 'redBright',
	'oom-reaped': 'red',
	'alloc-fail': 'red',
	command: 'greenBright',
};

/** Colour for a pressure-like figure: PSI %, stall share, fault rates. */
export function levelColour(value: number, warnAt: number, badAt: number): Colour | undefined {
	if (value >= badAt) return theme.bad;
	if (value >= warnAt) return theme.warn;
	return undefined;
}
