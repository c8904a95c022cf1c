// Exact LRU: every hit moves the page to the head, the victim is the tail (least recently used).
// Needs every access (needsEveryAccess), which hardware does not provide; the trace lab and the
// machine's fd accesses call accessed() on each hit.
import {LIST, OneListPolicy} from './one-list.js';
import type {PolicyInfo} from './policy.js';

class LruPolicy extends OneListPolicy {
	readonly name = 'lru';
	readonly needsEveryAccess = true;

	accessed(frame: number): void {
		const lists = this.lists;
		// Hot pages are hit again and again while already at the head: skip the unlink/relink.
		if (lists.next[lists.base + LIST] === frame || lists.listOf[frame] !== LIST) return;
		const prev = lists.prev;
		const next = lists.next;
		const p = prev[frame]!;
		const n = next[frame]!;
		next[p] = n;
		prev[n] = p;
		const s = lists.base + LIST;
		const first = next[s]!;
		next[frame] = first;
		prev[frame] = s;
		prev[first] = frame;
		next[s] = frame;
	}
}

export const lruPolicy: PolicyInfo = {
	name: 'lru',
	description: 'exact least recently used: evict the page unused for longest (sees every access)',
	traceOnly: false,
	create: () => new LruPolicy(),
};
