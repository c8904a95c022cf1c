import {describe, expect, it} from 'vitest';
import type {LoggedEvent} from '../../source/session/types.js';
import type {SimEvent} from '../../source/sim/events.js';
import {formatEvent} from '../../source/view/format.js';
import {EventLog, logLines, logRows, scrolledAnchor} from '../../source/view/panels/event-log.js';
import {autoUnmount, frameLines} from '../helpers/render-once.js';
import {MIB_PAGES, oomKillEvent} from '../helpers/snapshot-fixture.js';

autoUnmount();

const events: SimEvent[] = [
	{kind: 'process-start', tick: 100, pid: 901, name: 'hog'},
	{kind: 'kswapd-wake', tick: 1200, free: 19 * MIB_PAGES, low: 20 * MIB_PAGES},
	{kind: 'direct-reclaim', tick: 1300, pid: 901, name: 'hog', stalls: 40, reclaimed: 2 * MIB_PAGES},
	{kind: 'direct-reclaim', tick: 1300, pid: 777, name: 'java', stalls: 3, reclaimed: MIB_PAGES},
	{kind: 'zswap-pool-full', tick: 2000, poolPages: 819 * MIB_PAGES, limitPages: 819 * MIB_PAGES},
	oomKillEvent(4567),
	{kind: 'process-exit', tick: 4600, pid: 901, name: 'hog', reason: 'oom-killed'},
	{
		kind: 'command',
		tick: 5000,
		command: {kind: 'set-sysctl', name: 'swappiness', value: 100},
		summary: 'swappiness=100',
		origin: 'user',
	},
];
const logged: LoggedEvent[] = events.map((event, i) => ({id: i + 1, event}));

describe('formatEvent', () => {
	it('has a line for every kind of event', () => {
		const every: SimEvent[] = [
			...events,
			{kind: 'kswapd-sleep', tick: 1, free: 30 * MIB_PAGES, high: 24 * MIB_PAGES, reclaimed: 300 * MIB_PAGES},
			{kind: 'zswap-accepting', tick: 1, poolPages: 700 * MIB_PAGES},
			{kind: 'zswap-writeback', tick: 1, pages: 4 * MIB_PAGES},
			{kind: 'zram-full', tick: 1},
			{kind: 'swap-full', tick: 1},
			{kind: 'oom-reaped', tick: 1, pid: 901, name: 'hog', line: 'oom_reaper: reaped process 901 (hog)'},
			{kind: 'alloc-fail', tick: 1, pid: 5, name: 'x', reason: 'overcommit'},
		];
		expect(every.map(formatEvent)).toEqual([
			'started 901 (hog)',
			// 19 MiB = 4864 pages, 20 MiB = 5120 pages.
			'kswapd0 woke: free 4864 ≤ low 5120 pages (19.0M ≤ 20.0M)',
			'901 (hog) direct reclaim: 40 stalls, reclaimed 2.00M',
			'777 (java) direct reclaim: 3 stalls, reclaimed 1.00M',
			'zswap: pool limit hit (819M/819M), storing straight to swap',
			'Out of memory: Killed process 901 (hog) total-vm:1049600kB, anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:2080kB oom_score_adj:500',
			'901 (hog) OOM-killed, memory freed',
			'> swappiness=100',
			'kswapd0 sleeps: free 7680 ≥ high 6144 pages (30.0M), reclaimed 300M',
			'zswap: pool down to 700M, accepting pages again',
			'zswap: wrote back 4.00M to the swap device',
			'zram0: mem_limit reached, swap-out fails',
			'swap: no free swap slots left',
			'oom_reaper: reaped process 901 (hog)',
			'5 (x): page allocation failure: overcommit',
		]);
	});
});

describe('logLines', () => {
	it('merges direct reclaims of the same second into one line', () => {
		const lines = logLines(logged, 20);
		expect(lines).toHaveLength(7);
		expect(lines[2]!.text).toBe('direct reclaim in 2 tasks: 43 stalls, reclaimed 3.00M (most: 901 hog)');
		expect(lines[2]!.id).toBe(3);
	});

	it('returns the newest lines, oldest first', () => {
		expect(logLines(logged, 2).map((l) => l.text)).toEqual([
			'901 (hog) OOM-killed, memory freed',
			'> swappiness=100',
		]);
	});
});

describe('EventLog', () => {
	it('shows the tail with dmesg timestamps at 80 columns, a long kernel line wrapped whole', async () => {
		const lines = await frameLines(<EventLog events={logged} width={80} height={8} />, 80);
		expect(lines).toEqual([
			' Events                           x explains the last OOM kill · lines 3–9 of 9',
			'[   13.00] direct reclaim in 2 tasks: 43 stalls, reclaimed 3.00M (most: 901 hog)',
			'[   20.00] zswap: pool limit hit (819M/819M), storing straight to swap',
			// Every field of the kill line (issue 17.9), continuations indented under the text.
			'[   45.67] Out of memory: Killed process 901 (hog) total-vm:1049600kB,',
			'             anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB, UID:0',
			'             pgtables:2080kB oom_score_adj:500',
			'[   46.00] 901 (hog) OOM-killed, memory freed',
			'[   50.00] > swappiness=100',
		]);
	});

	it('fits wider lines at 120 columns', async () => {
		const lines = await frameLines(<EventLog events={logged} width={120} height={10} />, 120);
		expect(lines[0]).toBe(` Events${' '.repeat(80)}x explains the last OOM kill · 8`);
		expect(lines[1]).toBe('[    1.00] started 901 (hog)');
		expect(lines[3]).toBe('[   13.00] direct reclaim in 2 tasks: 43 stalls, reclaimed 3.00M (most: 901 hog)');
		expect(lines[5]).toBe(
			'[   45.67] Out of memory: Killed process 901 (hog) total-vm:1049600kB, anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB,',
		);
		expect(lines[6]).toBe('             UID:0 pgtables:2080kB oom_score_adj:500');
		// Seven log lines (two direct reclaims share one; the kill line takes two rows) under the title.
		expect(lines).toHaveLength(10);
		expect(lines[8]).toBe('[   50.00] > swappiness=100');
		expect(lines[9]).toBe('');
	});

	it('scrolled back it shows older events and stays put as new ones arrive; null follows', async () => {
		const rows = logRows(logged, 80);
		expect(rows).toHaveLength(9);
		// Four rows up from the bottom of a 4-row view.
		const anchor = scrolledAnchor(rows, 4, null, -4);
		expect(anchor).toEqual({id: 6, part: 0});
		const view = async (events: LoggedEvent[], scroll: typeof anchor) =>
			frameLines(<EventLog events={events} width={80} height={5} scroll={scroll} />, 80);
		const back = await view(logged, anchor);
		expect(back).toEqual([
			' Events                                            lines 2–5 of 9 · End follows',
			'[   12.00] kswapd0 woke: free 4864 ≤ low 5120 pages (19.0M ≤ 20.0M)',
			'[   13.00] direct reclaim in 2 tasks: 43 stalls, reclaimed 3.00M (most: 901 hog)',
			'[   20.00] zswap: pool limit hit (819M/819M), storing straight to swap',
			'[   45.67] Out of memory: Killed process 901 (hog) total-vm:1049600kB,',
		]);
		const more: LoggedEvent[] = [
			...logged,
			{id: 9, event: {kind: 'process-start', tick: 6000, pid: 905, name: 'late'}},
		];
		expect((await view(more, anchor)).slice(1)).toEqual(back.slice(1));
		// Scrolling down to the newest row follows again.
		expect(scrolledAnchor(rows, 4, anchor, 3)).toEqual({id: 7, part: 0});
		expect(scrolledAnchor(rows, 4, anchor, 4)).toBeNull();
		// At the top, the oldest four rows: the anchor is the bottom one.
		expect(scrolledAnchor(rows, 4, anchor, -100)).toEqual({id: 5, part: 0});
		const following = await view(more, null);
		expect(following.at(-1)).toBe('[   60.00] started 905 (late)');
	});

	it('says nothing yet when empty', async () => {
		const lines = await frameLines(<EventLog events={[]} width={80} height={3} />, 80);
		expect(lines).toEqual([` Events${' '.repeat(71)}0`, '  nothing yet', '']);
	});
});
