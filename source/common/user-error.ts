// An error a person caused (bad flag, bad file): printed as one line, exit code 2, no stack trace.
export class UserError extends Error {
	readonly exitCode: number;

	constructor(message: string, exitCode = 2) {
		super(message);
		this.name = 'UserError';
		this.exitCode = exitCode;
	}
}

/** After "internal error: ...": anything but a UserError is memtop's own bug. */
export const INTERNAL_ERROR_HINT =
	'this is a bug in memtop: please report it with the command that caused it (MEMTOP_DEBUG=1 shows where)';
