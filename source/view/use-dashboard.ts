// The dashboard's state in one hook: the session's latest snapshot, the view state (reducer), the
// terminal size and everything derived from them for one frame (rows in order, the selection,
// the layout, rates). It also builds the ActionEnv that key actions run against.
import {useApp} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {Session} from '../session/types.js';
import type {ProcessSnapshot} from '../sim/snapshot-types.js';
import {type ActionEnv, type DashboardView, nameMatches} from './actions.js';
import {byCgroupPath, cgroupRows as cgroupLines, rowOfCgroup, selectedCgroup} from './cgroup-rows.js';
import {type DashboardConfig, DEFAULT_CONFIG} from './config.js';
import {explainTopic} from './explain-topics.js';
import {useSession} from './hooks/use-session.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {computeLayout} from './layout.js';
import {currentNote} from './notes.js';
import {type ColumnContext, layoutColumns, SMAPS_COLUMNS, sortProcesses} from './panels/columns.js';
import {type Rates, RateWindow, ratesFromSample} from './rates.js';
import {applyScheme, currentScheme, type SchemeName} from './theme.js';
import {flatRows, treeRows} from './tree.js';
import {
	initialUiState,
	nearestSpeedIndex,
	scrollTopFor,
	selectionIndex,
	type UiAction,
	type UiState,
	uiReducer,
} from './ui-state.js';

/** How long a feedback message stays (real time). */
const MESSAGE_MS = 4000;
/** Sessions publish 5 times a second; an update rate at or under that redraws on every publish. */
const SESSION_PUBLISH_MS = 200;

export interface DashboardOptions {
	/** Settings to start with (from the config file); default DEFAULT_CONFIG. */
	config?: DashboardConfig;
	/** Setup closed with changed settings: save them, and say where (or what went wrong). */
	onConfigChange?: (config: DashboardConfig) => {text: string; tone: 'info' | 'warn'} | null;
	/** `S`: keep this SVG picture of the screen (the app writes it), and say where (or what went wrong). */
	onSaveScreen?: (svg: string) => {text: string; tone: 'info' | 'warn'} | null;
	/** Draws the dashboard as an SVG picture (view/screen-svg.ts; given by the app, which holds the Screen). */
	screenSvg?: (d: Dashboard) => string;
	/** A warning to show first (a bad config file, NO_COLOR overriding the scheme). */
	notice?: string;
	/** Colour is off whatever setup says (NO_COLOR): the scheme stays monochrome. */
	noColor?: boolean;
}

export interface Dashboard extends DashboardView {
	session: Session;
	/** The colour scheme in force (the screen is drawn anew when it changes). */
	scheme: SchemeName;
	ui: UiState;
	width: number;
	height: number;
	rates: Rates;
	/** Processes that have not exited, in snapshot order. */
	live: readonly ProcessSnapshot[];
	/** Index of the selected row in `rows`, and the first row shown. */
	selected: number;
	top: number;
	columnContext: ColumnContext;
	env: ActionEnv;
}

export function useDashboard(session: Session, options: DashboardOptions): Dashboard {
	const {onConfigChange, onSaveScreen, screenSvg} = options;
	const {exit} = useApp();
	const {columns: width, rows: height} = useTerminalSize();
	const {snapshot, status, store} = useSession(session);

	// A reducer whose latest state is also in a ref, so two keys in one chunk see each other's effect.
	const [ui, setUi] = useState<UiState>(() => ({
		...initialUiState,
		speedIndex: nearestSpeedIndex(status.speed),
		config: options.config ?? DEFAULT_CONFIG,
		message: options.notice ? {id: 0, text: options.notice, tone: 'warn'} : null,
	}));
	const uiRef = useRef(ui);
	const dispatch = useCallback((action: UiAction) => {
		uiRef.current = uiReducer(uiRef.current, action);
		setUi(uiRef.current);
	}, []);

	const rateWindow = useRef<RateWindow | null>(null);
	rateWindow.current ??= new RateWindow();
	const windowRates = useMemo(() => rateWindow.current!.ingest(snapshot), [snapshot]);
	const rates = windowRates.window > 0 ? windowRates : ratesFromSample(session.getHistory().at(-1));

	const {config} = ui;
	const scheme = options.noColor ? 'monochrome' : config.scheme;
	// Before this render draws anything: the scheme is module state every component reads.
	if (currentScheme() !== scheme) applyScheme(scheme);
	useEffect(
		() => store.setInterval(config.updateMs > SESSION_PUBLISH_MS ? config.updateMs : 0),
		[store, config.updateMs],
	);

	const columnContext = useMemo<ColumnContext>(
		() => ({history: (pid) => session.getProcessHistory(pid)}),
		[session],
	);
	const live = useMemo(() => snapshot.processes.filter((p) => p.state !== 'exited'), [snapshot]);
	const cgroupRows = useMemo(() => cgroupLines(snapshot), [snapshot]);
	// With a cgroup tree, F5's tree hangs processes under their cgroup path (htop with cgroups).
	const cgroups = snapshot.cgroups;
	const parents = useMemo(
		() => (cgroups && cgroups.length > 0 ? byCgroupPath(cgroups) : undefined),
		[cgroups],
	);
	const rows = useMemo(() => {
		const shown = ui.filter ? live.filter((p) => nameMatches(p, ui.filter)) : live;
		if (ui.tree) {
			return treeRows(shown, {
				sortColumn: ui.sortColumn,
				descending: ui.descending,
				context: columnContext,
				collapsed: new Set(ui.collapsed),
				...(parents ? {parents} : {}),
			});
		}
		return flatRows(sortProcesses(shown, ui.sortColumn, ui.descending, columnContext));
	}, [live, ui.filter, ui.sortColumn, ui.descending, ui.tree, ui.collapsed, columnContext, parents]);
	// The workload's narration: the note the banner shows (from the event log, live and in replay).
	const eventLog = session.getEventLog();
	const note = useMemo(
		() => currentNote(eventLog, snapshot.tick, ui.recalledNote),
		[eventLog, snapshot.tick, ui.recalledNote],
	);
	const layout = computeLayout(
		width,
		height,
		ui.lowerPanel,
		status.mode === 'replay' && status.replay !== null,
		config.header,
		// The cgroup view's lines and its legend, in the table's place.
		ui.cgroups ? Math.max(1, cgroupRows.length + 1) : rows.length,
		note !== null,
	);
	const pids = useMemo(() => rows.map((r) => r.id), [rows]);
	const pageSize = Math.max(1, layout.tableHeight - 1);
	const selected = selectionIndex(ui, pids);
	const top = scrollTopFor(ui.scrollTop, selected, pageSize, pids.length);
	const visibleColumns = layoutColumns(width, config.columns).columns;
	const cgroupSelected = selectedCgroup(cgroupRows, ui.cgroupPath, ui.cgroupIndex);
	const cgroupPage = Math.max(1, layout.tableHeight - 1);
	const cgroupTop = scrollTopFor(
		ui.cgroupTop,
		Math.max(0, rowOfCgroup(cgroupRows, cgroupSelected)),
		cgroupPage,
		cgroupRows.length,
	);

	// The explain window's text, worked out once a frame for the screen and for scrolling.
	const explained =
		ui.overlay?.kind === 'explain'
			? explainTopic(ui.overlay.topic, {
					snapshot,
					status,
					rates,
					processes: live,
					history: columnContext.history,
					events: session.getEventLog(),
				})
			: null;

	const view = useRef<DashboardView | null>(null);
	const latest = useRef<Dashboard | null>(null);
	view.current = {
		snapshot,
		status,
		rows,
		pids,
		pageSize,
		top,
		visibleColumns,
		layout,
		explained,
		note,
		cgroupRows,
		cgroupSelected,
		cgroupTop,
		cgroupPage,
	};

	const env = useMemo<ActionEnv>(
		() => ({
			ui: () => uiRef.current,
			dispatch,
			view: () => view.current!,
			session,
			store,
			message: (text, tone = 'info') => dispatch({type: 'message', text, tone}),
			exit: () => exit(),
			saveConfig: (config) => onConfigChange?.(config) ?? null,
			saveScreen: () => {
				const d = latest.current;
				if (!onSaveScreen || !screenSvg || !d) return null;
				return onSaveScreen(screenSvg(d));
			},
		}),
		[dispatch, session, store, exit, onConfigChange, onSaveScreen, screenSvg],
	);

	useEffect(() => {
		const id = ui.message?.id;
		if (id === undefined) return;
		const timer = setTimeout(() => dispatch({type: 'message-clear', id}), MESSAGE_MS);
		return () => clearTimeout(timer);
	}, [ui.message?.id, dispatch]);

	// Page-table walks for region breakdowns only while a process detail is open.
	const detailPid = ui.overlay?.kind === 'detail' ? ui.overlay.pid : null;
	const regionsShown = useRef(false);
	useEffect(() => {
		if (detailPid === null && !regionsShown.current) return;
		regionsShown.current = detailPid !== null;
		session.showRegionsOf?.(detailPid);
	}, [session, detailPid]);

	// smaps_rollup walks every page table: only while a column reads it (htop reads smaps likewise).
	const smapsShown = visibleColumns.some((c) => SMAPS_COLUMNS.has(c.id)) || SMAPS_COLUMNS.has(ui.sortColumn);
	useEffect(() => {
		session.showSmaps?.(smapsShown);
	}, [session, smapsShown]);

	latest.current = {
		...view.current,
		session,
		scheme,
		ui,
		width,
		height,
		rates,
		live,
		selected,
		top,
		columnContext,
		env,
	};
	return latest.current;
}
