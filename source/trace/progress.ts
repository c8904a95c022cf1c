// A one-line progress bar on standard error for long traces. Only the CLI creates it, and only when
// stderr is a terminal; it redraws at most every 100 ms and only after the first half second, so
// short runs print nothing.

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
		/** Raw bytes in the input, when known. */
		private readonly total: number | undefined,
	) {}

	update(rawBytes: number, references: number): void {
		const now = Date.now();
		if (now - this.start < DELAY_MS || now - this.last < EVERY_MS) return;
		this.last = now;
		this.shown = true;
		const width = this.width();
		const refs = `${formatCount(references)} refs`;
		let line: string;
		if (this.total) {
			const frac = Math.min(1, rawBytes / this.total);
			const pct = `${Math.floor(frac * 100)}%`.padStart(4);
			const name = shorten(this.label, 20);
			const barWidth = Math.max(10, width - name.length - pct.length - refs.length - 6);
			const filled = Math.round(frac * barWidth);
			line = `${name} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${pct} ${refs}`;
		} else {
			line = `${shorten(this.label, 40)}: ${formatCount(rawBytes)}B read, ${refs}`;
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

function formatCount(n: number): string {
	if (n < 1e4) return String(n);
	if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
	if (n < 1e9) return `${(n / 1e6).toFixed(1)}M`;
	return `${(n / 1e9).toFixed(2)}G`;
}

function shorten(s: string, max: number): string {
	return s.length <= max ? s : `...${s.slice(s.length - max + 3)}`;
}
