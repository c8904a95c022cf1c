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
import {resample} from './columns.js';
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

/** The parts of oom_badness() for this process, in pages, as the kernel adds them up. */
export function badnessParts(p: ProcessSnapshot, snapshot: Snapshot) {
	// totalpages in oom_badness() is RAM plus swap; oom_score_adj counts per mille of it,
	// with the division done first as in the kernel.
	const totalPages = snapshot.totalPages + snapshot.swap.totalPages;
	const pgtables = Math.floor(p.pgtablesBytes / PAGE_SIZE);
	const adj = p.oomScoreAdj * Math.floor(totalPages / 1000);
	return {rss: p.rss, swapents: p.swap, pgtables, adj, totalPages, badness: p.rss + p.swap + pgtables + adj};
}

/** Lines the detail window has for a process (for clamping the scroll offset). */
export function detailLineCount(p: ProcessSnapshot | undefined): number {
	return p ? 8 + p.regions.length : 1;
}

export function ProcessDetail({
	pid,
	process: p,
	snapshot,
	history,
	width,
	height,
	offset = 0,
}: ProcessDetailProps) {
	if (!p) {
		return (
			<Box flexDirection="column" width={width} height={height} overflow="hidden">
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
	lines.push([
		label('  Faults '),
		dim('minor '),
		value(String(p.minflt)),
		dim(` (${formatCount(p.minfltRate)}/s)`),
		dim('  major '),
		value(String(p.majflt)),
		dim(` (${formatCount(p.majfltRate)}/s)`),
		label('   stall '),
		value(formatPercent(p.stall, 1)),
		label('   progress '),
		value(formatPercent(p.progress)),
	]);
	const peak = history.reduce((m, v) => Math.max(m, v), 0);
	const sparkWidth = Math.max(8, Math.min(history.length || 8, width - 30));
	lines.push([
		label('  RSS history '),
		{text: sparkline(resample(history, sparkWidth), sparkWidth), colour: theme.sparkline},
		dim(` ${history.length}s, peak ${formatPages(peak)}`),
	]);
	lines.push([]);

	const nameWidth = Math.max(6, Math.min(16, ...p.regions.map((r) => r.name.length)));
	const barWidth = Math.max(10, width - (2 + nameWidth + 1 + 6 + 5 * 7) - 1);
	lines.push([
		{
			text: `  ${fitRight('REGION', nameWidth)} ${fitRight('KIND', 5)}${['SIZE', 'RESID', 'ZSWAP', 'SWAP', 'UNTCH'].map((t) => fitLeft(t, 7)).join('')} `,
			colour: theme.label,
			bold: true,
		},
		{text: '█ resident ▓ zswap ▒ swap ░ untouched', colour: theme.dim},
	]);
	for (const r of p.regions) {
		lines.push([
			{text: `  ${fitRight(r.name, nameWidth)} ${fitRight(r.kind, 5)}`},
			value(
				[
					r.size,
					r.resident,
					Math.min(r.zswapped, r.swapped),
					Math.max(0, r.swapped - r.zswapped),
					r.untouched,
				]
					.map((n) => fitLeft(formatPages(n), 7))
					.join(''),
			),
			{text: ' '},
			...regionBar(r, barWidth),
		]);
	}
	lines.push([]);
	const b = badnessParts(p, snapshot);
	lines.push([
		label('  oom_badness '),
		dim('rss '),
		value(String(b.rss)),
		dim(' + swapents '),
		value(String(b.swapents)),
		dim(' + pgtables '),
		value(String(b.pgtables)),
		dim(` + adj ${p.oomScoreAdj}×(${b.totalPages}/1000) `),
		value(String(b.adj)),
		dim(' = '),
		value(`${b.badness} pages`),
		label('   oom_score '),
		{text: String(p.oomScore), colour: theme.oom, bold: true},
	]);

	const room = Math.max(0, height - 1);
	const top = Math.max(0, Math.min(offset, lines.length - room));
	const scrolls = lines.length > room;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
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
