// Processes a test started must not outlive it. A child in a pseudo-terminal (`script`, tmux) runs
// in a session of its own, so killing the child's process group does not reach it: we walk the
// tree through /proc (Linux) while it is still a tree, then kill every member at once.
import {readdirSync, readFileSync} from 'node:fs';

/** Every process below `pid` (children, grandchildren, ...), read from /proc/PID/stat. */
export function descendants(pid: number): number[] {
	const children = new Map<number, number[]>();
	let entries: string[];
	try {
		entries = readdirSync('/proc');
	} catch {
		return [];
	}
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // gone meanwhile
		}
		// "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so read after the last ')'.
		const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
		const list = children.get(ppid) ?? [];
		list.push(Number(entry));
		children.set(ppid, list);
	}
	const found: number[] = [];
	const queue = [pid];
	while (queue.length > 0) {
		for (const child of children.get(queue.shift()!) ?? []) {
			found.push(child);
			queue.push(child);
		}
	}
	return found;
}

/** True while `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		return false;
	}
}

/** SIGKILL `pid` and everything below it (gathered first: once a parent dies, its children move). */
export function killTree(pid: number): void {
	for (const p of [pid, ...descendants(pid)]) {
		try {
			process.kill(p, 'SIGKILL');
		} catch {
			// already gone
		}
	}
}
