// The kernel-log view of the run: a tail of session.getEventLog(), newest at the bottom, each
// line with a dmesg timestamp and coloured by what kind of event it is. Direct-reclaim events
// arrive one per stalled process per second; under pressure they would push everything else off
// the panel, so the ones of the same second share one line.
import {Box} from 'ink';
import {memo} from 'react';
import type {LoggedEvent} from '../../session/types.js';
import type {SimEvent} from '../../sim/events.js';
import {fitRight, formatDmesgTime, formatEvent, formatPages} from '../format.js';
import {Line} from '../line.js';
import {eventColour, type Ink, theme} from '../theme.js';
import {PanelTitle} from './panel-title.js';

export interface EventLogProps {
	events: readonly LoggedEvent[];
	width: number;
	/** Lines including the title. */
	height: number;
}

export interface LogLine {
	id: number;
	tick: number;
	text: string;
	colour: Ink;
	bold: boolean;
}

type DirectReclaim = Extract<SimEvent, {kind: 'direct-reclaim'}>;

function directReclaimLine(group: readonly DirectReclaim[]): string {
	if (group.length === 1) return formatEvent(group[0]!);
	const stalls = group.reduce((n, e) => n + e.stalls, 0);
	const reclaimed = group.reduce((n, e) => n + e.reclaimed, 0);
	const worst = group.reduce((a, b) => (b.stalls > a.stalls ? b : a));
	return `direct reclaim in ${group.length} tasks: ${stalls} stalls, reclaimed ${formatPages(reclaimed)} (most: ${worst.pid} ${worst.name})`;
}

/** The newest `count` display lines, oldest first, with same-second direct reclaims merged. */
export function logLines(events: readonly LoggedEvent[], count: number): LogLine[] {
	const out: LogLine[] = [];
	let i = events.length - 1;
	while (i >= 0 && out.length < count) {
		const {id, event} = events[i]!;
		if (event.kind === 'direct-reclaim') {
			const group: DirectReclaim[] = [event];
			let first = id;
			while (i > 0) {
				const prev = events[i - 1]!;
				if (prev.event.kind !== 'direct-reclaim' || prev.event.tick !== event.tick) break;
				group.unshift(prev.event);
				first = prev.id;
				i--;
			}
			out.push({
				id: first,
				tick: event.tick,
				text: directReclaimLine(group),
				colour: eventColour[event.kind],
				bold: false,
			});
		} else {
			out.push({
				id,
				tick: event.tick,
				text: formatEvent(event),
				colour: eventColour[event.kind],
				bold: event.kind === 'oom-kill' || event.kind === 'command',
			});
		}
		i--;
	}
	return out.reverse();
}

/** Memoised: the log's array only changes identity when events arrive. */
export const EventLog = memo(function EventLog({events, width, height}: EventLogProps) {
	const room = Math.max(0, height - 1);
	const shown = logLines(events, room);
	const kills = events.reduce((n, e) => n + (e.event.kind === 'oom-kill' ? 1 : 0), 0);
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle
				title="Events"
				right={kills > 0 ? `x explains the last OOM kill · ${events.length}` : String(events.length)}
				width={width}
			/>
			{shown.length === 0 && room > 0 ? (
				<Line spans={[{text: fitRight('  nothing yet', width), colour: theme.dim}]} width={width} />
			) : null}
			{shown.map((line) => (
				<Line
					key={line.id}
					spans={[
						{text: `${formatDmesgTime(line.tick)} `, colour: theme.dim},
						{text: line.text, colour: line.colour, bold: line.bold},
					]}
					width={width}
				/>
			))}
		</Box>
	);
});
