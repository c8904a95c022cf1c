// One process up close (Enter): where its memory is, region by region (resident, in zswap, on the
// swap device, never touched), its working set against its RSS, its faults, and how the OOM
// killer scores it.
import {Box} from 'ink';
import type {ProcessSnapshot, RegionSnapshot, Snapshot} from '../../sim/snapshot-types.js';
import {PAGE_SIZE} from '../../sim/units.js';
import {
	fitLeft,
	fitRight,
	formatClock,
	formatCount,
	formatPages,
	formatPercent,
	sparkline,
} from '../format.js';
import {Line, type Span} from '../line.js';
import {theme} from '../theme.js';
import {formatTlbReach, resample, tlbPercent} from './columns.js';
import {PanelTitle} from './panel-title.js';

export interface ProcessDetailProps {
	pid: number;
	process: ProcessSnapshot | undefined;
	snapshot: Snapshot;
	/** RSS per simulated second, newest last. */
	history: readonly number[];
	width: number;
	height: number;
	/** First line shown, when the regions do not fit. */
	offset?: number;
	/** The maps region whose page walk is shown (← →). */
	region?: number;
}

const label = (text: string): Span => ({text, colour: theme.label});
const value = (text: string): Span => ({text, colour: theme.value, bold: true});
const dim = (text: string): Span => ({text, colour: theme.dim});

/**
 * A region's pages as a bar. The snapshot counts `zswapped` within `swapped` (as VmSwap counts
 * zswap), so the swap-device part is the difference; whatever is left (evicted file pages) is blank.
 */
export function regionBar(r: RegionSnapshot, width: number): Span[] {
	const onDisk = Math.max(0, r.swapped - r.zswapped);
	const parts: [number, string, Span['colour']][] = [
		[r.resident, '█', theme.anon],
		[Math.min(r.zswapped, r.swapped), '▓', theme.zpool],
		[onDisk, '▒', theme.swapUsed],
		[r.untouched, '░', theme.dim],
	];
	const spans: Span[] = [];
	let sum = 0;
	let drawn = 0;
	for (const [n, ch, colour] of parts) {
		sum += n;
		const upto = r.size > 0 ? Math.min(width, Math.round((sum / r.size) * width)) : 0;
		if (upto > drawn) spans.push({text: ch.repeat(upto - drawn), colour});
		drawn = Math.max(drawn, upto);
	}
	if (drawn < width) spans.push({text: '·'.repeat(width - drawn), colour: theme.dim});
	return spans;
}

/** The parts of oom_badness() for this process (pages), as the core added them up; null when it is never a victim. */
export function badnessParts(p: ProcessSnapshot, snapshot: Snapshot) {
	const c = p.oom;
	if (!c) return null;
	const totalPages = snapshot.oomTotalPages;
	return {
		rss: c.rss,
		swapents: c.swapents,
		pgtables: c.pgtables,
		adj: c.adjPages,
		totalPages,
		badness: c.badness,
	};
}

/** The regions that map something now, in address order (the /proc/PID/maps lines). */
export function mappedRegions(p: ProcessSnapshot): RegionSnapshot[] {
	return p.regions.filter((r) => r.maps);
}

/** Lines the detail window has for a process (for clamping the scroll offset). */
export function detailLineCount(p: ProcessSnapshot | undefined): number {
	if (!p) return 1;
	const maps = mappedRegions(p).length;
	return 13 + p.regions.length + (maps > 0 ? 3 + maps : 0);
}

/**
 * /proc/PID/maps, the chosen region marked, and the walk of its first touched address through the
 * four levels (proc-maps.ts): two processes with the same address reach different frames.
 */
function mapsLines(p: ProcessSnapshot, chosen: number): Span[][] {
	const maps = mappedRegions(p);
	if (maps.length === 0) return [];
	const at = Math.min(chosen, maps.length - 1);
	const lines: Span[][] = [[]];
	lines.push([label(`  /proc/${p.pid}/maps`), dim('  (← → choose the region walked)')]);
	maps.forEach((r, i) => {
		lines.push(i === at ? [value(`▶ ${r.maps}`)] : [{text: `  ${r.maps}`}]);
	});
	lines.push([label('  walk '), value(maps[at]!.walk ?? '')]);
	return lines;
}

export function ProcessDetail({
	pid,
	process: p,
	snapshot,
	history,
	width,
	height,
	offset = 0,
	region = 0,
}: ProcessDetailProps) {
	if (!p) {
		return (
			<Box flexDirection="column" width={width} height={height} overflowY="hidden">
				<PanelTitle title={`Process ${pid}`} right="Esc close" width={width} />
				<Line spans={[dim(`  process ${pid} has exited`)]} width={width} />
			</Box>
		);
	}
	const lines: Span[][] = [];
	lines.push([
		label('  RSS '),
		value(formatPages(p.rss)),
		dim(' = anon '),
		value(formatPages(p.anon)),
		dim(' + file '),
		value(formatPages(p.file)),
		dim(' + shmem '),
		value(formatPages(p.shmem)),
		label('   VmSize '),
		value(formatPages(p.vsize)),
		label('   PTEs '),
		value(formatPages(p.pgtablesBytes / PAGE_SIZE)),
	]);
	lines.push([
		label('  Swap '),
		value(formatPages(p.swap)),
		dim(' (in zswap '),
		value(formatPages(p.zswap)),
		dim(')'),
		label('   WSS '),
		value(formatPages(p.wss)),
		dim(` = ${p.rss > 0 ? formatPercent(p.wss / p.rss) : '-'} of RSS`),
		label('   started '),
		value(formatClock(p.startTime)),
	]);
	// /proc/PID/smaps_rollup: shared pages divided among their mappers.
	const sm = p.smaps;
	const kb = (k: number) => formatPages(k / 4);
	lines.push([
		label('  PSS '),
		value(kb(sm.Pss)),
		dim(' (anon '),
		value(kb(sm.Pss_Anon)),
		dim(' file '),
		value(kb(sm.Pss_File)),
		dim(' shmem '),
		value(kb(sm.Pss_Shmem)),
		dim(')'),
		label('  USS '),
		value(kb(sm.Private_Clean + sm.Private_Dirty)),
		label('  shared '),
		value(kb(sm.Shared_Clean + sm.Shared_Dirty)),
		label('  SwapPss '),
		value(kb(sm.SwapPss)),
	]);
	// fork(2): the parent, and the copy-on-write breaks that copied a shared page (wp_page_copy).
	if (p.ppid !== undefined || p.cowFaults !== undefined) {
		lines.push([
			label('  Fork '),
			...(p.ppid !== undefined ? [dim('child of '), value(String(p.ppid)), dim(' · ')] : []),
			dim('COW faults '),
			value(String(p.cowFaults ?? 0)),
			dim(' (a write to a page shared since fork copies it)'),
		]);
	}
	// Transparent huge pages: AnonHugePages, and the bloat of 2 MiB pages only partly used.
	if (p.thp) {
		lines.push([
			label('  THP '),
			dim('AnonHugePages '),
			value(formatPages(p.thp.huge * 512)),
			dim(` (${p.thp.huge} × 2M, PMD-mapped)`),
			...(p.thp.bloat >= 0
				? [label('   THP bloat '), value(formatPages(p.thp.bloat)), dim(' (subpages never touched)')]
				: []),
		]);
	}
	// The page-table walk's levels (x86-64, 4 KiB a table page): one PTE page maps 2 MiB, a PMD page
	// 1 GiB, a PUD page 512 GiB; VmPTE counts PTE, PMD and PUD pages (mm_pgtables_bytes), not the PGD.
	const lv = p.pageTables;
	lines.push([
		label('  Page tables '),
		dim('PGD '),
		value(String(lv.pgd)),
		dim(' · PUD '),
		value(String(lv.pud)),
		dim(' · PMD '),
		value(String(lv.pmd)),
		dim(' · PTE '),
		value(String(lv.pte)),
		dim(' = '),
		value(formatPages(lv.pgd + lv.pud + lv.pmd + lv.pte)),
		dim(' (a PTE page maps 2M)'),
	]);
	lines.push([
		label('  Faults '),
		dim('minor '),
		value(String(p.minflt)),
		dim(` (${formatCount(p.minfltRate)}/s)`),
		dim('  major '),
		value(String(p.majflt)),
		dim(` (${formatCount(p.majfltRate)}/s)`),
		label('  stall '),
		value(formatPercent(p.stall, 1)),
		label('  progress '),
		value(formatPercent(p.progress)),
	]);
	lines.push([
		label('  TLB '),
		value(formatTlbReach(p.tlb.stlbReachBytes, p.tlb.hugePages)),
		dim(' vs working set '),
		value(formatPages(p.wss)),
		dim(': miss '),
		value(tlbPercent(p.tlb.missRatio)),
		dim(p.tlb.costPerRefUs > 0 ? ` (+${p.tlb.costPerRefUs.toFixed(2)} µs a reference)` : ''),
	]);
	const peak = history.reduce((m, v) => Math.max(m, v), 0);
	const sparkWidth = Math.max(8, Math.min(history.length || 8, width - 36));
	lines.push(
		history.length === 0
			? [label('  RSS history '), dim('(one value per simulated second, none yet)')]
			: [
					label('  RSS history '),
					{text: sparkline(resample(history, sparkWidth), sparkWidth), colour: theme.sparkline},
					dim(` ${history.length}s, peak ${formatPages(peak)}`),
				],
	);
	lines.push([]);

	const nameWidth = Math.min(16, Math.max(6, ...p.regions.map((r) => r.name.length)));
	const barWidth = Math.max(10, width - (2 + nameWidth + 1 + 5 + 5 * 7) - 2);
	const titles = ['SIZE', 'RESID', 'ZSWAP', 'SWAP', 'UNTCH'].map((t) => fitLeft(t, 7)).join('');
	lines.push([
		{
			text: `  ${fitRight('REGION', nameWidth)} ${fitRight('KIND', 5)}${titles}`,
			colour: theme.label,
			bold: true,
		},
	]);
	for (const r of p.regions) {
		const zswapped = Math.min(r.zswapped, r.swapped);
		const figures = [r.size, r.resident, zswapped, r.swapped - zswapped, r.untouched];
		lines.push([
			{text: `  ${fitRight(r.name, nameWidth)} ${fitRight(r.kind, 5)}`},
			value(figures.map((n) => fitLeft(formatPages(n), 7)).join('')),
			{text: ' '},
			...regionBar(r, barWidth),
		]);
	}
	lines.push([
		{text: '  '},
		{text: '█', colour: theme.anon},
		dim(' resident '),
		{text: '▓', colour: theme.zpool},
		dim(' zswap '),
		{text: '▒', colour: theme.swapUsed},
		dim(' swap '),
		dim('░ never touched'),
	]);
	lines.push(...mapsLines(p, region));
	lines.push([]);
	const b = badnessParts(p, snapshot);
	if (!b) {
		lines.push([
			label('  oom_badness '),
			dim('oom_score_adj -1000: the OOM killer never picks this process'),
			label('   oom_score '),
			value(String(p.oomScore)),
		]);
	} else {
		lines.push([
			label('  oom_badness '),
			dim('= rss '),
			value(String(b.rss)),
			dim(' + swapents '),
			value(String(b.swapents)),
			dim(' + pgtables '),
			value(String(b.pgtables)),
			dim(' + adj '),
			value(String(b.adj)),
			dim(' = '),
			value(String(b.badness)),
		]);
		lines.push([
			dim(`  in pages; adj = oom_score_adj ${p.oomScoreAdj} × (totalpages ${b.totalPages} / 1000)`),
			label('   oom_score '),
			{text: String(p.oomScore), colour: theme.oom, bold: true},
		]);
	}

	const room = Math.max(0, height - 1);
	const top = Math.max(0, Math.min(offset, lines.length - room));
	const scrolls = lines.length > room;
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle
				title={`Process ${p.pid} (${p.name})  ${p.state}`}
				right={`${scrolls ? '↑↓ scroll · ' : ''}Esc close`}
				width={width}
			/>
			{lines.slice(top, top + room).map((spans, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: detail lines are positional
				<Line key={i} spans={spans.length > 0 ? spans : [{text: ''}]} width={width} />
			))}
		</Box>
	);
}
