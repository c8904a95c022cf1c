// Free memory by order, as /proc/buddyinfo has it: one cell per order 0..10 whose height is that
// order's share of free memory, the highest order with a free block, and the free blocks per order.
// It answers the question the Mem and Wmk bars cannot: "plenty free, but is there a 2 MiB block?"
// (an order-9 page: a transparent huge page, a pageblock).
import type {Snapshot} from '../../sim/snapshot-types.js';
import {formatCount, formatPages} from '../format.js';
import {joinFitting, Line, type Span} from '../line.js';
import {theme} from '../theme.js';

/** pageblock_order on x86-64: a 2 MiB block, what a huge page needs. */
export const HUGE_ORDER = 9;
const EIGHTHS = '▁▂▃▄▅▆▇█';

/** Per order: free blocks, the pages they hold, and their share of free memory (0..1). */
export interface OrderFree {
	order: number;
	blocks: number;
	pages: number;
	share: number;
}

export function freeByOrder(buddy: Snapshot['buddy']): OrderFree[] {
	const pages = buddy.free.map((blocks, order) => blocks * 2 ** order);
	const total = pages.reduce((a, b) => a + b, 0);
	return buddy.free.map((blocks, order) => ({
		order,
		blocks,
		pages: pages[order]!,
		share: total > 0 ? pages[order]! / total : 0,
	}));
}

/** The highest order with a free block (what the largest allocation now can be), or -1 with none free. */
export function highestFreeOrder(buddy: Snapshot['buddy']): number {
	for (let o = buddy.free.length - 1; o >= 0; o--) if (buddy.free[o]! > 0) return o;
	return -1;
}

/** A cell's glyph: blank for no blocks, else an eighth block by share (any free block shows at least ▁). */
export function shareGlyph(f: OrderFree): string {
	if (f.blocks === 0) return ' ';
	return EIGHTHS[Math.min(7, Math.floor(f.share * 8))]!;
}

export function BuddyMeter({snapshot, width}: {snapshot: Snapshot; width: number}) {
	const orders = freeByOrder(snapshot.buddy);
	const top = highestFreeOrder(snapshot.buddy);
	const cells: Span[] = orders.map((f) => ({
		text: shareGlyph(f),
		colour: f.order >= HUGE_ORDER ? theme.ok : f.order >= 4 ? theme.value : theme.warn,
	}));
	const groups: Span[][] = [
		[{text: 'Ord', colour: theme.label, bold: true}, {text: '['}, ...cells, {text: ']'}],
		[
			{text: 'max ', colour: theme.dim},
			top < 0
				? {text: 'none', colour: theme.bad}
				: {text: `o${top} ${formatPages(2 ** top)}`, colour: top >= HUGE_ORDER ? theme.ok : theme.value},
		],
		top >= HUGE_ORDER ? [] : [{text: 'no 2M block', colour: theme.warn, bold: true}],
		[
			{text: 'blk ', colour: theme.dim},
			{
				text: orders.map((f) => (f.blocks < 1000 ? String(f.blocks) : formatCount(f.blocks))).join('/'),
				colour: theme.value,
			},
		],
	].filter((g) => g.length > 0);
	// One space between groups: eleven counts fit a half-width column more often.
	return <Line spans={joinFitting(groups, width, 1)} width={width} />;
}
