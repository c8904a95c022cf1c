// The Swp bar: swap slots in use, with the part that is also still in RAM (swap cache) in yellow.
import type {Snapshot} from '../../sim/snapshot-types.js';
import {formatPages} from '../format.js';
import {Line} from '../line.js';
import {theme} from '../theme.js';
import {barSpans, METER_CHROME, meterSpans} from './bar.js';

export function SwapMeter({snapshot, width}: {snapshot: Snapshot; width: number}) {
	const {totalPages, usedPages, cachedPages, device} = snapshot.swap;
	const cached = Math.min(cachedPages, usedPages);
	const text =
		totalPages === 0
			? 'no swap'
			: `${width >= 40 ? `${device} ` : ''}${formatPages(usedPages)}/${formatPages(totalPages)}`;
	const inner = barSpans(
		[
			{value: usedPages - cached, colour: theme.swapUsed},
			{value: cached, colour: theme.swapCache},
		],
		totalPages,
		width - METER_CHROME,
		text,
	);
	return <Line spans={meterSpans('Swp', inner)} width={width} />;
}
