// Which 2 MiB spans of a page table a huge PMD maps (pmd_trans_huge): a transparent huge page each
// (huge-memory.ts). A byte per span, made on the first; the count is the process's PMD-mapped pages
// (AnonHugePages / 2 MiB, and a TLB's 2 MiB entries). The span keeps its PTE page: the kernel
// deposits one with every anon huge PMD (pgtable_trans_huge_deposit) so that a split never has to
// allocate, and counts it in VmPTE.
export class HugePmds {
	private spans: Uint8Array | null = null;
	/** Spans a huge PMD maps. */
	count = 0;

	/** `length`: the spans the page table covers. */
	constructor(private length: number) {}

	/** Does a huge PMD map span `span`? */
	has(span: number): boolean {
		return this.spans !== null && this.spans[span] === 1;
	}

	/** A huge PMD now maps span `span` (set_pmd_at with a huge entry), or no longer does (a split, a zap). */
	set(span: number, on: boolean): void {
		if (this.has(span) === on) return;
		this.spans ??= new Uint8Array(this.length);
		this.spans[span] = on ? 1 : 0;
		this.count += on ? 1 : -1;
	}

	/** The table covers `spans` spans now (a growing region). */
	grow(spans: number): void {
		this.length = Math.max(this.length, spans);
		if (this.spans === null || this.spans.length >= spans) return;
		const grown = new Uint8Array(spans);
		grown.set(this.spans);
		this.spans = grown;
	}

	clear(): void {
		this.spans = null;
		this.count = 0;
	}

	/** Only while a huge PMD maps something, so a state without THPs keeps its layout. */
	save(): {huge?: Uint8Array} {
		return this.count > 0 ? {huge: this.spans!} : {};
	}

	load(huge: Uint8Array | undefined): void {
		this.spans = huge ?? null;
		this.count = 0;
		if (huge) for (let i = 0; i < huge.length; i++) this.count += huge[i]!;
	}
}
