// The kernel-log view of the run: a tail of session.getEventLog(), newest at the bottom, each
// line with a dmesg timestamp and coloured by what kind of event it is. Direct-reclaim events
// arrive one per stalled process per second; under pressure they would push everything else off
// the panel, so the ones of the same second share one line. A line longer than the panel wraps
// (wrapLine, as the x window does), its continuation indented under the text; the log scrolls
// (Tab gives it the keys, the wheel over it scrolls): scrolled back, it stays where it is as new
// events arrive (less +F), End follows again.
import {Box} from 'ink';
import {memo} from 'react';
import type {LoggedEvent} from '../../session/types.js';
import type {SimEvent} from '../../sim/events.js';
import {fitRight, formatDmesgTime, formatEvent, formatPages} from '../format.js';
import {Line} from '../line.js';
import {eventColour, type Ink, theme} from '../theme.js';
import {wrapLine} from './oom-report.js';
import {PanelTitle} from './panel-title.js';

/** Where a scrolled-back log ends: the row `part` of the event line `id` is its bottom row. */
export interface LogAnchor {
	id: number;
	part: number;
}

export interface EventLogProps {
	events: readonly LoggedEvent[];
	width: number;
	/** Lines including the title. */
	height: number;
	/** null: follow the newest events. */
	scroll?: LogAnchor | null;
	/** The log has the keys (Tab). */
	focused?: boolean;
}

/** One screen row of the log: an event line or the continuation of a long one. */
export interface LogRow extends LogLine {
	/** 0: the event's first row (with its timestamp); then the continuation rows. */
	part: number;
}

/** Continuation rows start under the text, a little further in. */
const CONTINUATION_INDENT = 2;
const STAMP_WIDTH = formatDmesgTime(0).length + 1;

/** Every event line as the rows it takes at `width`, oldest first. */
export function logRows(events: readonly LoggedEvent[], width: number): LogRow[] {
	const rows: LogRow[] = [];
	for (const line of logLines(events, events.length)) {
		const parts = wrapLine(line.text, width - STAMP_WIDTH);
		const first = parts[0]!;
		// Continuations wrap again in the narrower room they have.
		const rest =
			parts.length > 1 ? wrapLine(parts.slice(1).join(' '), width - STAMP_WIDTH - CONTINUATION_INDENT) : [];
		rows.push({...line, text: first, part: 0});
		for (const [i, text] of rest.entries()) rows.push({...line, text, part: i + 1});
	}
	return rows;
}

/** The rows shown for a scroll position: [start, end) of `rows`. */
export function visibleRange(
	rows: readonly LogRow[],
	room: number,
	scroll: LogAnchor | null,
): [number, number] {
	let end = rows.length;
	if (scroll) {
		// The anchor row; if the width changed, the last row of its event; if trimmed, the oldest rows.
		const exact = rows.findIndex((r) => r.id === scroll.id && r.part === scroll.part);
		const after = rows.findIndex((r) => r.id > scroll.id);
		end = exact >= 0 ? exact + 1 : after >= 0 ? after : rows.length;
		end = Math.max(Math.min(room, rows.length), end);
	}
	return [Math.max(0, end - room), end];
}

/** The anchor `delta` rows from the current view (null again once it reaches the newest row). */
export function scrolledAnchor(
	rows: readonly LogRow[],
	room: number,
	scroll: LogAnchor | null,
	delta: number,
): LogAnchor | null {
	if (rows.length <= room) return null;
	const [, end] = visibleRange(rows, room, scroll);
	const target = Math.max(Math.min(room, rows.length), Math.min(rows.length, end + delta));
	if (target >= rows.length) return null;
	const row = rows[target - 1]!;
	return {id: row.id, part: row.part};
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
export const EventLog = memo(function EventLog({
	events,
	width,
	height,
	scroll = null,
	focused = false,
}: EventLogProps) {
	const room = Math.max(0, height - 1);
	const rows = logRows(events, width);
	const [start, end] = visibleRange(rows, room, scroll);
	const shown = rows.slice(start, end);
	const kills = events.reduce((n, e) => n + (e.event.kind === 'oom-kill' ? 1 : 0), 0);
	const range = rows.length > room ? `lines ${start + 1}–${end} of ${rows.length}` : null;
	const right = scroll
		? `${range} · End follows`
		: [kills > 0 ? 'x explains the last OOM kill' : null, range ?? String(events.length)]
				.filter(Boolean)
				.join(' · ');
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle title={focused ? 'Events (scrolling, Tab back)' : 'Events'} right={right} width={width} />
			{shown.length === 0 && room > 0 ? (
				<Line spans={[{text: fitRight('  nothing yet', width), colour: theme.dim}]} width={width} />
			) : null}
			{shown.map((line) => (
				<Line
					key={`${line.id}.${line.part}`}
					spans={[
						{
							text:
								line.part === 0
									? `${formatDmesgTime(line.tick)} `
									: ' '.repeat(STAMP_WIDTH + CONTINUATION_INDENT),
							colour: theme.dim,
						},
						{text: line.text, colour: line.colour, bold: line.bold},
					]}
					width={width}
				/>
			))}
		</Box>
	);
});
