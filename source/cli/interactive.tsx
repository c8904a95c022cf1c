// Runs the dashboard full screen. Ink 6.8 has no alternate-screen option, so we enter it by hand
// and take care that the terminal is ALWAYS given back (mouse reporting off, cursor shown, main
// screen, cooked mode) however we leave: q, Ctrl-C, a signal, a crash, or process.exit from
// somewhere else. The dashboard's settings come from its config file; NO_COLOR wins over them.
import {writeSync} from 'node:fs';
import type {DashboardConfig} from '../app.js';
import {describeFsError} from '../common/file-error.js';
import {INTERNAL_ERROR_HINT, UserError} from '../common/user-error.js';
import type {Session} from '../session/types.js';
import {escapeText} from '../text/escape.js';
import {configPath, loadConfig, picturesDir, saveConfig, savePicture} from './dashboard-files.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR = '\x1b[2J\x1b[H';
/** xterm mouse reporting: button presses and releases (1000), wheel included, in SGR form (1006). */
export const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';

export const NOT_A_TTY =
	'the dashboard needs a terminal (stdin and stdout must be a TTY); use --headless for text output';

const SIGNAL_EXIT_CODES = {SIGINT: 130, SIGTERM: 143, SIGHUP: 129} as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

/** How long closing the session may take once we are leaving from outside the normal flow. */
export const ABORT_DEADLINE_MS = 5000;

/** The terminal went away under us (its pty closed): reads and writes fail with EIO, pipes with EPIPE. */
export function isLostTerminal(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	return code === 'EIO' || code === 'EPIPE' || code === 'ENXIO' || code === 'EBADF';
}

/** A line for the terminal, written at once; nothing is queued (and nothing can fail later). */
function say(text: string): void {
	try {
		writeSync(2, text);
	} catch {
		// stderr gone with the terminal: there is no one left to tell.
	}
}

/** One line for a crash: the message, not the stack (the terminal was just restored under it). */
function oneLine(error: unknown): string {
	const text = error instanceof Error ? error.message || error.name : String(error);
	return text.split('\n')[0] ?? 'unknown error';
}

/** Colour off by the environment: NO_COLOR (any non-empty value, no-color.org) or FORCE_COLOR=0. */
export function colourOff(env: Record<string, string | undefined>): boolean {
	return !!env.NO_COLOR || env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false';
}

/** A crash that is not a person's mistake is memtop's bug: say so, and how to report it. */
function bugHint(error: unknown): string {
	return error instanceof UserError ? '' : ` (${INTERNAL_ERROR_HINT})`;
}

export interface InteractiveOptions {
	/**
	 * What to print once the dashboard is gone and the session closed (where the run was recorded...).
	 * The caller prints it after a normal exit; a signal or a crash exits from here, so it is called
	 * here first. It must be safe to call twice (the caller's guard).
	 */
	farewell?: () => void;
}

export async function runInteractive(session: Session, options: InteractiveOptions = {}): Promise<number> {
	if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UserError(NOT_A_TTY);
	const fd = 1;
	const noColor = colourOff(process.env);
	// Monochrome still needs bold and reverse video (the selection bar): chalk must not go silent.
	if (noColor) process.env.FORCE_COLOR = '1';
	const [{render}, app] = await Promise.all([import('ink'), import('../app.js')]);
	const {App} = app;
	const settingsPath = configPath();
	const {config, problem} = loadConfig(settingsPath, app);
	const saveSettings = (next: DashboardConfig) => {
		try {
			saveConfig(settingsPath, next, app);
			return {text: `settings saved to ${settingsPath}`, tone: 'info' as const};
		} catch (error) {
			return {text: `settings not saved: ${settingsPath}: ${oneLine(error)}`, tone: 'warn' as const};
		}
	};
	const saveScreen = (svg: string) => {
		const dir = picturesDir();
		try {
			return {text: `saved screen to ${savePicture(svg, dir)}`, tone: 'info' as const};
		} catch (error) {
			return {text: `screen not saved: ${dir}: ${describeFsError(error)}`, tone: 'warn' as const};
		}
	};

	let restored = false;
	// Synchronous on purpose: it also runs from process.on('exit'), where nothing async survives.
	const restoreTerminal = (): void => {
		if (restored) return;
		restored = true;
		try {
			if (process.stdin.isTTY) process.stdin.setRawMode(false);
		} catch {
			// stdin may already be destroyed; the escape sequences below still matter.
		}
		try {
			writeSync(fd, MOUSE_OFF + SHOW_CURSOR + LEAVE_ALT_SCREEN);
		} catch {
			// stdout gone (terminal closed): nothing left to restore.
		}
	};

	writeSync(fd, ENTER_ALT_SCREEN + HIDE_CURSOR + CLEAR + MOUSE_ON);
	process.on('exit', restoreTerminal);

	// Ink 6.8 writes through signal-exit on its own too; we only add the app-level duties:
	// restore, close the session (flushes the recording), pick the exit code.
	// Lines unchanged since the last frame skip Ink's tokenizer (view/ink-line-cache.ts).
	await app.installInkLineCache();
	const instance = render(
		<App
			session={session}
			config={config}
			onConfigChange={saveSettings}
			onSaveScreen={saveScreen}
			notice={problem ?? undefined}
			noColor={noColor}
		/>,
		{exitOnCtrlC: true, patchConsole: true},
	);

	let closing: Promise<void> | null = null;
	const closeSession = (): Promise<void> => {
		closing ??= session.close().catch((error: unknown) => {
			say(`memtop: closing the session failed: ${oneLine(error)}\n`);
		});
		return closing;
	};

	/**
	 * Leave from outside the normal flow (a signal, a crash, the terminal gone): restore, close, exit
	 * with `code`. Once only: an error raised while leaving (a write to a terminal that is gone) must
	 * not start the leaving again, or each failed write would schedule the next and the process would
	 * never reach its exit. The close gets a deadline, so a session that hangs cannot keep us alive.
	 */
	let aborting = false;
	const abort = (code: number, error?: unknown): void => {
		if (aborting) return;
		aborting = true;
		try {
			instance.unmount();
		} catch {
			// Already unmounted or Ink itself failed; the terminal restore below is what counts.
		}
		restoreTerminal();
		if (error !== undefined) say(`memtop: ${escapeText(oneLine(error))}${bugHint(error)}\n`);
		setTimeout(() => process.exit(code), ABORT_DEADLINE_MS);
		void closeSession().finally(() => {
			try {
				options.farewell?.();
			} catch {
				// The terminal went away (SIGHUP): there is no one left to tell.
			}
			process.exit(code);
		});
	};

	const onSignal = (signal: HandledSignal) => () => abort(SIGNAL_EXIT_CODES[signal]);
	const signalHandlers = (Object.keys(SIGNAL_EXIT_CODES) as HandledSignal[]).map(
		(signal) => [signal, onSignal(signal)] as const,
	);
	for (const [signal, handler] of signalHandlers) process.on(signal, handler);
	// A terminal that went away is no crash: nothing can be shown any more, so leave quietly (0, as
	// `top` does when its terminal closes; a SIGHUP that comes with it has already set 129).
	const onCrash = (error: unknown): void => (isLostTerminal(error) ? abort(0) : abort(1, error));
	process.on('uncaughtException', onCrash);
	process.on('unhandledRejection', onCrash);
	// The keyboard is gone when stdin ends or fails (its pty closed): the dashboard ends with it.
	const onInputEnd = (): void => abort(0);
	const outputs = [process.stdout, process.stderr] as const;
	process.stdin.on('end', onInputEnd);
	process.stdin.on('error', onCrash);
	for (const stream of outputs) stream.on('error', onCrash);

	let code = 0;
	try {
		await instance.waitUntilExit();
	} catch (error) {
		// A render error: Ink unmounted with it. Report it like any crash, but return normally.
		restoreTerminal();
		say(`memtop: ${escapeText(oneLine(error))}${bugHint(error)}\n`);
		code = 1;
	} finally {
		restoreTerminal();
		for (const [signal, handler] of signalHandlers) process.off(signal, handler);
		process.off('uncaughtException', onCrash);
		process.off('unhandledRejection', onCrash);
		process.stdin.off('end', onInputEnd);
		process.stdin.off('error', onCrash);
		for (const stream of outputs) stream.off('error', onCrash);
		process.off('exit', restoreTerminal);
		instance.cleanup();
	}
	await closeSession();
	// Said on screen at start too, but the screen is gone now.
	if (problem) say(`memtop: ${problem}\n`);
	return code;
}
