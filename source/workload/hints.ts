// Small helpers for error messages: how to show a value someone wrote, and "did you mean".

/** A value from a YAML file, as the "got ..." part of a message. */
export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'an empty value';
	if (typeof value === 'string') {
		const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
		return JSON.stringify(shown);
	}
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
	if (typeof value === 'object') return 'a mapping';
	return typeof value;
}

function levenshtein(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
		}
		previous = current;
	}
	return previous[b.length]!;
}

const normalize = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');

/** The closest candidate to a misspelt word (swapiness → swappiness, minFreeKbytes → min_free_kbytes). */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
	const n = normalize(word);
	const same = candidates.find((c) => normalize(c) === n);
	if (same) return same;
	let best: string | undefined;
	let bestDistance = Number.POSITIVE_INFINITY;
	for (const c of candidates) {
		const d = levenshtein(n, normalize(c));
		if (d < bestDistance) {
			best = c;
			bestDistance = d;
		}
	}
	const allowed = n.length <= 4 ? 1 : n.length <= 8 ? 2 : 3;
	return bestDistance <= allowed ? best : undefined;
}

/** "a, b or c" */
export function listOr(items: readonly (string | number)[]): string {
	const strings = items.map(String);
	if (strings.length <= 1) return strings.join('');
	return `${strings.slice(0, -1).join(', ')} or ${strings.at(-1)}`;
}
