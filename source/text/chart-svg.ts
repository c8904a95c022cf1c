// A chart of a run's history as a hand-written SVG: small multiples stacked one above the other (one
// panel per quantity, each with its own y axis and unit), one time axis (h:mm:ss) shared by all, and
// vertical markers across every panel (the OOM kills). No dependency: lines, polylines and text.
//
// Every panel is a <g class="panel"> that carries its own scale in data- attributes (the pixel rows
// of 0 and of the top of its axis, the pixel columns of the first and last second), so a reader (a
// test) can map each polyline's points back to the numbers without guessing from the tick labels.
import {escapeXml} from './ansi-svg.js';

export interface ChartSeries {
	id: string;
	label: string;
	colour: string;
	/** [seconds, value] in time order. */
	points: readonly (readonly [number, number])[];
}

export interface ChartPanel {
	id: string;
	title: string;
	unit: string;
	series: readonly ChartSeries[];
}

export interface ChartMarker {
	/** Seconds. */
	t: number;
	label: string;
}

export interface Chart {
	title: string;
	subtitle?: string;
	panels: readonly ChartPanel[];
	markers: readonly ChartMarker[];
	/** Where the time axis starts (default: the first point), e.g. the run's start before its first sample. */
	start?: number;
}

const WIDTH = 960;
const LEFT = 76;
const RIGHT = 24;
const TOP = 56;
const PANEL_TITLE = 20;
const PLOT_HEIGHT = 120;
const AXIS_LABELS = 22;
const GAP = 14;
const PANEL = PANEL_TITLE + PLOT_HEIGHT + AXIS_LABELS + GAP;
const INK = '#222222';
const GRID = '#e4e4e4';
const MARKER = '#c62828';

/** Seconds as h:mm:ss. */
export function clockLabel(seconds: number): string {
	const s = Math.round(seconds);
	const pad = (n: number): string => String(n).padStart(2, '0');
	return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** A step of 1, 2, 2.5 or 5 × 10^k at least `raw`. */
function niceStep(raw: number): number {
	if (!(raw > 0)) return 1;
	const power = 10 ** Math.floor(Math.log10(raw));
	for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
	return 10 * power;
}

/** Time ticks: a step a person reads (1 s, 5 s, 1 min, 15 min, 1 h...) giving at most 10 ticks. */
function timeStep(span: number): number {
	const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
	return steps.find((s) => span / s <= 10) ?? niceStep(span / 10);
}

/** A tick value: whole numbers as they are, fractions with what their step needs. */
function valueLabel(v: number, step: number): string {
	let decimals = 0;
	while (decimals < 3 && Math.abs(step * 10 ** decimals - Math.round(step * 10 ** decimals)) > 1e-9)
		decimals++;
	return v.toFixed(decimals);
}

const f2 = (n: number): string => n.toFixed(2);

function timeRange(chart: Chart): [number, number] {
	let t0 = Number.POSITIVE_INFINITY;
	let t1 = Number.NEGATIVE_INFINITY;
	for (const panel of chart.panels)
		for (const s of panel.series)
			for (const [t] of s.points) {
				t0 = Math.min(t0, t);
				t1 = Math.max(t1, t);
			}
	if (chart.start !== undefined) t0 = Math.min(t0, chart.start);
	if (!Number.isFinite(t0)) return [0, 1];
	return [t0, t1 > t0 ? t1 : t0 + 1];
}

export function chartSvg(chart: Chart): string {
	const [t0, t1] = timeRange(chart);
	const x0 = LEFT;
	const x1 = WIDTH - RIGHT;
	const xOf = (t: number): number => x0 + ((t - t0) / (t1 - t0)) * (x1 - x0);
	const height = TOP + chart.panels.length * PANEL + 8;
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12" data-t0="${t0}" data-t1="${t1}">`,
		`<title>${escapeXml(chart.title)}</title>`,
		`<rect width="100%" height="100%" fill="#ffffff"/>`,
		`<text x="${LEFT}" y="22" font-size="16" font-weight="bold" fill="${INK}">${escapeXml(chart.title)}</text>`,
	];
	if (chart.subtitle) out.push(`<text x="${LEFT}" y="40" fill="#555555">${escapeXml(chart.subtitle)}</text>`);
	const tStep = timeStep(t1 - t0);
	const ticks: number[] = [];
	for (let k = Math.ceil(t0 / tStep); k * tStep <= t1 + 1e-9; k++) ticks.push(k * tStep);
	chart.panels.forEach((panel, i) => {
		const top = TOP + i * PANEL;
		const y1 = top + PANEL_TITLE;
		const y0 = y1 + PLOT_HEIGHT;
		const max = Math.max(0, ...panel.series.flatMap((s) => s.points.map(([, v]) => v)));
		const step = niceStep(max / 4);
		const yMax = Math.max(step, Math.ceil(max / step - 1e-9) * step);
		const yOf = (v: number): number => y0 - (v / yMax) * (y0 - y1);
		out.push(
			`<g class="panel" data-panel="${escapeXml(panel.id)}" data-unit="${escapeXml(panel.unit)}" data-x0="${x0}" data-x1="${x1}" data-y0="${y0}" data-y1="${y1}" data-max="${yMax}">`,
			`<text x="${x0}" y="${top + 14}" font-weight="bold" fill="${INK}">${escapeXml(panel.title)} (${escapeXml(panel.unit)})</text>`,
		);
		// The legend, right-aligned over the plot.
		let lx = x1;
		for (const s of [...panel.series].reverse()) {
			const w = 7 * s.label.length + 26;
			lx -= w;
			out.push(
				`<line x1="${lx}" y1="${top + 10}" x2="${lx + 16}" y2="${top + 10}" stroke="${s.colour}" stroke-width="2"/>`,
				`<text x="${lx + 20}" y="${top + 14}" fill="${INK}">${escapeXml(s.label)}</text>`,
			);
		}
		for (let k = 0; k * step <= yMax + 1e-9; k++) {
			const v = k * step;
			const y = f2(yOf(v));
			out.push(
				`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="${GRID}"/>`,
				`<text x="${x0 - 6}" y="${f2(yOf(v) + 4)}" text-anchor="end" fill="${INK}">${valueLabel(v, step)}</text>`,
			);
		}
		for (const t of ticks) {
			const x = f2(xOf(t));
			out.push(
				`<line x1="${x}" y1="${y1}" x2="${x}" y2="${y0}" stroke="${GRID}"/>`,
				`<text class="time" x="${x}" y="${y0 + 15}" text-anchor="middle" fill="${INK}">${clockLabel(t)}</text>`,
			);
		}
		out.push(
			`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="${INK}"/>`,
			`<line x1="${x0}" y1="${y1}" x2="${x0}" y2="${y0}" stroke="${INK}"/>`,
		);
		for (const s of panel.series) {
			const points = s.points.map(([t, v]) => `${f2(xOf(t))},${f2(yOf(v))}`).join(' ');
			out.push(
				`<polyline class="series" data-series="${escapeXml(s.id)}" fill="none" stroke="${s.colour}" stroke-width="1.5" stroke-linejoin="round" points="${points}"/>`,
			);
		}
		out.push('</g>');
	});
	// Markers across every panel, labelled at the top (staggered, so kills close together stay legible).
	const first = TOP + PANEL_TITLE;
	const last = TOP + (chart.panels.length - 1) * PANEL + PANEL_TITLE + PLOT_HEIGHT;
	chart.markers.forEach((m, i) => {
		const x = f2(xOf(m.t));
		out.push(
			`<g class="marker" data-t="${m.t}">`,
			`<line x1="${x}" y1="${first}" x2="${x}" y2="${last}" stroke="${MARKER}" stroke-width="1.2" stroke-dasharray="4 3"/>`,
			// Near the right edge the label goes on the line's left, so it stays in the picture.
			xOf(m.t) + 7 * m.label.length > x1
				? `<text x="${f2(xOf(m.t) - 3)}" y="${first + 12 + (i % 3) * 13}" text-anchor="end" fill="${MARKER}">${escapeXml(m.label)}</text>`
				: `<text x="${f2(xOf(m.t) + 3)}" y="${first + 12 + (i % 3) * 13}" fill="${MARKER}">${escapeXml(m.label)}</text>`,
			'</g>',
		);
	});
	out.push('</svg>');
	return `${out.join('\n')}\n`;
}
