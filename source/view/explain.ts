// "Explain this" (e): what a meter, a column or an event is in Linux terms, the kernel rule behind
// it, and today's numbers in its formula. Meters and columns keep their explanations next to their
// descriptors (meters/registry.ts, panels/columns.ts); events have theirs here, one per kind, so
// the compiler asks for an explanation of every new kind of event.
import type {SimEvent, SimEventKind} from '../sim/events.js';
import type {Snapshot} from '../sim/snapshot-types.js';
import {TICKS_PER_SECOND} from '../sim/units.js';
import {escapeText} from '../text/escape.js';
import {formatPages} from './format.js';

export interface Explanation {
	title: string;
	/** What it is, in the words (and the files) a Linux engineer knows it by. */
	linux: string;
	/** The kernel rule that makes it move, naming the function. */
	rule: string;
	/** The formula with this machine's numbers, one line each. */
	now: readonly string[];
	/** The numbers are the event's own, from when it happened (not live). */
	past?: boolean;
}

/** What the explain window is about: a meter, a column for one process, or an event of the log. */
export type ExplainTopic =
	| {kind: 'meter'; id: string}
	| {kind: 'column'; id: string; pid: number}
	| {kind: 'event'; id: number}
	/** A memory cgroup of the cgroup view, by path. */
	| {kind: 'cgroup'; id: string};

/** "free 72.0M (18432 pages)": sizes in the formula, with pages where a comparison needs them. */
export const pagesAndSize = (pages: number): string => `${formatPages(pages)} (${pages} pages)`;

type EventExplainers = {
	[K in SimEventKind]: (event: Extract<SimEvent, {kind: K}>, snapshot: Snapshot) => Explanation;
};

const at = (tick: number): string => `at ${(tick / TICKS_PER_SECOND).toFixed(2)} s`;

const EVENTS: EventExplainers = {
	'process-start': (e) => ({
		title: `${e.pid} (${e.name}) started`,
		linux:
			'A new task: fork() and exec(), or a process the workload starts. Its memory is empty until it touches it.',
		rule: 'Every page is faulted in on first touch (do_anonymous_page for heap, filemap_fault for files): RSS grows by page faults, not at start.',
		now: [`${at(e.tick)}: pid ${e.pid}, comm ${e.name}`],
	}),
	'process-exit': (e) => ({
		title: `${e.pid} (${e.name}) ${e.reason}`,
		linux:
			'The task is gone; exit_mmap() unmapped its address space, so its anonymous pages and swap slots are free again. File pages it read stay in the page cache.',
		rule:
			e.reason === 'oom-killed'
				? 'Killed by the OOM killer (oom_kill_process in mm/oom_kill.c); the oom_reaper frees its memory without waiting for it to run.'
				: e.reason === 'enomem'
					? 'An allocation failed with nothing left to reclaim and the task exits with ENOMEM (a page fault returning VM_FAULT_OOM kills the task).'
					: e.reason === 'killed'
						? 'SIGKILL: the task dies at once and exit_mmap() frees its memory.'
						: e.reason === 'segfault'
							? 'SIGSEGV: a protection fault (see the segfault event before this one) killed the task; exit_mmap() freed its memory.'
							: e.reason === 'terminated'
								? 'SIGTERM: the task stopped its work, shut down during its grace period and exited; exit_mmap() then freed its memory.'
								: 'The process finished its work (its lifetime in the workload ran out).',
		now: [`${at(e.tick)}: reason ${e.reason}`],
	}),
	'kswapd-wake': (e) => ({
		title: 'kswapd0 woke',
		linux:
			"kswapd0 is node 0's reclaim thread (ps shows it as [kswapd0]). It frees memory in the background so allocations need not.",
		rule: e.boost
			? "An allocation fell back to another migratetype's pageblock, so boost_watermark() raised every watermark by watermark_boost (vm.watermark_boost_factor) and rmqueue() called wakeup_kswapd() (mm/page_alloc.c): balance_pgdat() reclaims the boost's worth of clean page cache without swap or writeback, then clears the boost and wakes kcompactd."
			: 'An allocation saw free pages below the low watermark and called wakeup_kswapd() (mm/page_alloc.c); kswapd reclaims in balance_pgdat() until free is above high.',
		now: e.boost
			? [`watermark_boost ${pagesAndSize(e.boost)}, free ${pagesAndSize(e.free)}`]
			: [`free ${pagesAndSize(e.free)} < low ${pagesAndSize(e.low)}`],
	}),
	'kswapd-sleep': (e) => ({
		title: 'kswapd0 went back to sleep',
		linux: 'Background reclaim is done for now: free memory is back above the high watermark.',
		rule: 'pgdat_balanced() is true again (free ≥ high), so kswapd_try_to_sleep() naps briefly and then sleeps until the next wakeup_kswapd().',
		now: [
			`free ${pagesAndSize(e.free)} ≥ high ${pagesAndSize(e.high)}`,
			`reclaimed ${formatPages(e.reclaimed)} while awake`,
		],
	}),
	'direct-reclaim': (e) => ({
		title: `${e.pid} (${e.name}) in direct reclaim`,
		linux:
			'The process wanted a page and had to reclaim memory itself: it stalls (allocstall in /proc/vmstat, memory PSI).',
		rule: 'Free pages were below the min watermark, so __alloc_pages_slowpath() called __alloc_pages_direct_reclaim() → try_to_free_pages() in the allocating task.',
		now: [`${e.stalls} stall${e.stalls === 1 ? '' : 's'} this second, reclaimed ${formatPages(e.reclaimed)}`],
	}),
	'zswap-pool-full': (e) => ({
		title: 'zswap pool full',
		linux:
			"zswap's compressed pool reached its limit (max_pool_percent of RAM); pages now go straight to the swap device.",
		rule: 'zswap_store() refuses pages while the pool is over its limit (zswap_check_limits in mm/zswap.c), until it shrinks below accept_threshold_percent.',
		now: [`pool ${formatPages(e.poolPages)} of ${formatPages(e.limitPages)}`],
	}),
	'zswap-accepting': (e) => ({
		title: 'zswap accepts pages again',
		linux: 'The pool shrank enough (writeback and frees) to take compressed pages again.',
		rule: 'zswap_check_limits(): once full, the pool accepts again only below accept_threshold_percent of its limit (hysteresis).',
		now: [`pool ${formatPages(e.poolPages)}`],
	}),
	'zswap-writeback': (e) => ({
		title: 'zswap wrote pages back',
		linux:
			'Cold compressed pages were decompressed and written to the swap device to make room in the pool (zswpwb in /proc/vmstat).',
		rule: "zswap's shrinker writes back from the tail of its LRU (zswap_writeback_entry in mm/zswap.c).",
		now: [`${formatPages(e.pages)} written back`],
	}),
	'zram-full': () => ({
		title: 'zram0 full',
		linux:
			'The compressed RAM disk reached mem_limit: swap-outs to it fail, so anonymous memory can no longer be reclaimed.',
		rule: 'zram_write_page() fails with -ENOMEM over mem_limit (drivers/block/zram); the swap write error keeps the page in RAM.',
		now: ['swap-outs fail until zram frees space'],
	}),
	'swap-full': () => ({
		title: 'swap full',
		linux:
			'No free swap slot is left (SwapFree 0): anonymous pages cannot be reclaimed any more, and the OOM killer is next.',
		rule: 'get_swap_pages() finds no free slot (mm/swapfile.c); folio_alloc_swap() fails and shrink_folio_list() keeps the page.',
		now: ['SwapFree 0'],
	}),
	'oom-kill': (e, s) => ({
		title: `OOM kill: ${e.pid} (${e.name})`,
		linux:
			'Memory ran out: reclaim could free nothing more, so the kernel killed the task with the highest oom_badness (dmesg: "Out of memory: Killed process").',
		rule: 'out_of_memory() → select_bad_process() scores every task with oom_badness() = rss + swapents + pgtables + oom_score_adj × totalpages / 1000; the highest is killed (oom_kill_process in mm/oom_kill.c). x shows the whole report.',
		now: [
			...e.lines,
			`candidates: ${e.candidates.length}; totalpages = RAM + swap = ${s.totalPages + s.swap.totalPages}`,
		],
	}),
	'oom-reaped': (e) => ({
		title: `oom_reaper freed ${e.pid} (${e.name})`,
		linux:
			"The victim's anonymous memory was torn down by the oom_reaper thread, without waiting for the victim to exit.",
		rule: 'oom_reap_task_mm() (mm/oom_kill.c) unmaps the private anonymous memory of a killed task.',
		now: [e.line],
	}),
	'userspace-oom-log': (e) => ({
		title: `${e.daemon}: after its signal to ${e.pid}`,
		linux:
			'earlyoom waits up to 10 s for the process it signalled to exit, checking every 100 ms; it sends SIGKILL at once if memory falls to its SIGKILL limits meanwhile, and logs how long the victim took.',
		rule: 'kill_wait() (earlyoom kill.c): escalate to SIGKILL below the -m/-s SIGKILL limits; "process N exited after S seconds" once is_alive() is false; "process N did not exit" after 100 checks.',
		now: [e.line],
	}),
	'alloc-fail': (e) => ({
		title: `page allocation failure in ${e.pid} (${e.name})`,
		linux: 'An allocation that could not wait or retry failed (dmesg: "page allocation failure").',
		rule: 'warn_alloc() reports a failed __alloc_pages() that may not invoke the OOM killer.',
		now: [e.reason],
	}),
	segfault: (e) => ({
		title: `${e.pid} (${e.name}): segmentation fault`,
		linux:
			'The task touched an address no VMA maps, wrote to a VMA without PROT_WRITE, touched a PROT_NONE VMA, or grew its stack past RLIMIT_STACK or into the 256-page stack_guard_gap. The kernel sends SIGSEGV; with no handler the task dies and dmesg gets this line.',
		rule: 'do_user_addr_fault() (arch/x86/mm/fault.c): no VMA (or expand_stack refused: mm/mmap.c acct_stack_growth) or access_error() → bad_area → SIGSEGV; show_signal_msg() prints the address, ip, sp and the error code: 4 user read not present, 6 user write not present, 7 user write to a present page.',
		now: [escapeText(e.line)],
	}),
	note: (e) => ({
		title: 'note from the workload file',
		linux: escapeText(e.text),
		rule: "Narration, not a kernel event: the workload file's notes: list says what to watch at this time. A note changes nothing in the machine.",
		now: [`${at(e.tick)}: shown in the banner under the header while it is fresh`],
	}),
	command: (e) => ({
		title: e.summary,
		linux:
			'A command given to the machine: a key pressed in the dashboard, or an event of the workload file.',
		rule: 'Commands apply at a tick boundary, before that tick steps; recordings store them, so a replay repeats them exactly.',
		now: [`${at(e.tick)}: ${e.command.kind}`],
	}),
};

export function explainEvent(event: SimEvent, snapshot: Snapshot): Explanation {
	const explain = EVENTS[event.kind] as (e: SimEvent, s: Snapshot) => Explanation;
	return {...explain(event, snapshot), past: true};
}

/** Words cut into lines of at most `width` columns (a word longer than a line is split). */
export function wrapText(text: string, width: number): string[] {
	const room = Math.max(1, width);
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		let w = word;
		while (w.length > room) {
			if (line) lines.push(line);
			lines.push(w.slice(0, room));
			w = w.slice(room);
			line = '';
		}
		if (!line) line = w;
		else if (line.length + 1 + w.length <= room) line += ` ${w}`;
		else {
			lines.push(line);
			line = w;
		}
	}
	if (line) lines.push(line);
	return lines;
}
