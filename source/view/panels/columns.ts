// The process table's columns, one descriptor each, like htop's Process_fields[]. The table,
// the sort menu and the help screen all read this registry; adding a column means one entry here.

import type {ProcessSnapshot, Snapshot} from '../../sim/snapshot-types.js';
import {escapeText} from '../../text/escape.js';
import type {Explanation} from '../explain.js';
import {fitLeft, fitRight, formatCount, formatPages, sparkline} from '../format.js';
import {type Ink, levelColour, stateColour, theme} from '../theme.js';

export type ColumnId =
	| 'pid'
	| 'name'
	| 'state'
	| 'rss'
	| 'anon'
	| 'file'
	| 'swap'
	| 'zswap'
	| 'pss'
	| 'uss'
	| 'swappss'
	| 'wss'
	| 'minflt'
	| 'majflt'
	| 'dtlb'
	| 'stall'
	| 'progress'
	| 'oom'
	| 'adj'
	| 'history';

/** What a cell may need beyond the process itself. */
export interface ColumnContext {
	/** RSS per simulated second, newest last. */
	history(pid: number): readonly number[];
}

/** The columns that read smaps_rollup: the session walks page tables only while one is shown. */
export const SMAPS_COLUMNS: ReadonlySet<ColumnId> = new Set<ColumnId>(['pss', 'uss', 'swappss']);

export interface Column {
	id: ColumnId;
	title: string;
	/** Minimum width in terminal columns; `flex` columns take what is left over. */
	width: number;
	align: 'left' | 'right';
	/** Lower is more important: when the terminal is narrow, the highest numbers go first. */
	priority: number;
	flex?: boolean;
	/** Sort descending first (sizes, rates) rather than ascending (names, pids). */
	descendingFirst: boolean;
	/** For the help screen and the sort menu. */
	description: string;
	/** Means something for one process only: blank on the tree's group lines. */
	perProcess?: boolean;
	/** Not shown until chosen in setup (F2): the default table is htop-sized. */
	optional?: boolean;
	format(p: ProcessSnapshot, ctx: ColumnContext, width: number): string;
	colour?(p: ProcessSnapshot): Ink;
	/** Ascending order; the table flips it for descending. */
	compare(a: ProcessSnapshot, b: ProcessSnapshot, ctx: ColumnContext): number;
	/** For the explain window: the column for one process, with its numbers. */
	explain(p: ProcessSnapshot, snapshot: Snapshot, history: readonly number[]): Explanation;
}

const byNumber =
	(get: (p: ProcessSnapshot) => number) =>
	(a: ProcessSnapshot, b: ProcessSnapshot): number =>
		get(a) - get(b);

const size = (
	id: ColumnId,
	title: string,
	priority: number,
	description: string,
	get: (p: ProcessSnapshot) => number,
	explain: Column['explain'],
): Column => ({
	id,
	title,
	width: 6,
	align: 'right',
	priority,
	descendingFirst: true,
	description,
	format: (p) => formatPages(get(p)),
	compare: byNumber(get),
	explain,
});

/** Resample a series to `points` values (last value of each bucket) so a narrow sparkline spans all of it. */
export function resample(values: readonly number[], points: number): number[] {
	if (values.length <= points) return values.slice();
	const out: number[] = [];
	for (let i = 1; i <= points; i++) out.push(values[Math.ceil((i * values.length) / points) - 1] ?? 0);
	return out;
}

/** How much a process's RSS grew over its history: sorting by it finds leaks. */
function growth(history: readonly number[]): number {
	if (history.length < 2) return 0;
	return (history.at(-1) ?? 0) - (history[0] ?? 0);
}

export const COLUMNS: readonly Column[] = [
	{
		id: 'pid',
		perProcess: true,
		title: 'PID',
		width: 5,
		align: 'right',
		priority: 0,
		descendingFirst: false,
		description: 'process id',
		explain: (p) => ({
			title: `PID ${p.pid}`,
			linux:
				'The process id, as in /proc/PID. Workload processes get pids from 100 in the order the file lists them.',
			rule: 'alloc_pid() hands out the next free number.',
			now: [`pid ${p.pid}, comm ${p.name}, started at ${p.startTime.toFixed(1)} s`],
		}),
		format: (p) => String(p.pid),
		compare: byNumber((p) => p.pid),
	},
	{
		id: 'name',
		title: 'NAME',
		width: 10,
		align: 'left',
		priority: 1,
		flex: true,
		descendingFirst: false,
		description: 'command name',
		explain: (p) => ({
			title: `NAME ${p.name}`,
			linux: 'The command name (comm, /proc/PID/comm: at most 15 characters).',
			rule: 'Set at exec(); the OOM killer and the kernel log name tasks by it.',
			now: [`pid ${p.pid}: comm ${escapeText(p.name)} (${p.name.length} of at most 15 characters)`],
		}),
		format: (p) => escapeText(p.name),
		compare: (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.pid - b.pid),
	},
	{
		id: 'state',
		perProcess: true,
		title: 'STATE',
		width: 9,
		align: 'left',
		priority: 2,
		descendingFirst: false,
		description:
			'running, sleeping, reclaim, swapin, io (file read), throttled (dirty writeback), exiting (SIGTERM), dying',
		explain: (p) => ({
			title: `STATE ${p.state}`,
			linux:
				'What the process spent the last tick on: running, sleeping (an idle phase), or stalled on memory: reclaim (direct reclaim), swapin (waiting for a page from swap), io (a file page read from disk), throttled (balance_dirty_pages), exiting (shutting down after SIGTERM, gone when its grace period ends), dying (killed, memory not yet freed). ps shows the stalls as D.',
			rule: 'A task that allocates below the min watermark reclaims itself (__alloc_pages_direct_reclaim); a fault on a swapped page waits in do_swap_page; a writer over the dirty limit sleeps in balance_dirty_pages (mm/page-writeback.c).',
			now: [`${p.state}; stalled ${(p.stall * 100).toFixed(1)}% of the last second`],
		}),
		format: (p) => p.state,
		colour: (p) => stateColour[p.state],
		compare: (a, b) => (a.state < b.state ? -1 : a.state > b.state ? 1 : 0),
	},
	size(
		'rss',
		'RSS',
		3,
		'resident set size (anon + file + shmem)',
		(p) => p.rss,
		(p) => ({
			title: 'RSS: resident set size',
			linux:
				'VmRSS in /proc/PID/status: the pages of this process in RAM now, RssAnon + RssFile + RssShmem. Shared pages count in every process that maps them.',
			rule: 'Grows by page faults (handle_mm_fault), shrinks when reclaim unmaps its pages (try_to_unmap in mm/rmap.c) or it unmaps them itself.',
			now: [
				`RSS ${formatPages(p.rss)} = anon ${formatPages(p.anon)} + file ${formatPages(p.file)} + shmem ${formatPages(p.shmem)}`,
			],
		}),
	),
	size(
		'anon',
		'ANON',
		10,
		'resident anonymous memory',
		(p) => p.anon,
		(p) => ({
			title: 'ANON: resident anonymous memory',
			linux:
				'RssAnon: heap, stacks and private writable mappings that are in RAM. They have no file behind them: reclaiming them means swapping them out.',
			rule: 'do_anonymous_page() maps a zeroed page on first touch; shrink_folio_list() can only reclaim it by writing it to swap (or zswap).',
			now: [`RssAnon ${formatPages(p.anon)} of RSS ${formatPages(p.rss)}`],
		}),
	),
	size(
		'file',
		'FILE',
		11,
		'resident file-backed (page cache) memory',
		(p) => p.file,
		(p) => ({
			title: 'FILE: resident file-backed memory',
			linux:
				'RssFile: pages of mapped files (program text, libraries, mmapped data) in RAM. Clean ones can be dropped at once and read back from the file.',
			rule: 'filemap_fault() maps a page-cache page; reclaim drops it (or writes it back first if it is dirty) from the inactive file list.',
			now: [`RssFile ${formatPages(p.file)}`],
		}),
	),
	{
		...size(
			'swap',
			'SWAP',
			4,
			'swapped out, including pages held in zswap (VmSwap)',
			(p) => p.swap,
			(p) => ({
				title: 'SWAP: swapped out',
				linux:
					'VmSwap in /proc/PID/status: anonymous pages of this process that are in swap, including those whose copy sits in the zswap pool.',
				rule: 'shrink_folio_list() writes a cold anonymous page to swap and leaves a swap entry in the page table; touching it again is a major fault (do_swap_page).',
				now: [`VmSwap ${formatPages(p.swap)}, of which in zswap ${formatPages(p.zswap)}`],
			}),
		),
		colour: (p) => (p.swap > 0 ? theme.swapUsed : undefined),
	},
	size(
		'zswap',
		'ZSWAP',
		14,
		'of SWAP, pages whose compressed copy sits in the zswap pool',
		(p) => p.zswap,
		(p) => ({
			title: 'ZSWAP: swapped into the compressed pool',
			linux:
				'The part of SWAP held compressed in RAM by zswap: swapping these back in is a decompression, not disk I/O.',
			rule: 'zswap_store() keeps a compressed copy when the page compresses well and the pool has room; zswap_load() serves the fault from it.',
			now: [`${formatPages(p.zswap)} of ${formatPages(p.swap)} swapped`],
		}),
	),
	size(
		'pss',
		'PSS',
		16,
		'proportional set size: each resident page divided among the processes mapping it (smaps_rollup Pss)',
		(p) => p.smaps.Pss / 4,
		(p) => ({
			title: 'PSS: proportional set size',
			linux:
				"Pss in /proc/PID/smaps_rollup: this process's share of the memory it maps. A page only it maps counts whole; a page N processes map counts 1/N in each. Summed over all processes it is the memory really in use, which RSS (counting shared pages in every mapper) overstates.",
			rule: 'smaps_account() (fs/proc/task_mmu.c): pss += (PAGE_SIZE << PSS_SHIFT) / page_mapcount(page), printed >> PSS_SHIFT.',
			now: [
				`Pss ${formatPages(p.smaps.Pss / 4)} = anon ${formatPages(p.smaps.Pss_Anon / 4)} + file ${formatPages(p.smaps.Pss_File / 4)} + shmem ${formatPages(p.smaps.Pss_Shmem / 4)}; Rss ${formatPages(p.smaps.Rss / 4)}`,
				`shared clean ${formatPages(p.smaps.Shared_Clean / 4)}, dirty ${formatPages(p.smaps.Shared_Dirty / 4)}`,
			],
		}),
	),
	{
		...size(
			'uss',
			'USS',
			17,
			'unique set size: pages only this process maps (Private_Clean + Private_Dirty), what its exit frees',
			(p) => (p.smaps.Private_Clean + p.smaps.Private_Dirty) / 4,
			(p) => ({
				title: 'USS: unique set size',
				linux:
					"Private_Clean + Private_Dirty in /proc/PID/smaps_rollup (smem's and htop's USS): the resident pages no other process maps. Killing the process frees at least this much.",
				rule: 'smaps_account(): a page with page_mapcount() < 2 is private; dirty if the PTE or the page is dirty.',
				now: [
					`Private_Clean ${formatPages(p.smaps.Private_Clean / 4)} + Private_Dirty ${formatPages(p.smaps.Private_Dirty / 4)} of Rss ${formatPages(p.smaps.Rss / 4)}`,
				],
			}),
		),
		optional: true,
	},
	{
		...size(
			'swappss',
			'SWPPSS',
			18,
			'proportional swap: each swap entry divided among the processes sharing it (smaps_rollup SwapPss)',
			(p) => p.smaps.SwapPss / 4,
			(p) => ({
				title: 'SWPPSS: proportional swap',
				linux:
					"SwapPss in /proc/PID/smaps_rollup: this process's share of the swap its page tables point at, each entry divided by how many PTEs share the slot. Swapped pages of shared memory (tmpfs, shmem) are in Swap but not in SwapPss: they belong to the object, not to one mapper.",
				rule: 'smaps_pte_entry(): swap_pss += (PAGE_SIZE << PSS_SHIFT) / swp_swapcount(entry); smap_gather_stats() adds shmem_swap_usage() to Swap only.',
				now: [`SwapPss ${formatPages(p.smaps.SwapPss / 4)} of Swap ${formatPages(p.smaps.Swap / 4)}`],
			}),
		),
		width: 6,
		optional: true,
	},
	size(
		'wss',
		'WSS',
		8,
		'working set: distinct pages touched in the recent window',
		(p) => p.wss,
		(p) => ({
			title: 'WSS: working set',
			linux:
				'The distinct pages the process touched in the recent window: what it needs in RAM to run without faulting. When the working sets add up to more than RAM, the machine thrashes.',
			rule: 'Not a /proc figure: measured by watching references (as idle page tracking or DAMON would). A WSS above RSS means pages it needs are out of RAM.',
			now: [
				`WSS ${formatPages(p.wss)} vs RSS ${formatPages(p.rss)}${p.rss > 0 ? ` (${Math.round((p.wss / p.rss) * 100)}%)` : ''}`,
			],
		}),
	),
	{
		id: 'minflt',
		title: 'MINFLT/s',
		width: 8,
		align: 'right',
		priority: 13,
		descendingFirst: true,
		description: 'minor page faults per second (no I/O)',
		explain: (p) => ({
			title: 'MINFLT/s: minor faults',
			linux:
				'minflt in /proc/PID/stat: faults served without I/O: a new page zero-filled, a page found in the page cache or the swap cache.',
			rule: 'handle_mm_fault() without waiting on a read (do_anonymous_page, a page-cache hit in filemap_fault).',
			now: [`${formatCount(p.minfltRate)} per second, ${p.minflt} in all`],
		}),
		format: (p) => formatCount(p.minfltRate),
		compare: byNumber((p) => p.minfltRate),
	},
	{
		id: 'majflt',
		title: 'MAJFLT/s',
		width: 8,
		align: 'right',
		priority: 5,
		descendingFirst: true,
		description: 'major page faults per second (swap-in or file read)',
		explain: (p) => ({
			title: 'MAJFLT/s: major faults',
			linux:
				'majflt in /proc/PID/stat: faults that waited for I/O: a swap-in or a file read. Each one stalls the process for a device access.',
			rule: 'do_swap_page() reading from swap, or filemap_fault() missing the page cache, count a major fault (VM_FAULT_MAJOR).',
			now: [`${formatCount(p.majfltRate)} per second, ${p.majflt} in all`],
		}),
		format: (p) => formatCount(p.majfltRate),
		colour: (p) => levelColour(p.majfltRate, 1, 100),
		compare: byNumber((p) => p.majfltRate),
	},
	{
		id: 'dtlb',
		title: 'dTLB%',
		width: 6,
		align: 'right',
		// Chosen in setup (F2): a column for the TLB story (workloads/tlb-reach.yaml), not for every run.
		priority: 16,
		optional: true,
		descendingFirst: true,
		description: 'dTLB-load-misses: page walks per load, as perf stat shows them',
		explain: (p) => {
			const t = p.tlb;
			return {
				title: 'dTLB%: data TLB misses',
				linux:
					"perf stat -e dTLB-loads,dTLB-load-misses: the share of loads whose translation missed both the L1 dTLB and the STLB and walked the page table. A core's TLB maps 64 × 4 KiB + 32 × 2 MiB (L1) and 1536 pages (L2): 6 MiB with 4 KiB pages, 3 GiB with 2 MiB pages. A random working set larger than that walks on almost every load; huge pages are the cure.",
				rule: "Not a /proc figure: memtop's TLB model (tlb.ts, Intel Skylake's geometry) from the process's streams and page sizes, with Che's approximation for each LRU level. Each walk costs 0.008 µs when the PDE cache holds the upper levels, 0.1 µs for a full four-level walk, in the process's time.",
				now: [
					`${tlbPercent(t.missRatio)} of loads walk (L1 dTLB misses ${tlbPercent(t.l1MissRatio)}); ${formatCount(t.misses)} walks of ${formatCount(t.loads)} loads`,
					`TLB ${formatTlbReach(t.stlbReachBytes, t.hugePages)} vs working set ${formatPages(p.wss)}`,
					t.costPerRefUs > 0
						? `the TLB adds ${t.costPerRefUs.toFixed(2)} µs to each page reference (${t.loadsPerRef} loads)`
						: 'no time charged: the process gives no `loads`, so its rate is taken as measured, translations included',
				],
			};
		},
		format: (p) => (p.tlb.missRatio * 100).toFixed(1),
		colour: (p) => levelColour(p.tlb.missRatio, 0.05, 0.5),
		compare: byNumber((p) => p.tlb.missRatio),
	},
	{
		id: 'stall',
		title: 'STALL%',
		width: 6,
		align: 'right',
		priority: 6,
		descendingFirst: true,
		description: 'share of the last second stalled on memory (reclaim, swap-in, throttling)',
		explain: (p) => ({
			title: 'STALL%: time stalled on memory',
			linux:
				"The share of the last second this process spent waiting on memory: in reclaim, for swap-ins or file reads, throttled on dirty pages. It is this process's part of memory PSI.",
			rule: 'The same waits psi_memstall_enter() brackets for /proc/pressure/memory (kernel/sched/psi.c).',
			now: [`${(p.stall * 100).toFixed(1)}% of the last second`],
		}),
		format: (p) => (p.stall * 100).toFixed(1),
		colour: (p) => levelColour(p.stall, 0.1, 0.5),
		compare: byNumber((p) => p.stall),
	},
	{
		id: 'progress',
		title: 'PROG%',
		width: 5,
		align: 'right',
		// Before ANON, FILE and ZSWAP: the column that shows thrashing keeps its place at 80 columns.
		priority: 9,
		descendingFirst: true,
		description: 'work done over work wanted in the last second',
		explain: (p) => ({
			title: 'PROG%: work done',
			linux:
				'Page references the process completed over those it wanted in the last second. Under thrashing it falls while faults rise: the process runs, but waits.',
			rule: "Not a /proc figure: memtop's own measure of thrashing. Each stall (a major fault, direct reclaim, throttling: the waits psi_memstall_enter() brackets) costs time the process cannot spend working.",
			now: [`${(p.progress * 100).toFixed(0)}% of its rate; ${formatCount(p.refs)} references in all`],
		}),
		format: (p) => (p.progress * 100).toFixed(0),
		colour: (p) => (p.progress < 0.5 ? theme.bad : p.progress < 0.9 ? theme.warn : undefined),
		compare: byNumber((p) => p.progress),
	},
	{
		id: 'oom',
		title: 'OOM',
		width: 4,
		align: 'right',
		priority: 7,
		descendingFirst: true,
		description: 'oom_score: who the OOM killer would pick (highest first)',
		explain: (p, s) => {
			// The core's own oom_badness() parts: the numbers the OOM killer would use now.
			const c = p.oom;
			const total = s.oomTotalPages;
			return {
				title: 'OOM: oom_score',
				linux:
					'/proc/PID/oom_score: how the OOM killer ranks this process; the highest dies first when memory runs out.',
				rule: 'oom_badness() (mm/oom_kill.c) = rss + swap entries + page-table pages + oom_score_adj × (totalpages / 1000), in pages, with totalpages = RAM + swap; proc_oom_score() shows (1000 + badness × 1000 / totalpages) × 2 / 3. oom_score_adj −1000 is never chosen.',
				now: c
					? [
							`badness = rss ${c.rss} + swapents ${c.swapents} + pgtables ${c.pgtables} + adj ${c.oomScoreAdj} × ${Math.floor(total / 1000)} = ${c.badness} pages`,
							`oom_score = (1000 + ${c.badness} × 1000 / ${total}) × 2 / 3 = ${p.oomScore}`,
						]
					: ['oom_score_adj −1000: never a victim; oom_score 0'],
			};
		},
		format: (p) => String(p.oomScore),
		compare: byNumber((p) => p.oomScore),
	},
	{
		id: 'adj',
		perProcess: true,
		title: 'ADJ',
		width: 5,
		align: 'right',
		priority: 15,
		descendingFirst: true,
		description: 'oom_score_adj, -1000 (never kill) .. 1000 (kill first)',
		explain: (p) => ({
			title: 'ADJ: oom_score_adj',
			linux:
				'/proc/PID/oom_score_adj, −1000..1000: shifts the OOM score; −1000 exempts the process (sshd, databases), 1000 makes it the first to go. The o key cycles it.',
			rule: 'oom_badness() adds oom_score_adj × totalpages / 1000 pages; −1000 (OOM_SCORE_ADJ_MIN) returns "never".',
			now: [`oom_score_adj ${p.oomScoreAdj}`],
		}),
		format: (p) => String(p.oomScoreAdj),
		colour: (p) => (p.oomScoreAdj < 0 ? theme.ok : p.oomScoreAdj > 0 ? theme.bad : undefined),
		compare: byNumber((p) => p.oomScoreAdj),
	},
	{
		id: 'history',
		perProcess: true,
		title: 'RSS 2min',
		width: 8,
		align: 'left',
		priority: 12,
		descendingFirst: true,
		description: 'RSS over the last two simulated minutes (sorts by growth: finds leaks)',
		explain: (_p, _s, history) => ({
			title: 'RSS 2min: RSS over time',
			linux:
				'RSS once a simulated second for the last two minutes. A staircase that only rises is a leak; sorting by this column puts the fastest growers first.',
			rule: 'Not a /proc figure: VmRSS (/proc/PID/status) sampled once a second, as a monitor would. Sorting uses growth: the last value minus the first.',
			now: [
				history.length > 1
					? `from ${formatPages(history[0] ?? 0)} to ${formatPages(history.at(-1) ?? 0)} over ${history.length} s`
					: 'not enough history yet',
			],
		}),
		format: (p, ctx, width) => sparkline(resample(ctx.history(p.pid), width), width),
		colour: () => theme.sparkline,
		compare: (a, b, ctx) => growth(ctx.history(a.pid)) - growth(ctx.history(b.pid)),
	},
];

export const DEFAULT_SORT: ColumnId = 'rss';

/** A TLB miss ratio as perf prints it: two decimals below 1%, one above. */
export function tlbPercent(ratio: number): string {
	const pct = ratio * 100;
	return `${pct < 1 && pct > 0 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

/** "reach 6.0 MiB (L2 1536×4 KiB)": the STLB's reach at the process's page sizes. */
export function formatTlbReach(bytes: number, hugePages: number): string {
	const mib = bytes / (1024 * 1024);
	const size = mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib.toFixed(1)} MiB`;
	const entries =
		hugePages > 0 && bytes >= 1536 * 2 * 1024 * 1024
			? '1536×2 MiB'
			: hugePages > 0
				? '1536, 4 KiB and 2 MiB'
				: '1536×4 KiB';
	return `reach ${size} (L2 ${entries})`;
}

export function columnById(id: ColumnId): Column {
	const column = COLUMNS.find((c) => c.id === id);
	if (!column) throw new Error(`unknown column ${id}`);
	return column;
}

export interface ColumnLayout {
	columns: readonly Column[];
	widths: readonly number[];
}

/** The widest name column worth having; beyond it the row just ends in spaces. */
const MAX_FLEX = 24;

/**
 * Which of the chosen columns (by default all but the optional ones, in registry order) fit `width` with one space
 * between them, the least important dropped first, and how wide each is.
 */
export function layoutColumns(width: number, chosen?: readonly ColumnId[]): ColumnLayout {
	const candidates = chosen ? chosen.map(columnById) : COLUMNS.filter((c) => !c.optional);
	const byPriority = [...candidates].sort((a, b) => a.priority - b.priority);
	const kept = new Set<ColumnId>();
	let used = -1;
	for (const c of byPriority) {
		if (used + 1 + c.width <= width) {
			kept.add(c.id);
			used += 1 + c.width;
		}
	}
	const columns = candidates.filter((c) => kept.has(c.id));
	const spare = Math.max(0, width - used);
	const widths = columns.map((c) => (c.flex ? c.width + Math.min(spare, MAX_FLEX - c.width) : c.width));
	return {columns, widths};
}

export function formatCell(column: Column, width: number, p: ProcessSnapshot, ctx: ColumnContext): string {
	const text = column.format(p, ctx, width);
	return column.align === 'right' ? fitLeft(text, width) : fitRight(text, width);
}

export function formatTitle(column: Column, width: number): string {
	return column.align === 'right' ? fitLeft(column.title, width) : fitRight(column.title, width);
}

/** Sort processes by a column; ties broken by pid so rows don't jump between frames. */
export function sortProcesses(
	processes: readonly ProcessSnapshot[],
	columnId: ColumnId,
	descending: boolean,
	ctx: ColumnContext,
): ProcessSnapshot[] {
	const column = columnById(columnId);
	const sign = descending ? -1 : 1;
	return [...processes].sort((a, b) => sign * column.compare(a, b, ctx) || a.pid - b.pid);
}
