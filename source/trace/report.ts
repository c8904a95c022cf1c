// Text output of the trace lab: a table per file and, with several frame counts, a bar chart of
// faults against frames per policy that fits in 80 columns.
import type {TraceReport, TraceResult} from './run.js';

const WIDTH = 80;

const group = (n: number): string => n.toLocaleString('en-US');

function ratio(r: TraceResult): string {
	return r.references === 0 ? '-' : `${((100 * r.faults) / r.references).toFixed(2)}%`;
}

export function formatTable(report: TraceReport): string {
	const head = ['policy', 'frames', 'references', 'hits', 'faults', 'fault ratio'];
	const rows = report.results.map((r) => [
		r.policy,
		group(r.frames),
		group(r.references),
		group(r.hits),
		group(r.faults),
		ratio(r),
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
	// Names left, numbers right.
	const line = (cells: string[]): string =>
		cells
			.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
			.join('  ')
			.trimEnd();
	const title = `${report.file}: ${group(report.references)} references to ${group(report.distinct)} pages (${report.format})`;
	return [title, '', line(head), ...rows.map(line)].join('\n');
}

/**
 * Faults against frames, one bar per run, grouped by policy, on one scale. A run with more faults
 * than the same policy with fewer frames is marked: Belady's anomaly.
 */
export function formatChart(results: readonly TraceResult[], width = WIDTH): string {
	if (results.length === 0) return '';
	const policies = [...new Set(results.map((r) => r.policy))];
	const max = Math.max(1, ...results.map((r) => r.faults));
	const pw = Math.max(...policies.map((p) => p.length));
	const fw = Math.max(...results.map((r) => group(r.frames).length));
	const cw = Math.max(...results.map((r) => group(r.faults).length));
	const mark = ' ^ Belady';
	// policy, frames, " |", bar, " ", count, mark: everything within `width` - 1.
	const barWidth = Math.max(10, width - 1 - (pw + 1 + fw + 2) - 1 - cw - mark.length);
	const lines = [`faults by frame count (bar = faults; ^ = more faults than with fewer frames)`];
	for (const policy of policies) {
		const runs = results.filter((r) => r.policy === policy).sort((a, b) => a.frames - b.frames);
		runs.forEach((r, i) => {
			const len = r.faults === 0 ? 0 : Math.max(1, Math.round((r.faults / max) * barWidth));
			const anomaly = i > 0 && r.faults > runs[i - 1]!.faults;
			lines.push(
				`${(i === 0 ? policy : '').padEnd(pw)} ${group(r.frames).padStart(fw)} |${'#'.repeat(len).padEnd(barWidth)} ${group(r.faults).padStart(cw)}${anomaly ? mark : ''}`.trimEnd(),
			);
		});
	}
	return lines.join('\n');
}

/** The whole text report for one file: table, then the chart when there are several frame counts. */
export function formatReport(report: TraceReport): string {
	const parts = [formatTable(report)];
	if (new Set(report.results.map((r) => r.frames)).size > 1) parts.push(formatChart(report.results));
	return `${parts.join('\n\n')}\n`;
}

export function formatJson(results: readonly TraceResult[]): string {
	const rows = results.map((r) => ({
		file: r.file,
		policy: r.policy,
		frames: r.frames,
		references: r.references,
		hits: r.hits,
		faults: r.faults,
	}));
	return `${JSON.stringify(rows, null, 2)}\n`;
}
