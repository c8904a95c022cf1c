// The dashboard: meters on top, the process table, the event log and history graphs below it,
// a status line and htop's function bar at the bottom. Keys go through the keymap to actions;
// every key that changes the machine goes through session.send (the core logs it as a 'command'
// event); everything else is view state.
import {useStdin} from 'ink';
import type {Session} from './session/types.js';
import type {DashboardConfig} from './view/config.js';
import {handleKey} from './view/input/dispatch.js';
import {handleMouse} from './view/input/mouse.js';
import {useKeys} from './view/input/use-keys.js';
import {Screen} from './view/screen.js';
import {screenSvg} from './view/screen-svg.js';
import {useDashboard} from './view/use-dashboard.js';

export {configJson, type DashboardConfig, DEFAULT_CONFIG, parseConfig} from './view/config.js';
/** The dashboard's frames skip Ink's tokenizer for lines unchanged since the last frame (view/ink-line-cache.ts). */
export {installInkLineCache} from './view/ink-line-cache.js';

export interface AppProps {
	session: Session;
	/** Settings from the config file, and where changes go (see view/config.ts). */
	config?: DashboardConfig;
	onConfigChange?: (config: DashboardConfig) => {text: string; tone: 'info' | 'warn'} | null;
	/** `S`: an SVG picture of the screen to keep; says where it went (see view/use-dashboard.ts). */
	onSaveScreen?: (svg: string) => {text: string; tone: 'info' | 'warn'} | null;
	/** A warning for the status line at start. */
	notice?: string;
	/** NO_COLOR: monochrome whatever the config says. */
	noColor?: boolean;
}

export function App({session, ...options}: AppProps) {
	const {isRawModeSupported} = useStdin();
	const d = useDashboard(session, {...options, screenSvg});
	// Ink throws if raw mode is requested on a pipe; undefined must count as "no" (ink-stack.md §3).
	useKeys(
		(input) => (input.kind === 'key' ? handleKey(d.env, input) : handleMouse(d.env, input)),
		isRawModeSupported === true,
	);
	return <Screen d={d} />;
}
