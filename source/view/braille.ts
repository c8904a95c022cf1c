// btop-style area charts in braille: each character holds 2 samples side by side and 4 dot rows,
// so a graph of w×h characters shows 2w points at 4h levels.

/** Dots filled from the bottom of a braille cell, 0..4, for the left and the right column. */
const LEFT = [0, 0x40, 0x44, 0x46, 0x47] as const;
const RIGHT = [0, 0x80, 0xa0, 0xb0, 0xb8] as const;

export type Aggregate = 'max' | 'min' | 'last';

/**
 * Group the newest samples into `points` buckets of `perPoint` samples each (newest bucket last).
 * Buckets before the start of the data are null. Also returns whether any bucket contains a
 * flagged sample (OOM kills), so callers can mark those columns.
 */
export function bucket<T>(
	samples: readonly T[],
	points: number,
	perPoint: number,
	value: (s: T) => number,
	agg: Aggregate,
): (number | null)[] {
	const out: (number | null)[] = [];
	const end = samples.length;
	for (let p = points - 1; p >= 0; p--) {
		const hi = end - p * perPoint;
		const lo = hi - perPoint;
		if (hi <= 0) {
			out.push(null);
			continue;
		}
		let acc: number | null = null;
		for (let i = Math.max(0, lo); i < hi; i++) {
			const v = value(samples[i]!);
			if (acc === null || agg === 'last') acc = v;
			else acc = agg === 'max' ? Math.max(acc, v) : Math.min(acc, v);
		}
		out.push(acc);
	}
	return out;
}

/** An area chart: rows of `width` characters, top row first. Missing points draw nothing. */
export function brailleArea(
	points: readonly (number | null)[],
	max: number,
	width: number,
	height: number,
): string[] {
	const levels = height * 4;
	const dots = points.map((v) => {
		if (v === null || !(max > 0)) return 0;
		const level = Math.round((Math.max(0, v) / max) * levels);
		// Anything above zero shows at least one dot, so a small rate is not mistaken for none.
		return Math.min(levels, v > 0 ? Math.max(1, level) : 0);
	});
	const rows: string[] = [];
	for (let r = 0; r < height; r++) {
		const floor = (height - 1 - r) * 4;
		let line = '';
		for (let c = 0; c < width; c++) {
			const left = Math.max(0, Math.min(4, (dots[c * 2] ?? 0) - floor));
			const right = Math.max(0, Math.min(4, (dots[c * 2 + 1] ?? 0) - floor));
			const bits = LEFT[left]! | RIGHT[right]!;
			line += bits === 0 ? ' ' : String.fromCodePoint(0x2800 + bits);
		}
		rows.push(line);
	}
	return rows;
}
