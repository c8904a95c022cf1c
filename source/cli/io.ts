// Where a command writes; process.stdout/stderr fit, and so does a test's collector.
export interface CommandIo {
	stdout: {write(chunk: string): unknown};
	stderr: {write(chunk: string): unknown};
}
