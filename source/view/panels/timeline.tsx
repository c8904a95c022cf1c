// The replay's timeline: played part, the playhead, and markers for OOM kills (X), commands (^) and
// the workload's notes (•).
import type {ReplayStatus} from '../../session/types.js';
import {ticksToSeconds} from '../../sim/units.js';
import {formatClock} from '../format.js';
import {Line, type Span} from '../line.js';
import {type Ink, theme} from '../theme.js';

export function Timeline({replay, width}: {replay: ReplayStatus; width: number}) {
	const label = ` ${formatClock(ticksToSeconds(replay.tick))}/${formatClock(ticksToSeconds(replay.endTick))}`;
	const divergence = replay.divergence ? ' DIVERGED' : '';
	// A long recording is indexed in the background: its kill markers appear as the indexer finds them.
	const indexing =
		replay.indexing != null && !divergence ? ` indexing ${Math.floor(replay.indexing * 100)}%` : '';
	const inner = Math.max(4, width - 2 - label.length - divergence.length - indexing.length);
	const at = (tick: number): number =>
		replay.endTick > 0
			? Math.max(0, Math.min(inner - 1, Math.round((tick / replay.endTick) * (inner - 1))))
			: 0;
	const cells: {char: string; colour: Ink}[] = [];
	const head = at(replay.tick);
	for (let i = 0; i < inner; i++)
		cells.push(i < head ? {char: '━', colour: theme.replay} : {char: '─', colour: theme.dim});
	// Notes, then commands, so an OOM kill at the same cell wins.
	const marks = {
		note: {char: '•', colour: theme.note},
		command: {char: '^', colour: theme.command},
		'oom-kill': {char: 'X', colour: theme.oom},
	};
	for (const kind of ['note', 'command', 'oom-kill'] as const) {
		for (const m of replay.markers) if (m.kind === kind) cells[at(m.tick)] = marks[kind];
	}
	cells[head] = {char: '●', colour: theme.replay};
	const spans: Span[] = [{text: '[', colour: theme.bracket, bold: true}];
	for (const c of cells) spans.push({text: c.char, colour: c.colour, bold: c.char === 'X' || c.char === '●'});
	spans.push({text: ']', colour: theme.bracket, bold: true}, {text: label, colour: theme.value});
	if (divergence) spans.push({text: divergence, colour: theme.bad, bold: true});
	if (indexing) spans.push({text: indexing, colour: theme.dim});
	return <Line spans={spans} width={width} />;
}
