// What the explain window can be about, and the explanation for each: every meter and every
// column (from their registries), and the events in the log.
import type {LoggedEvent, SessionStatus} from '../session/types.js';
import type {ProcessSnapshot, Snapshot} from '../sim/snapshot-types.js';
import {explainCgroup} from './cgroup-explain.js';
import {type ExplainTopic, type Explanation, explainEvent} from './explain.js';
import {modeOf} from './keymap.js';
import {isMeterId, METERS, meterById} from './meters/registry.js';
import {COLUMNS, type ColumnId, columnById} from './panels/columns.js';
import type {Rates} from './rates.js';

/** How many of the newest events ← → reach (older ones by a click in the log). */
export const BROWSABLE_EVENTS = 50;

/**
 * What ← and → step through, in order: the meters, the columns for `pid` (none without a process),
 * then the newest events, newest first.
 */
export function browsable(pid: number | null, events: readonly LoggedEvent[]): ExplainTopic[] {
	const topics: ExplainTopic[] = METERS.map((m): ExplainTopic => ({kind: 'meter', id: m.id}));
	if (pid !== null) for (const c of COLUMNS) topics.push({kind: 'column', id: c.id, pid});
	for (let i = events.length - 1; i >= 0 && i >= events.length - BROWSABLE_EVENTS; i--)
		topics.push({kind: 'event', id: events[i]!.id});
	return topics;
}

const same = (a: ExplainTopic, b: ExplainTopic): boolean => a.kind === b.kind && a.id === b.id;

/** The topic `delta` steps from `topic` (wrapping); the first one if `topic` is not in the list. */
export function stepTopic(list: readonly ExplainTopic[], topic: ExplainTopic, delta: number): ExplainTopic {
	if (list.length === 0) return topic;
	const at = list.findIndex((t) => same(t, topic));
	if (at < 0) return list[0]!;
	return list[(((at + delta) % list.length) + list.length) % list.length]!;
}

export interface ExplainInput {
	snapshot: Snapshot;
	status: SessionStatus;
	rates: Rates;
	processes: readonly ProcessSnapshot[];
	history: (pid: number) => readonly number[];
	events: readonly LoggedEvent[];
}

export interface ExplainedTopic {
	explanation: Explanation;
	/** What it is about, for the window's title. */
	subject: string;
}

/** The explanation of a topic; null when its subject is gone (the process exited, the event aged out). */
export function explainTopic(topic: ExplainTopic, input: ExplainInput): ExplainedTopic | null {
	const {snapshot, status, rates} = input;
	if (topic.kind === 'meter') {
		if (!isMeterId(topic.id)) return null;
		const meter = meterById(topic.id);
		const ctx = {snapshot, status, rates, mode: modeOf(status), shown: new Set([meter.id])};
		return {explanation: meter.explain(ctx), subject: `meter ${meter.caption}`};
	}
	if (topic.kind === 'column') {
		const p = input.processes.find((x) => x.pid === topic.pid);
		if (!p) return null;
		const column = columnById(topic.id as ColumnId);
		return {
			explanation: column.explain(p, snapshot, input.history(p.pid)),
			subject: `column ${column.title} of ${p.pid} ${p.name}`,
		};
	}
	if (topic.kind === 'cgroup') {
		const c = snapshot.cgroups?.find((x) => x.path === topic.id);
		return c ? {explanation: explainCgroup(c), subject: `cgroup ${c.path}`} : null;
	}
	const logged = input.events.find((e) => e.id === topic.id);
	if (!logged) return null;
	return {explanation: explainEvent(logged.event, snapshot), subject: 'event'};
}
