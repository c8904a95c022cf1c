// The one keymap: every key the dashboard knows, what it does, where it applies, how the help
// screen documents it and what the function bar calls it. Key handling, the F1 screen and the
// function bar all read this table (htop keeps the same facts in its action table and its
// FunctionBar definitions; here they cannot drift apart).
import type {Overlay, PromptKind} from './ui-state.js';

/** Everything a key can do; actions.ts has one implementation for each. */
export type ActionId =
	| 'quit'
	| 'close'
	| 'prompt-next'
	| 'prompt-commit'
	| 'prompt-cancel'
	| 'prompt-backspace'
	| 'scroll'
	| 'oom-older'
	| 'menu-move'
	| 'sort-choose'
	| 'signal-send'
	| 'seek'
	| 'marker'
	| 'note-recall'
	| 'goto'
	| 'take-over'
	| 'move'
	| 'detail'
	| 'search'
	| 'filter'
	| 'sort'
	| 'sort-order'
	| 'lower-cycle'
	| 'oom-report'
	| 'help'
	| 'escape'
	| 'pause'
	| 'step'
	| 'speed'
	| 'hog'
	| 'cache-flood'
	| 'leak'
	| 'balloon'
	| 'drop-caches'
	| 'swappiness'
	| 'thp'
	| 'compact-memory'
	| 'zswap'
	| 'userspace-oom'
	| 'oom-adj'
	| 'fork'
	| 'exec'
	| 'policy-duel'
	| 'killer-duel'
	| 'kill'
	| 'unassigned'
	| 'setup'
	| 'setup-move'
	| 'setup-pane'
	| 'setup-toggle'
	| 'setup-reorder'
	| 'setup-close'
	| 'tree'
	| 'tree-fold'
	| 'explain'
	| 'explain-step'
	| 'log-focus'
	| 'save-screen'
	| 'log-scroll'
	| 'cgroup-view'
	| 'cgroup-move'
	| 'cgroup-limit';

/** What the dashboard is showing a key to: the table, a prompt, or one of the windows. */
export type KeyContext = 'main' | 'tree' | 'cgroups' | 'log' | `prompt:${PromptKind}` | Overlay['kind'];

/** Where snapshots come from and whether the clock runs. */
export type Mode = 'live' | 'paused' | 'replay';

export const ALL_MODES: readonly Mode[] = ['live', 'paused', 'replay'];
const LIVE: readonly Mode[] = ['live', 'paused'];
const REPLAY: readonly Mode[] = ['replay'];
const TABLE_PROMPTS: readonly KeyContext[] = ['prompt:search', 'prompt:filter', 'prompt:goto'];
/** The cgroup view's prompts for memory.high and memory.max. */
const LIMIT_PROMPTS: readonly KeyContext[] = ['prompt:high', 'prompt:max'];
const PROMPTS: readonly KeyContext[] = [...TABLE_PROMPTS, ...LIMIT_PROMPTS];
/** The table, as a list or as htop's tree (F5). */
const TABLE: readonly KeyContext[] = ['main', 'tree'];
/** The main screen: the table, or the cgroup view (C) in its place. */
const SCREEN: readonly KeyContext[] = [...TABLE, 'cgroups'];
const ALL_CONTEXTS: readonly KeyContext[] = [
	...SCREEN,
	'log',
	...PROMPTS,
	'help',
	'sort',
	'signal',
	'detail',
	'oom',
	'setup',
	'explain',
];

export type HelpSection = 'Navigate' | 'Simulation' | 'Replay';
export const HELP_SECTIONS: readonly HelpSection[] = ['Navigate', 'Simulation', 'Replay'];

export interface HelpEntry {
	section: HelpSection;
	/** The keys as the help screen spells them ('F3 /', '↑ ↓ PgUp PgDn Home End'). */
	keys: string;
	text: string;
}

/** A label on the bottom bar: htop's F-key captions, then our hints as room allows. */
export interface BarLabel {
	key: string;
	label: string;
	/** 'fn': htop's padded captions; 'hint': short grey hints after them, dropped first. */
	slot: 'fn' | 'hint';
	/** Position on the bar, low first. */
	order: number;
	/** Default: the binding's. */
	contexts?: readonly KeyContext[];
	modes?: readonly Mode[];
	/** The key a click on this label presses (default: the first of the binding's keys). */
	press?: string;
	/** On a bar too narrow for every label, the highest rank goes first (default 0: kept). */
	rank?: number;
	/** Shown only when the workload has a cgroup tree (the cgroup view's hint). */
	cgroupsOnly?: boolean;
}

export interface Binding {
	action: ActionId;
	/** Key specs as keySpec() spells them: 'q', 'F1', 'Up', 'S-Right', 'Space', 'Enter'. */
	keys: readonly string[];
	contexts: readonly KeyContext[];
	modes: readonly Mode[];
	/** Changes the machine: refused in replay until take-over (the refusal says so). */
	machine?: boolean;
	help?: readonly HelpEntry[];
	bar?: readonly BarLabel[];
}

const main = (
	b: Omit<Binding, 'contexts' | 'modes'> & Partial<Pick<Binding, 'contexts' | 'modes'>>,
): Binding => ({
	contexts: SCREEN,
	modes: ALL_MODES,
	...b,
});

/** First match wins: mode-specific bindings come before the general ones they shadow. */
export const KEYMAP: readonly Binding[] = [
	// ---- setup (F2), before F10's quit: there F10 means Done, as in htop -----------------------
	{
		action: 'setup-close',
		keys: ['F10', 'Esc', 'F2', 'q'],
		contexts: ['setup'],
		modes: ALL_MODES,
		bar: [{key: 'F10', label: 'Done', slot: 'fn', order: 90}],
	},
	{
		action: 'setup-move',
		keys: ['Up', 'Down', 'PgUp', 'PgDn', 'Home', 'End'],
		contexts: ['setup'],
		modes: ALL_MODES,
	},
	{action: 'setup-pane', keys: ['Left', 'Right', 'Tab', 'S-Tab'], contexts: ['setup'], modes: ALL_MODES},
	{
		action: 'setup-toggle',
		keys: ['Enter', 'Space'],
		contexts: ['setup'],
		modes: ALL_MODES,
		bar: [{key: 'Enter', label: 'Toggle', slot: 'fn', order: 10}],
	},
	{
		action: 'setup-reorder',
		keys: ['F7', 'F8', '[', ']'],
		contexts: ['setup'],
		modes: ALL_MODES,
		bar: [
			{key: 'F7', label: 'MoveUp', slot: 'fn', order: 20},
			{key: 'F8', label: 'MoveDn', slot: 'fn', order: 30},
		],
	},

	// ---- everywhere ---------------------------------------------------------------------------
	{action: 'quit', keys: ['F10'], contexts: ALL_CONTEXTS, modes: ALL_MODES},

	// ---- prompts (search, filter, go to) ------------------------------------------------------
	{
		action: 'prompt-next',
		keys: ['F3'],
		contexts: ['prompt:search'],
		modes: ALL_MODES,
		bar: [{key: 'F3', label: 'Next', slot: 'fn', order: 10}],
	},
	{
		action: 'prompt-commit',
		keys: ['Enter'],
		contexts: PROMPTS,
		modes: ALL_MODES,
		bar: [
			{key: 'Enter', label: 'Done', slot: 'fn', order: 20, contexts: ['prompt:search', 'prompt:filter']},
			{key: 'Enter', label: 'Go', slot: 'fn', order: 20, contexts: ['prompt:goto']},
			{key: 'Enter', label: 'Set', slot: 'fn', order: 20, contexts: LIMIT_PROMPTS},
		],
	},
	{
		action: 'prompt-cancel',
		keys: ['Esc'],
		contexts: PROMPTS,
		modes: ALL_MODES,
		bar: [
			{
				key: 'Esc',
				label: 'Cancel',
				slot: 'fn',
				order: 30,
				contexts: ['prompt:search', 'prompt:goto', ...LIMIT_PROMPTS],
			},
			{key: 'Esc', label: 'Clear', slot: 'fn', order: 30, contexts: ['prompt:filter']},
		],
	},
	{action: 'prompt-backspace', keys: ['Backspace', 'Del'], contexts: PROMPTS, modes: ALL_MODES},
	{action: 'move', keys: ['Up', 'Down'], contexts: TABLE_PROMPTS, modes: ALL_MODES},

	// ---- windows ------------------------------------------------------------------------------
	{action: 'close', keys: ['F1'], contexts: ['help'], modes: ALL_MODES},
	{
		action: 'scroll',
		keys: ['Up', 'Down', 'PgUp', 'PgDn'],
		contexts: ['help', 'detail', 'oom', 'explain'],
		modes: ALL_MODES,
	},
	{
		action: 'close',
		keys: ['Esc', 'q'],
		contexts: ['sort', 'signal', 'detail', 'oom', 'explain'],
		modes: ALL_MODES,
		bar: [{key: 'Esc', label: 'Cancel', slot: 'fn', order: 90, contexts: ['signal']}],
	},
	{
		action: 'close',
		keys: ['e'],
		contexts: ['explain'],
		modes: ALL_MODES,
		bar: [{key: 'Esc', label: 'Close', slot: 'fn', order: 90}],
	},
	{
		action: 'explain-step',
		keys: ['Right', 'Left', 'Tab', 'S-Tab'],
		contexts: ['explain'],
		modes: ALL_MODES,
		bar: [{key: '←→', label: 'Next', slot: 'fn', order: 20, press: 'Right'}],
	},
	{action: 'close', keys: ['Enter'], contexts: ['detail', 'oom'], modes: ALL_MODES},
	{action: 'close', keys: ['x'], contexts: ['oom'], modes: ALL_MODES},
	{action: 'oom-older', keys: ['Left', 'Right'], contexts: ['oom'], modes: ALL_MODES},
	{action: 'menu-move', keys: ['Up', 'Down', 'PgUp', 'PgDn'], contexts: ['sort'], modes: ALL_MODES},
	{action: 'sort-choose', keys: ['Enter'], contexts: ['sort'], modes: ALL_MODES},
	// htop's signal menu: j and k move as the arrows do there.
	{
		action: 'menu-move',
		keys: ['Up', 'Down', 'PgUp', 'PgDn', 'Home', 'End', 'k', 'j'],
		contexts: ['signal'],
		modes: ALL_MODES,
	},
	{
		action: 'signal-send',
		keys: ['Enter'],
		contexts: ['signal'],
		modes: ALL_MODES,
		machine: true,
		bar: [{key: 'Enter', label: 'Send', slot: 'fn', order: 10}],
	},

	// ---- the event log, while it has the keys (Tab) --------------------------------------------
	{
		action: 'log-scroll',
		keys: ['Up', 'Down', 'PgUp', 'PgDn', 'Home', 'End'],
		contexts: ['log'],
		modes: ALL_MODES,
	},
	{action: 'log-focus', keys: ['Tab', 'Esc'], contexts: ['log'], modes: ALL_MODES},

	main({
		action: 'pause',
		keys: ['Space'],
		help: [
			{section: 'Simulation', keys: 'Space', text: 'pause / resume'},
			{section: 'Replay', keys: 'Space', text: 'play / pause'},
		],
		bar: [
			{key: 'Spc', label: 'Pause', slot: 'hint', order: 100, modes: LIVE},
			{key: 'Spc', label: 'Play', slot: 'fn', order: 20, modes: REPLAY},
		],
	}),
	// ---- replay -------------------------------------------------------------------------------
	main({
		action: 'seek',
		keys: ['Right', 'Left', 'S-Right', 'S-Left', 'PgUp', 'PgDn', 'Home', 'End'],
		modes: REPLAY,
		help: [
			{section: 'Replay', keys: '← →', text: 'seek ±1 s'},
			{section: 'Replay', keys: 'PgUp PgDn S-← S-→', text: 'seek ±10 s'},
			{section: 'Replay', keys: 'Home End', text: 'start / end of the recording'},
		],
		bar: [{key: '←→', label: 'Seek', slot: 'fn', order: 30}],
	}),
	main({
		action: 'marker',
		keys: ['n', 'N'],
		modes: REPLAY,
		help: [{section: 'Replay', keys: 'n N', text: 'next / previous marker (notes, commands, OOM kills)'}],
		bar: [{key: 'n/N', label: 'Marker', slot: 'fn', order: 40}],
	}),
	main({
		action: 'note-recall',
		keys: ['n', 'N'],
		modes: LIVE,
		help: [{section: 'Simulation', keys: 'n N', text: "next / previous of the workload's notes so far"}],
	}),
	main({
		action: 'goto',
		keys: ['g'],
		modes: REPLAY,
		help: [{section: 'Replay', keys: 'g', text: 'go to a time (mm:ss)'}],
		bar: [{key: 'g', label: 'Goto', slot: 'fn', order: 50}],
	}),
	main({
		action: 'take-over',
		keys: ['t'],
		modes: REPLAY,
		help: [{section: 'Replay', keys: 't', text: 'take over: go live from here'}],
		bar: [{key: 't', label: 'TakeOver', slot: 'fn', order: 60}],
	}),

	// ---- the table ----------------------------------------------------------------------------
	main({
		action: 'move',
		keys: ['Up', 'Down', 'PgUp', 'PgDn', 'Home', 'End'],
		contexts: TABLE,
		help: [
			{section: 'Navigate', keys: '↑ ↓ PgUp PgDn Home End', text: 'move the selection'},
			{section: 'Replay', keys: '↑ ↓', text: 'move the selection'},
		],
	}),
	main({
		action: 'detail',
		keys: ['Enter'],
		// In the tree, Enter folds a group (tree-fold) and opens a process's detail from there.
		contexts: ['main'],
		help: [{section: 'Navigate', keys: 'Enter', text: 'process detail (regions, oom_score)'}],
	}),
	main({
		action: 'search',
		contexts: TABLE,
		keys: ['F3', '/'],
		help: [{section: 'Navigate', keys: 'F3 /', text: 'search by name (F3: next match)'}],
		bar: [{key: 'F3', label: 'Search', slot: 'fn', order: 20, modes: LIVE, rank: 1}],
	}),
	main({
		action: 'filter',
		contexts: TABLE,
		keys: ['F4', '\\'],
		help: [{section: 'Navigate', keys: 'F4 \\', text: 'filter by name (Esc clears)'}],
		bar: [{key: 'F4', label: 'Filter', slot: 'fn', order: 30, modes: LIVE, rank: 2}],
	}),
	main({
		action: 'tree',
		contexts: TABLE,
		keys: ['F5', 't'],
		help: [{section: 'Navigate', keys: 'F5 t', text: 'tree view: processes under their groups'}],
		bar: [
			{key: 'F5', label: 'Tree', slot: 'fn', order: 35, modes: LIVE, contexts: ['main'], rank: 5},
			{key: 'F5', label: 'List', slot: 'fn', order: 35, modes: LIVE, contexts: ['tree'], rank: 5},
		],
	}),
	main({
		action: 'tree-fold',
		keys: ['+', '-', 'Enter'],
		contexts: ['tree'],
		help: [{section: 'Navigate', keys: '+ - (tree)', text: 'expand / collapse the selected group'}],
	}),
	main({
		action: 'sort',
		contexts: TABLE,
		keys: ['F6', '<', '>'],
		help: [{section: 'Navigate', keys: 'F6 < >', text: 'sort menu / previous / next column'}],
		bar: [{key: 'F6', label: 'SortBy', slot: 'fn', order: 40, modes: LIVE, rank: 3}],
	}),
	main({
		action: 'sort-order',
		contexts: TABLE,
		keys: ['M', 'I'],
		help: [{section: 'Navigate', keys: 'M I', text: 'sort by RSS / invert the order'}],
	}),
	main({
		action: 'lower-cycle',
		keys: ['g', 'v'],
		help: [{section: 'Navigate', keys: 'g v', text: 'cycle the log and graphs area'}],
		bar: [{key: 'g', label: 'Graphs', slot: 'hint', order: 160, modes: LIVE}],
	}),
	main({
		action: 'explain',
		keys: ['e'],
		contexts: [...SCREEN, 'detail'],
		help: [
			{
				section: 'Navigate',
				keys: 'e',
				text: 'explain the sort column of the selected process in Linux terms, with its numbers; ← → step through every meter, column and recent event; a click on a meter or an event line explains it',
			},
		],
		bar: [{key: 'e', label: 'Explain', slot: 'hint', order: 165}],
	}),
	main({
		action: 'log-focus',
		keys: ['Tab'],
		help: [{section: 'Navigate', keys: 'Tab', text: 'scroll the event log (End follows)'}],
	}),
	main({
		action: 'oom-report',
		keys: ['x'],
		help: [{section: 'Navigate', keys: 'x', text: 'explain the last OOM kill'}],
		bar: [{key: 'x', label: 'OOM', slot: 'hint', order: 170, modes: LIVE}],
	}),
	// ---- the cgroup view (C): its keys before Esc and F7 F8 of the table, which they shadow there ---
	main({
		action: 'cgroup-view',
		keys: ['C', 'Esc'],
		contexts: ['cgroups'],
		help: [
			{
				section: 'Navigate',
				keys: 'C',
				text: 'cgroup view: limits, events, PSI',
			},
		],
		bar: [{key: 'C', label: 'Procs', slot: 'fn', order: 35}],
	}),
	main({
		action: 'cgroup-move',
		keys: ['Up', 'Down', 'PgUp', 'PgDn', 'Home', 'End'],
		contexts: ['cgroups'],
		help: [{section: 'Navigate', keys: 'e (cgroups)', text: 'explain the selected cgroup'}],
	}),
	main({
		action: 'cgroup-limit',
		keys: ['F7', 'H', 'F8', 'X'],
		contexts: ['cgroups'],
		machine: true,
		help: [
			{
				section: 'Simulation',
				keys: 'F7 H / F8 X (cgroups)',
				text: 'set memory.high / memory.max',
			},
		],
		bar: [
			{key: 'F7', label: 'High', slot: 'fn', order: 45, modes: LIVE, cgroupsOnly: true},
			{key: 'F8', label: 'Max', slot: 'fn', order: 46, modes: LIVE, cgroupsOnly: true},
		],
	}),
	main({
		action: 'cgroup-view',
		keys: ['C'],
		contexts: TABLE,
		bar: [{key: 'C', label: 'Cgroups', slot: 'hint', order: 105, modes: LIVE, cgroupsOnly: true}],
	}),
	main({
		action: 'setup',
		keys: ['F2', 'S-F2'],
		help: [{section: 'Navigate', keys: 'F2', text: 'setup: columns, meters, colours, update rate'}],
		bar: [{key: 'F2', label: 'Setup', slot: 'fn', order: 15, modes: LIVE, rank: 4}],
	}),
	main({
		action: 'save-screen',
		keys: ['S'],
		// Over any window too: the picture is of what is on screen (prompts take S as text).
		contexts: ALL_CONTEXTS.filter((c) => !c.startsWith('prompt:')),
		help: [
			{
				section: 'Navigate',
				keys: 'S',
				text: 'save the screen as an SVG picture (the status line says where)',
			},
		],
	}),
	main({
		action: 'help',
		keys: ['F1', '?', 'h'],
		help: [{section: 'Navigate', keys: 'F1 ? h', text: 'this help'}],
		bar: [{key: 'F1', label: 'Help', slot: 'fn', order: 10}],
	}),
	main({
		action: 'escape',
		keys: ['Esc'],
		help: [{section: 'Navigate', keys: 'Esc', text: 'close a window or prompt'}],
	}),

	main({
		action: 'quit',
		keys: ['q'],
		help: [{section: 'Navigate', keys: 'F10 q', text: 'quit'}],
		bar: [{key: 'F10', label: 'Quit', slot: 'fn', order: 90}],
	}),

	// ---- the simulation -----------------------------------------------------------------------
	main({
		action: 'step',
		keys: ['.'],
		modes: LIVE,
		help: [{section: 'Simulation', keys: '.', text: 'step one tick (10 ms) while paused'}],
	}),
	main({
		action: 'speed',
		keys: ['+', '=', '-', '_'],
		help: [{section: 'Simulation', keys: '+ -', text: 'speed ×0.1 … ×100, max'}],
	}),
	main({
		action: 'hog',
		keys: ['a'],
		machine: true,
		help: [{section: 'Simulation', keys: 'a', text: 'spawn a hog (256M, 512M, 1G, 2G)'}],
		bar: [{key: 'a', label: 'Hog', slot: 'hint', order: 110, modes: LIVE}],
	}),
	main({
		action: 'cache-flood',
		keys: ['c'],
		machine: true,
		help: [{section: 'Simulation', keys: 'c', text: 'flood the page cache (a reader)'}],
		bar: [{key: 'c', label: 'Cache', slot: 'hint', order: 120, modes: LIVE}],
	}),
	main({
		action: 'leak',
		keys: ['l'],
		machine: true,
		help: [{section: 'Simulation', keys: 'l', text: 'start a leaker (16 MiB/s)'}],
		bar: [{key: 'l', label: 'Leak', slot: 'hint', order: 130, modes: LIVE}],
	}),
	main({
		action: 'balloon',
		keys: ['b', 'B'],
		machine: true,
		help: [{section: 'Simulation', keys: 'b B', text: 'balloon: take 256 MiB / give back'}],
		bar: [{key: 'b', label: 'Balloon', slot: 'hint', order: 140, modes: LIVE}],
	}),
	main({
		action: 'drop-caches',
		keys: ['d'],
		machine: true,
		help: [{section: 'Simulation', keys: 'd', text: 'drop clean caches (drop_caches=3)'}],
	}),
	main({
		action: 'swappiness',
		keys: ['s'],
		machine: true,
		help: [{section: 'Simulation', keys: 's', text: 'swappiness 0 → 60 → 100 → 200'}],
	}),
	main({
		action: 'thp',
		keys: ['T'],
		machine: true,
		help: [{section: 'Simulation', keys: 'T', text: 'transparent huge pages: always → madvise → never'}],
	}),
	main({
		action: 'compact-memory',
		keys: ['m'],
		machine: true,
		help: [{section: 'Simulation', keys: 'm', text: 'compact all memory (echo 1 > compact_memory)'}],
	}),
	main({
		action: 'zswap',
		keys: ['z'],
		machine: true,
		help: [{section: 'Simulation', keys: 'z', text: 'zswap on / off'}],
	}),
	main({
		action: 'userspace-oom',
		keys: ['O'],
		machine: true,
		help: [{section: 'Simulation', keys: 'O', text: 'userspace OOM: none→oomd→earlyoom'}],
	}),
	main({
		action: 'oom-adj',
		contexts: TABLE,
		keys: ['o'],
		machine: true,
		help: [{section: 'Simulation', keys: 'o', text: 'oom_score_adj: 0→500→1000→-1000'}],
	}),
	main({
		action: 'fork',
		contexts: TABLE,
		keys: ['f'],
		machine: true,
		help: [{section: 'Simulation', keys: 'f', text: 'fork: a COW snapshot child (BGSAVE)'}],
	}),
	main({
		action: 'exec',
		contexts: TABLE,
		keys: ['E'],
		machine: true,
		help: [{section: 'Simulation', keys: 'E', text: 'exec sh: a small image, old mm freed'}],
	}),
	main({
		action: 'policy-duel',
		keys: ['P'],
		help: [{section: 'Simulation', keys: 'P', text: 'policy duel: twin run, next policy'}],
	}),
	main({
		action: 'killer-duel',
		keys: ['K'],
		help: [{section: 'Simulation', keys: 'K', text: 'OOM killer duel: twin, next killer'}],
	}),
	main({
		action: 'kill',
		contexts: TABLE,
		keys: ['F9', 'k'],
		machine: true,
		help: [{section: 'Simulation', keys: 'F9 k', text: 'kill: SIGTERM (1 s) or SIGKILL'}],
		bar: [{key: 'F9', label: 'Kill', slot: 'fn', order: 50, modes: LIVE}],
	}),
	// htop's keys that mean nothing here (yet): say so rather than nothing.
	main({action: 'unassigned', keys: ['F7', 'F8'], modes: LIVE}),
];

/** The mode a session's status puts the keys in. */
export function modeOf(status: {mode: 'live' | 'replay'; paused: boolean}): Mode {
	return status.mode === 'replay' ? 'replay' : status.paused ? 'paused' : 'live';
}

/** The context keys go to: an open prompt first, then an open window, else the table. */
export function keyContext(
	prompt: {kind: PromptKind} | null,
	overlay: Overlay | null,
	tree = false,
	log = false,
	cgroups = false,
): KeyContext {
	if (prompt) return `prompt:${prompt.kind}`;
	return overlay?.kind ?? (log ? 'log' : screenContext(tree, cgroups));
}

/** What the main screen shows: the cgroup view, the tree or the list. */
export function screenContext(tree: boolean, cgroups = false): KeyContext {
	return cgroups ? 'cgroups' : tree ? 'tree' : 'main';
}

/** The binding a key spec triggers in this context and mode, if any. */
export function findBinding(spec: string, context: KeyContext, mode: Mode): Binding | undefined {
	return KEYMAP.find((b) => b.contexts.includes(context) && b.modes.includes(mode) && b.keys.includes(spec));
}

/**
 * The key that runs `action` on the main screen in this mode, or null when none does (keys that
 * change the machine do nothing in replay): what a hint on screen names, so a hint never offers a
 * key the mode refuses.
 */
export function keyFor(action: ActionId, mode: Mode): string | null {
	const binding = KEYMAP.find(
		(b) =>
			b.action === action &&
			b.contexts.includes('main') &&
			b.modes.includes(mode) &&
			!(b.machine && mode === 'replay'),
	);
	return binding?.keys[0] ?? null;
}

/**
 * What a window does with a key it has no binding for: help closes on any key (htop), menus
 * swallow it, and the detail and OOM windows let the table's keys through.
 */
export const UNBOUND_IN_OVERLAY: Record<Overlay['kind'], 'close' | 'swallow' | 'main'> = {
	help: 'close',
	sort: 'swallow',
	signal: 'swallow',
	detail: 'main',
	oom: 'main',
	setup: 'swallow',
	explain: 'swallow',
};

export interface BarItem {
	key: string;
	label: string;
	slot: 'fn' | 'hint';
	rank: number;
	binding: Binding;
	press: string;
}

/** The bottom bar's labels for a context and mode, in order; `cgroups`: the workload has a cgroup tree. */
export function barItems(context: KeyContext, mode: Mode, cgroups = false): BarItem[] {
	const items: (BarItem & {order: number})[] = [];
	for (const binding of KEYMAP) {
		for (const label of binding.bar ?? []) {
			const contexts = label.contexts ?? binding.contexts;
			const modes = label.modes ?? binding.modes;
			if (!contexts.includes(context) || !modes.includes(mode)) continue;
			if (label.cgroupsOnly && !cgroups) continue;
			// The first label that fits wins (a binding may label itself differently per mode).
			if (items.some((i) => i.binding === binding && i.key === label.key)) continue;
			items.push({
				key: label.key,
				label: label.label,
				slot: label.slot,
				order: label.order,
				rank: label.rank ?? 0,
				binding,
				press: label.press ?? (binding.keys.includes(label.key) ? label.key : binding.keys[0]!),
			});
		}
	}
	return items.sort((a, b) => a.order - b.order);
}

/** The help screen's sections, in table order within each. */
export function helpEntries(): {section: HelpSection; keys: HelpEntry[]}[] {
	return HELP_SECTIONS.map((section) => ({
		section,
		keys: KEYMAP.flatMap((b) => (b.help ?? []).filter((h) => h.section === section)),
	}));
}
