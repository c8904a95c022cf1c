// Every colour the dashboard uses, by meaning, in colour schemes like htop's (F2 → Colors):
// the default for dark terminals, one readable on light terminals, and monochrome (no colour at
// all: bold and reverse video only), which NO_COLOR forces. Named ANSI colours only, so a scheme
// looks the same on a 16-colour console as in a truecolor terminal.
//
// `theme`, `stateColour`, `kswapdColour` and `eventColour` are the scheme in force: applyScheme()
// rewrites them in place and the screen is drawn again from scratch.

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

/** A colour, or none: monochrome leaves text in the terminal's own colour. */
export type Ink = Colour | undefined;

/** Text on a coloured bar (table header, selection, title bars, function-bar captions). */
export interface BarStyle {
	color: Ink;
	backgroundColor: Ink;
	/** Reverse video: how monochrome marks a bar. */
	inverse?: boolean;
}

export interface Theme {
	/** Meter captions ("Mem", "Swp", "PSI"), htop's cyan. */
	label: Ink;
	bracket: Ink;
	/** Secondary text: units, separators, empty bar cells. */
	dim: Ink;
	value: Ink;
	// Memory bar segments, in the order they are drawn.
	anon: Ink;
	shmem: Ink;
	zpool: Ink;
	kernel: Ink;
	fileDirty: Ink;
	fileClean: Ink;
	// Swap bar.
	swapUsed: Ink;
	swapCache: Ink;
	// Levels: fine / attention / trouble.
	ok: Ink;
	warn: Ink;
	bad: Ink;
	tableHeader: BarStyle;
	sortedHeader: BarStyle;
	selected: BarStyle;
	panelTitle: BarStyle;
	/** Function bar: key in default colours, caption black on cyan (htop). */
	fnKey: Ink;
	fnCaption: BarStyle;
	/** Text on a coloured badge (REPLAY, FULL). */
	badgeText: Ink;
	/** Free memory between low and high: kswapd may still be at work. */
	freeNearHigh: Ink;
	majorFaults: Ink;
	message: Ink;
	prompt: Ink;
	replay: Ink;
	paused: Ink;
	running: Ink;
	oom: Ink;
	command: Ink;
	sparkline: Ink;
	note: Ink;
}

export interface Scheme {
	theme: Theme;
	state: Record<ProcessState, Ink>;
	kswapd: Record<KswapdState, Ink>;
	event: Record<SimEventKind, Ink>;
}

export type SchemeName = 'default' | 'light' | 'monochrome';
export const SCHEME_NAMES: readonly SchemeName[] = ['default', 'light', 'monochrome'];
export const SCHEME_DESCRIPTIONS: Record<SchemeName, string> = {
	default: 'htop colours, for dark terminals',
	light: 'dark text and strong colours, for light terminals',
	monochrome: 'no colour: bold and reverse video only (NO_COLOR picks it)',
};

const DARK: Scheme = {
	theme: {
		label: 'cyan',
		bracket: 'white',
		dim: 'gray',
		value: 'whiteBright',
		anon: 'green',
		shmem: 'magenta',
		zpool: 'cyan',
		kernel: 'blue',
		fileDirty: 'red',
		fileClean: 'yellow',
		swapUsed: 'red',
		swapCache: 'yellow',
		ok: 'green',
		warn: 'yellow',
		bad: 'red',
		tableHeader: {color: 'black', backgroundColor: 'green'},
		sortedHeader: {color: 'black', backgroundColor: 'cyan'},
		selected: {color: 'black', backgroundColor: 'cyan'},
		panelTitle: {color: 'black', backgroundColor: 'green'},
		fnKey: 'white',
		fnCaption: {color: 'black', backgroundColor: 'cyan'},
		badgeText: 'black',
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
		note: 'yellowBright',
	},
	state: {
		running: 'green',
		sleeping: 'gray',
		reclaim: 'yellow',
		swapin: 'magenta',
		io: 'cyan',
		throttled: 'blue',
		exiting: 'yellowBright',
		dying: 'red',
		exited: 'gray',
	},
	kswapd: {sleeping: 'green', napping: 'yellow', reclaiming: 'red'},
	event: {
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
		'userspace-oom-log': 'red',
		'alloc-fail': 'red',
		segfault: 'red',
		command: 'greenBright',
		note: 'yellowBright',
	},
};

/** Light terminals: no white or bright-yellow text (it vanishes on white), darker bar captions. */
const LIGHT: Scheme = {
	theme: {
		...DARK.theme,
		label: 'blue',
		bracket: 'black',
		value: 'black',
		fileClean: 'yellow',
		swapCache: 'magenta',
		warn: 'magenta',
		fnKey: 'black',
		tableHeader: {color: 'white', backgroundColor: 'blue'},
		sortedHeader: {color: 'white', backgroundColor: 'magenta'},
		selected: {color: 'white', backgroundColor: 'blue'},
		panelTitle: {color: 'white', backgroundColor: 'blue'},
		fnCaption: {color: 'white', backgroundColor: 'blue'},
		badgeText: 'white',
		freeNearHigh: 'blue',
		message: 'blue',
		prompt: 'blue',
		replay: 'magenta',
		paused: 'magenta',
		oom: 'red',
		command: 'green',
		sparkline: 'blue',
		note: 'magenta',
	},
	state: {...DARK.state, reclaim: 'magenta', swapin: 'red', io: 'blue'},
	kswapd: {sleeping: 'green', napping: 'magenta', reclaiming: 'red'},
	event: {
		...DARK.event,
		'kswapd-wake': 'blue',
		'kswapd-sleep': 'blue',
		'direct-reclaim': 'magenta',
		'oom-kill': 'red',
	},
};

function none<K extends string>(keys: Record<K, Ink>): Record<K, Ink> {
	return Object.fromEntries(Object.keys(keys).map((k) => [k, undefined])) as Record<K, Ink>;
}

const bar: BarStyle = {color: undefined, backgroundColor: undefined, inverse: true};

/** No colour at all: bars in reverse video, the function-bar captions too, as htop -C. */
const MONOCHROME: Scheme = {
	theme: {
		...(none(DARK.theme as unknown as Record<string, Ink>) as unknown as Theme),
		tableHeader: bar,
		sortedHeader: bar,
		selected: bar,
		panelTitle: bar,
		fnCaption: bar,
	},
	state: none(DARK.state),
	kswapd: none(DARK.kswapd),
	event: none(DARK.event),
};

export const SCHEMES: Record<SchemeName, Scheme> = {default: DARK, light: LIGHT, monochrome: MONOCHROME};

export const theme: Theme = {...DARK.theme};
export const stateColour: Record<ProcessState, Ink> = {...DARK.state};
export const kswapdColour: Record<KswapdState, Ink> = {...DARK.kswapd};
export const eventColour: Record<SimEventKind, Ink> = {...DARK.event};

let current: SchemeName = 'default';

/** Make `name` the scheme in force. Whoever calls it redraws the screen from scratch. */
export function applyScheme(name: SchemeName): void {
	const scheme = SCHEMES[name];
	Object.assign(theme, scheme.theme);
	Object.assign(stateColour, scheme.state);
	Object.assign(kswapdColour, scheme.kswapd);
	Object.assign(eventColour, scheme.event);
	current = name;
}

export function currentScheme(): SchemeName {
	return current;
}

/** Colour for a pressure-like figure: PSI %, stall share, fault rates. */
export function levelColour(value: number, warnAt: number, badAt: number): Ink {
	if (value >= badAt) return theme.bad;
	if (value >= warnAt) return theme.warn;
	return undefined;
}

/** Span styling for text on a bar style. */
export function onBar(style: BarStyle): {colour: Ink; background: Ink; inverse?: boolean} {
	return style.inverse
		? {colour: style.color, background: style.backgroundColor, inverse: true}
		: {colour: style.color, background: style.backgroundColor};
}

/** A badge (REPLAY, FULL) on a coloured background; reverse video when the scheme has none. */
export function badge(background: Ink): {colour: Ink; background: Ink; inverse?: boolean} {
	return background
		? {colour: theme.badgeText, background}
		: {colour: undefined, background: undefined, inverse: true};
}
