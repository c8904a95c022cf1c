#!/usr/bin/env node
// memtop's entry point: picks the subcommand, owns exit codes and process I/O. Errors a person
// caused print one line and exit 2; anything else prints one line and exits 1.
import process from 'node:process';
import {processIo} from './cli/io.js';
import {runCommand} from './cli/run.js';
import {traceCommand, traceHelp} from './cli/trace.js';
import {validateCommand, validateHelp} from './cli/validate.js';
import {workloadsCommand, workloadsHelp} from './cli/workloads.js';
import {INTERNAL_ERROR_HINT, UserError} from './common/user-error.js';
import {escapeText} from './text/escape.js';

const mainHelp = `
  memtop: htop for a simulated operating system's memory manager

  Usage
    $ memtop [command] [options]

  Commands
    run [WORKLOAD]       Run a workload live in the dashboard (default command)
    replay FILE          Replay a recorded run, with seeking
    runs                 List recorded runs
    trace FILE...        Page replacement policies on a memory trace
    compare WORKLOAD     Run one workload under several reclaim policies or userspace OOM
                         killers (none, systemd-oomd, earlyoom), side by side
    plot RUN --out F.svg Chart a recording or a headless --json run: free memory, PSI, swap,
                         major faults, OOM kills
    workloads            List the shipped workloads
    validate FILE...     Check workload files

  Run 'memtop COMMAND --help' for a command's options.

  Examples
    $ memtop
    $ memtop run thrash
    $ memtop run leak --headless --duration 120
    $ memtop plot leak.jsonl --out leak.svg
    $ memtop trace test.trace --policy fifo,lru,clock,opt --frames 3,4
`;

type Handler = (argv: string[]) => Promise<number>;

async function interactive(
	session: import('./session/sim-session.js').SimSession,
	farewell: () => void,
): Promise<number> {
	const {runInteractive} = await import('./cli/interactive.js');
	session.start();
	try {
		return await runInteractive(session, {farewell});
	} finally {
		// Also when the dashboard could not start (no TTY): stop the clock so the process can exit.
		await session.close();
	}
}

/**
 * A closed pipe (`memtop run --headless | head`) or a lost terminal ends memtop quietly, as `top -b |
 * head` does: nothing more can be shown, and a recording is already complete up to its last line.
 */
function endQuietlyOnLostOutput(): void {
	const lost = (error: NodeJS.ErrnoException): void => {
		if (error.code === 'EPIPE' || error.code === 'EIO') {
			// The exit code of a process killed by SIGPIPE for EPIPE; 0 for a terminal that went away.
			process.exitCode = error.code === 'EPIPE' ? 141 : 0;
			process.exit();
		}
		throw error;
	};
	process.stdout.on('error', lost);
	process.stderr.on('error', lost);
}

async function main(argv: string[]): Promise<number> {
	endQuietlyOnLostOutput();
	// React picks its build when first loaded: production renders about twice as fast and keeps no
	// timing marks. Nothing above imports React; the dashboard is loaded later, on demand.
	process.env.NODE_ENV ??= 'production';
	const io = {...processIo, stdin: process.stdin};
	const commands: Record<string, Handler> = {
		run: (a) => runCommand(a, io, {interactive}),
		trace: (a) => traceCommand(a, {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin}),
		workloads: (a) => workloadsCommand(a, io),
		validate: (a) => validateCommand(a, io),
		replay: async (a) => (await import('./cli/replay.js')).replayCommand(a, io, {interactive}),
		runs: async (a) => (await import('./cli/runs.js')).runsCommand(a, io),
		compare: async (a) => (await import('./cli/compare.js')).compareCommand(a, io),
		plot: async (a) => (await import('./cli/plot.js')).plotCommand(a, io),
	};
	const [first, ...rest] = argv;
	if (first === '--help' || first === '-h' || first === 'help') {
		process.stdout.write(`${mainHelp.replace(/^\n/, '')}\n`);
		return 0;
	}
	if (first === '--version' || first === '-v') {
		const {packageVersion} = await import('./common/package.js');
		process.stdout.write(`${packageVersion()}\n`);
		return 0;
	}
	if (first !== undefined && commands[first]) return commands[first](rest);
	// No command: `memtop`, `memtop thrash`, `memtop --seed 3` all mean run.
	return commands.run!(argv);
}

main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		const code = (error as NodeJS.ErrnoException | null)?.code;
		if (code === 'EPIPE' || code === 'EIO') {
			process.exitCode = code === 'EPIPE' ? 141 : 0;
			return;
		}
		// Messages quote files and arguments: escaped, so a name cannot drive the terminal.
		if (error instanceof UserError) {
			process.stderr.write(`memtop: ${escapeText(error.message)}\n`);
			process.exitCode = error.exitCode;
		} else {
			const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
			process.stderr.write(`memtop: internal error: ${escapeText(message ?? '')}; ${INTERNAL_ERROR_HINT}\n`);
			if (process.env.MEMTOP_DEBUG) console.error(error);
			process.exitCode = 1;
		}
	},
);

export {mainHelp, traceHelp, validateHelp, workloadsHelp};
