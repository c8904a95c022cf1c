// What reclaim does with a page it found at the tail of an inactive list (mm/vmscan.c
// folio_check_references, the classic LRU's half; MGLRU has its own ages). Since 5.9 anon and file
// pages are treated alike: every mapped page starts with a PTE reference from the fault that made
// it, so the kernel "looks twice": a first young PTE only marks the page PG_referenced and keeps it on
// the inactive list for another trip; a page is activated only if it is referenced again before the
// next scan (PG_referenced already set, or young in more than one mapping). Pages touched once (a
// leak, a streaming scan) are reclaimed without ever being activated.
import {PG_REFERENCED, PG_YOUNG} from './frames.js';

/** enum folio_references */
export const FOLIOREF_RECLAIM = 0;
/** Only PG_referenced (a read(2) / folio_mark_accessed hit), no PTE reference: reclaim if clean. */
export const FOLIOREF_RECLAIM_CLEAN = 1;
export const FOLIOREF_KEEP = 2;
export const FOLIOREF_ACTIVATE = 3;
export type FolioReferences =
	| typeof FOLIOREF_RECLAIM
	| typeof FOLIOREF_RECLAIM_CLEAN
	| typeof FOLIOREF_KEEP
	| typeof FOLIOREF_ACTIVATE;

/**
 * mm/vmscan.c folio_check_references(). `referencedPtes` is what folio_referenced() counted: the
 * mappings whose PTE accessed bit was set (it clears them; here the page's PG_YOUNG stands for its
 * PTEs, cleared by the caller's count). `fileLru`: folio_is_file_lru(). `exec`: mapped VM_EXEC.
 * Updates PG_referenced in `flags[frame]` as the kernel does and returns the verdict.
 */
export function folioCheckReferences(
	flags: Uint16Array,
	frame: number,
	referencedPtes: number,
	fileLru: boolean,
	exec = false,
): FolioReferences {
	const f = flags[frame]!;
	// folio_referenced() clears the accessed bits; folio_test_clear_referenced().
	const referencedFolio = (f & PG_REFERENCED) !== 0;
	let next = f & ~(PG_YOUNG | PG_REFERENCED);
	let verdict: FolioReferences;
	if (referencedPtes > 0) {
		// The mark is set for activated folios as well, so that recently deactivated but used folios
		// are quickly recovered.
		next |= PG_REFERENCED;
		if (referencedFolio || referencedPtes > 1) verdict = FOLIOREF_ACTIVATE;
		else if (exec && fileLru) verdict = FOLIOREF_ACTIVATE;
		else verdict = FOLIOREF_KEEP;
	} else if (referencedFolio && fileLru) verdict = FOLIOREF_RECLAIM_CLEAN;
	else verdict = FOLIOREF_RECLAIM;
	flags[frame] = next;
	return verdict;
}

/** The PTE references folio_referenced() finds for one page: its young bit (one mapping's PTE). */
export function referencedPtes(flags: Uint16Array, frame: number): number {
	return (flags[frame]! & PG_YOUNG) !== 0 ? 1 : 0;
}
