// Which virtual page-table slots the host's packed page table stands for. The host keeps a process's
// entries dense over "host vpns" (page-table.ts: a directory slot per 2 MiB span), far fewer than the
// 2^35 virtual pages of an x86-64 address space; vma.ts places each region at a host vpn congruent to
// its virtual vpn modulo 512, one host span per virtual span, so a host span IS one PTE page of the
// real layout. This map says which PMD page (1 GiB of virtual space) and which PUD page (512 GiB)
// each host span hangs under, so the table pages counted (VmPTE, PageTables, the detail's levels)
// are those Linux allocates for the real addresses (mm/memory.c __pmd_alloc, __pud_alloc).
//
// Looked up only when a PTE page is first allocated (pteAlloc) and by the invariants: never per access.
/** Entries per table page at every level (page-table.ts PTES_PER_TABLE). */
const PTES_PER_TABLE = 512;

/** A run of host spans that maps to a run of virtual spans. */
export interface MapSegment {
	/** First host span and one past the last. */
	hostSpan: number;
	hostEnd: number;
	/** The virtual span (virtual vpn / 512) of hostSpan. */
	vspan: number;
}

/** The host-to-virtual span map of one address space; `identity` when host vpns are virtual (tests). */
export class PageTableMap {
	/** PMD slots (virtual span / 512) that some region reaches, ascending: a PMD page's index is its place here. */
	readonly pmdSlots: number[] = [];
	/** PUD slots (virtual span / 512²), ascending. */
	readonly pudSlots: number[] = [];

	constructor(
		readonly segments: readonly MapSegment[],
		readonly identity = false,
	) {
		for (const s of segments) {
			for (
				let slot = Math.floor(s.vspan / PTES_PER_TABLE);
				slot <= Math.floor((s.vspan + s.hostEnd - s.hostSpan - 1) / PTES_PER_TABLE);
				slot++
			)
				if (this.pmdSlots.at(-1) !== slot) this.pmdSlots.push(slot);
		}
		for (const slot of this.pmdSlots) {
			const pud = Math.floor(slot / PTES_PER_TABLE);
			if (this.pudSlots.at(-1) !== pud) this.pudSlots.push(pud);
		}
	}

	/** A map of `regions` (host startVpn, virtual vpn, pages), in host order. */
	static of(regions: readonly {startVpn: number; vpn: number; pages: number}[]): PageTableMap {
		const segments: MapSegment[] = [];
		for (const r of regions) {
			if (r.pages === 0) continue;
			const hostSpan = Math.floor(r.startVpn / PTES_PER_TABLE);
			const hostEnd = Math.floor((r.startVpn + r.pages - 1) / PTES_PER_TABLE) + 1;
			const vspan = Math.floor(r.vpn / PTES_PER_TABLE);
			const last = segments.at(-1);
			if (last && last.vspan - last.hostSpan === vspan - hostSpan && hostSpan <= last.hostEnd)
				last.hostEnd = Math.max(last.hostEnd, hostEnd);
			else segments.push({hostSpan, hostEnd, vspan});
		}
		return new PageTableMap(segments);
	}

	/** The virtual span (PTE page of the real layout) of host span `span`; −1 outside every region. */
	vspanOf(span: number): number {
		if (this.identity) return span;
		for (const s of this.segments)
			if (span >= s.hostSpan && span < s.hostEnd) return s.vspan + span - s.hostSpan;
		return -1;
	}

	/** The PMD page (index into pmdSlots) above host span `span`. */
	pmdOf(span: number): number {
		if (this.identity) return (span / PTES_PER_TABLE) | 0;
		return indexOf(this.pmdSlots, Math.floor(this.vspanOf(span) / PTES_PER_TABLE));
	}

	/** The PUD page (index into pudSlots) above PMD page `pmd`. */
	pudOfPmd(pmd: number): number {
		if (this.identity) return (pmd / PTES_PER_TABLE) | 0;
		return indexOf(this.pudSlots, Math.floor(this.pmdSlots[pmd]! / PTES_PER_TABLE));
	}

	/** PMD pages this address space can have (the PageTable's pmds length); identity: over `spans`. */
	pmdCount(spans: number): number {
		return this.identity ? Math.ceil(spans / PTES_PER_TABLE) : this.pmdSlots.length;
	}

	pudCount(spans: number): number {
		return this.identity ? Math.ceil(spans / PTES_PER_TABLE / PTES_PER_TABLE) : this.pudSlots.length;
	}
}

/** Binary search of a sorted array; −1 if absent. */
function indexOf(a: readonly number[], v: number): number {
	let lo = 0;
	let hi = a.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >>> 1;
		const x = a[mid]!;
		if (x === v) return mid;
		if (x < v) lo = mid + 1;
		else hi = mid - 1;
	}
	return -1;
}

/** The identity map: host vpns are virtual (a PageTable made on its own, in tests). */
export const IDENTITY_MAP = new PageTableMap([], true);
