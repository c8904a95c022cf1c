// /proc/pressure/memory: share of time some (or all) tasks stalled on memory, over 10/60/300 s.
import type {PsiLine, Snapshot} from '../../sim/snapshot-types.js';
import {joinFitting, Line, type Span} from '../line.js';
import {levelColour, theme} from '../theme.js';

const triple = (line: PsiLine): Span[] =>
	[line.avg10, line.avg60, line.avg300].map((v) => ({
		text: v.toFixed(2).padStart(6),
		colour: levelColour(v, 10, 40) ?? theme.value,
	}));

export function PsiMeter({snapshot, width}: {snapshot: Snapshot; width: number}) {
	const {some, full} = snapshot.psi;
	const groups: Span[][] = [
		[{text: 'PSI', colour: theme.label, bold: true}, {text: ' some', colour: theme.dim}, ...triple(some)],
		[{text: 'full', colour: theme.dim}, ...triple(full)],
		[{text: '% avg10/60/300', colour: theme.dim}],
	];
	return <Line spans={joinFitting(groups, width)} width={width} />;
}
