// FIFO: evict the page that has been resident longest, however often it is used.
// One intrusive list in load order: new pages at the head, victims from the tail.
import {OneListPolicy} from './one-list.js';
import type {PolicyInfo} from './policy.js';

class FifoPolicy extends OneListPolicy {
	readonly name = 'fifo';
	readonly needsEveryAccess = false;

	accessed(_frame: number): void {
		// FIFO ignores use.
	}
}

export const fifoPolicy: PolicyInfo = {
	name: 'fifo',
	description: 'first in, first out: evict the page loaded longest ago',
	traceOnly: false,
	create: () => new FifoPolicy(),
};
