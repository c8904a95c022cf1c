// kswapd's state and how hard reclaim works: pages scanned and stolen per second (kswapd plus
// direct reclaim) and their ratio, the reclaim efficiency (low = scanning hot pages in vain).
import type {Snapshot} from '../../sim/snapshot-types.js';
import {formatCount} from '../format.js';
import {joinFitting, Line, type Span} from '../line.js';
import type {Rates} from '../rates.js';
import {kswapdColour, theme} from '../theme.js';

export function KswapdMeter({snapshot, rates, width}: {snapshot: Snapshot; rates: Rates; width: number}) {
	const {state, failures} = snapshot.kswapd;
	const efficiency = rates.scan > 0 ? rates.steal / rates.scan : null;
	const groups: Span[][] = [
		[
			{text: 'kswapd0', colour: theme.label, bold: true},
			{text: ' '},
			{text: state.padEnd(10), colour: kswapdColour[state], bold: state === 'reclaiming'},
		],
		[
			{text: 'scan ', colour: theme.dim},
			{text: `${formatCount(rates.scan)}/s`, colour: theme.value},
		],
		[
			{text: 'steal ', colour: theme.dim},
			{text: `${formatCount(rates.steal)}/s`, colour: theme.value},
		],
		[
			{text: 'eff ', colour: theme.dim},
			{
				text: efficiency === null ? '-' : `${Math.round(efficiency * 100)}%`,
				colour:
					efficiency === null
						? theme.dim
						: efficiency < 0.25
							? theme.bad
							: efficiency < 0.5
								? theme.warn
								: theme.ok,
			},
		],
		[
			{text: 'direct ', colour: theme.dim},
			{text: `${formatCount(rates.stealDirect)}/s`, colour: rates.stealDirect > 0 ? theme.warn : theme.value},
		],
		failures > 0 ? [{text: `failures ${failures}`, colour: theme.bad}] : [],
	];
	return <Line spans={joinFitting(groups, width)} width={width} />;
}
