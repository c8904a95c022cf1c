// The whole screen for one frame: header meters, then the table with the log and graphs under it
// (or the window that covers them), the status line and the function bar.
import {Box} from 'ink';
import {type ReactNode, useMemo} from 'react';
import type {LoggedEvent} from '../session/types.js';
import {modeOf} from './keymap.js';
import {Header} from './meters/header.js';
import {CgroupView} from './panels/cgroup-view.js';
import {columnById} from './panels/columns.js';
import {EventLog} from './panels/event-log.js';
import {ExplainPanel} from './panels/explain-panel.js';
import {FunctionBar} from './panels/function-bar.js';
import {Graphs} from './panels/graphs.js';
import {Help} from './panels/help.js';
import {NoteBanner} from './panels/note-banner.js';
import {type OomKillEvent, OomReport} from './panels/oom-report.js';
import {PolicyDuel} from './panels/policy-duel.js';
import {ProcessDetail} from './panels/process-detail.js';
import {ProcessTable} from './panels/process-table.js';
import {Setup} from './panels/setup.js';
import {SignalMenu} from './panels/signal-menu.js';
import {SortMenu} from './panels/sort-menu.js';
import {StatusLine} from './panels/status-line.js';
import type {Dashboard} from './use-dashboard.js';

export function oomKills(events: readonly LoggedEvent[]): OomKillEvent[] {
	const kills: OomKillEvent[] = [];
	for (const {event} of events) if (event.kind === 'oom-kill') kills.push(event);
	return kills;
}

/** The status line under the cgroup view: how many cgroups, the selected one. */
function cgroupSummary(d: Dashboard): string {
	const list = d.snapshot.cgroups ?? [];
	if (list.length === 0) return 'cgroup view · no cgroup tree · C: the processes · ? for help';
	const at = list.find((c) => c.path === d.ui.cgroupPath) ?? list[Math.max(0, d.cgroupSelected)];
	return `cgroup view · ${list.length} cgroups · ${at?.path ?? '/'} · F7 high · F8 max · ? for help`;
}

/** What covers the table, when a window is open. */
function OverlayBody({d}: {d: Dashboard}): ReactNode {
	const {ui, width, layout, snapshot, session} = d;
	const overlay = ui.overlay;
	if (overlay?.kind === 'help') return <Help width={width} height={layout.body} offset={overlay.offset} />;
	if (overlay?.kind === 'detail') {
		return (
			<ProcessDetail
				pid={overlay.pid}
				process={d.live.find((p) => p.pid === overlay.pid)}
				snapshot={snapshot}
				history={session.getProcessHistory(overlay.pid)}
				width={width}
				height={layout.body}
				offset={overlay.offset}
				region={overlay.region ?? 0}
			/>
		);
	}
	if (overlay?.kind === 'oom') {
		const kills = oomKills(session.getEventLog());
		const index = kills.length - 1 - Math.min(overlay.back, Math.max(0, kills.length - 1));
		return (
			<OomReport
				kill={kills[index]}
				index={index + 1}
				count={kills.length}
				width={width}
				height={layout.body}
			/>
		);
	}
	if (overlay?.kind === 'sort') {
		return (
			<SortMenu
				columns={d.visibleColumns}
				cursor={overlay.cursor}
				current={ui.sortColumn}
				width={width}
				height={layout.body}
			/>
		);
	}
	if (overlay?.kind === 'signal') {
		return (
			<SignalMenu
				pid={overlay.pid}
				name={overlay.name}
				cursor={overlay.cursor}
				width={width}
				height={layout.body}
			/>
		);
	}
	if (overlay?.kind === 'setup') {
		return (
			<Setup
				config={ui.config}
				pane={overlay.pane}
				category={overlay.category}
				cursor={overlay.cursor}
				width={width}
				height={layout.body}
				schemeNote={d.scheme !== ui.config.scheme ? `NO_COLOR is set: ${d.scheme} wins` : undefined}
			/>
		);
	}
	if (overlay?.kind === 'explain') {
		return (
			<ExplainPanel
				explanation={d.explained?.explanation ?? null}
				subject={d.explained?.subject ?? ''}
				width={width}
				height={layout.body}
				offset={overlay.offset}
			/>
		);
	}
	return null;
}

/** The table and, under or beside each other, the event log and the graphs (or the policy duel). */
function TableBody({d}: {d: Dashboard}) {
	const {ui, width, layout, snapshot, session} = d;
	const log =
		layout.logHeight > 0 ? (
			<EventLog
				events={session.getEventLog()}
				width={layout.logWidth}
				height={layout.logHeight}
				scroll={ui.logScroll}
				focused={ui.logFocus}
			/>
		) : null;
	const twin = session.getTwin?.() ?? null;
	let graphs: ReactNode = null;
	if (layout.graphsHeight > 0 && twin) {
		graphs = (
			<PolicyDuel main={snapshot} twin={twin} width={layout.graphsWidth} height={layout.graphsHeight} />
		);
	} else if (layout.graphsHeight > 0) {
		graphs = (
			<Graphs
				history={session.getHistory()}
				totalPages={snapshot.totalPages}
				swapPages={snapshot.swap.totalPages}
				zpoolPages={Math.max(snapshot.zswap.limitPages, snapshot.frames.zpool)}
				width={layout.graphsWidth}
				height={layout.graphsHeight}
			/>
		);
	}
	const table = ui.cgroups ? (
		<CgroupView
			rows={d.cgroupRows}
			selected={d.cgroupSelected}
			top={d.cgroupTop}
			width={width}
			height={layout.tableHeight}
		/>
	) : (
		<ProcessTable
			rows={d.rows}
			selectedIndex={d.selected}
			scrollTop={d.top}
			width={width}
			height={layout.tableHeight}
			sortColumn={ui.sortColumn}
			descending={ui.descending}
			context={d.columnContext}
			emptyText={ui.filter ? `  no process matches "${ui.filter}" (Esc clears the filter)` : undefined}
			columns={ui.config.columns}
		/>
	);
	return (
		<>
			{table}
			{layout.lower === 'both' && layout.sideBySide ? (
				<Box width={width} height={layout.lowerHeight}>
					{log}
					<Box width={1} />
					{graphs}
				</Box>
			) : (
				<>
					{log}
					{graphs}
				</>
			)}
		</>
	);
}

export function Screen({d}: {d: Dashboard}) {
	const {ui, width, height, layout, status} = d;
	// Standing warnings (a replay's divergence or notice, a run that is not recorded) show whenever no
	// transient message does.
	const replayText = status.replay?.divergence ?? status.replay?.notice ?? status.notRecording ?? null;
	const replayNote = useMemo(
		() => (replayText ? {id: -1, text: replayText, tone: 'warn' as const} : null),
		[replayText],
	);
	return (
		// Keyed by the scheme: memoised panels would keep the old colours otherwise.
		<Box
			key={d.scheme}
			flexDirection="column"
			width={width}
			height={Math.max(1, height - 1)}
			overflowY="hidden"
		>
			<Header
				snapshot={d.snapshot}
				status={status}
				rates={d.rates}
				width={width}
				maxLines={layout.headerLines}
				config={ui.config.header}
			/>
			{layout.banner > 0 && d.note ? <NoteBanner note={d.note} width={width} /> : null}
			<Box flexDirection="column" width={width} height={layout.body} overflowY="hidden">
				{ui.overlay ? <OverlayBody d={d} /> : <TableBody d={d} />}
			</Box>
			<StatusLine
				message={ui.message ?? replayNote}
				sortTitle={columnById(ui.sortColumn).title}
				descending={ui.descending}
				filter={ui.filter}
				shown={d.rows.length}
				total={d.live.length}
				width={width}
				summary={ui.cgroups ? cgroupSummary(d) : undefined}
			/>
			<FunctionBar
				mode={modeOf(status)}
				prompt={ui.prompt}
				overlay={ui.overlay?.kind ?? null}
				tree={ui.tree}
				cgroups={ui.cgroups}
				hasCgroups={d.cgroupRows.length > 0}
				width={width}
			/>
		</Box>
	);
}
