// The header meters, one descriptor each, like htop's MeterClass list: what the meter is called,
// its caption, what it reads from the snapshot, how it draws. The header's layout (two columns
// on a wide terminal, one on a narrow one), the setup screen and the explain panel all read this
// list; a meter is added here and nowhere else.
import {createElement, type ReactNode} from 'react';
import type {SessionStatus} from '../../session/types.js';
import type {Snapshot} from '../../sim/snapshot-types.js';
import {type Explanation, pagesAndSize} from '../explain.js';
import {formatBytes, formatCount, formatPages} from '../format.js';
import type {Mode} from '../keymap.js';
import type {Rates} from '../rates.js';
import {BuddyMeter, freeByOrder, HUGE_ORDER, highestFreeOrder} from './buddy-meter.js';
import {ClockMeter} from './clock-meter.js';
import {FaultsMeter, SwapIoMeter} from './faults-meter.js';
import type {HeaderConfig, MeterId} from './ids.js';
import {KswapdMeter} from './kswapd-meter.js';
import {LruMeter} from './lru-meter.js';
import {MemoryBreakdown, MemoryMeter} from './memory-meter.js';
import {PsiMeter} from './psi-meter.js';
import {RunMeter} from './run-meter.js';
import {SwapMeter} from './swap-meter.js';
import {TasksMeter} from './tasks-meter.js';
import {WatermarkMeter} from './watermark-meter.js';
import {ZswapMeter} from './zswap-meter.js';

export type {HeaderConfig, MeterId} from './ids.js';
export {DEFAULT_HEADER, isMeterId, METER_IDS} from './ids.js';

/** What every meter may read: the sample, the session's status, per-second rates. */
export interface MeterContext {
	snapshot: Snapshot;
	status: SessionStatus;
	rates: Rates;
	mode: Mode;
	/** The meters on screen now: a meter shows a neighbour's figures when that one is not. */
	shown: ReadonlySet<MeterId>;
}

export interface MeterClass {
	id: MeterId;
	/** For the setup screen. */
	name: string;
	/** The label the meter starts with (htop's caption). */
	caption: string;
	description: string;
	/** Lower is kept longer when the terminal is too short for every meter line. */
	priority: number;
	/** In a single column, two half meters next to each other share a line. */
	half?: boolean;
	/** In a single column this meter's figures are shown by `foldsInto` instead (if that is shown). */
	foldsInto?: MeterId;
	draw(ctx: MeterContext, width: number): ReactNode;
	/** For the explain window (e, or a click on the meter). */
	explain(ctx: MeterContext): Explanation;
}

export const METERS: readonly MeterClass[] = [
	{
		id: 'memory',
		name: 'Memory',
		caption: 'Mem',
		description: 'RAM by use: anon, shmem, zpool, kernel, dirty and clean page cache',
		priority: 0,
		explain: ({snapshot: s}) => {
			const f = s.frames;
			const used = f.anon + f.shmem + f.zpool + f.kernel;
			return {
				title: 'Mem: where every frame of RAM is',
				linux:
					'Physical memory by owner, as /proc/meminfo adds it up: anonymous memory (AnonPages), tmpfs and shared memory (Shmem), the zswap pool (Zswap), the kernel (Slab, PageTables, KernelStack), the page cache (Cached, its dirty part Dirty) and free pages (MemFree). htop counts "used" as everything but free memory and the page cache.',
				rule: 'Every page frame has exactly one owner at a time (struct page, mm/page_alloc.c): the parts always add up to MemTotal. The page cache is memory the kernel can take back, which is why a full bar is not yet a problem.',
				now: [
					`MemTotal ${formatPages(s.totalPages)} = free ${formatPages(f.free)} + anon ${formatPages(f.anon)} + shmem ${formatPages(f.shmem)} + zpool ${formatPages(f.zpool)} + kernel ${formatPages(f.kernel)} + cache ${formatPages(f.file)}`,
					`used = anon + shmem + zpool + kernel = ${formatPages(used)}`,
				],
			};
		},
		draw: (ctx, width) => createElement(MemoryMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'breakdown',
		name: 'Memory breakdown',
		caption: 'anon',
		description: "the Mem bar's segments in figures",
		priority: 7,
		explain: ({snapshot: s}) => ({
			title: "The Mem bar's parts",
			linux:
				'anon: AnonPages (heap, stacks, private writable mappings); cache: the page cache (Cached − Shmem); dirty: Dirty, cache pages written but not yet on disk; shm: Shmem (tmpfs, SysV and POSIX shared memory); kern: memory the kernel keeps for itself; zpool: the compressed zswap pool (Zswap).',
			rule: 'Anonymous pages can only be reclaimed by swapping them out; clean cache pages are dropped at once; dirty ones must be written back first (pageout in mm/vmscan.c, the flusher threads in mm/page-writeback.c).',
			now: [
				`AnonPages ${formatKiB(s.meminfo.AnonPages)}  Cached ${formatKiB(s.meminfo.Cached)}  Shmem ${formatKiB(s.meminfo.Shmem)}  Dirty ${formatKiB(s.meminfo.Dirty)}  Zswap ${formatKiB(s.meminfo.Zswap)}`,
			],
		}),
		draw: (ctx, width) => createElement(MemoryBreakdown, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'watermarks',
		name: 'Watermarks',
		caption: 'Wmk',
		description: 'free pages against the zone watermarks min, low, high; MemAvailable',
		priority: 2,
		half: true,
		explain: ({snapshot: s}) => {
			const wm = s.watermarks;
			const m = s.meminfo;
			// The terms of the core's si_mem_available(), in pages (meminfo is in kB).
			const file = (m['Active(file)'] + m['Inactive(file)']) / 4;
			const cut = Math.min(Math.floor(file / 2), wm.low);
			return {
				title: 'Wmk: free memory against the watermarks, and MemAvailable',
				linux:
					'The zone watermarks min, low and high (/proc/zoneinfo) set how much memory the kernel keeps free. MemAvailable (/proc/meminfo) estimates how much could be given to a new program without swapping: free memory plus the page cache that can be dropped.',
				rule: "Watermarks come from vm.min_free_kbytes and vm.watermark_scale_factor (__setup_per_zone_wmarks in mm/page_alloc.c). Below low an allocation wakes kswapd (wakeup_kswapd); below min it reclaims itself (direct reclaim). After a fallback steals from another migratetype's pageblock, boost_watermark() adds watermark_boost to all three (vm.watermark_boost_factor, up to 150% of high) until kswapd has reclaimed it. MemAvailable is si_mem_available() (mm/show_mem.c): free − totalreserve_pages + pagecache − min(pagecache / 2, low).",
				now: [
					`min ${pagesAndSize(wm.min)}  low ${pagesAndSize(wm.low)}  high ${pagesAndSize(wm.high)}  free ${pagesAndSize(s.frames.free)}`,
					...(wm.boost > 0
						? [`boost ${pagesAndSize(wm.boost)} (in min, low and high; not in the reserve)`]
						: []),
					'MemAvailable = free − reserve (high) + file LRU − min(file LRU / 2, low)',
					`             = ${s.frames.free} − ${wm.high - wm.boost} + ${file} − ${cut} = ${pagesAndSize(m.MemAvailable / 4)}`,
				],
			};
		},
		draw: (ctx, width) => createElement(WatermarkMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'swap',
		name: 'Swap',
		caption: 'Swp',
		description: 'swap slots in use, and the swap cache',
		priority: 2,
		half: true,
		explain: ({snapshot: s}) => ({
			title: 'Swp: swap in use, and the swap cache',
			linux:
				'Swap holds anonymous pages that were evicted from RAM (SwapTotal − SwapFree in /proc/meminfo, the Swp bar in htop). SwapCached counts pages that are in swap and in RAM at once: read back, their slot still held.',
			rule: 'shrink_folio_list() gives an anonymous page a slot (folio_alloc_swap, mm/swapfile.c) and writes it out; a fault on it reads it back through the swap cache (do_swap_page, mm/swap_state.c). The slot is freed when the page is written to again, or early when swap is over half full (vm_swap_full).',
			now: [
				`swap ${formatPages(s.swap.usedPages)} of ${formatPages(s.swap.totalPages)} on ${s.swap.device}; in the swap cache ${formatPages(s.swap.cachedPages)}`,
			],
		}),
		draw: (ctx, width) => createElement(SwapMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'zswap',
		name: 'zswap / zram',
		caption: 'Zsw',
		description: 'the compressed pool against its limit, its ratio, FULL while it rejects',
		priority: 6,
		explain: ({snapshot: s}) => {
			const z = s.zswap;
			if (!z.enabled && s.zram) {
				return {
					title: 'Zrm: the zram swap device',
					linux:
						'zram is a compressed RAM disk used as swap (/sys/block/zram0/mm_stat): swapped pages stay in RAM, compressed.',
					rule: 'zram_write_page() compresses each page (zcomp) into zsmalloc; over mem_limit writes fail, and the page stays in RAM.',
					now: [
						`${formatPages(s.zram.storedPages)} stored in ${formatBytes(s.zram.comprBytes)} (limit ${formatBytes(s.zram.memLimitBytes)})`,
					],
				};
			}
			const ratio = z.poolBytes > 0 ? ((z.storedPages * 4096) / z.poolBytes).toFixed(2) : '-';
			return {
				title: 'Zsw: the zswap compressed cache',
				linux:
					'zswap keeps swapped-out pages compressed in RAM in front of the swap device (Zswap and Zswapped in /proc/meminfo, /sys/kernel/debug/zswap). A swap-in from it is a decompression, not disk I/O.',
				rule: 'zswap_store() compresses a page on its way to swap and rejects it if it does not compress or the pool is over max_pool_percent of RAM; once full the pool accepts again below accept_threshold_percent (zswap_check_limits, mm/zswap.c). Its shrinker writes cold entries back to disk.',
				now: [
					`${z.enabled ? 'on' : 'off (the pool drains as its pages are read or freed)'}, ${z.compressor}`,
					`pool ${formatPages(z.poolPages)} of limit ${formatPages(z.limitPages)}; holds ${formatPages(z.storedPages)} → ratio ${ratio}${z.full ? '; FULL: refusing stores' : ''}`,
				],
			};
		},
		draw: (ctx, width) => createElement(ZswapMeter, {snapshot: ctx.snapshot, width, mode: ctx.mode}),
	},
	{
		id: 'run',
		name: 'Run',
		caption: 'Run',
		description: 'workload, seed, reclaim policy, swappiness',
		priority: 9,
		foldsInto: 'clock',
		explain: ({snapshot: s, status}) => ({
			title: 'Run: what is running',
			linux:
				'The workload, the seed of its random numbers (the same seed and commands give the same run, bit for bit), the reclaim policy and vm.swappiness (/proc/sys/vm/swappiness).',
			rule: 'vm.swappiness (0..200) weighs anonymous against file reclaim in get_scan_count() (mm/vmscan.c): anon is scanned in proportion to swappiness, file to 200 − swappiness.',
			now: [
				`workload ${status.workload || s.workload}, seed ${status.seed}, policy ${status.policy || s.policy}, swappiness ${s.sysctl.swappiness} (anon ${s.sysctl.swappiness} : file ${200 - s.sysctl.swappiness})`,
			],
		}),
		draw: (ctx, width) => createElement(RunMeter, {snapshot: ctx.snapshot, status: ctx.status, width}),
	},
	{
		id: 'clock',
		name: 'Clock',
		caption: 'Up',
		description: 'simulated uptime, speed, running or paused (the replay position in a replay)',
		priority: 1,
		explain: ({snapshot: s, status}) => ({
			title: 'Up: the simulated clock',
			linux:
				'Simulated uptime, as /proc/uptime counts it since boot; the speed is simulated seconds per real second (×1 is real time).',
			rule: 'The clock advances one tick of 10 ms at a time, as a kernel with HZ=100 counts jiffies (kernel/time/timer.c). Each tick every process makes its page references, then kswapd, the flusher and PSI run; keys are applied between ticks, so a recording can replay them exactly.',
			now: [
				`tick ${s.tick} = ${s.time.toFixed(2)} s, speed ${Number.isFinite(status.speed) ? `×${status.speed}` : 'as fast as possible'}${status.paused ? ', paused' : ''}`,
			],
		}),
		draw: (ctx, width) =>
			createElement(ClockMeter, {
				snapshot: ctx.snapshot,
				status: ctx.status,
				width,
				withRun: !ctx.shown.has('run'),
			}),
	},
	{
		id: 'psi',
		name: 'Pressure (PSI)',
		caption: 'PSI',
		description: '/proc/pressure/memory some and full, avg10/60/300',
		priority: 3,
		explain: ({snapshot: s}) => ({
			title: 'PSI: memory pressure',
			linux:
				'/proc/pressure/memory: "some" is the share of time at least one task was stalled on memory, "full" the share when every runnable task was; avg10, avg60 and avg300 average over 10 s, 1 min and 5 min. systemd-oomd and Android act on these.',
			rule: 'Reclaim, swap-in and refault waits are bracketed by psi_memstall_enter()/psi_memstall_leave() (kernel/sched/psi.c); the averages are exponentially decaying and updated every 2 s (update_averages).',
			now: [
				`some avg10 ${s.psi.some.avg10.toFixed(2)}%  avg60 ${s.psi.some.avg60.toFixed(2)}%  avg300 ${s.psi.some.avg300.toFixed(2)}%  total ${s.psi.some.total} µs`,
				`full avg10 ${s.psi.full.avg10.toFixed(2)}%  avg60 ${s.psi.full.avg60.toFixed(2)}%  avg300 ${s.psi.full.avg300.toFixed(2)}%  total ${s.psi.full.total} µs`,
			],
		}),
		draw: (ctx, width) => createElement(PsiMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'kswapd',
		name: 'kswapd',
		caption: 'kswapd0',
		description: "kswapd's state, pages scanned and stolen per second, reclaim efficiency",
		priority: 4,
		explain: ({snapshot: s, rates: r}) => ({
			title: 'kswapd0: background reclaim',
			linux:
				"kswapd0 is the node's reclaim thread. pgscan_* counts pages looked at, pgsteal_* pages freed (/proc/vmstat); direct is reclaim done by allocating tasks themselves, which stalls them.",
			rule: 'kswapd wakes below the low watermark and runs balance_pgdat() (mm/vmscan.c) until free is above high; it scans the inactive lists from the tail (shrink_inactive_list). Efficiency = stolen / scanned: low means it is scanning pages that are still in use.',
			now: [
				`${s.kswapd.state}; scan ${formatCount(r.scan)}/s, steal ${formatCount(r.steal)}/s → efficiency ${r.scan > 0 ? `${Math.round((r.steal / r.scan) * 100)}%` : '-'}`,
				`direct reclaim ${formatCount(r.stealDirect)} pages/s, allocstall ${formatCount(r.allocstall)}/s`,
			],
		}),
		draw: (ctx, width) => createElement(KswapdMeter, {snapshot: ctx.snapshot, rates: ctx.rates, width}),
	},
	{
		id: 'faults',
		name: 'Faults',
		caption: 'Flt',
		description: 'minor and major faults per second, refaults',
		priority: 8,
		explain: ({rates: r}) => ({
			title: 'Flt: page faults',
			linux:
				'A minor fault found the page in memory (or zero-filled a new one); a major fault had to wait for I/O: a swap-in or a file read (pgfault, pgmajfault in /proc/vmstat; minflt, majflt in /proc/PID/stat). A refault is an evicted page needed again soon after.',
			rule: 'handle_mm_fault() (mm/memory.c): do_anonymous_page, do_swap_page (major when read from swap), filemap_fault (major on a page-cache miss). workingset_refault() (mm/workingset.c) spots refaults by the shadow entry the evicted page left behind.',
			now: [
				`minor = pgfault − pgmajfault = ${formatCount(r.minflt)}/s; major ${formatCount(r.majflt)}/s; refaults ${formatCount(r.refaults)}/s`,
			],
		}),
		draw: (ctx, width) =>
			createElement(FaultsMeter, {rates: ctx.rates, width, withSwap: !ctx.shown.has('swapio')}),
	},
	{
		id: 'swapio',
		name: 'Swap I/O',
		caption: 'Swap',
		description: 'pages swapped in and out per second, through zswap and written back',
		priority: 10,
		foldsInto: 'faults',
		explain: ({rates: r}) => ({
			title: 'Swap: swap traffic',
			linux:
				'pswpin and pswpout count pages read from and written to the swap device; zswpin, zswpout and zswpwb count pages through zswap and written back from it (/proc/vmstat).',
			rule: 'Swap-out happens in shrink_folio_list() (swap_writepage: zswap first, then the device); swap-in in do_swap_page() through swap_read_folio(). Sustained swap in and out at once is thrashing.',
			now: [
				`swap in ${formatCount(r.pswpin)}/s, out ${formatCount(r.pswpout)}/s; zswap in ${formatCount(r.zswpin)}/s, out ${formatCount(r.zswpout)}/s, written back ${formatCount(r.zswpwb)}/s`,
			],
		}),
		draw: (ctx, width) => createElement(SwapIoMeter, {rates: ctx.rates, width}),
	},
	{
		id: 'tasks',
		name: 'Tasks',
		caption: 'Tasks',
		description: 'processes, how many run, OOM kills so far, how many are stalled',
		priority: 5,
		explain: ({snapshot: s}) => {
			let stalled = 0;
			let tasks = 0;
			for (const p of s.processes) {
				if (p.state === 'exited') continue;
				tasks++;
				if (p.state === 'reclaim' || p.state === 'swapin' || p.state === 'io' || p.state === 'throttled')
					stalled++;
			}
			return {
				title: 'Tasks: processes, OOM kills, stalls',
				linux:
					'How many processes there are, how many the OOM killer has killed so far (oom_kill in /proc/vmstat), and how many are waiting on memory right now (state D in ps: reclaim, swap-in, file read, dirty throttling).',
				rule: 'A task in direct reclaim, waiting for a swap-in or throttled in balance_dirty_pages() sleeps uninterruptibly; PSI counts that time.',
				now: [`${tasks} tasks, ${stalled} stalled, ${s.oomKills} OOM kills`],
			};
		},
		draw: (ctx, width) => createElement(TasksMeter, {snapshot: ctx.snapshot, width}),
	},
	{
		id: 'lru',
		name: 'LRU lists',
		caption: 'LRU',
		description:
			'active and inactive anon and file lists, pgactivate, pgdeactivate, workingset_activate per second',
		priority: 8,
		explain: ({snapshot: s, rates: r}) => {
			const m = s.meminfo;
			return {
				title: 'LRU: the lists reclaim works on',
				linux:
					'Every anonymous and file page is on an active or an inactive list (Active(anon), Inactive(anon), Active(file), Inactive(file) in /proc/meminfo). pgactivate counts pages promoted to active, pgdeactivate pages aged back, workingset_activate refaults so recent they go straight to active.',
				rule: 'Reclaim takes pages from the tail of the inactive lists (shrink_inactive_list, mm/vmscan.c); a page referenced twice is promoted (folio_check_references); shrink_active_list() moves cold active pages down to keep the inactive list large enough (inactive_is_low). The workingset code (mm/workingset.c) activates a refault whose distance fits in memory.',
				now: [
					`anon active ${formatKiB(m['Active(anon)'])} inactive ${formatKiB(m['Inactive(anon)'])}; file active ${formatKiB(m['Active(file)'])} inactive ${formatKiB(m['Inactive(file)'])}`,
					`pgactivate ${formatCount(r.pgactivate)}/s, pgdeactivate ${formatCount(r.pgdeactivate)}/s, workingset_activate ${formatCount(r.workingsetActivate)}/s`,
				],
			};
		},
		draw: (ctx, width) => createElement(LruMeter, {snapshot: ctx.snapshot, rates: ctx.rates, width}),
	},
	{
		id: 'buddy',
		name: 'Free memory by order',
		caption: 'Ord',
		description:
			"/proc/buddyinfo: free blocks per order 0..10, each order's share of free memory, the largest free block",
		priority: 6,
		explain: ({snapshot: s}) => {
			const orders = freeByOrder(s.buddy);
			const top = highestFreeOrder(s.buddy);
			return {
				title: 'Ord: free memory by order (the buddy allocator)',
				linux:
					"The page allocator keeps free memory in blocks of 2^order pages, order 0 (4 KiB) to 10 (4 MiB): /proc/buddyinfo counts the free blocks of each order, /proc/pagetypeinfo splits them by migratetype. Each cell of the meter is an order, its height that order's share of free memory. A huge page (2 MiB) needs a free block of order 9: memory can be plentiful and still have none, when it is scattered in small blocks (external fragmentation).",
				rule: 'A free block merges with its buddy (pfn ^ 2^order) when both are free (__free_one_page, mm/page_alloc.c); an allocation splits the smallest block large enough (__rmqueue_smallest, expand). One allocated page in every 2 MiB keeps all of them from merging back. extfrag_index (mm/vmstat.c __fragmentation_index) near 1000 says a failed request failed for fragmentation, near 0 for lack of memory.',
				now: [
					`free blocks by order (share of free memory): ${orders.map((f) => `o${f.order} ${f.blocks} (${(f.share * 100).toFixed(1)}%)`).join(', ')}`,
					`free ${pagesAndSize(s.frames.free)}; largest free block ${top < 0 ? 'none' : `order ${top} (${formatPages(2 ** top)})`}${top >= HUGE_ORDER ? '' : '; no 2 MiB block'}; extfrag index at order 9: ${s.buddy.extfrag[HUGE_ORDER]}`,
				],
			};
		},
		draw: (ctx, width) => createElement(BuddyMeter, {snapshot: ctx.snapshot, width}),
	},
];

/** meminfo kB as a size. */
const formatKiB = (kb: number): string => formatBytes(kb * 1024);

const BY_ID = new Map(METERS.map((m) => [m.id, m]));

export function meterById(id: MeterId): MeterClass {
	const meter = BY_ID.get(id);
	if (!meter) throw new Error(`unknown meter ${id}`);
	return meter;
}

/** Terminals at least this wide get two meter columns. */
export const WIDE_HEADER = 100;

/** One header line: one meter across the width, or two side by side. */
export interface HeaderRow {
	key: string;
	meters: readonly MeterId[];
	/** Lower is kept longer. */
	priority: number;
}

const rowOf = (meters: MeterId[]): HeaderRow => ({
	key: meters.join('+'),
	meters,
	priority: Math.min(...meters.map((id) => meterById(id).priority)),
});

/**
 * The header's lines for a width: the two columns side by side when wide; when narrow, one
 * column (left, then right) in which folding meters give way to their hosts and two half meters
 * in a row share a line.
 */
export function headerRows(config: HeaderConfig, width: number): HeaderRow[] {
	if (width >= WIDE_HEADER) {
		const rows: HeaderRow[] = [];
		for (let i = 0; i < Math.max(config.left.length, config.right.length); i++) {
			const pair = [config.left[i], config.right[i]].filter((m): m is MeterId => m !== undefined);
			if (pair.length > 0) rows.push(rowOf(pair));
		}
		return rows;
	}
	const all = [...config.left, ...config.right];
	const column = all.filter((id) => {
		const host = meterById(id).foldsInto;
		return host === undefined || !all.includes(host);
	});
	const rows: HeaderRow[] = [];
	for (let i = 0; i < column.length; i++) {
		const id = column[i]!;
		const next = column[i + 1];
		if (meterById(id).half && next !== undefined && meterById(next).half) {
			rows.push(rowOf([id, next]));
			i++;
		} else rows.push(rowOf([id]));
	}
	return rows;
}

/** The meters a layout draws (a folded meter is not among them). */
export function shownMeters(rows: readonly HeaderRow[]): Set<MeterId> {
	return new Set(rows.flatMap((r) => r.meters));
}
