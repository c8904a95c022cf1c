// The dashboard's own state (never the machine's): sort, filter, search, selection, overlays,
// the speed ladder, the lower panel. A pure immer reducer, so every key's effect is testable alone.
import {produce} from 'immer';
import {type DashboardConfig, DEFAULT_CONFIG} from './config.js';
import type {ExplainTopic} from './explain.js';
import type {RecalledNote} from './notes.js';
import {COLUMNS, type ColumnId, columnById, DEFAULT_SORT} from './panels/columns.js';
import type {LogAnchor} from './panels/event-log.js';

/** The speed ladder + and - walk (simulated seconds per real second). */
export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, Number.POSITIVE_INFINITY] as const;
export const SWAPPINESS_STEPS = [0, 60, 100, 200] as const;
export const OOM_ADJ_STEPS = [0, 500, 1000, -1000] as const;

/** What sits under the process table: nothing, the event log, the graphs, or both. */
export type LowerPanel = 'none' | 'log' | 'graphs' | 'both';
const LOWER_CYCLE: readonly LowerPanel[] = ['none', 'log', 'graphs', 'both'];

/** `high` and `max`: a value for that memory cgroup file of the prompt's `target` cgroup (C view). */
export type PromptKind = 'search' | 'filter' | 'goto' | 'high' | 'max';

export type Overlay =
	/** `offset`: first line shown, for windows taller than the screen. */
	| {kind: 'help'; offset: number}
	/** `region`: the region whose page walk the detail shows (← →), by its place in the maps. */
	| {kind: 'detail'; pid: number; offset: number; region?: number}
	/** `back` counts OOM kills from the newest (0 = the last one). */
	| {kind: 'oom'; back: number}
	| {kind: 'sort'; cursor: number}
	/** htop's F9 "Send signal" menu, for one process; `cursor` indexes SIGNAL_MENU. */
	| {kind: 'signal'; pid: number; name: string; cursor: number}
	/** Explain this (e): a meter, a column (for the selected process) or an event. */
	| {kind: 'explain'; topic: ExplainTopic; offset: number}
	/** htop's F2 setup: a category on the left, its lines on the right; `opened` to tell a change. */
	| {kind: 'setup'; pane: 'categories' | 'items'; category: number; cursor: number; opened: DashboardConfig};

export interface Message {
	id: number;
	text: string;
	tone: 'info' | 'warn';
}

export interface UiState {
	sortColumn: ColumnId;
	descending: boolean;
	/** Committed filter: only names containing it are shown ('' = all). */
	filter: string;
	/** Last search text, for F3 "next match" after the prompt closed. */
	search: string;
	/** `target`: the cgroup path a memory.high / memory.max prompt writes to. */
	prompt: {kind: PromptKind; text: string; target?: string} | null;
	selectedPid: number | null;
	/** Row index of the selection, kept so it stays in place when its process exits. */
	selectedIndex: number;
	scrollTop: number;
	overlay: Overlay | null;
	speedIndex: number;
	/** Next entry of HOG_SIZES the `a` key spawns. */
	hogIndex: number;
	/** null = chosen from the terminal height until the user presses g. */
	lowerPanel: LowerPanel | null;
	message: Message | null;
	/** The settings setup (F2) edits; saved when setup closes. */
	config: DashboardConfig;
	/** htop's tree view (F5), and the tree nodes folded away with - (by key). */
	tree: boolean;
	collapsed: readonly string[];
	/** The event log has the keys (Tab), and where it is scrolled back to (null: following). */
	logFocus: boolean;
	logScroll: LogAnchor | null;
	/** A workload note n/N brought back into the banner (live), or null: the banner follows the clock. */
	recalledNote: RecalledNote | null;
	/** The cgroup view (C) instead of the process table; its selection (path, remembered index) and scroll. */
	cgroups: boolean;
	cgroupPath: string | null;
	cgroupIndex: number;
	cgroupTop: number;
}

export type UiAction =
	| {type: 'move'; delta: number; pids: readonly number[]; pageSize: number}
	| {type: 'move-to'; where: 'first' | 'last'; pids: readonly number[]; pageSize: number}
	| {type: 'select'; pid: number; pids: readonly number[]; pageSize: number}
	/** Like clicking a header in htop: a new column sorts in its natural order, the same one flips. */
	| {type: 'sort-by'; column: ColumnId}
	/** Sort by a column; `descending` defaults to keeping the order if it is the current column. */
	| {type: 'sort-set'; column: ColumnId; descending?: boolean}
	| {type: 'filter-clear'}
	| {type: 'sort-step'; delta: number; visible: readonly ColumnId[]}
	| {type: 'sort-invert'}
	| {type: 'prompt-open'; kind: PromptKind; target?: string}
	| {type: 'prompt-type'; text: string}
	| {type: 'prompt-backspace'}
	| {type: 'prompt-close'; commit: boolean}
	| {type: 'overlay'; overlay: Overlay | null}
	/** Move the cursor of the open menu (sort or signal) within its `count` lines. */
	| {type: 'sort-menu-move'; delta: number; count: number}
	/** `max`: the largest useful offset (lines minus the window's height). */
	| {type: 'overlay-scroll'; delta: number; max: number}
	| {type: 'speed'; index: number}
	| {type: 'hog-next'; count: number}
	| {type: 'lower-cycle'; current: LowerPanel}
	| {type: 'lower-set'; lower: LowerPanel}
	| {type: 'message'; text: string; tone?: Message['tone']}
	| {type: 'message-clear'; id: number}
	| {type: 'config'; config: DashboardConfig}
	| {type: 'tree-toggle'}
	| {type: 'log-focus'; focus: boolean}
	/** Scroll the event log to an anchor (null: follow the newest again). */
	| {type: 'log-scroll'; to: LogAnchor | null}
	| {type: 'note-recall'; note: RecalledNote | null}
	/** Fold (or unfold) a tree node; `fold` undefined flips it. */
	| {type: 'tree-fold'; key: string; fold?: boolean}
	| {type: 'cgroup-toggle'}
	/** Select a cgroup of the C view (its index among the cgroups) and scroll its lines to `top`. */
	| {type: 'cgroup-select'; index: number; path: string | null; top: number};

export const initialUiState: UiState = {
	sortColumn: DEFAULT_SORT,
	descending: true,
	filter: '',
	search: '',
	prompt: null,
	selectedPid: null,
	selectedIndex: 0,
	scrollTop: 0,
	overlay: null,
	speedIndex: SPEEDS.indexOf(1),
	hogIndex: 0,
	lowerPanel: null,
	message: null,
	config: DEFAULT_CONFIG,
	tree: false,
	collapsed: [],
	logFocus: false,
	logScroll: null,
	recalledNote: null,
	cgroups: false,
	cgroupPath: null,
	cgroupIndex: 0,
	cgroupTop: 0,
};

/** The ladder index closest to a speed the session reports. */
export function nearestSpeedIndex(speed: number): number {
	if (!Number.isFinite(speed)) return SPEEDS.length - 1;
	let best = 0;
	for (let i = 1; i < SPEEDS.length; i++) {
		if (Math.abs(Math.log(SPEEDS[i]! / speed)) < Math.abs(Math.log(SPEEDS[best]! / speed))) best = i;
	}
	return best;
}

/** The value after `current` in a cycle; values off the cycle go to the next larger step. */
export function nextInCycle(steps: readonly number[], current: number): number {
	const at = steps.indexOf(current);
	if (at >= 0) return steps[(at + 1) % steps.length]!;
	return steps.find((s) => s > current) ?? steps[0]!;
}

/** Where the selection is among the shown pids: its pid if still there, else the remembered row. */
export function selectionIndex(state: UiState, pids: readonly number[]): number {
	if (pids.length === 0) return -1;
	if (state.selectedPid !== null) {
		const at = pids.indexOf(state.selectedPid);
		if (at >= 0) return at;
	}
	return Math.min(Math.max(0, state.selectedIndex), pids.length - 1);
}

/** The first row shown, so the selection is always visible. */
export function scrollTopFor(scrollTop: number, selected: number, pageSize: number, count: number): number {
	const page = Math.max(1, pageSize);
	let top = Math.min(scrollTop, Math.max(0, selected));
	if (selected >= top + page) top = selected - page + 1;
	return Math.max(0, Math.min(top, Math.max(0, count - page)));
}

function place(draft: UiState, index: number, pids: readonly number[], pageSize: number): void {
	if (pids.length === 0) return;
	const at = Math.max(0, Math.min(index, pids.length - 1));
	draft.selectedIndex = at;
	draft.selectedPid = pids[at] ?? null;
	draft.scrollTop = scrollTopFor(draft.scrollTop, at, pageSize, pids.length);
}

let nextMessageId = 1;

export const uiReducer = produce((draft: UiState, action: UiAction): void => {
	switch (action.type) {
		case 'move':
			place(draft, selectionIndex(draft, action.pids) + action.delta, action.pids, action.pageSize);
			return;
		case 'move-to':
			place(draft, action.where === 'first' ? 0 : action.pids.length - 1, action.pids, action.pageSize);
			return;
		case 'select':
			place(draft, Math.max(0, action.pids.indexOf(action.pid)), action.pids, action.pageSize);
			return;
		case 'sort-by':
			if (draft.sortColumn === action.column) {
				draft.descending = !draft.descending;
			} else {
				draft.sortColumn = action.column;
				draft.descending = columnById(action.column).descendingFirst;
			}
			return;
		case 'sort-set':
			if (draft.sortColumn !== action.column) {
				draft.sortColumn = action.column;
				draft.descending = columnById(action.column).descendingFirst;
			}
			if (action.descending !== undefined) draft.descending = action.descending;
			return;
		case 'filter-clear':
			draft.filter = '';
			if (draft.prompt?.kind === 'filter') draft.prompt = null;
			return;
		case 'sort-step': {
			const ids = action.visible.length > 0 ? action.visible : COLUMNS.map((c) => c.id);
			const at = Math.max(0, ids.indexOf(draft.sortColumn));
			const next = ids[(at + action.delta + ids.length) % ids.length]!;
			draft.sortColumn = next;
			draft.descending = columnById(next).descendingFirst;
			return;
		}
		case 'sort-invert':
			draft.descending = !draft.descending;
			return;
		case 'prompt-open':
			draft.prompt = {
				kind: action.kind,
				text: action.kind === 'filter' ? draft.filter : action.kind === 'search' ? draft.search : '',
				...(action.target !== undefined ? {target: action.target} : {}),
			};
			return;
		case 'prompt-type':
			if (!draft.prompt) return;
			draft.prompt.text += action.text;
			if (draft.prompt.kind === 'filter') draft.filter = draft.prompt.text;
			if (draft.prompt.kind === 'search') draft.search = draft.prompt.text;
			return;
		case 'prompt-backspace':
			if (!draft.prompt) return;
			draft.prompt.text = draft.prompt.text.slice(0, -1);
			if (draft.prompt.kind === 'filter') draft.filter = draft.prompt.text;
			if (draft.prompt.kind === 'search') draft.search = draft.prompt.text;
			return;
		case 'prompt-close':
			// htop: Esc in the filter prompt drops the filter; Enter keeps it.
			if (draft.prompt?.kind === 'filter' && !action.commit) draft.filter = '';
			draft.prompt = null;
			return;
		case 'overlay':
			draft.overlay = action.overlay;
			return;
		case 'sort-menu-move':
			if ((draft.overlay?.kind !== 'sort' && draft.overlay?.kind !== 'signal') || action.count === 0) return;
			draft.overlay.cursor = Math.max(0, Math.min(action.count - 1, draft.overlay.cursor + action.delta));
			return;
		case 'overlay-scroll':
			if (
				draft.overlay?.kind === 'help' ||
				draft.overlay?.kind === 'detail' ||
				draft.overlay?.kind === 'explain'
			) {
				draft.overlay.offset = Math.max(0, Math.min(action.max, draft.overlay.offset + action.delta));
			}
			return;
		case 'speed':
			draft.speedIndex = Math.max(0, Math.min(SPEEDS.length - 1, action.index));
			return;
		case 'hog-next':
			draft.hogIndex = (draft.hogIndex + 1) % Math.max(1, action.count);
			return;
		case 'lower-cycle':
			draft.lowerPanel = LOWER_CYCLE[(LOWER_CYCLE.indexOf(action.current) + 1) % LOWER_CYCLE.length]!;
			return;
		case 'lower-set':
			draft.lowerPanel = action.lower;
			return;
		case 'message':
			draft.message = {id: nextMessageId++, text: action.text, tone: action.tone ?? 'info'};
			return;
		case 'message-clear':
			if (draft.message?.id === action.id) draft.message = null;
			return;
		case 'config':
			draft.config = action.config as DashboardConfig;
			return;
		case 'tree-toggle':
			draft.tree = !draft.tree;
			return;
		case 'log-focus':
			draft.logFocus = action.focus;
			return;
		case 'log-scroll':
			draft.logScroll = action.to;
			return;
		case 'note-recall':
			draft.recalledNote = action.note;
			return;
		case 'tree-fold': {
			const folded = draft.collapsed.includes(action.key);
			const fold = action.fold ?? !folded;
			if (fold && !folded) draft.collapsed = [...draft.collapsed, action.key];
			if (!fold && folded) draft.collapsed = draft.collapsed.filter((k) => k !== action.key);
			return;
		}
		case 'cgroup-toggle':
			draft.cgroups = !draft.cgroups;
			return;
		case 'cgroup-select':
			draft.cgroupIndex = Math.max(0, action.index);
			draft.cgroupPath = action.path;
			draft.cgroupTop = Math.max(0, action.top);
			return;
	}
});
