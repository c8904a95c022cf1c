// The Ord meter (free memory by order, /proc/buddyinfo): hand-worked figures for a given buddy state,
// and the meter's numbers against a running machine's buddy allocator.
import {afterEach, describe, expect, it} from 'vitest';
import {NR_PAGE_ORDERS} from '../../source/sim/buddy.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {formatCount} from '../../source/view/format.js';
import {BuddyMeter, freeByOrder, highestFreeOrder, shareGlyph} from '../../source/view/meters/buddy-meter.js';
import {meterById} from '../../source/view/meters/registry.js';
import {ZERO_RATES} from '../../source/view/rates.js';
import {FakeSession} from '../helpers/fake-session.js';
import {renderTty, type TtyRender} from '../helpers/ink-tty.js';
import {buildSnapshot} from '../helpers/snapshot-fixture.js';
import {group, MIB, workload} from '../helpers/workload.js';

const open: TtyRender[] = [];
afterEach(() => {
	for (const r of open.splice(0)) r.unmount();
});

async function line(snapshot: ReturnType<typeof buildSnapshot>, width: number): Promise<string> {
	const r = await renderTty(<BuddyMeter snapshot={snapshot} width={width} />, width, 4);
	open.push(r);
	return r.lastFrame();
}

function withFree(free: number[]) {
	const s = buildSnapshot();
	return {...s, buddy: {...s.buddy, free}};
}

describe('Ord: free memory by order', () => {
	it('4 order-0, 2 order-2 and 1 order-9 block: 524 pages, the 2 MiB block is 97.7% of them', async () => {
		// Pages: 4·1 + 2·4 + 1·512 = 524. Shares: 4/524 = 0.76%, 8/524 = 1.53%, 512/524 = 97.71%.
		// Glyphs: floor(share·8) → 0, 0, 7: ▁ ▁ █ (an order with blocks always shows at least ▁).
		const s = withFree([4, 0, 2, 0, 0, 0, 0, 0, 0, 1, 0]);
		const f = freeByOrder(s.buddy);
		expect(f.map((o) => o.pages)).toEqual([4, 0, 8, 0, 0, 0, 0, 0, 0, 512, 0]);
		expect(f[9]!.share).toBeCloseTo(512 / 524, 10);
		expect(f.map(shareGlyph).join('')).toBe('▁ ▁      █ ');
		expect(highestFreeOrder(s.buddy)).toBe(9);
		expect(await line(s, 80)).toBe('Ord[▁ ▁      █ ] max o9 2.00M blk 4/0/2/0/0/0/0/0/0/1/0');
	});

	it('plenty free and no 2 MiB block: 2048 order-0 pages and 64 of order 3 say so', async () => {
		// 2048 + 64·8 = 2560 pages (10 MiB) free; order 0 holds 80% (floor(6.4) = 6: ▇), order 3 20% (1: ▂).
		const s = withFree([2048, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0]);
		expect(await line(s, 80)).toBe('Ord[▇  ▂       ] max o3 32K no 2M block blk 2.0k/0/0/64/0/0/0/0/0/0/0');
		// Narrow: the block counts go first, the verdict stays.
		expect(await line(s, 42)).toBe('Ord[▇  ▂       ] max o3 32K no 2M block');
	});

	it('nothing free: max none', async () => {
		expect(await line(withFree(new Array(11).fill(0)), 40)).toBe('Ord[           ] max none no 2M block');
	});

	it('shows a machine’s buddy state: blocks per order, the highest order, shares that add up', async () => {
		const m = new Machine(
			workload([group('app', {regions: [{name: 'heap', kind: 'anon', size: 48 * MIB}]})], {
				ram: 128 * MIB,
				kernel: 8 * MIB,
			}),
			{seed: 7},
		);
		for (let i = 0; i < 100; i++) m.step();
		const s = takeSnapshot(m);
		const b = m.zone.buddy;
		const blocks = Array.from({length: NR_PAGE_ORDERS}, (_, o) => b.freeBlocks(o));
		const top = blocks.findLastIndex((n) => n > 0);
		const f = freeByOrder(s.buddy);
		expect(f.map((o) => o.blocks)).toEqual(blocks);
		// Free pages by order sum to MemFree.
		expect(f.reduce((n, o) => n + o.pages, 0)).toBe(b.freePages);
		expect(f.reduce((n, o) => n + o.share, 0)).toBeCloseTo(1, 10);
		expect(highestFreeOrder(s.buddy)).toBe(top);
		const text = await line(s, 120);
		expect(text).toContain(`max o${top} `);
		expect(text).toContain(`blk ${blocks.map((n) => (n < 1000 ? n : formatCount(n))).join('/')}`);
		// The explain window (e) has the same figures, order by order.
		const ex = meterById('buddy').explain({
			snapshot: s,
			status: new FakeSession({snapshot: s}).status,
			rates: ZERO_RATES,
			mode: 'live',
			shown: new Set(),
		});
		expect(ex.now[0]).toBe(
			`free blocks by order (share of free memory): ${f.map((o) => `o${o.order} ${blocks[o.order]} (${((o.pages / b.freePages) * 100).toFixed(1)}%)`).join(', ')}`,
		);
		expect(ex.now[1]).toContain(`largest free block order ${top}`);
	});
});
