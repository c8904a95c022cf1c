// Page-fault and swap traffic per second: minor (no I/O), major (waited for I/O), swap-ins and
// -outs, and refaults (evicted pages needed again soon: the cache is too small).
import {formatCount} from '../format.js';
import {joinFitting, Line, type Span} from '../line.js';
import type {Rates} from '../rates.js';
import {levelColour, theme} from '../theme.js';

const figure = (label: string, value: number, warnAt: number, badAt: number): Span[] => [
	{text: `${label} `, colour: theme.dim},
	{text: `${formatCount(value)}/s`, colour: levelColour(value, warnAt, badAt) ?? theme.value},
];

const swapGroups = (rates: Rates): Span[][] => [
	[{text: 'Swap', colour: theme.label, bold: true}, {text: ' '}, ...figure('in', rates.pswpin, 10, 1000)],
	figure('out', rates.pswpout, 100, 10_000),
];

export interface FaultsMeterProps {
	rates: Rates;
	width: number;
	/** Include swap-in/out (when there is no SwapIo meter). */
	withSwap?: boolean;
}

export function FaultsMeter({rates, width, withSwap = true}: FaultsMeterProps) {
	const groups: Span[][] = [
		[
			{text: 'Flt', colour: theme.label, bold: true},
			{text: ' '},
			...figure('min', rates.minflt, Infinity, Infinity),
		],
		figure('maj', rates.majflt, 10, 1000),
		...(withSwap ? swapGroups(rates) : []),
		figure('refault', rates.refaults, 100, 10_000),
	];
	return <Line spans={joinFitting(groups, width)} width={width} />;
}

/** Swap traffic on its own line: pages to and from the swap device, and through zswap. */
export function SwapIoMeter({rates, width}: {rates: Rates; width: number}) {
	const groups: Span[][] = [
		...swapGroups(rates),
		[
			{text: 'zswap', colour: theme.label, bold: true},
			{text: ' '},
			...figure('in', rates.zswpin, Infinity, Infinity),
		],
		figure('out', rates.zswpout, Infinity, Infinity),
		figure('wb', rates.zswpwb, 1, 1000),
	];
	return <Line spans={joinFitting(groups, width)} width={width} />;
}
