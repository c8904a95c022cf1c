// An error a person caused (bad flag, bad file): printed as one line, exit code 2, no stack trace.
export class UserError extends Error {
	readonly exitCode: number;

	constructor(message: string, exitCode = 2) {
		super(message);
		this.name = 'UserError';
		this.exitCode = exitCode;
	}
}
