// A one-line progress bar on standard error for long work: traces, compare, long headless runs.
// Only the CLI creates it, and only when stderr is a terminal (never into --json output or a pipe);
// it redraws at most every 100 ms and only after the first half second, so short work prints
// nothing, and done() erases it so what follows starts on a clean line.

interface TtyLike {
	write(text: string): unknown;
	columns?: number;
}

const DELAY_MS = 500;
const EVERY_MS = 100;

export class ProgressBar {
	private readonly start = Date.now();
	private last = 0;
	private shown = false;

	constructor(
		private readonly out: TtyLike,
		private readonly label: string,
	) {}

	/** `fraction` done (0..1), or null when the total is unknown; `detail` follows the bar. */
	update(fraction: number | null, detail: string): void {
		const now = Date.now();
		if (now - this.start < DELAY_MS || now - this.last < EVERY_MS) return;
		this.last = now;
		this.shown = true;
		const width = this.width();
		let line: string;
		if (fraction !== null) {
			const frac = Math.max(0, Math.min(1, fraction));
			const pct = `${Math.floor(frac * 100)}%`.padStart(4);
			const name = shorten(this.label, 20);
			const barWidth = Math.max(10, width - name.length - pct.length - detail.length - 6);
			const filled = Math.round(frac * barWidth);
			line = `${name} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${pct} ${detail}`;
		} else {
			line = `${shorten(this.label, 40)}: ${detail}`;
		}
		this.out.write(`\r${line.slice(0, width).padEnd(width)}`);
	}

	/** At most 79 columns; a terminal that reports no size (0) counts as 80 wide. */
	private width(): number {
		const columns = this.out.columns || 80;
		return Math.max(20, Math.min(80, columns)) - 1;
	}

	/** Erase the bar so the report starts on a clean line. */
	done(): void {
		if (!this.shown) return;
		const width = this.width();
		this.out.write(`\r${' '.repeat(width)}\r`);
		this.shown = false;
	}
}

/** A bar on `stderr` if it is a terminal, else null (piped, redirected, a test's buffer). */
export function progressOn(
	stderr: {
		write(text: string): unknown;
		readonly isTTY?: boolean | undefined;
		readonly columns?: number | undefined;
	},
	label: string,
): ProgressBar | null {
	return stderr.isTTY === true
		? new ProgressBar({write: (t) => stderr.write(t), columns: stderr.columns ?? 80}, label)
		: null;
}

export function formatCount(n: number): string {
	if (n < 1e4) return String(n);
	if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
	if (n < 1e9) return `${(n / 1e6).toFixed(1)}M`;
	return `${(n / 1e9).toFixed(2)}G`;
}

function shorten(s: string, max: number): string {
	return s.length <= max ? s : `...${s.slice(s.length - max + 3)}`;
}
