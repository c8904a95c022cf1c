// The dashboard: meters on top, the process table, the event log and history graphs below it,
// a status line and htop's function bar at the bottom. Every key that changes the machine goes
// through session.send (the core logs it as a 'command' event); everything else is view state.

import {Box, type Key, useApp, useInput, useStdin} from 'ink';
import {type ReactNode, useCallback, useEffect, useMemo, useRef, useState} from 'react';
import type {LoggedEvent, Session, SessionStatus, TimelineMarker} from './session/types.js';
import type {Command} from './sim/commands.js';
import {policyNames} from './sim/policies/index.js';
import type {ProcessSnapshot, Snapshot} from './sim/snapshot-types.js';
import {cacheFloodSpec, HOG_SIZES, hogSpec, leakSpec} from './sim/templates.js';
import {MIB, PAGE_SIZE, secondsToTicks, TICKS_PER_SECOND, ticksToSeconds} from './sim/units.js';
import {formatBinary, formatClock, formatSpeed, parseTime} from './view/format.js';
import {type FunctionKey, useFunctionKeys} from './view/hooks/use-function-keys.js';
import {useSession} from './view/hooks/use-session.js';
import {useTerminalSize} from './view/hooks/use-terminal-size.js';
import {Header, headerHeight, WIDE_HEADER} from './view/meters/header.js';
import {
	type Column,
	type ColumnContext,
	columnById,
	layoutColumns,
	sortProcesses,
} from './view/panels/columns.js';
import {EventLog} from './view/panels/event-log.js';
import {FunctionBar} from './view/panels/function-bar.js';
import {Graphs} from './view/panels/graphs.js';
import {Help, helpLineCount} from './view/panels/help.js';
import {type OomKillEvent, OomReport} from './view/panels/oom-report.js';
import {PolicyDuel} from './view/panels/policy-duel.js';
import {detailLineCount, ProcessDetail} from './view/panels/process-detail.js';
import {ProcessTable} from './view/panels/process-table.js';
import {SortMenu} from './view/panels/sort-menu.js';
import {StatusLine} from './view/panels/status-line.js';
import {RateWindow, ratesFromSample} from './view/rates.js';
import {
	initialUiState,
	type LowerPanel,
	nearestSpeedIndex,
	nextInCycle,
	OOM_ADJ_STEPS,
	SPEEDS,
	SWAPPINESS_STEPS,
	scrollTopFor,
	selectionIndex,
	type UiAction,
	type UiState,
	uiReducer,
} from './view/ui-state.js';

/** Replay seeks: arrows move one second, PgUp/PgDn and shift-arrows ten. */
const SEEK_SMALL = TICKS_PER_SECOND;
const SEEK_LARGE = 10 * TICKS_PER_SECOND;
const BALLOON_STEP = 256 * MIB;
/** How long a feedback message stays (real time). */
const MESSAGE_MS = 4000;

export interface Layout {
	width: number;
	headerLines: number;
	/** Lines between header and status line. */
	body: number;
	tableHeight: number;
	lower: LowerPanel;
	lowerHeight: number;
	/** Side by side (wide) or stacked. */
	sideBySide: boolean;
	logWidth: number;
	graphsWidth: number;
	logHeight: number;
	graphsHeight: number;
}

/** Where everything goes for a terminal size. Renders rows-1 lines at most (ink-stack.md §2). */
export function computeLayout(
	width: number,
	rows: number,
	chosen: LowerPanel | null,
	replay: boolean,
): Layout {
	const total = Math.max(1, rows - 1);
	const footer = Math.min(2, total);
	// The header gives way first on very short terminals, but the table keeps a few rows.
	const headerLines = headerHeight(width, Math.max(0, total - footer - 4), replay);
	const body = Math.max(0, total - footer - headerLines);
	const lower: LowerPanel = chosen ?? (rows >= 32 ? 'both' : 'none');
	const sideBySide = width >= WIDE_HEADER;
	const stacked = lower === 'both' && !sideBySide;
	let lowerHeight = 0;
	if (stacked) {
		// Graphs and a few log lines under each other: most of the body, a little table left.
		lowerHeight = Math.max(0, Math.min(16, Math.max(10, Math.floor(body * 0.6)), body - 3));
	} else if (lower !== 'none') {
		lowerHeight = Math.max(0, Math.min(12, Math.max(7, Math.floor(body * 0.4)), body - 4));
	}
	const graphsWidth = lower === 'both' && sideBySide ? Math.min(72, Math.floor(width * 0.45)) : width;
	const logWidth = lower === 'both' && sideBySide ? width - graphsWidth - 1 : width;
	let logHeight = lower === 'log' || lower === 'both' ? lowerHeight : 0;
	let graphsHeight = lower === 'graphs' || lower === 'both' ? lowerHeight : 0;
	if (stacked) {
		graphsHeight = Math.min(7, Math.max(0, lowerHeight - 3));
		logHeight = lowerHeight - graphsHeight;
	}
	return {
		width,
		headerLines,
		body,
		tableHeight: body - lowerHeight,
		lower,
		lowerHeight,
		sideBySide,
		logWidth,
		graphsWidth,
		logHeight,
		graphsHeight,
	};
}

function matches(p: ProcessSnapshot, text: string): boolean {
	return text !== '' && p.name.toLowerCase().includes(text.toLowerCase());
}

/** The next row whose name matches, starting at `from` and wrapping; -1 if none. */
export function findMatch(rows: readonly ProcessSnapshot[], text: string, from: number): number {
	for (let k = 0; k < rows.length; k++) {
		const i = (from + k + rows.length) % rows.length;
		if (matches(rows[i]!, text)) return i;
	}
	return -1;
}

function oomKills(events: readonly LoggedEvent[]): OomKillEvent[] {
	const kills: OomKillEvent[] = [];
	for (const {event} of events) if (event.kind === 'oom-kill') kills.push(event);
	return kills;
}

/** Everything the (stable) key handlers need from the latest render. */
interface Latest {
	ui: UiState;
	snapshot: Snapshot;
	status: SessionStatus;
	rows: readonly ProcessSnapshot[];
	pids: readonly number[];
	pageSize: number;
	visibleColumns: readonly Column[];
	layout: Layout;
}

export function App({session}: {session: Session}) {
	const {exit} = useApp();
	const {isRawModeSupported} = useStdin();
	// Ink throws if raw mode is requested on a pipe; undefined must count as "no" (ink-stack.md §3).
	const inputActive = isRawModeSupported === true;
	const {columns: width, rows: height} = useTerminalSize();
	const {snapshot, status, store} = useSession(session);

	// A reducer whose latest state is also in a ref, so two keys in one tick see each other's effect.
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

	const events = session.getEventLog();
	const history = session.getHistory();
	const rates = windowRates.window > 0 ? windowRates : ratesFromSample(history.at(-1));
	const replay = status.mode === 'replay';
	const layout = computeLayout(width, height, ui.lowerPanel, replay && status.replay !== null);

	const context = useMemo<ColumnContext>(
		() => ({history: (pid) => session.getProcessHistory(pid)}),
		[session],
	);
	const live = useMemo(() => snapshot.processes.filter((p) => p.state !== 'exited'), [snapshot]);
	const rows = useMemo(() => {
		const shown = ui.filter ? live.filter((p) => matches(p, ui.filter)) : live;
		return sortProcesses(shown, ui.sortColumn, ui.descending, context);
	}, [live, ui.filter, ui.sortColumn, ui.descending, context]);
	const pids = useMemo(() => rows.map((p) => p.pid), [rows]);
	const pageSize = Math.max(1, layout.tableHeight - 1);
	const selected = selectionIndex(ui, pids);
	const top = scrollTopFor(ui.scrollTop, selected, pageSize, pids.length);
	const visibleColumns = layoutColumns(width).columns;

	const latest = useRef<Latest | null>(null);
	latest.current = {ui, snapshot, status, rows, pids, pageSize, visibleColumns, layout};

	const message = useCallback(
		(text: string, tone: 'info' | 'warn' = 'info') => dispatch({type: 'message', text, tone}),
		[dispatch],
	);

	useEffect(() => {
		const id = ui.message?.id;
		if (id === undefined) return;
		const timer = setTimeout(() => dispatch({type: 'message-clear', id}), MESSAGE_MS);
		return () => clearTimeout(timer);
	}, [ui.message?.id, dispatch]);

	// ---- actions shared by letters and F-keys -------------------------------------------------

	const selectedProcess = useCallback((): ProcessSnapshot | undefined => {
		const l = latest.current!;
		const i = selectionIndex(uiRef.current, l.pids);
		return i >= 0 ? l.rows[i] : undefined;
	}, []);

	const send = useCallback(
		(command: Command, feedback: string): boolean => {
			if (latest.current!.status.mode === 'replay') {
				message('replay: press t to take over before changing the machine', 'warn');
				return false;
			}
			session.send(command);
			message(feedback);
			return true;
		},
		[session, message],
	);

	const killSelected = useCallback(() => {
		const p = selectedProcess();
		if (!p) return;
		send({kind: 'kill', pid: p.pid}, `sent SIGKILL to ${p.pid} (${p.name})`);
	}, [selectedProcess, send]);

	const openSearch = useCallback(() => dispatch({type: 'prompt-open', kind: 'search'}), [dispatch]);
	const openFilter = useCallback(() => dispatch({type: 'prompt-open', kind: 'filter'}), [dispatch]);
	const openHelp = useCallback(
		() => dispatch({type: 'overlay', overlay: {kind: 'help', offset: 0}}),
		[dispatch],
	);
	const openSortMenu = useCallback(() => {
		const l = latest.current!;
		const cursor = Math.max(
			0,
			l.visibleColumns.findIndex((c) => c.id === uiRef.current.sortColumn),
		);
		dispatch({type: 'overlay', overlay: {kind: 'sort', cursor}});
	}, [dispatch]);

	/** Jump to the next row matching the search text; `skipCurrent` for F3 "next". */
	const searchNext = useCallback(
		(skipCurrent: boolean) => {
			const l = latest.current!;
			const text = uiRef.current.search;
			if (!text) return;
			const from = selectionIndex(uiRef.current, l.pids) + (skipCurrent ? 1 : 0);
			const at = findMatch(l.rows, text, Math.max(0, from));
			if (at < 0) {
				message(`no process matches "${text}"`, 'warn');
				return;
			}
			dispatch({type: 'select', pid: l.pids[at]!, pids: l.pids, pageSize: l.pageSize});
		},
		[dispatch, message],
	);

	const quit = useCallback(() => exit(), [exit]);

	const seekTo = useCallback(
		(tick: number) => {
			const replayStatus = latest.current!.status.replay;
			if (!session.seek || !replayStatus) return;
			const target = Math.max(0, Math.min(replayStatus.endTick, Math.round(tick)));
			session.seek(target);
			store.invalidate();
			message(`seek ${formatClock(ticksToSeconds(target))}`);
		},
		[session, store, message],
	);

	const changeSpeed = useCallback(
		(delta: number) => {
			const current = nearestSpeedIndex(session.getStatus().speed);
			const index = Math.max(0, Math.min(SPEEDS.length - 1, current + delta));
			const speed = SPEEDS[index]!;
			session.setSpeed(speed);
			dispatch({type: 'speed', index});
			store.invalidate();
			message(`speed ${formatSpeed(speed)}`);
		},
		[session, store, dispatch, message],
	);

	const togglePause = useCallback(() => {
		const paused = !session.getStatus().paused;
		session.setPaused(paused);
		store.invalidate();
		message(
			paused ? 'paused (. steps one tick)' : latest.current!.status.mode === 'replay' ? 'playing' : 'running',
		);
	}, [session, store, message]);

	const onFunctionKey = useCallback(
		(key: FunctionKey) => {
			let state = uiRef.current;
			const l = latest.current!;
			// Like any key, an F-key leaves an open window first (F1 toggles help, F10 still quits).
			if (state.overlay && key !== 'f1' && key !== 'f10') {
				const wasHelp = state.overlay.kind === 'help';
				dispatch({type: 'overlay', overlay: null});
				if (wasHelp) return;
				state = uiRef.current;
			}
			switch (key) {
				case 'f1':
					if (state.overlay?.kind === 'help') dispatch({type: 'overlay', overlay: null});
					else openHelp();
					return;
				case 'f3':
					if (state.prompt?.kind === 'search' || (!state.prompt && state.search && !state.overlay)) {
						if (!state.prompt) openSearch();
						searchNext(true);
					} else if (!state.prompt) {
						openSearch();
					}
					return;
				case 'f4':
					if (!state.prompt) openFilter();
					return;
				case 'f6':
					if (!state.prompt) openSortMenu();
					return;
				case 'f9':
					if (!state.prompt) killSelected();
					return;
				case 'f10':
					quit();
					return;
				default:
					// F2, F5, F7, F8: htop's setup, tree and nice keys have no meaning here.
					if (l.status.mode === 'live') message(`${key.toUpperCase()} does nothing here; ? lists the keys`);
			}
		},
		[dispatch, openHelp, openSearch, openFilter, openSortMenu, searchNext, killSelected, quit, message],
	);

	const onPromptKey = useCallback(
		(input: string, key: Key) => {
			const state = uiRef.current;
			const prompt = state.prompt!;
			const l = latest.current!;
			if (key.escape) {
				dispatch({type: 'prompt-close', commit: false});
				return;
			}
			if (key.return) {
				if (prompt.kind === 'goto') {
					const seconds = parseTime(prompt.text);
					if (seconds === null) message(`not a time: "${prompt.text}" (use mm:ss)`, 'warn');
					else seekTo(secondsToTicks(seconds));
				}
				dispatch({type: 'prompt-close', commit: true});
				return;
			}
			if (key.backspace || key.delete) {
				dispatch({type: 'prompt-backspace'});
				return;
			}
			if (key.upArrow || key.downArrow) {
				dispatch({type: 'move', delta: key.upArrow ? -1 : 1, pids: l.pids, pageSize: l.pageSize});
				return;
			}
			if (input && !key.ctrl && !key.meta && !key.tab && input >= ' ') {
				dispatch({type: 'prompt-type', text: input});
				if (prompt.kind === 'search') searchNext(false);
			}
		},
		[dispatch, message, seekTo, searchNext],
	);

	/** Keys while a window covers the table; returns true when the key was used. */
	const onOverlayKey = useCallback(
		(input: string, key: Key): boolean => {
			const state = uiRef.current;
			const overlay = state.overlay!;
			const l = latest.current!;
			const room = Math.max(1, l.layout.body - 1);
			const scroll = key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -room : key.pageDown ? room : 0;
			switch (overlay.kind) {
				case 'help':
					if (scroll !== 0) {
						dispatch({
							type: 'overlay-scroll',
							delta: scroll,
							max: Math.max(0, helpLineCount(l.layout.width) - room),
						});
					} else {
						// htop: any other key leaves the help screen.
						dispatch({type: 'overlay', overlay: null});
					}
					return true;
				case 'sort':
					if (key.escape || input === 'q') dispatch({type: 'overlay', overlay: null});
					else if (scroll !== 0)
						dispatch({type: 'sort-menu-move', delta: Math.sign(scroll), count: l.visibleColumns.length});
					else if (key.return) {
						const column = l.visibleColumns[overlay.cursor];
						if (column) dispatch({type: 'sort-set', column: column.id});
						dispatch({type: 'overlay', overlay: null});
					}
					return true;
				case 'detail':
					if (key.escape || key.return || input === 'q') {
						dispatch({type: 'overlay', overlay: null});
						return true;
					}
					if (scroll !== 0) {
						const p = l.snapshot.processes.find((x) => x.pid === overlay.pid);
						dispatch({type: 'overlay-scroll', delta: scroll, max: Math.max(0, detailLineCount(p) - room)});
						return true;
					}
					return false;
				case 'oom': {
					if (key.escape || input === 'q' || input === 'x' || key.return) {
						dispatch({type: 'overlay', overlay: null});
						return true;
					}
					if (key.leftArrow || key.rightArrow) {
						const count = oomKills(session.getEventLog()).length;
						const back = Math.max(0, Math.min(count - 1, overlay.back + (key.leftArrow ? 1 : -1)));
						dispatch({type: 'overlay', overlay: {kind: 'oom', back}});
						return true;
					}
					return scroll !== 0;
				}
			}
		},
		[dispatch, session],
	);

	const onReplayKey = useCallback(
		(input: string, key: Key): boolean => {
			const l = latest.current!;
			const replayStatus = l.status.replay;
			if (!replayStatus) return false;
			const tick = replayStatus.tick;
			if (key.leftArrow || key.rightArrow) {
				const step = key.shift ? SEEK_LARGE : SEEK_SMALL;
				seekTo(tick + (key.rightArrow ? step : -step));
				return true;
			}
			if (key.pageUp || key.pageDown) {
				seekTo(tick + (key.pageDown ? SEEK_LARGE : -SEEK_LARGE));
				return true;
			}
			if (key.home || key.end) {
				seekTo(key.home ? 0 : replayStatus.endTick);
				return true;
			}
			if (input === 'n' || input === 'N') {
				const markers = [...replayStatus.markers].sort((a, b) => a.tick - b.tick);
				const marker: TimelineMarker | undefined =
					input === 'n' ? markers.find((m) => m.tick > tick) : markers.findLast((m) => m.tick < tick);
				if (!marker) {
					message(input === 'n' ? 'no later marker' : 'no earlier marker', 'warn');
					return true;
				}
				seekTo(marker.tick);
				message(
					`${formatClock(ticksToSeconds(marker.tick))} ${marker.kind === 'oom-kill' ? 'OOM kill' : 'command'}: ${marker.label}`,
				);
				return true;
			}
			if (input === 'g') {
				dispatch({type: 'prompt-open', kind: 'goto'});
				return true;
			}
			if (input === 't') {
				if (!session.takeOver) {
					message('this session cannot take over', 'warn');
					return true;
				}
				session.takeOver();
				store.invalidate();
				message(`took over at ${formatClock(ticksToSeconds(tick))}: live from here, recording to a new file`);
				return true;
			}
			return false;
		},
		[session, store, dispatch, message, seekTo],
	);

	const onKeyRef = useRef<(input: string, key: Key) => void>(() => {});

	/** Keys that change the machine (live mode). */
	const onMachineKey = useCallback(
		(input: string): boolean => {
			const l = latest.current!;
			const snap = l.snapshot;
			switch (input) {
				case 'a': {
					const bytes = HOG_SIZES[uiRef.current.hogIndex % HOG_SIZES.length]!;
					if (send({kind: 'spawn', spec: hogSpec(bytes)}, `spawned hog ${formatBinary(bytes)}`)) {
						dispatch({type: 'hog-next', count: HOG_SIZES.length});
					}
					return true;
				}
				case 'c':
					send(
						{kind: 'spawn', spec: cacheFloodSpec()},
						'flooding the page cache: reader streams a 16 GiB file',
					);
					return true;
				case 'l':
					send({kind: 'spawn', spec: leakSpec()}, 'started leaker: leaks 16 MiB/s');
					return true;
				case 'b': {
					const total = snap.balloonPages * PAGE_SIZE + BALLOON_STEP;
					send(
						{kind: 'balloon', bytes: BALLOON_STEP},
						`balloon took ${formatBinary(BALLOON_STEP)} of RAM (${formatBinary(total)} in all)`,
					);
					return true;
				}
				case 'B': {
					const bytes = snap.balloonPages * PAGE_SIZE;
					if (bytes <= 0) message('the balloon is empty');
					else send({kind: 'balloon', bytes: -bytes}, `balloon gave back ${formatBinary(bytes)}`);
					return true;
				}
				case 'd':
					send({kind: 'drop-caches', mode: 3}, 'dropped clean caches (echo 3 > drop_caches)');
					return true;
				case 'P': {
					// Policy duel: a twin machine under the next policy, then off.
					if (!session.setTwin) return true;
					const preferred = ['mglru', 'lru2', 'clock', 'lru', 'fifo'];
					const rank = (p: string): number =>
						preferred.includes(p) ? preferred.indexOf(p) : preferred.length;
					const others = policyNames({includeTraceOnly: false})
						.filter((p) => p !== snap.policy)
						.sort((a, b) => rank(a) - rank(b));
					const current = session.getTwin?.()?.policy;
					const next = current === undefined ? others[0] : others[others.indexOf(current) + 1];
					session.setTwin(next ?? null);
					if (next) {
						if (l.layout.graphsHeight === 0) dispatch({type: 'lower-set', lower: 'both'});
						message(`policy duel: ${snap.policy} vs ${next} (same workload, seed and commands)`);
					} else {
						message('policy duel off');
					}
					return true;
				}
				case 's': {
					const value = nextInCycle(SWAPPINESS_STEPS, snap.sysctl.swappiness);
					send({kind: 'set-sysctl', name: 'swappiness', value}, `swappiness ${value}`);
					return true;
				}
				case 'z': {
					const enabled = !snap.zswap.enabled;
					send({kind: 'set-zswap', enabled}, enabled ? 'zswap on' : 'zswap off');
					return true;
				}
				case 'o': {
					const p = selectedProcess();
					if (!p) return true;
					const value = nextInCycle(OOM_ADJ_STEPS, p.oomScoreAdj);
					send(
						{kind: 'set-oom-score-adj', pid: p.pid, value},
						`oom_score_adj of ${p.pid} (${p.name}) = ${value}`,
					);
					return true;
				}
				case 'k':
					killSelected();
					return true;
				default:
					return false;
			}
		},
		[send, message, dispatch, killSelected, selectedProcess, session],
	);

	const onKey = useCallback(
		(input: string, key: Key) => {
			const state = uiRef.current;
			// Keys typed faster than Ink reads arrive as one string ("+++"): outside a prompt,
			// treat them as separate presses.
			if (!state.prompt && input.length > 1 && !key.ctrl && !key.meta) {
				for (const ch of input) onKeyRef.current(ch, {...key, shift: /[A-Z]/.test(ch)});
				return;
			}
			const l = latest.current!;
			const isReplay = l.status.mode === 'replay';
			// F-keys arrive here as an empty input with no flags; useFunctionKeys handles them.
			if (input === '' && !Object.values(key).some((v) => v === true)) return;
			if (state.prompt) {
				onPromptKey(input, key);
				return;
			}
			if (state.overlay && onOverlayKey(input, key)) return;

			const move = (delta: number) => dispatch({type: 'move', delta, pids: l.pids, pageSize: l.pageSize});
			if (key.upArrow) return move(-1);
			if (key.downArrow) return move(1);
			if (isReplay && onReplayKey(input, key)) return;
			if (!isReplay) {
				if (key.pageUp) return move(-l.pageSize);
				if (key.pageDown) return move(l.pageSize);
				if (key.home || key.end) {
					dispatch({type: 'move-to', where: key.home ? 'first' : 'last', pids: l.pids, pageSize: l.pageSize});
					return;
				}
			}
			if (key.return) {
				const p = selectedProcess();
				if (p) dispatch({type: 'overlay', overlay: {kind: 'detail', pid: p.pid, offset: 0}});
				return;
			}
			if (key.escape) {
				if (state.overlay) dispatch({type: 'overlay', overlay: null});
				else if (state.filter) {
					dispatch({type: 'filter-clear'});
					message('filter cleared');
				}
				return;
			}
			if (key.ctrl || key.meta) return;

			switch (input) {
				case 'q':
					return quit();
				case '?':
				case 'h':
					return openHelp();
				case '/':
					return openSearch();
				case '\\':
					return openFilter();
				case '<':
				case '>':
					dispatch({
						type: 'sort-step',
						delta: input === '>' ? 1 : -1,
						visible: l.visibleColumns.map((c) => c.id),
					});
					return;
				case 'M':
					dispatch({type: 'sort-set', column: 'rss', descending: true});
					return;
				case 'I':
					dispatch({type: 'sort-invert'});
					return;
				case 'x': {
					dispatch({type: 'overlay', overlay: {kind: 'oom', back: 0}});
					return;
				}
				case 'v':
				case 'g':
					dispatch({type: 'lower-cycle', current: l.layout.lower});
					return;
				case ' ':
					return togglePause();
				case '+':
				case '=':
					return changeSpeed(1);
				case '-':
				case '_':
					return changeSpeed(-1);
				case '.':
					if (isReplay) return;
					if (!session.getStatus().paused) {
						message('pause first (space), then . steps one tick', 'warn');
						return;
					}
					session.step();
					store.invalidate();
					message('stepped one tick (10 ms)');
					return;
			}
			onMachineKey(input);
		},
		[
			dispatch,
			onPromptKey,
			onOverlayKey,
			onReplayKey,
			onMachineKey,
			selectedProcess,
			message,
			quit,
			openHelp,
			openSearch,
			openFilter,
			togglePause,
			changeSpeed,
			session,
			store,
		],
	);

	onKeyRef.current = onKey;

	// useInput first: Ink attaches its 'readable' listener, then ours reads the same bytes as 'data'.
	useInput(onKey, {isActive: inputActive});
	useFunctionKeys(onFunctionKey, inputActive);

	// ---- drawing ------------------------------------------------------------------------------

	// Page-table walks for region breakdowns only while a process detail is open.
	const detailPid = ui.overlay?.kind === 'detail' ? ui.overlay.pid : null;
	const regionsShown = useRef(false);
	useEffect(() => {
		if (detailPid === null && !regionsShown.current) return;
		regionsShown.current = detailPid !== null;
		session.showRegionsOf?.(detailPid);
	}, [session, detailPid]);

	// A replay's standing warnings show whenever no transient message does.
	const replayText = status.replay?.divergence ?? status.replay?.notice ?? null;
	const replayNote = useMemo(
		() => (replayText ? {id: -1, text: replayText, tone: 'warn' as const} : null),
		[replayText],
	);

	const overlay = ui.overlay;
	let body: ReactNode;
	if (overlay?.kind === 'help') {
		body = <Help width={width} height={layout.body} offset={overlay.offset} />;
	} else if (overlay?.kind === 'detail') {
		body = (
			<ProcessDetail
				pid={overlay.pid}
				process={live.find((p) => p.pid === overlay.pid)}
				snapshot={snapshot}
				history={session.getProcessHistory(overlay.pid)}
				width={width}
				height={layout.body}
				offset={overlay.offset}
			/>
		);
	} else if (overlay?.kind === 'oom') {
		const kills = oomKills(events);
		const index = kills.length - 1 - Math.min(overlay.back, Math.max(0, kills.length - 1));
		body = (
			<OomReport
				kill={kills[index]}
				index={index + 1}
				count={kills.length}
				width={width}
				height={layout.body}
			/>
		);
	} else if (overlay?.kind === 'sort') {
		body = (
			<SortMenu
				columns={visibleColumns}
				cursor={overlay.cursor}
				current={ui.sortColumn}
				width={width}
				height={layout.body}
			/>
		);
	} else {
		const log =
			layout.logHeight > 0 ? (
				<EventLog events={events} width={layout.logWidth} height={layout.logHeight} />
			) : null;
		const twin = session.getTwin?.() ?? null;
		const graphs =
			layout.graphsHeight > 0 && twin ? (
				<PolicyDuel main={snapshot} twin={twin} width={layout.graphsWidth} height={layout.graphsHeight} />
			) : layout.graphsHeight > 0 ? (
				<Graphs
					history={history}
					totalPages={snapshot.totalPages}
					swapPages={snapshot.swap.totalPages}
					zpoolPages={Math.max(snapshot.zswap.limitPages, snapshot.frames.zpool)}
					width={layout.graphsWidth}
					height={layout.graphsHeight}
				/>
			) : null;
		body = (
			<>
				<ProcessTable
					rows={rows}
					selectedIndex={selected}
					scrollTop={top}
					width={width}
					height={layout.tableHeight}
					sortColumn={ui.sortColumn}
					descending={ui.descending}
					context={context}
					emptyText={ui.filter ? `  no process matches "${ui.filter}" (Esc clears the filter)` : undefined}
				/>
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

	return (
		<Box flexDirection="column" width={width} height={Math.max(1, height - 1)} overflowY="hidden">
			<Header snapshot={snapshot} status={status} rates={rates} width={width} maxLines={layout.headerLines} />
			<Box flexDirection="column" width={width} height={layout.body} overflowY="hidden">
				{body}
			</Box>
			<StatusLine
				message={ui.message ?? replayNote}
				sortTitle={columnById(ui.sortColumn).title}
				descending={ui.descending}
				filter={ui.filter}
				shown={rows.length}
				total={live.length}
				width={width}
			/>
			<FunctionBar mode={replay ? 'replay' : 'live'} prompt={ui.prompt} width={width} />
		</Box>
	);
}
