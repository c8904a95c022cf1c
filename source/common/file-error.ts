// One wording for a file that cannot be opened, read or created, whoever reads it (workload files,
// recordings, traces, the recorder): "FILE: cannot read: no such file".
import {UserError} from './user-error.js';

/** What went wrong with a file, in a few words ("no such file", "permission denied"...). */
export function describeFsError(error: unknown): string {
	switch ((error as NodeJS.ErrnoException | null)?.code) {
		case 'ENOENT':
			return 'no such file';
		case 'ENOTDIR':
			return 'a part of the path is not a directory';
		case 'EACCES':
		case 'EPERM':
			return 'permission denied';
		case 'EISDIR':
			return 'is a directory';
		case 'EEXIST':
			return 'already exists';
		case 'ENOSPC':
			return 'no space left on the device';
		case 'EROFS':
			return 'read-only file system';
		case 'ELOOP':
			return 'too many symbolic links';
		case 'ENAMETOOLONG':
			return 'file name too long';
		case 'EMFILE':
		case 'ENFILE':
			return 'too many open files';
		case 'EIO':
			return 'input/output error';
		default:
			return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? String(error);
	}
}

/** `LABEL: cannot VERB: why` as a UserError (exit 2). */
export function fileError(label: string, error: unknown, verb = 'read'): UserError {
	return new UserError(`${label}: cannot ${verb}: ${describeFsError(error)}`);
}
