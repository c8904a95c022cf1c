// "Why did it pick that one?" The kernel's OOM report for one kill: its log lines, then every
// candidate with the parts of oom_badness() (pages) in the core's ranking (the victim first: ties go
// to the later task, as oom_evaluate_task() picks), the victim marked.
import {Box} from 'ink';
import type {OomCandidate, OomdRankedCandidate, SimEvent} from '../../sim/events.js';
import {fitLeft, fitRight, formatCount, formatDmesgTime, formatPages} from '../format.js';
import {Line, type Span} from '../line.js';
import {onBar, theme} from '../theme.js';
import {PanelTitle} from './panel-title.js';

export type OomKillEvent = Extract<SimEvent, {kind: 'oom-kill'}>;

export interface OomReportProps {
	/** Kill to show, or undefined when there has been none. */
	kill: OomKillEvent | undefined;
	/** 1-based position among the kills in the log, and how many there are. */
	index: number;
	count: number;
	width: number;
	height: number;
}

/** `ranked`: a figure only oom_badness() gives, which tasks it passes over do not have. */
const COLUMNS: readonly {title: string; width: number; ranked?: true; get: (c: OomCandidate) => string}[] = [
	{title: 'PID', width: 7, get: (c) => String(c.pid)},
	{title: 'RSS', width: 9, get: (c) => String(c.rss)},
	{title: 'SWAPENTS', width: 9, get: (c) => String(c.swapents)},
	{title: 'PGTABLES', width: 9, get: (c) => String(c.pgtables)},
	{title: 'ADJ', width: 6, get: (c) => String(c.oomScoreAdj)},
	{title: 'ADJ PAGES', width: 10, ranked: true, get: (c) => String(c.adjPages)},
	{title: 'BADNESS', width: 9, ranked: true, get: (c) => String(c.badness)},
];
const NAME_WIDTH = 16;

export function candidateRows(kill: OomKillEvent, width: number): Span[][] {
	// The core ranked them as the kernel picks; re-sorting here could put the victim below a tie.
	const ranked = kill.candidates;
	const top = Math.max(1, ranked[0]?.badness ?? 1);
	const fixed = 2 + COLUMNS.reduce((n, c) => n + c.width, 0) + 1 + NAME_WIDTH;
	const barWidth = Math.max(0, Math.min(20, width - fixed - 1));
	const header: Span[] = [
		{
			text: `  ${COLUMNS.map((c) => fitLeft(c.title, c.width)).join('')} ${fitRight('NAME', NAME_WIDTH)}`,
			...onBar(theme.tableHeader),
			bold: true,
		},
	];
	const rows = ranked.map((c): Span[] => {
		const victim = c.pid === kill.pid;
		const bar =
			barWidth > 0
				? '█'.repeat(Math.max(c.badness > 0 ? 1 : 0, Math.round((Math.max(0, c.badness) / top) * barWidth)))
				: '';
		return [
			{text: victim ? '▶ ' : '  ', colour: theme.oom, bold: true},
			{
				text: COLUMNS.map((col) => fitLeft(col.get(c), col.width)).join(''),
				colour: victim ? theme.oom : undefined,
				bold: victim,
			},
			{text: ` ${fitRight(c.name, NAME_WIDTH)}`, colour: victim ? theme.oom : undefined, bold: victim},
			{text: ` ${bar}`, colour: victim ? theme.oom : theme.warn},
		];
	});
	// dump_tasks() lists every task; the ones oom_badness() passes over are marked with why.
	const skipped = (kill.unkillable ?? []).map((u): Span[] => [
		{text: '  '},
		{
			text: COLUMNS.map((col) =>
				fitLeft(col.ranked ? '—' : col.get({...u, adjPages: 0, badness: 0}), col.width),
			).join(''),
			colour: theme.dim,
		},
		{text: ` ${fitRight(u.name, NAME_WIDTH)}`, colour: theme.dim},
		{text: ` unkillable: ${u.oomScoreAdj === -1000 ? 'adj -1000' : 'exiting'}`, colour: theme.ok},
	]);
	return [header, ...rows, ...skipped];
}

/** A ManagedOOMPreference cell: what oomd honoured, and an xattr it ignored (the owner rule). */
function preferenceText(c: OomdRankedCandidate): string {
	if (c.preference !== c.xattr) return `${c.xattr}: ignored (owner)`;
	return c.preference === 'none' ? '-' : c.preference;
}

/**
 * systemd-oomd's ranking behind its kill (oomd_sort_cgroup_contexts): ManagedOOMPreference first
 * (every avoid after every none; omit never considered), then the pgscan rate and memory.current for
 * a pressure kill, or memory.swap.current for a swap kill; the victim marked, the omitted listed last.
 */
export function oomdRows(kill: OomKillEvent, width: number): Span[][] {
	const r = kill.oomd;
	if (!r) return [];
	const head = `  ${fitRight('PREFERENCE', 24)}${fitLeft(r.by === 'pgscan' ? 'PGSCAN/POLL' : 'SWAP', 12)}${fitLeft('CURRENT', 9)}  CGROUP`;
	const row = (c: OomdRankedCandidate, omitted: boolean): Span[] => {
		const victim = !omitted && c.path === kill.memcg;
		const figure = r.by === 'pgscan' ? formatCount(c.pgscanRate) : formatPages(c.swap);
		const text = `${fitRight(omitted ? 'omit: never chosen' : preferenceText(c), 24)}${fitLeft(figure, 12)}${fitLeft(formatPages(c.current), 9)}  `;
		const room = Math.max(8, width - 2 - text.length);
		const path = c.path.length > room ? `…${c.path.slice(-(room - 1))}` : c.path;
		const colour = victim ? theme.oom : omitted || c.preference === 'avoid' ? theme.ok : undefined;
		return [
			{text: victim ? '▶ ' : '  ', colour: theme.oom, bold: true},
			{text: `${text}${path}`, colour, bold: victim},
		];
	};
	return [
		[{text: fitRight(head, width), ...onBar(theme.tableHeader), bold: true}],
		...r.candidates.map((c) => row(c, false)),
		...r.omitted.map((c) => row(c, true)),
	];
}

const OOMD_RULE =
	"systemd-oomd's order: ManagedOOMPreference (none, then avoid; omit never), then the pgscan rate since its last poll, then memory.current; the first that scanned or holds memory is killed whole";
const OOMD_SWAP_RULE =
	"systemd-oomd's order: ManagedOOMPreference (none, then avoid; omit never), then memory.swap.current; the first over 5 % of swap is killed whole";

/** Who killed, within what, and why: the kernel's global OOM killer, the memcg OOM killer, or a userspace one. */
export interface OomConstraint {
	kind: 'global' | 'memcg' | 'userspace';
	/** The cgroup whose limit (memcg) or pressure (userspace) led to the kill. */
	memcg?: string | undefined;
	/** The report's first line: the kind and the constraint as the kernel logs it. */
	summary: string;
	/** What that means for the candidates and for the rest of the machine. */
	detail: string;
}

/**
 * The kill's constraint: from the event's own fields, else (a recording from before they existed)
 * from its oom-kill:constraint= log line; a userspace killer names itself in its lines.
 */
export function oomConstraint(kill: OomKillEvent): OomConstraint {
	const constraintLine = kill.lines.find((l) => l.startsWith('oom-kill:constraint='));
	const fromLine = /oom_memcg=([^,\s]+)/.exec(constraintLine ?? '')?.[1];
	const kind = kill.constraint ?? (constraintLine?.includes('CONSTRAINT_MEMCG') ? 'memcg' : 'global');
	const memcg = kill.memcg ?? fromLine;
	const why = kill.reason ? `: ${kill.reason}` : '';
	if (kind === 'memcg') {
		const path = memcg ?? '?';
		return {
			kind,
			memcg,
			summary: `memcg OOM (constraint=CONSTRAINT_MEMCG, oom_memcg=${path})${why || `: ${path} reached memory.max`}`,
			detail: `Only the tasks of ${path} and below were candidates, with totalpages = its memory.max plus the swap it may use (mem_cgroup_get_max): the rest of the machine may have plenty of free memory.`,
		};
	}
	if (kind === 'userspace') {
		const text = kill.lines.join(' ');
		const who = /systemd-oomd/.test(text)
			? 'systemd-oomd'
			: /earlyoom/.test(text)
				? 'earlyoom'
				: 'a userspace OOM killer';
		return {
			kind,
			memcg,
			summary: `userspace kill by ${who}${memcg ? ` (cgroup ${memcg})` : ''}${why}`,
			detail: `Not the kernel's OOM killer: ${who} watched pressure or free memory and sent the kill itself, before the kernel ran out of memory (no oom-kill:constraint line).`,
		};
	}
	return {
		kind: 'global',
		summary: `global OOM (constraint=CONSTRAINT_NONE)${why || ': the machine ran out of RAM and swap'}`,
		detail:
			'Every task on the machine was a candidate, with totalpages = RAM + swap; no cgroup limit was involved.',
	};
}

/** A kernel line split at the panel's width (no field of the kill line is cut off). */
export function wrapLine(text: string, width: number): string[] {
	const room = Math.max(10, width);
	const out: string[] = [];
	let rest = text;
	while (rest.length > room) {
		const cut = rest.lastIndexOf(' ', room);
		const at = cut > room / 2 ? cut : room;
		out.push(rest.slice(0, at));
		rest = rest.slice(at).trimStart();
	}
	out.push(rest);
	return out;
}

export function OomReport({kill, index, count, width, height}: OomReportProps) {
	const room = Math.max(0, height - 1);
	if (!kill) {
		return (
			<Box flexDirection="column" width={width} height={height} overflowY="hidden">
				<PanelTitle title="OOM killer" right="Esc close" width={width} />
				<Line spans={[{text: '  no OOM kill so far', colour: theme.dim}]} width={width} />
			</Box>
		);
	}
	const stamp = `${formatDmesgTime(kill.tick)} `;
	const why = oomConstraint(kill);
	const summary = wrapLine(why.summary, width - 2).map((part): Span[] => [
		{text: ` ${part}`, colour: why.kind === 'global' ? theme.oom : theme.warn, bold: true},
	]);
	const detail = wrapLine(why.detail, width - 3).map((part): Span[] => [
		{text: `   ${part}`, colour: theme.dim},
	]);
	const lines: Span[][] = kill.lines.flatMap((l) => {
		const strong = l.startsWith('Out of memory') || l.startsWith('Memory cgroup out of memory');
		return wrapLine(l, width - stamp.length).map((part, i): Span[] => [
			{text: i === 0 ? stamp : ' '.repeat(stamp.length), colour: theme.dim},
			{text: part, colour: strong ? theme.oom : undefined, bold: strong},
		]);
	});
	lines.push([]);
	if (kill.oomd) {
		lines.push(...oomdRows(kill, width), []);
		const rule = kill.oomd.by === 'pgscan' ? OOMD_RULE : OOMD_SWAP_RULE;
		lines.push(...wrapLine(rule, width - 4).map((part): Span[] => [{text: `  ${part}`, colour: theme.dim}]));
	} else {
		lines.push(...candidateRows(kill, width));
		lines.push([]);
		lines.push([
			{
				text: '  badness = rss + swapents + pgtables + oom_score_adj × (totalpages / 1000), in pages; the highest dies',
				colour: theme.dim,
			},
		]);
	}
	// Who killed and why first; what that means too when the whole report still fits with it.
	const roomy = summary.length + detail.length + 1 + lines.length <= room;
	lines.unshift(...summary, ...(roomy ? detail : []), []);
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle
				title={`OOM kill ${index} of ${count}: ${kill.pid} (${kill.name})`}
				right={count > 1 ? '← → older/newer · Esc close' : 'Esc close'}
				width={width}
			/>
			{lines.slice(0, room).map((spans, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: report lines are positional
				<Line key={i} spans={spans.length > 0 ? spans : [{text: ''}]} width={width} />
			))}
		</Box>
	);
}
