// What is running: the workload, its seed (a run is reproducible from it), the reclaim policy
// and vm.swappiness, the knob the s key turns.
import type {SessionStatus} from '../../session/types.js';
import type {Snapshot} from '../../sim/snapshot-types.js';
import {joinFitting, Line, type Span} from '../line.js';
import {theme} from '../theme.js';

export function runGroups(snapshot: Snapshot, status: SessionStatus): Span[][] {
	return [
		[{text: status.workload || snapshot.workload, colour: theme.value, bold: true}],
		[
			{text: 'seed ', colour: theme.dim},
			{text: String(status.seed), colour: theme.value},
		],
		[
			{text: 'policy ', colour: theme.dim},
			{text: status.policy || snapshot.policy, colour: theme.value},
		],
		[
			{text: 'swappiness ', colour: theme.dim},
			{text: String(snapshot.sysctl.swappiness), colour: theme.value},
		],
	];
}

export function RunMeter({
	snapshot,
	status,
	width,
}: {
	snapshot: Snapshot;
	status: SessionStatus;
	width: number;
}) {
	return (
		<Line
			spans={[
				{text: 'Run ', colour: theme.label, bold: true},
				...joinFitting(runGroups(snapshot, status), width - 4),
			]}
			width={width}
		/>
	);
}
