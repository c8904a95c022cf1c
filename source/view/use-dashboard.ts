// The dashboard's state in one hook: the session's latest snapshot, the view state (reducer), the
// terminal size and everything derived from them for one frame (rows in order, the selection,
// the layout, rates). It also builds the ActionEnv that key actions run against.
import {useApp} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {Session} from '../session/types.js';
import type {ProcessSnapshot} from '../sim/snapshot-types.js';
import {type ActionEnv, type DashboardView, nameMatches} from './actions.js';
import {useSession} from './hooks/use-session.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {computeLayout} from './layout.js';
import {type ColumnContext, layoutColumns, sortProcesses} from './panels/columns.js';
import {type Rates, RateWindow, ratesFromSample} from './rates.js';
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

export interface Dashboard extends DashboardView {
	session: Session;
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

export function useDashboard(session: Session): Dashboard {
	const {exit} = useApp();
	const {columns: width, rows: height} = useTerminalSize();
	const {snapshot, status, store} = useSession(session);

	// A reducer whose latest state is also in a ref, so two keys in one chunk see each other's effect.
	const [ui, setUi] = useState<UiState>(() => ({
		...initialUiState,
		speedIndex: nearestSpeedIndex(status.speed),
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

	const layout = computeLayout(
		width,
		height,
		ui.lowerPanel,
		status.mode === 'replay' && status.replay !== null,
	);
	const columnContext = useMemo<ColumnContext>(
		() => ({history: (pid) => session.getProcessHistory(pid)}),
		[session],
	);
	const live = useMemo(() => snapshot.processes.filter((p) => p.state !== 'exited'), [snapshot]);
	const rows = useMemo(() => {
		const shown = ui.filter ? live.filter((p) => nameMatches(p, ui.filter)) : live;
		return sortProcesses(shown, ui.sortColumn, ui.descending, columnContext);
	}, [live, ui.filter, ui.sortColumn, ui.descending, columnContext]);
	const pids = useMemo(() => rows.map((p) => p.pid), [rows]);
	const pageSize = Math.max(1, layout.tableHeight - 1);
	const selected = selectionIndex(ui, pids);
	const top = scrollTopFor(ui.scrollTop, selected, pageSize, pids.length);
	const visibleColumns = layoutColumns(width).columns;

	const view = useRef<DashboardView | null>(null);
	view.current = {snapshot, status, rows, pids, pageSize, visibleColumns, layout};

	const env = useMemo<ActionEnv>(
		() => ({
			ui: () => uiRef.current,
			dispatch,
			view: () => view.current!,
			session,
			store,
			message: (text, tone = 'info') => dispatch({type: 'message', text, tone}),
			exit: () => exit(),
		}),
		[dispatch, session, store, exit],
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

	return {
		...view.current,
		session,
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
}
