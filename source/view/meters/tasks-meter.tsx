// htop's Tasks line, in memory terms: how many processes, the OOM kills so far (red once there
// has been one), and how many processes are stalled on memory right now; then the userspace OOM
// killer running (systemd-oomd, earlyoom) and its kills, once one has run.
import type {Snapshot} from '../../sim/snapshot-types.js';
import {joinFitting, Line, type Span} from '../line.js';
import {theme} from '../theme.js';

export function TasksMeter({snapshot, width}: {snapshot: Snapshot; width: number}) {
	let running = 0;
	let stalled = 0;
	let tasks = 0;
	for (const p of snapshot.processes) {
		if (p.state === 'exited') continue;
		tasks++;
		if (p.state === 'running') running++;
		if (p.state === 'reclaim' || p.state === 'swapin' || p.state === 'io' || p.state === 'throttled')
			stalled++;
	}
	const groups: Span[][] = [
		[
			{text: 'Tasks', colour: theme.label, bold: true},
			{text: ` ${tasks}`, colour: theme.value, bold: true},
			{text: ', ', colour: theme.dim},
			{text: String(running), colour: theme.running, bold: true},
			{text: ' running', colour: theme.dim},
		],
		[
			{text: 'OOM kills ', colour: theme.label, bold: true},
			{text: String(snapshot.oomKills), colour: snapshot.oomKills > 0 ? theme.oom : theme.value, bold: true},
		],
		[
			{text: String(stalled), colour: stalled > 0 ? theme.warn : theme.value, bold: true},
			{text: ' stalled', colour: theme.dim},
		],
	];
	// The userspace OOM killer (O cycles it), once one has run, with its own kills (never in OOM kills,
	// which are the kernel's); with none running, what the userspace killers killed in all.
	const u = snapshot.userspaceOom;
	if (u) {
		const kills = u.killer === 'none' ? u.kills['systemd-oomd'] + u.kills.earlyoom : u.kills[u.killer];
		groups.push([
			{text: u.killer === 'none' ? 'userspace off' : u.killer, colour: theme.label, bold: true},
			{text: ` ${kills}`, colour: kills > 0 ? theme.oom : theme.value, bold: true},
		]);
	}
	return <Line spans={joinFitting(groups, width)} width={width} />;
}
