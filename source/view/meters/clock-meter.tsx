// Simulated uptime, speed and run state (or the replay position and whether it plays), and on
// narrow terminals also what is running (workload, seed, policy, swappiness).
import type {SessionStatus} from '../../session/types.js';
import type {Snapshot} from '../../sim/snapshot-types.js';
import {ticksToSeconds} from '../../sim/units.js';
import {formatClock, formatClockTicks, formatSpeed} from '../format.js';
import {joinFitting, Line, type Span} from '../line.js';
import {badge, theme} from '../theme.js';
import {runGroups} from './run-meter.js';

export interface ClockMeterProps {
	snapshot: Snapshot;
	status: SessionStatus;
	width: number;
	/** Also show workload, seed, policy and swappiness (when there is no Run meter). */
	withRun?: boolean;
}

/** The speed asked, and when the machine cannot keep up, what it achieves: " ×10 asked, ×2.3 achieved ". */
function speedSpans(status: SessionStatus): Span[] {
	const achieved = status.paused ? null : (status.achievedSpeed ?? null);
	if (achieved === null) return [{text: ` ${formatSpeed(status.speed)} `, colour: theme.value}];
	return [
		{text: ` ${formatSpeed(status.speed)} asked, `, colour: theme.value},
		{text: `${formatSpeed(achieved)} achieved`, colour: theme.warn, bold: true},
		{text: ' '},
	];
}

/** Whole seconds while running; to the tick while paused, where `.` steps 10 ms. */
function clock(tick: number, paused: boolean): string {
	return paused ? formatClockTicks(tick) : formatClock(ticksToSeconds(tick));
}

export function ClockMeter({snapshot, status, width, withRun = true}: ClockMeterProps) {
	const runState: Span = status.paused
		? {text: 'paused', colour: theme.paused, bold: true}
		: {text: status.replay ? 'playing' : 'running', colour: theme.running, bold: true};
	const head: Span[] = status.replay
		? [
				{text: 'REPLAY', ...badge(theme.replay), bold: true},
				{text: ' '},
				{text: clock(status.replay.tick, status.paused), colour: theme.value, bold: true},
				{text: `/${formatClock(ticksToSeconds(status.replay.endTick))}`, colour: theme.dim},
				...speedSpans(status),
				runState,
			]
		: [
				{text: 'Up', colour: theme.label, bold: true},
				{text: ' '},
				{text: clock(snapshot.tick, status.paused), colour: theme.value, bold: true},
				...speedSpans(status),
				runState,
			];
	const groups: Span[][] = [
		head,
		status.recordingPath ? [{text: '● REC', colour: theme.bad, bold: true}] : [],
		...(withRun ? runGroups(snapshot, status) : []),
	].filter((g) => g.length > 0);
	return <Line spans={joinFitting(groups, width)} width={width} />;
}
