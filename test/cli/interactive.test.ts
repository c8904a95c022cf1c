// runInteractive in a real pseudo-terminal (util-linux `script`): the alternate screen is entered
// and always left, the cursor comes back, and the session is closed, however the dashboard ends.
import {type ChildProcess, execFileSync, spawn} from 'node:child_process';
import {stripVTControlCharacters} from 'node:util';
import {afterEach, describe, expect, it} from 'vitest';
import {NOT_A_TTY, runInteractive} from '../../source/cli/interactive.js';
import {INTERNAL_ERROR_HINT, UserError} from '../../source/common/user-error.js';
import {FakeSession} from '../helpers/fake-session.js';
import {alive, killTree} from '../helpers/process-tree.js';

const hasScript = (() => {
	try {
		execFileSync('script', ['--version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();

const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
/** Mouse reporting off first, then the cursor and the main screen back. */
const MOUSE_OFF_LEAVE = `\x1b[?1006l\x1b[?1000l${LEAVE}`;

interface Run {
	child: ChildProcess;
	output: () => string;
	exit: Promise<number | null>;
	/** The harness's own pid (it says it first), once said. */
	harnessPid: () => number | null;
}

// Whatever a test does (passes, fails, times out), nothing it started outlives it: `script`, and the
// harness, which runs in the pseudo-terminal's own session (so not in script's process group) and
// would be orphaned rather than killed with script.
const runs: Run[] = [];
afterEach(() => {
	for (const run of runs.splice(0)) {
		if (run.child.pid) killTree(run.child.pid);
		const pid = run.harnessPid();
		if (pid !== null && alive(pid)) killTree(pid);
	}
});

function runHarness(mode: 'quit' | 'crash', env: Record<string, string> = {}): Run {
	const command = `node --import tsx test/cli/dashboard-harness.tsx ${mode}`;
	const child = spawn('script', ['-qfec', command, '/dev/null'], {
		env: {...process.env, CI: 'false', COLUMNS: '100', LINES: '30', ...env},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let out = '';
	child.stdout!.on('data', (d: Buffer) => {
		out += d.toString('utf8');
	});
	child.stderr!.on('data', (d: Buffer) => {
		out += d.toString('utf8');
	});
	const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	const harnessPid = (): number | null => {
		const m = /pid (\d+)/.exec(out);
		return m ? Number(m[1]) : null;
	};
	const run = {child, output: () => out, exit, harnessPid};
	runs.push(run);
	return run;
}

async function gone(pid: number, ms = 10_000): Promise<boolean> {
	const end = Date.now() + ms;
	while (alive(pid)) {
		if (Date.now() > end) return false;
		await new Promise((r) => setTimeout(r, 50));
	}
	return true;
}

async function until(run: Run, pattern: RegExp, ms = 15_000): Promise<RegExpMatchArray> {
	const end = Date.now() + ms;
	for (;;) {
		// Bold and reverse video stay on even without colour: read the text without them.
		const m = stripVTControlCharacters(run.output()).match(pattern);
		if (m) return m;
		if (Date.now() > end)
			throw new Error(`timed out waiting for ${pattern}; output so far:\n${run.output()}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe('runInteractive', () => {
	it('refuses to start without a terminal', async () => {
		const session = new FakeSession();
		const isTTY = process.stdin.isTTY;
		Object.defineProperty(process.stdin, 'isTTY', {value: undefined, configurable: true});
		try {
			await expect(runInteractive(session)).rejects.toThrow(new UserError(NOT_A_TTY));
			await expect(runInteractive(session)).rejects.toBeInstanceOf(UserError);
		} finally {
			Object.defineProperty(process.stdin, 'isTTY', {value: isTTY, configurable: true});
		}
		expect(NOT_A_TTY).toBe(
			'the dashboard needs a terminal (stdin and stdout must be a TTY); use --headless for text output',
		);
	});

	it.skipIf(!hasScript)(
		'q leaves the alternate screen, shows the cursor, closes the session, returns 0',
		async () => {
			const run = runHarness('quit');
			await until(run, /F10Quit/);
			run.child.stdin!.write('q');
			expect(await run.exit).toBe(0);
			const out = run.output();
			expect(out).toContain(ENTER);
			expect(out.indexOf(MOUSE_ON)).toBeGreaterThan(out.indexOf(ENTER));
			expect(out.lastIndexOf(MOUSE_OFF_LEAVE)).toBeGreaterThan(out.lastIndexOf('Quit'));
			expect(out).toMatch(/session closed[\s\S]*returned 0/);
			// After q the caller prints its farewell (memtop run's "recorded to ..."), not runInteractive.
			expect(out).not.toContain('farewell');
		},
	);

	for (const [signal, code] of [
		['SIGTERM', 143],
		['SIGINT', 130],
		['SIGHUP', 129],
	] as const) {
		it.skipIf(!hasScript)(
			`${signal} turns the mouse off, restores the terminal, closes the session and exits ${code}`,
			async () => {
				const run = runHarness('quit');
				const [, pid] = await until(run, /pid (\d+)/);
				await until(run, /F10Quit/);
				process.kill(Number(pid), signal);
				expect(await run.exit).toBe(code);
				expect(run.output()).toContain(MOUSE_OFF_LEAVE);
				expect(run.output()).toContain('session closed');
				expect(run.output()).not.toContain('returned');
				// memtop run's "recorded to ..." line: printed after the session closed, as after q.
				expect(run.output()).toMatch(/session closed[\s\S]*farewell/);
			},
		);
	}

	// The leak this guards against: with its pty gone, every write failed with EIO, each failure
	// re-entered the crash path and wrote again, so the process spun (and grew) forever, deaf to
	// SIGTERM. Without the harness's own orphan watchdog, runInteractive alone must end.
	it.skipIf(!hasScript)(
		'when the terminal goes away (its owner killed), the dashboard ends instead of spinning',
		async () => {
			const run = runHarness('quit', {HARNESS_NO_WATCHDOG: '1'});
			await until(run, /pid \d+/);
			await until(run, /F10Quit/);
			const pid = run.harnessPid()!;
			run.child.kill('SIGKILL');
			expect(await gone(pid)).toBe(true);
		},
	);

	it.skipIf(!hasScript)(
		'an uncaught exception restores the terminal and prints one line, exit 1',
		async () => {
			const run = runHarness('crash');
			expect(await run.exit).toBe(1);
			const out = run.output();
			expect(out).toContain(`${MOUSE_OFF_LEAVE}memtop: boom (${INTERNAL_ERROR_HINT})\r\n`);
			expect(out).not.toContain('second line');
			expect(out).toContain('session closed');
		},
	);
});
