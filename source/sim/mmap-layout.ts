// Where each region of a process lies in its x86-64 address space, as Linux lays it out with address
// space randomisation off (`setarch -R`, randomize_va_space 0): the program image (text, data, bss)
// at the PIE load base, the brk heap right after it, the stack at the top growing down, and mmap
// regions top-down from mmap_base below the stack's gap, in the first gap that fits.
//
// Addresses are byte addresses (below 2^47, exact in a double). The layout is pure: the workload
// parser runs it to report a region that does not fit or overlaps (one line, exit 2), and vma.ts runs
// it again to place the regions (it never fails there).
import {MIB, PAGE_SIZE} from './units.js';

/** include/uapi/asm-generic/mman-common.h: PROT_READ, PROT_WRITE, PROT_EXEC. */
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
/** arch/x86/include/asm/page_64_types.h TASK_SIZE_MAX with 4-level paging: (1 << 47) − PAGE_SIZE. */
export const TASK_SIZE = 2 ** 47 - PAGE_SIZE;
/** arch/x86/include/asm/processor.h STACK_TOP = TASK_SIZE_LOW: the stack's end with no randomisation. */
export const STACK_TOP = TASK_SIZE;
/** arch/x86/include/asm/elf.h ELF_ET_DYN_BASE: (DEFAULT_MAP_WINDOW / 3 * 2) & ~(PAGE_SIZE − 1), a PIE's load base. */
export const ELF_ET_DYN_BASE = 0x555555554000;
/** vm.mmap_min_addr's default (security/Kconfig LSM_MMAP_MIN_ADDR 65536): nothing maps below it. */
export const MMAP_MIN_ADDR = 65536;
/** mm/mmap.c stack_guard_gap: 256 pages between a stack and the mapping below it. */
export const STACK_GUARD_GAP = 256 * PAGE_SIZE;
/** RLIMIT_STACK's usual soft limit (ulimit -s 8192). */
export const RLIMIT_STACK_DEFAULT = 8 * MIB;
/** PMD_SIZE: thp_get_unmapped_area aligns anonymous mappings of whole multiples of it. */
export const PMD_SIZE = 2 * MIB;
/** arch/x86/mm/mmap.c: the gap below the stack is at least 128 MiB, at most 5/6 of the task size. */
const GAP_MIN = 128 * MIB;
const GAP_MAX = Math.floor(TASK_SIZE / 6) * 5;

export const PLACEMENTS = ['text', 'data', 'bss', 'heap', 'mmap', 'stack'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** What the layout needs of one region. */
export interface LayoutInput {
	name: string;
	kind: 'anon' | 'file' | 'shmem';
	/** Bytes (a whole number of pages). */
	size: number;
	perms?: string | undefined;
	placement?: Placement | undefined;
	/** A fixed address (MAP_FIXED_NOREPLACE). */
	at?: number | undefined;
	/** A grow stream extends it (brk). */
	grows: boolean;
	/** Some stream writes it. */
	writes: boolean;
}

/** One region's VMA. */
export interface VmaLayout {
	start: number;
	end: number;
	prot: number;
	shared: boolean;
	growsDown: boolean;
	placement: Placement;
}

export interface LayoutError {
	index: number;
	field: 'perms' | 'placement' | 'at' | 'size';
	message: string;
}

const alignDown = (a: number, to: number): number => Math.floor(a / to) * to;
const alignUp = (a: number, to: number): number => Math.ceil(a / to) * to;
export const hex = (a: number): string => a.toString(16);
/** A size as a file writes it: 8M, 512G, 1024T (the largest unit it is a whole number of). */
export function sizeText(bytes: number): string {
	for (const [unit, scale] of [
		['T', 2 ** 40],
		['G', 2 ** 30],
		['M', 2 ** 20],
		['K', 2 ** 10],
	] as const)
		if (bytes >= scale && bytes % scale === 0) return `${bytes / scale}${unit}`;
	return `${bytes} bytes`;
}

/**
 * arch/x86/mm/mmap.c mmap_base(): below the stack a gap of RLIMIT_STACK plus stack_guard_gap
 * (and the stack's random offset, 0 here), clamped to [128 MiB, 5/6 of TASK_SIZE]; no random offset.
 * With the default 8 MiB limit the gap is 128 MiB: mmap_base = 0x7ffff7fff000.
 */
export function mmapBase(rlimitStack: number): number {
	let gap = rlimitStack + STACK_GUARD_GAP;
	if (gap < GAP_MIN) gap = GAP_MIN;
	else if (gap > GAP_MAX) gap = GAP_MAX;
	return alignUp(TASK_SIZE - gap, PAGE_SIZE);
}

/** "r-x" → PROT_READ | PROT_EXEC; undefined when malformed. */
export function parsePerms(s: string): number | undefined {
	if (!/^[r-][w-][x-]$/.test(s)) return undefined;
	return (s[0] === 'r' ? PROT_READ : 0) | (s[1] === 'w' ? PROT_WRITE : 0) | (s[2] === 'x' ? PROT_EXEC : 0);
}

/** The perms /proc/PID/maps shows: rwx and p (private) or s (shared). */
export function permsText(prot: number, shared: boolean): string {
	return `${prot & PROT_READ ? 'r' : '-'}${prot & PROT_WRITE ? 'w' : '-'}${prot & PROT_EXEC ? 'x' : '-'}${shared ? 's' : 'p'}`;
}

/**
 * arch/x86/mm/fault.c access_error(): on x86 any protection but PROT_NONE can be read (a PTE cannot
 * be write- or execute-only without protection keys), so only a VMA with none of r, w, x refuses a read.
 */
export const readable = (prot: number): boolean => prot !== 0;
export const writable = (prot: number): boolean => (prot & PROT_WRITE) !== 0;

/** A region's placement when the file gives none: an anon region a grow stream extends is the brk heap, the rest mmap. */
export function defaultPlacement(r: LayoutInput): Placement {
	return r.placement ?? (r.kind === 'anon' && r.grows ? 'heap' : 'mmap');
}

/** Perms when the file gives none: text r-x; a file mapping nobody writes r--; the rest rw-. */
export function defaultProt(r: LayoutInput, placement: Placement): number {
	if (placement === 'text') return PROT_READ | PROT_EXEC;
	if (r.kind === 'file' && !r.writes) return PROT_READ;
	return PROT_READ | PROT_WRITE;
}

/** The kinds each placement takes: the image's text and data are the executable (file) or anon; bss, heap and stack anon. */
const PLACEMENT_KINDS: Record<Placement, readonly string[]> = {
	text: ['file', 'anon'],
	data: ['file', 'anon'],
	bss: ['anon'],
	heap: ['anon'],
	mmap: ['anon', 'file', 'shmem'],
	stack: ['anon'],
};

interface Span {
	start: number;
	end: number;
	index: number;
	growsDown: boolean;
}

type Failure = {error: LayoutError};
const fail = (index: number, field: LayoutError['field'], message: string): Failure => ({
	error: {index, field, message},
});

/** One address space as it is built: what is placed so far. */
class AddressSpace {
	readonly vmas: (VmaLayout | undefined)[];
	readonly placed: Span[] = [];

	constructor(
		readonly inputs: readonly LayoutInput[],
		readonly placements: readonly Placement[],
		readonly prots: readonly number[],
	) {
		this.vmas = inputs.map(() => undefined);
	}

	put(i: number, start: number, growsDown: boolean): void {
		const r = this.inputs[i]!;
		const shared = r.kind === 'shmem' || (r.kind === 'file' && writable(this.prots[i]!));
		const prot = this.prots[i]!;
		this.vmas[i] = {start, end: start + r.size, prot, shared, growsDown, placement: this.placements[i]!};
		this.placed.push({start, end: start + r.size, index: i, growsDown});
	}

	overlap(start: number, end: number): Span | undefined {
		return this.placed.find((s) => start < s.end && s.start < end);
	}

	describe(s: Span): string {
		return `${this.inputs[s.index]!.name} (${hex(s.start)}-${hex(s.end)})`;
	}

	/** fs/binfmt_elf.c load_elf_binary: text, data, bss from ELF_ET_DYN_BASE; start_brk where bss ends. */
	image(): Failure | null {
		let brk = ELF_ET_DYN_BASE;
		for (const kind of ['text', 'data', 'bss', 'heap'] as const)
			for (const [i, r] of this.inputs.entries()) {
				if (this.placements[i] !== kind) continue;
				if (brk + r.size > STACK_TOP - r.size)
					return fail(
						i,
						'size',
						`expected a ${kind} region that fits below the stack, got ${sizeText(r.size)}`,
					);
				this.put(i, brk, false);
				brk += r.size;
			}
		return null;
	}

	/** fs/exec.c setup_arg_pages(): the stack ends at STACK_TOP and grows down (VM_GROWSDOWN). */
	stack(): Failure | null {
		const stacks = this.inputs.map((_, i) => i).filter((i) => this.placements[i] === 'stack');
		if (stacks.length > 1)
			return fail(
				stacks[1]!,
				'placement',
				`expected one stack region, got a second (${this.inputs[stacks[0]!]!.name} is the stack)`,
			);
		for (const i of stacks) {
			const r = this.inputs[i]!;
			const hit = this.overlap(STACK_TOP - r.size, STACK_TOP);
			if (hit)
				return fail(
					i,
					'size',
					`expected a stack that fits above ${this.describe(hit)}, got ${sizeText(r.size)}`,
				);
			this.put(i, STACK_TOP - r.size, true);
		}
		return null;
	}

	/** MAP_FIXED_NOREPLACE (mm/mmap.c do_mmap): the address as given, or EEXIST if anything is mapped there. */
	fixed(): Failure | null {
		for (const [i, r] of this.inputs.entries()) {
			if (r.at === undefined) continue;
			const range = `0x${hex(r.at)}-0x${hex(r.at + r.size)}`;
			if (r.at % PAGE_SIZE !== 0)
				return fail(i, 'at', `expected an address aligned to 4 KiB, got 0x${hex(r.at)}`);
			if (r.at < MMAP_MIN_ADDR)
				return fail(
					i,
					'at',
					`expected an address at or above vm.mmap_min_addr (0x10000), got 0x${hex(r.at)}`,
				);
			if (r.at + r.size > TASK_SIZE)
				return fail(
					i,
					'at',
					`expected a region that ends below TASK_SIZE (0x${hex(TASK_SIZE)}), got ${range}`,
				);
			const hit = this.overlap(r.at, r.at + r.size);
			if (hit)
				return fail(
					i,
					'at',
					`expected an address range nothing maps (MAP_FIXED_NOREPLACE), got ${range} over ${this.describe(hit)}`,
				);
			this.put(i, r.at, false);
		}
		return null;
	}

	/** The other mmaps top-down from mmap_base, in the file's order (arch_get_unmapped_area_topdown). */
	mmaps(base: number): Failure | null {
		for (const [i, r] of this.inputs.entries()) {
			if (this.placements[i] !== 'mmap' || r.at !== undefined) continue;
			const start = topDown(this.placed, r.size, base, r.kind === 'anon' && r.size % PMD_SIZE === 0);
			if (start < 0)
				return fail(
					i,
					'size',
					`expected a region that fits the address space below mmap_base 0x${hex(base)}, got ${sizeText(r.size)}`,
				);
			this.put(i, start, false);
		}
		return null;
	}
}

/** Each region's placement and protection, or the first that cannot have them. */
function checkInputs(inputs: readonly LayoutInput[]): {placements: Placement[]; prots: number[]} | Failure {
	const placements = inputs.map(defaultPlacement);
	const prots: number[] = [];
	for (const [i, r] of inputs.entries()) {
		const placement = placements[i]!;
		const kinds = PLACEMENT_KINDS[placement];
		if (!kinds.includes(r.kind))
			return fail(
				i,
				'placement',
				`expected a ${kinds.join(' or ')} region for placement ${placement}, got a ${r.kind} region`,
			);
		if (r.at !== undefined && placement !== 'mmap')
			return fail(
				i,
				'at',
				`expected no at on a ${placement} region (only mmap regions are placed at an address)`,
			);
		const prot = r.perms === undefined ? defaultProt(r, placement) : parsePerms(r.perms);
		if (prot === undefined)
			return fail(i, 'perms', `expected perms like r-x (r or -, w or -, x or -), got "${r.perms}"`);
		prots.push(prot);
	}
	return {placements, prots};
}

/**
 * The whole address space of one process, or the first region that cannot be placed. `rlimitStack`:
 * RLIMIT_STACK, which sets mmap_base. Order of placement: the image and brk (load_elf_binary), the
 * stack (setup_arg_pages), then the fixed mappings, then the others top-down in the file's order.
 */
export function layoutAddressSpace(
	inputs: readonly LayoutInput[],
	rlimitStack = RLIMIT_STACK_DEFAULT,
): {vmas: VmaLayout[]} | Failure {
	const checked = checkInputs(inputs);
	if ('error' in checked) return checked;
	const as = new AddressSpace(inputs, checked.placements, checked.prots);
	const failed = as.image() ?? as.stack() ?? as.fixed() ?? as.mmaps(mmapBase(rlimitStack));
	return failed ?? {vmas: as.vmas as VmaLayout[]};
}

/**
 * mm/mmap.c unmapped_area_topdown() as arch_get_unmapped_area_topdown calls it: the highest gap
 * below `high` (mmap_base) and above mmap_min_addr that holds `len`, a stack's gap reaching
 * stack_guard_gap lower (vm_start_gap). With `thp`, mm/huge_memory.c __thp_get_unmapped_area asks
 * for len + PMD_SIZE and aligns what it gets to PMD_SIZE: the highest 2 MiB boundary at or below
 * gap end − len. Returns −1 when nothing fits.
 */
export function topDown(
	placed: readonly {start: number; end: number; growsDown: boolean}[],
	len: number,
	high: number,
	thp: boolean,
): number {
	const need = thp ? len + PMD_SIZE : len;
	const low = Math.max(PAGE_SIZE, MMAP_MIN_ADDR);
	const place = (gapStart: number, gapEnd: number): number =>
		gapEnd - gapStart < need ? -1 : thp ? alignDown(gapEnd - len, PMD_SIZE) : gapEnd - len;
	const spans = [...placed].sort((a, b) => b.start - a.start);
	let gapEnd = high;
	// Walk the mappings from the top: each gap is [the end of the one below, the start of the one above).
	for (const s of spans) {
		const start = s.growsDown ? s.start - STACK_GUARD_GAP : s.start;
		if (start >= gapEnd) continue;
		const at = place(Math.max(low, s.end), gapEnd);
		if (at >= 0) return at;
		gapEnd = start;
		if (gapEnd <= low) return -1;
	}
	return place(low, gapEnd);
}
