// What each key does. The keymap (keymap.ts) says which key runs which action where; an action
// gets the dashboard's latest state and the key spec that ran it, and either changes view state
// (dispatch) or asks the session to change the machine (session.send: the core logs it as a
// 'command' event and the recorder writes it).
import type {Session, SessionStatus, TimelineMarker} from '../session/types.js';
import type {Command} from '../sim/commands.js';
import type {ProcessSnapshot, Snapshot} from '../sim/snapshot-types.js';
import type {UserspaceOomKiller} from '../sim/spec.js';
import {cacheFloodSpec, HOG_SIZES, hogSpec, leakSpec, shellImage} from '../sim/templates.js';
import {MIB, PAGE_SIZE, secondsToTicks, TICKS_PER_SECOND, ticksToSeconds} from '../sim/units.js';
import {
	type CgroupRow,
	cgroupAt,
	cgroupCount,
	parseLimit,
	rowOfCgroup,
	selectedCgroup,
} from './cgroup-rows.js';
import type {DashboardConfig} from './config.js';
import type {ExplainTopic} from './explain.js';
import {browsable, type ExplainedTopic, stepTopic} from './explain-topics.js';
import {formatBinary, formatClock, formatSpeed, parseTime} from './format.js';
import type {SessionStore} from './hooks/use-session.js';
import type {ActionId} from './keymap.js';
import type {Layout} from './layout.js';
import {METERS} from './meters/registry.js';
import {noteTime, recallNote, type ShownNote} from './notes.js';
import type {Column} from './panels/columns.js';
import {type LogRow, logRows, scrolledAnchor} from './panels/event-log.js';
import {explainLineCount} from './panels/explain-panel.js';
import {helpLineCount} from './panels/help.js';
import {duelSpan} from './panels/policy-duel.js';
import {detailLineCount} from './panels/process-detail.js';
import {SIGNAL_MENU} from './panels/signal-menu.js';
import {SETUP_CATEGORIES, type SetupCategory, setupLines, setupMove, setupToggle} from './setup.js';
import type {TableRow} from './tree.js';
import {
	nearestSpeedIndex,
	nextInCycle,
	OOM_ADJ_STEPS,
	type Overlay,
	SPEEDS,
	SWAPPINESS_STEPS,
	selectionIndex,
	type UiAction,
	type UiState,
} from './ui-state.js';

/** transparent_hugepage/enabled's words, by value (sim/sysctl.ts). */
const THP_MODES = ['always', 'madvise', 'never'] as const;

/** Replay seeks: arrows move one second, PgUp/PgDn and shift-arrows ten. */
const SEEK_SMALL = TICKS_PER_SECOND;
const SEEK_LARGE = 10 * TICKS_PER_SECOND;
const BALLOON_STEP = 256 * MIB;

/** The dashboard as the last render saw it: what actions read. */
export interface DashboardView {
	snapshot: Snapshot;
	status: SessionStatus;
	/** The table's lines, filtered and sorted (flat or as a tree), and their ids: the pid, or a
	 * negative id for a group line in the tree. */
	rows: readonly TableRow[];
	pids: readonly number[];
	/** Rows the table shows at once, and the first one shown. */
	pageSize: number;
	top: number;
	visibleColumns: readonly Column[];
	layout: Layout;
	/** The explain window's subject and text, while it is open (null: its subject is gone). */
	explained: ExplainedTopic | null;
	/** The workload note the banner shows, if any. */
	note: ShownNote | null;
	/** The cgroup view's lines (C; [] without a cgroup tree), the selected cgroup's index among
	 * the cgroups (−1: none), the first line shown and how many lines it shows at once. */
	cgroupRows: readonly CgroupRow[];
	cgroupSelected: number;
	cgroupTop: number;
	cgroupPage: number;
}

export interface ActionEnv {
	/** The latest view state (a ref: two keys in one chunk see each other's effect). */
	ui(): UiState;
	dispatch(action: UiAction): void;
	view(): DashboardView;
	session: Session;
	store: SessionStore;
	message(text: string, tone?: 'info' | 'warn'): void;
	exit(): void;
	/** Keep changed settings (the app writes the config file); says how it went, or nothing. */
	saveConfig(config: DashboardConfig): {text: string; tone: 'info' | 'warn'} | null;
	/** Save the screen as it is now as an SVG picture (the app writes the file); says where, or nothing. */
	saveScreen(): {text: string; tone: 'info' | 'warn'} | null;
}

/** `key` is the keymap spelling of the key that ran it ('S-Right', 'F6', '<'). */
export type Action = (env: ActionEnv, key: string) => void;

/** Does a process's name contain the text (case-insensitive)? Empty text matches nothing. */
export function nameMatches(p: ProcessSnapshot, text: string): boolean {
	return text !== '' && p.name.toLowerCase().includes(text.toLowerCase());
}

/** The next row whose name matches, starting at `from` and wrapping; -1 if none. */
export function findMatch(rows: readonly TableRow[], text: string, from: number): number {
	for (let k = 0; k < rows.length; k++) {
		const i = (from + k + rows.length) % rows.length;
		if (nameMatches(rows[i]!.process, text)) return i;
	}
	return -1;
}

export function selectedProcess(env: ActionEnv): ProcessSnapshot | undefined {
	const row = selectedRow(env);
	return row && !row.group ? row.process : undefined;
}

/** The selected line: a process, or a group in the tree. */
export function selectedRow(env: ActionEnv): TableRow | undefined {
	const view = env.view();
	const i = selectionIndex(env.ui(), view.pids);
	return i >= 0 ? view.rows[i] : undefined;
}

/** Send a command to the machine, or say why not (a replay changes nothing until take-over). */
export function send(env: ActionEnv, command: Command, feedback: string): boolean {
	if (env.view().status.mode === 'replay') {
		env.message(REPLAY_REFUSAL, 'warn');
		return false;
	}
	try {
		env.session.send(command);
	} catch (error) {
		// The session refused it (a spawn past the resource budget): say why, change nothing.
		env.message(error instanceof Error ? error.message : String(error), 'warn');
		return false;
	}
	env.message(feedback);
	return true;
}

/** O: the userspace OOM killers in turn (sim/spec.ts USERSPACE_OOM_KILLERS' order). */
const USERSPACE_OOM_CYCLE: readonly UserspaceOomKiller[] = ['none', 'systemd-oomd', 'earlyoom'];

export const REPLAY_REFUSAL = 'replay: press t to take over before changing the machine';

/** Jump to the next row matching the search text; `skipCurrent` for F3 "next". */
function searchNext(env: ActionEnv, skipCurrent: boolean): void {
	const view = env.view();
	const text = env.ui().search;
	if (!text) return;
	const from = selectionIndex(env.ui(), view.pids) + (skipCurrent ? 1 : 0);
	const at = findMatch(view.rows, text, Math.max(0, from));
	if (at < 0) {
		env.message(`no process matches "${text}"`, 'warn');
		return;
	}
	env.dispatch({type: 'select', pid: view.pids[at]!, pids: view.pids, pageSize: view.pageSize});
}

export function seekTo(env: ActionEnv, tick: number): void {
	const replay = env.view().status.replay;
	if (!env.session.seek || !replay) return;
	const target = Math.max(0, Math.min(replay.endTick, Math.round(tick)));
	env.session.seek(target);
	env.store.invalidate();
	env.message(`seek ${formatClock(ticksToSeconds(target))}`);
}

/** A character typed into the open prompt; a search moves to the first match as you type. */
export function typeInPrompt(env: ActionEnv, text: string): void {
	const prompt = env.ui().prompt;
	if (!prompt) return;
	env.dispatch({type: 'prompt-type', text});
	if (prompt.kind === 'search') searchNext(env, false);
}

function openPrompt(env: ActionEnv, kind: 'search' | 'filter' | 'goto'): void {
	if (env.ui().overlay) env.dispatch({type: 'overlay', overlay: null});
	env.dispatch({type: 'prompt-open', kind});
}

/** Lines a scrollable window may move by for a key. */
function scrollDelta(env: ActionEnv, key: string): number {
	const room = Math.max(1, env.view().layout.body - 1);
	if (key === 'Up') return -1;
	if (key === 'Down') return 1;
	if (key === 'PgUp') return -room;
	if (key === 'PgDn') return room;
	return 0;
}

function move(env: ActionEnv, key: string): void {
	const {pids, pageSize} = env.view();
	if (key === 'Home' || key === 'End') {
		env.dispatch({type: 'move-to', where: key === 'Home' ? 'first' : 'last', pids, pageSize});
		return;
	}
	const delta = key === 'Up' ? -1 : key === 'Down' ? 1 : key === 'PgUp' ? -pageSize : pageSize;
	env.dispatch({type: 'move', delta, pids, pageSize});
}

function changeSpeed(env: ActionEnv, delta: number): void {
	const current = nearestSpeedIndex(env.session.getStatus().speed);
	const index = Math.max(0, Math.min(SPEEDS.length - 1, current + delta));
	const speed = SPEEDS[index]!;
	env.session.setSpeed(speed);
	env.dispatch({type: 'speed', index});
	env.store.invalidate();
	env.message(`speed ${formatSpeed(speed)}`);
}

/** F9 / k: htop's "Send signal" menu for the selected process, SIGTERM first. */
function killSelected(env: ActionEnv): void {
	const p = selectedProcess(env);
	if (!p) return;
	env.dispatch({type: 'overlay', overlay: {kind: 'signal', pid: p.pid, name: p.name, cursor: 0}});
}

/** Enter in the signal menu: kill(2) with the chosen signal, and the menu closes. */
function sendSignal(env: ActionEnv): void {
	const overlay = env.ui().overlay;
	if (overlay?.kind !== 'signal') return;
	const choice = SIGNAL_MENU[overlay.cursor] ?? SIGNAL_MENU[0]!;
	env.dispatch({type: 'overlay', overlay: null});
	send(
		env,
		{kind: 'kill', pid: overlay.pid, signal: choice.signal},
		`sent ${choice.signal} to ${overlay.pid} (${overlay.name})`,
	);
}

/** The event log's rows and room as the screen has them now. */
function logView(env: ActionEnv): {rows: LogRow[]; room: number} {
	const {layout} = env.view();
	return {rows: logRows(env.session.getEventLog(), layout.logWidth), room: Math.max(0, layout.logHeight - 1)};
}

/** Scroll the log: ↑ ↓ a row, PgUp PgDn a page, Home the oldest, End (or reaching the newest) follows. */
export function scrollLog(env: ActionEnv, key: string): void {
	const {rows, room} = logView(env);
	if (key === 'End') {
		env.dispatch({type: 'log-scroll', to: null});
		return;
	}
	const page = Math.max(1, room - 1);
	const delta =
		key === 'Home' ? -rows.length : key === 'Up' ? -1 : key === 'Down' ? 1 : key === 'PgUp' ? -page : page;
	env.dispatch({type: 'log-scroll', to: scrolledAnchor(rows, room, env.ui().logScroll, delta)});
}

/** The policies a duel cycles through, most instructive first. */
function duelOrder(available: readonly string[], current: string): string[] {
	const preferred = ['mglru', 'lru2', 'clock', 'lru', 'fifo'];
	const rank = (p: string): number => (preferred.includes(p) ? preferred.indexOf(p) : preferred.length);
	return available.filter((p) => p !== current).sort((a, b) => rank(a) - rank(b));
}

const MARKER_KINDS: Record<TimelineMarker['kind'], string> = {
	'oom-kill': 'OOM kill',
	command: 'command',
	note: 'note',
};

function markerLabel(marker: TimelineMarker): string {
	return `${formatClock(ticksToSeconds(marker.tick))} ${MARKER_KINDS[marker.kind]}: ${marker.label}`;
}

type SetupOverlay = Extract<Overlay, {kind: 'setup'}>;

const categoryOf = (o: SetupOverlay): SetupCategory => SETUP_CATEGORIES[o.category]?.id ?? 'columns';

/** Change the open setup window (and maybe the config, through env.dispatch). */
function withSetup(env: ActionEnv, change: (o: SetupOverlay, config: DashboardConfig) => SetupOverlay): void {
	const overlay = env.ui().overlay;
	if (overlay?.kind !== 'setup') return;
	env.dispatch({type: 'overlay', overlay: change(overlay, env.ui().config)});
}

/** The selected cgroup's index from the latest view state (two keys in one chunk see each other). */
function cgroupSelection(env: ActionEnv): number {
	const ui = env.ui();
	return selectedCgroup(env.view().cgroupRows, ui.cgroupPath, ui.cgroupIndex);
}

/** ↑ ↓ PgUp PgDn Home End in the cgroup view: the selection moves over cgroups (their processes are not selectable). */
function moveCgroup(env: ActionEnv, key: string): void {
	const view = env.view();
	const rows = view.cgroupRows;
	const count = cgroupCount(rows);
	if (count === 0) return;
	const page = Math.max(1, view.cgroupPage);
	const from = Math.max(0, cgroupSelection(env));
	const steps: Record<string, number> = {Up: -1, Down: 1, PgUp: -page, PgDn: page, Home: -count, End: count};
	const index = Math.max(0, Math.min(count - 1, from + (steps[key] ?? 0)));
	const row = rowOfCgroup(rows, index);
	// Keep the cgroup's line in sight, and its processes under it when they fit.
	let top = Math.min(env.ui().cgroupTop, Math.max(0, rows.length - 1));
	if (row < top) top = row;
	if (row >= top + page) top = row - page + 1;
	let end = row + 1;
	while (end < rows.length && rows[end]!.kind === 'process') end++;
	if (end - row <= page && end > top + page) top = end - page;
	env.dispatch({type: 'cgroup-select', index, path: cgroupAt(rows, index)?.path ?? null, top});
}

const LIMIT_FILE = {high: 'memory.high', max: 'memory.max'} as const;

/** F7 H / F8 X in the cgroup view: a prompt for memory.high / memory.max of the selected cgroup. */
function promptLimit(env: ActionEnv, key: string): void {
	const view = env.view();
	const cgroup = cgroupAt(view.cgroupRows, cgroupSelection(env));
	const kind = key === 'F7' || key === 'H' ? 'high' : 'max';
	if (!cgroup) {
		env.message('no cgroup tree in this workload', 'warn');
		return;
	}
	if (cgroup.path === '/') {
		env.message(`the root cgroup has no ${LIMIT_FILE[kind]} (cgroup v2): select a child with ↑ ↓`, 'warn');
		return;
	}
	env.dispatch({type: 'prompt-open', kind, target: cgroup.path});
}

/** Enter in a memory.high / memory.max prompt: write the value with a set-cgroup command, or say why not. */
function commitLimit(env: ActionEnv, kind: 'high' | 'max', text: string, path: string): void {
	const file = LIMIT_FILE[kind];
	const parsed = parseLimit(text);
	if ('error' in parsed) {
		env.message(`${path}/${file}: ${parsed.error}`, 'warn');
		return;
	}
	const shown = parsed.bytes === null ? 'max' : formatBinary(parsed.bytes);
	send(env, {kind: 'set-cgroup', path, file, value: parsed.bytes}, `${path}/${file} = ${shown}`);
}

/** One implementation per action the keymap names (a missing one is a compile error). */
export const ACTIONS: Record<ActionId, Action> = {
	quit: (env) => env.exit(),
	close: (env) => env.dispatch({type: 'overlay', overlay: null}),

	// ---- prompts
	'prompt-next': (env) => searchNext(env, true),
	'prompt-commit': (env) => {
		const prompt = env.ui().prompt;
		if (prompt?.kind === 'goto') {
			const seconds = parseTime(prompt.text);
			if (seconds === null) env.message(`not a time: "${prompt.text}" (use mm:ss)`, 'warn');
			else seekTo(env, secondsToTicks(seconds));
		}
		if ((prompt?.kind === 'high' || prompt?.kind === 'max') && prompt.target !== undefined) {
			env.dispatch({type: 'prompt-close', commit: true});
			commitLimit(env, prompt.kind, prompt.text, prompt.target);
			return;
		}
		env.dispatch({type: 'prompt-close', commit: true});
	},
	'prompt-cancel': (env) => env.dispatch({type: 'prompt-close', commit: false}),
	'prompt-backspace': (env) => env.dispatch({type: 'prompt-backspace'}),

	// ---- windows
	scroll: (env, key) => {
		const overlay = env.ui().overlay;
		const view = env.view();
		const room = Math.max(1, view.layout.body - 1);
		const delta = scrollDelta(env, key);
		if (overlay?.kind === 'help') {
			env.dispatch({
				type: 'overlay-scroll',
				delta,
				max: Math.max(0, helpLineCount(view.layout.width) - room),
			});
		} else if (overlay?.kind === 'explain') {
			const e = view.explained;
			const lines = e ? explainLineCount(e.explanation, view.layout.width) : 0;
			env.dispatch({type: 'overlay-scroll', delta, max: Math.max(0, lines - room)});
		} else if (overlay?.kind === 'detail') {
			const p = view.snapshot.processes.find((x) => x.pid === overlay.pid);
			env.dispatch({type: 'overlay-scroll', delta, max: Math.max(0, detailLineCount(p) - room)});
		}
	},
	'oom-older': (env, key) => {
		const overlay = env.ui().overlay;
		if (overlay?.kind !== 'oom') return;
		const count = env.session.getEventLog().filter((e) => e.event.kind === 'oom-kill').length;
		const back = Math.max(0, Math.min(count - 1, overlay.back + (key === 'Left' ? 1 : -1)));
		env.dispatch({type: 'overlay', overlay: {kind: 'oom', back}});
	},
	'menu-move': (env, key) => {
		const signal = env.ui().overlay?.kind === 'signal';
		const count = signal ? SIGNAL_MENU.length : env.view().visibleColumns.length;
		const delta =
			key === 'Home' || key === 'End'
				? (key === 'Home' ? -1 : 1) * count
				: key === 'k'
					? -1
					: key === 'j'
						? 1
						: Math.sign(scrollDelta(env, key));
		env.dispatch({type: 'sort-menu-move', delta, count});
	},
	'sort-choose': (env) => {
		const overlay = env.ui().overlay;
		const column = overlay?.kind === 'sort' ? env.view().visibleColumns[overlay.cursor] : undefined;
		if (column) env.dispatch({type: 'sort-set', column: column.id});
		env.dispatch({type: 'overlay', overlay: null});
	},

	// ---- replay
	seek: (env, key) => {
		const replay = env.view().status.replay;
		if (!replay) return;
		const steps: Record<string, number> = {
			Right: SEEK_SMALL,
			Left: -SEEK_SMALL,
			'S-Right': SEEK_LARGE,
			'S-Left': -SEEK_LARGE,
			PgDn: SEEK_LARGE,
			PgUp: -SEEK_LARGE,
		};
		if (key === 'Home') seekTo(env, 0);
		else if (key === 'End') seekTo(env, replay.endTick);
		else seekTo(env, replay.tick + (steps[key] ?? 0));
	},
	marker: (env, key) => {
		const replay = env.view().status.replay;
		if (!replay) return;
		const markers = [...replay.markers].sort((a, b) => a.tick - b.tick);
		const marker =
			key === 'n' ? markers.find((m) => m.tick > replay.tick) : markers.findLast((m) => m.tick < replay.tick);
		if (!marker) {
			env.message(key === 'n' ? 'no later marker' : 'no earlier marker', 'warn');
			return;
		}
		seekTo(env, marker.tick);
		env.message(markerLabel(marker));
	},
	// Live, n/N bring earlier notes back into the banner (the clock brings the later ones).
	'note-recall': (env, key) => {
		const view = env.view();
		const now = view.snapshot.tick;
		const later = key === 'n';
		const note = recallNote(env.session.getEventLog(), now, view.note, later);
		if (!note) {
			env.message(later ? 'no later note yet' : 'no earlier note', 'warn');
			return;
		}
		env.dispatch({type: 'note-recall', note: {...note, at: now}});
		env.message(`note of ${noteTime(note.tick)}`);
	},
	goto: (env) => openPrompt(env, 'goto'),
	'take-over': (env) => {
		const replay = env.view().status.replay;
		if (!env.session.takeOver) {
			env.message('this session cannot take over', 'warn');
			return;
		}
		env.session.takeOver();
		env.store.invalidate();
		env.message(
			`took over at ${formatClock(ticksToSeconds(replay?.tick ?? 0))}: live from here, recording to a new file`,
		);
	},

	// ---- the table
	move,
	detail: (env) => {
		const p = selectedProcess(env);
		if (p) env.dispatch({type: 'overlay', overlay: {kind: 'detail', pid: p.pid, offset: 0}});
	},
	search: (env, key) => {
		const ui = env.ui();
		openPrompt(env, 'search');
		// F3 with a search already made jumps to the next match at once, as in htop.
		if (key === 'F3' && ui.search) searchNext(env, true);
	},
	filter: (env) => openPrompt(env, 'filter'),
	sort: (env, key) => {
		const view = env.view();
		if (key === 'F6') {
			const cursor = Math.max(
				0,
				view.visibleColumns.findIndex((c) => c.id === env.ui().sortColumn),
			);
			env.dispatch({type: 'overlay', overlay: {kind: 'sort', cursor}});
			return;
		}
		env.dispatch({
			type: 'sort-step',
			delta: key === '>' ? 1 : -1,
			visible: view.visibleColumns.map((c) => c.id),
		});
	},
	'sort-order': (env, key) => {
		if (key === 'M') env.dispatch({type: 'sort-set', column: 'rss', descending: true});
		else env.dispatch({type: 'sort-invert'});
	},
	'lower-cycle': (env) => env.dispatch({type: 'lower-cycle', current: env.view().layout.lower}),
	'oom-report': (env) => env.dispatch({type: 'overlay', overlay: {kind: 'oom', back: 0}}),
	help: (env) => env.dispatch({type: 'overlay', overlay: {kind: 'help', offset: 0}}),
	escape: (env) => {
		if (env.ui().overlay) env.dispatch({type: 'overlay', overlay: null});
		else if (env.ui().filter) {
			env.dispatch({type: 'filter-clear'});
			env.message('filter cleared');
		}
	},

	// ---- the simulation
	pause: (env) => {
		const paused = !env.session.getStatus().paused;
		env.session.setPaused(paused);
		env.store.invalidate();
		env.message(
			paused ? 'paused (. steps one tick)' : env.view().status.mode === 'replay' ? 'playing' : 'running',
		);
	},
	step: (env) => {
		if (!env.session.getStatus().paused) {
			env.message('pause first (space), then . steps one tick', 'warn');
			return;
		}
		env.session.step();
		env.store.invalidate();
		env.message('stepped one tick (10 ms)');
	},
	speed: (env, key) => changeSpeed(env, key === '+' || key === '=' ? 1 : -1),
	hog: (env) => {
		const bytes = HOG_SIZES[env.ui().hogIndex % HOG_SIZES.length]!;
		if (send(env, {kind: 'spawn', spec: hogSpec(bytes)}, `spawned hog ${formatBinary(bytes)}`)) {
			env.dispatch({type: 'hog-next', count: HOG_SIZES.length});
		}
	},
	'cache-flood': (env) =>
		send(
			env,
			{kind: 'spawn', spec: cacheFloodSpec()},
			'flooding the page cache: reader streams a 16 GiB file',
		),
	leak: (env) => send(env, {kind: 'spawn', spec: leakSpec()}, 'started leaker: leaks 16 MiB/s'),
	balloon: (env, key) => {
		const snap = env.view().snapshot;
		if (key === 'b') {
			const total = snap.balloonPages * PAGE_SIZE + BALLOON_STEP;
			send(
				env,
				{kind: 'balloon', bytes: BALLOON_STEP},
				`balloon took ${formatBinary(BALLOON_STEP)} of RAM (${formatBinary(total)} in all)`,
			);
			return;
		}
		const bytes = snap.balloonPages * PAGE_SIZE;
		if (bytes <= 0) env.message('the balloon is empty');
		else send(env, {kind: 'balloon', bytes: -bytes}, `balloon gave back ${formatBinary(bytes)}`);
	},
	'drop-caches': (env) =>
		send(env, {kind: 'drop-caches', mode: 3}, 'dropped clean caches (echo 3 > drop_caches)'),
	swappiness: (env) => {
		const value = nextInCycle(SWAPPINESS_STEPS, env.view().snapshot.sysctl.swappiness);
		send(env, {kind: 'set-sysctl', name: 'swappiness', value}, `swappiness ${value}`);
	},
	thp: (env) => {
		// transparent_hugepage/enabled: 0 always, 1 madvise, 2 never (sim/sysctl.ts), cycled in that order.
		const value = (env.view().snapshot.sysctl.transparent_hugepage_enabled + 1) % THP_MODES.length;
		send(
			env,
			{kind: 'set-sysctl', name: 'transparent_hugepage_enabled', value},
			`transparent huge pages: ${THP_MODES[value]} (echo ${THP_MODES[value]} > transparent_hugepage/enabled)`,
		);
	},
	'compact-memory': (env) =>
		send(
			env,
			{kind: 'set-sysctl', name: 'compact_memory', value: 1},
			'compacting all memory (echo 1 > /proc/sys/vm/compact_memory)',
		),
	zswap: (env) => {
		const enabled = !env.view().snapshot.zswap.enabled;
		send(env, {kind: 'set-zswap', enabled}, enabled ? 'zswap on' : 'zswap off');
	},
	'userspace-oom': (env) => {
		const now = env.view().snapshot.userspaceOom?.killer ?? 'none';
		const killer = USERSPACE_OOM_CYCLE[(USERSPACE_OOM_CYCLE.indexOf(now) + 1) % USERSPACE_OOM_CYCLE.length]!;
		const feedback =
			killer === 'none'
				? `${now} stopped: no userspace OOM killer`
				: killer === 'systemd-oomd'
					? 'systemd-oomd started: it kills cgroups with ManagedOOMMemoryPressure=kill after their pressure stays over the limit'
					: 'earlyoom started: it kills the highest oom_score when available memory and free swap are both low';
		send(env, {kind: 'set-userspace-oom', killer}, feedback);
	},
	fork: (env) => {
		const p = selectedProcess(env);
		if (!p) return;
		// fork(2) with the default child: a snapshot that reads every anon page once, then exits (BGSAVE).
		send(env, {kind: 'fork', pid: p.pid}, `fork ${p.pid} (${p.name}): a snapshot child`);
	},
	exec: (env) => {
		const p = selectedProcess(env);
		if (!p) return;
		// execve(2) of a small shell, as a fork child runs a command: its old mm goes (pages a fork
		// relative still maps go back to it, no copy), the shell's regions start untouched.
		send(
			env,
			{kind: 'exec', pid: p.pid, image: shellImage()},
			`exec ${p.pid} (${p.name}) → sh: its old address space freed`,
		);
	},
	'oom-adj': (env) => {
		const p = selectedProcess(env);
		if (!p) return;
		const value = nextInCycle(OOM_ADJ_STEPS, p.oomScoreAdj);
		send(
			env,
			{kind: 'set-oom-score-adj', pid: p.pid, value},
			`oom_score_adj of ${p.pid} (${p.name}) = ${value}`,
		);
	},
	'policy-duel': (env) => {
		const {session} = env;
		const view = env.view();
		if (!session.setTwin) return;
		const others = duelOrder(session.twinPolicies?.() ?? [], view.snapshot.policy);
		const running = session.getTwin?.() ?? null;
		const current = running?.policy;
		const next = current === undefined ? others[0] : others[others.indexOf(current) + 1];
		const hidden = view.layout.graphsHeight === 0;
		const graphsOff = view.layout.lower !== 'graphs' && view.layout.lower !== 'both';
		if (running && graphsOff) {
			// A duel off screen is shown again, not replaced: P moves to the next policy once it is seen.
			env.dispatch({type: 'lower-set', lower: 'both'});
			env.message(
				`policy duel: ${view.snapshot.policy} vs ${running.policy} goes on, ${duelSpan(view.snapshot, running)}; P again: next policy`,
			);
			return;
		}
		session.setTwin(next ?? null);
		if (next) {
			if (hidden) env.dispatch({type: 'lower-set', lower: 'both'});
			env.message(
				`policy duel: ${view.snapshot.policy} vs ${next}, both from ${formatClock(view.snapshot.time)} (this state; ${next}'s lists start from the pages resident)`,
			);
		} else {
			env.message('policy duel off');
		}
	},
	'killer-duel': (env) => {
		// K: a twin under this run's policy with another userspace OOM killer, then the next, then off.
		const {session} = env;
		const view = env.view();
		if (!session.setTwin) return;
		const mine = view.snapshot.userspaceOom?.killer ?? 'none';
		const others = USERSPACE_OOM_CYCLE.filter((k) => k !== mine);
		const running = session.getTwin?.() ?? null;
		const current = running?.userspaceOom;
		const next = current === undefined ? others[0] : others[others.indexOf(current) + 1];
		const graphsOff = view.layout.lower !== 'graphs' && view.layout.lower !== 'both';
		if (running && current !== undefined && graphsOff) {
			env.dispatch({type: 'lower-set', lower: 'both'});
			env.message(
				`userspace OOM duel: ${mine} vs ${current} goes on, ${duelSpan(view.snapshot, running)}; K again: next killer`,
			);
			return;
		}
		if (!next) {
			session.setTwin(null);
			env.message('userspace OOM duel off');
			return;
		}
		session.setTwin(view.snapshot.policy, next);
		if (view.layout.graphsHeight === 0) env.dispatch({type: 'lower-set', lower: 'both'});
		env.message(
			`userspace OOM duel: ${mine} vs ${next}, both from ${formatClock(view.snapshot.time)} (the twin starts ${next} afresh in this state and ignores O here)`,
		);
	},
	kill: killSelected,
	'signal-send': sendSignal,
	setup: (env) =>
		env.dispatch({
			type: 'overlay',
			overlay: {kind: 'setup', pane: 'categories', category: 0, cursor: 0, opened: env.ui().config},
		}),
	'setup-move': (env, key) =>
		withSetup(env, (o, config) => {
			const count =
				o.pane === 'categories' ? SETUP_CATEGORIES.length : setupLines(config, categoryOf(o)).length;
			const at = o.pane === 'categories' ? o.category : o.cursor;
			const page = Math.max(1, env.view().layout.body - 3);
			const delta = {Up: -1, Down: 1, PgUp: -page, PgDn: page}[key as 'Up'] ?? 0;
			const next = key === 'Home' ? 0 : key === 'End' ? count - 1 : at + delta;
			const clamped = Math.max(0, Math.min(count - 1, next));
			return o.pane === 'categories' ? {...o, category: clamped, cursor: 0} : {...o, cursor: clamped};
		}),
	'setup-pane': (env) =>
		withSetup(env, (o) => ({...o, pane: o.pane === 'categories' ? 'items' : 'categories'})),
	'setup-toggle': (env) =>
		withSetup(env, (o, config) => {
			if (o.pane === 'categories') return {...o, pane: 'items', cursor: 0};
			const toggled = setupToggle(config, categoryOf(o), o.cursor);
			env.dispatch({type: 'config', config: toggled.config});
			return {...o, cursor: toggled.index};
		}),
	'setup-reorder': (env, key) =>
		withSetup(env, (o, config) => {
			if (o.pane !== 'items') return o;
			const moved = setupMove(config, categoryOf(o), o.cursor, key === 'F7' || key === '[' ? -1 : 1);
			env.dispatch({type: 'config', config: moved.config});
			return {...o, cursor: moved.index};
		}),
	'setup-close': (env) => {
		const overlay = env.ui().overlay;
		env.dispatch({type: 'overlay', overlay: null});
		if (overlay?.kind !== 'setup') return;
		const config = env.ui().config;
		if (JSON.stringify(config) === JSON.stringify(overlay.opened)) return;
		const said = env.saveConfig(config);
		if (said) env.message(said.text, said.tone);
	},
	tree: (env) => {
		env.dispatch({type: 'tree-toggle'});
		const groups = env.view().cgroupRows.length > 0 ? 'cgroups' : 'workload groups';
		env.message(env.ui().tree ? `tree view: processes under their ${groups} (+ - fold)` : 'list view');
	},
	'tree-fold': (env, key) => {
		const row = selectedRow(env);
		const foldable = row && (row.group !== null || row.prefix.endsWith('- ') || row.prefix.endsWith('+ '));
		if (!row || !foldable) {
			// Enter on a process still opens its detail; + and - on a leaf have nothing to fold.
			if (key === 'Enter') ACTIONS.detail(env, key);
			return;
		}
		env.dispatch({
			type: 'tree-fold',
			key: row.key,
			fold: key === '-' ? true : key === '+' ? false : undefined,
		});
	},
	explain: (env) => {
		// htop's "selected column" is the sort column: e explains it for the selected process (or for
		// the process whose detail is open); with no process, the first meter. ← → reach the rest.
		const overlay = env.ui().overlay;
		const cgroup =
			env.ui().cgroups && !overlay ? cgroupAt(env.view().cgroupRows, cgroupSelection(env)) : undefined;
		if (cgroup) {
			env.dispatch({
				type: 'overlay',
				overlay: {kind: 'explain', topic: {kind: 'cgroup', id: cgroup.path}, offset: 0},
			});
			return;
		}
		const pid = overlay?.kind === 'detail' ? overlay.pid : (selectedProcess(env)?.pid ?? null);
		const topic: ExplainTopic =
			pid !== null ? {kind: 'column', id: env.ui().sortColumn, pid} : {kind: 'meter', id: METERS[0]!.id};
		env.dispatch({type: 'overlay', overlay: {kind: 'explain', topic, offset: 0}});
	},
	'explain-step': (env, key) => {
		const overlay = env.ui().overlay;
		if (overlay?.kind !== 'explain') return;
		const delta = key === 'Left' || key === 'S-Tab' ? -1 : 1;
		const pid = overlay.topic.kind === 'column' ? overlay.topic.pid : (selectedProcess(env)?.pid ?? null);
		const list = browsable(pid, env.session.getEventLog());
		const topic = stepTopic(list, overlay.topic, delta);
		env.dispatch({type: 'overlay', overlay: {kind: 'explain', topic, offset: 0}});
	},
	'log-focus': (env, key) => {
		if (env.ui().logFocus || key === 'Esc') {
			env.dispatch({type: 'log-focus', focus: false});
			return;
		}
		if (env.view().layout.logHeight <= 1) {
			env.message('the event log is hidden: v shows it', 'warn');
			return;
		}
		env.dispatch({type: 'log-focus', focus: true});
		env.message('event log: ↑ ↓ PgUp PgDn Home End scroll, End follows, Tab gives the keys back');
	},
	'log-scroll': scrollLog,
	'save-screen': (env) => {
		const said = env.saveScreen();
		env.message(said?.text ?? 'pictures cannot be saved here', said?.tone ?? 'warn');
	},
	'cgroup-view': (env) => {
		env.dispatch({type: 'cgroup-toggle'});
		if (!env.ui().cgroups) env.message(env.ui().tree ? 'tree view' : 'list view');
		else if (env.view().cgroupRows.length === 0) env.message('no cgroup tree in this workload', 'warn');
		else env.message('cgroup view: ↑ ↓ select, F7 memory.high, F8 memory.max, C back to the processes');
	},
	'cgroup-move': moveCgroup,
	'cgroup-limit': promptLimit,
	unassigned: (env, key) => env.message(`${key} does nothing here; ? lists the keys`),
};
