// Ink's output stage, made to remember lines across frames.
//
// Each frame Ink builds a new Output (ink/build/output.js) whose OutputCaches turn every line of
// every <Text> into styled characters: @alcalzone/ansi-tokenize walks the string with
// Intl.Segmenter, the most expensive step of a frame (`node --cpu-prof` of `npm run bench -- render`:
// tokenize, styledCharsFromTokens and the garbage they leave are about half of Ink's output stage).
// Those caches live one frame, yet between two frames of the dashboard most lines are the same
// (a live run at 10 Hz changes the numbers of a few rows). This module hands every Output one cache
// that outlives the frame, so an unchanged line costs one Map lookup.
//
// Safe because Ink only reads what the cache returns: Output.get() copies the styled characters'
// references into its grid and styledCharsToString() reads them; neither writes to them. The cache
// is generational so it cannot grow without bound: lines not seen in the last two frames are let go.
//
// Ink's package exports only its entry point, so the Output module is found beside it by URL (the
// same URL Ink's renderer imports, so the same module instance). Ink is pinned to ~6.8 in
// package.json; if a later Ink moves or reshapes Output, install() leaves Ink untouched and says so.

type Caches = {
	getStyledChars(line: string): unknown;
	getStringWidth(text: string): number;
	getWidestLine(text: string): number;
};
type OutputClass = {prototype: {get: (this: {caches?: Caches}) => unknown}};

/** One cache for the lifetime of the process, with two generations (this frame's and the last). */
export class LineCache implements Caches {
	#styled = new Map<string, unknown>();
	#styledOld = new Map<string, unknown>();
	#widths = new Map<string, number>();
	#widthsOld = new Map<string, number>();
	#widest = new Map<string, number>();
	#widestOld = new Map<string, number>();
	/** Lines found in the cache, and lines that had to be tokenized (for the benchmark's report). */
	hits = 0;
	misses = 0;

	/** The frame's own caches (Ink's OutputCaches): what a line not seen lately is worked out with. */
	#source: Caches | null = null;

	/**
	 * A frame begins with Ink's fresh caches: what the frame before last used and the last one did not
	 * is let go, so the cache holds at most two frames' lines.
	 */
	nextFrame(source: Caches): void {
		this.#source = source;
		this.#styledOld = this.#styled;
		this.#styled = new Map();
		this.#widthsOld = this.#widths;
		this.#widths = new Map();
		this.#widestOld = this.#widest;
		this.#widest = new Map();
	}

	getStyledChars(line: string): unknown {
		let v = this.#styled.get(line);
		if (v !== undefined) return v;
		v = this.#styledOld.get(line);
		if (v === undefined) {
			this.misses++;
			v = this.#source!.getStyledChars(line);
		} else this.hits++;
		this.#styled.set(line, v);
		return v;
	}

	getStringWidth(text: string): number {
		let v = this.#widths.get(text);
		if (v !== undefined) return v;
		v = this.#widthsOld.get(text) ?? this.#source!.getStringWidth(text);
		this.#widths.set(text, v);
		return v;
	}

	getWidestLine(text: string): number {
		let v = this.#widest.get(text);
		if (v !== undefined) return v;
		v = this.#widestOld.get(text);
		if (v === undefined) {
			v = 0;
			for (const line of text.split('\n')) v = Math.max(v, this.getStringWidth(line));
		}
		this.#widest.set(text, v);
		return v;
	}
}

let installed: LineCache | null = null;

/**
 * Give Ink's Output one cache across frames. Idempotent. Returns the cache, or null when this Ink
 * does not look like the one it was written for (then Ink runs as it came).
 */
export async function installInkLineCache(): Promise<LineCache | null> {
	if (installed) return installed;
	try {
		const entry = import.meta.resolve('ink');
		const outputModule = (await import(new URL('./output.js', entry).href)) as {default?: OutputClass};
		const original = outputModule.default?.prototype?.get;
		if (typeof original !== 'function') return null;
		const cache = new LineCache();
		outputModule.default!.prototype.get = function get(this: {caches?: Caches}) {
			const own = this.caches;
			// Not the Output this was written for: leave this frame to Ink.
			if (typeof own?.getStyledChars !== 'function' || typeof own.getStringWidth !== 'function')
				return original.call(this);
			cache.nextFrame(own);
			this.caches = cache;
			try {
				return original.call(this);
			} finally {
				this.caches = own;
			}
		};
		installed = cache;
		return cache;
	} catch {
		return null;
	}
}
