// Render into a fake terminal of a chosen size (ink-testing-library's stdout is fixed at 100
// columns with no rows). debug mode makes every render a full frame, written synchronously.
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import type {ReactElement} from 'react';

export class FakeStdout extends EventEmitter {
	isTTY = true;
	frames: string[] = [];
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}
	write = (data: string): boolean => {
		this.frames.push(data);
		return true;
	};
	lastFrame(): string {
		return this.frames.at(-1) ?? '';
	}
	resize(columns: number, rows: number): void {
		this.columns = columns;
		this.rows = rows;
		this.emit('resize');
	}
}

export class FakeStdin extends EventEmitter {
	isTTY = true;
	#pending: string | null = null;
	write(data: string): void {
		this.#pending = data;
		this.emit('readable');
		// Ink reads with read(), a real stream emits 'data' for it; useFunctionKeys listens there.
		this.emit('data', data);
	}
	read(): string | null {
		const data = this.#pending;
		this.#pending = null;
		return data;
	}
	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Let a key's effects reach the screen: Ink flushes a lone Escape one immediate later, and React's
 * scheduler yields every 5 ms of work, so on a loaded machine a render can take several immediates.
 * Wait until three immediates pass with no new frame (at most 40).
 */
async function settle(stdout: FakeStdout): Promise<void> {
	let quiet = 0;
	for (let i = 0; i < 40 && quiet < 3; i++) {
		const before = stdout.frames.length;
		await tick();
		quiet = stdout.frames.length === before ? quiet + 1 : 0;
	}
}

/**
 * Wait until the last frame satisfies `ok` (React schedules some updates, e.g. setState from a
 * stream event, a little later than the next tick). Returns the frame; throws after `ms`.
 */
export async function waitForFrame(
	r: {lastFrame(): string},
	ok: (frame: string) => boolean,
	ms = 2000,
): Promise<string> {
	const until = Date.now() + ms;
	for (;;) {
		const frame = r.lastFrame();
		if (ok(frame)) return frame;
		if (Date.now() > until) throw new Error(`timed out waiting for frame; last frame:\n${frame}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

export interface TtyRender {
	stdout: FakeStdout;
	stdin: FakeStdin;
	lastFrame(): string;
	lines(): string[];
	/** Type keys one write at a time, waiting a tick after each (Ink attaches listeners in effects). */
	press(...keys: string[]): Promise<void>;
	unmount(): void;
	waitUntilExit(): Promise<unknown>;
}

export async function renderTty(node: ReactElement, columns: number, rows: number): Promise<TtyRender> {
	const stdout = new FakeStdout(columns, rows);
	const stdin = new FakeStdin();
	const instance = render(node, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	await tick();
	return {
		stdout,
		stdin,
		lastFrame: () => stdout.lastFrame(),
		lines: () => stdout.lastFrame().split('\n'),
		async press(...keys: string[]) {
			for (const key of keys) {
				stdin.write(key);
				await settle(stdout);
			}
		},
		unmount: () => {
			instance.unmount();
			instance.cleanup();
		},
		waitUntilExit: () => instance.waitUntilExit(),
	};
}

export const KEYS = {
	up: '\x1b[A',
	down: '\x1b[B',
	right: '\x1b[C',
	left: '\x1b[D',
	shiftRight: '\x1b[1;2C',
	shiftLeft: '\x1b[1;2D',
	pageUp: '\x1b[5~',
	pageDown: '\x1b[6~',
	home: '\x1b[H',
	end: '\x1b[F',
	enter: '\r',
	escape: '\x1b',
	backspace: '\x7f',
	f1: '\x1bOP',
	f2: '\x1bOQ',
	f3: '\x1bOR',
	f4: '\x1bOS',
	f5: '\x1b[15~',
	f6: '\x1b[17~',
	f9: '\x1b[20~',
	f10: '\x1b[21~',
} as const;
