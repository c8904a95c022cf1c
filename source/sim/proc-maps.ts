// /proc/PID/maps (fs/proc/task_mmu.c show_map_vma) and the page walk an address takes through the
// four levels of its page table (mm/pagewalk.c; pgd_offset, pud_offset, pmd_offset, pte_offset_map):
// what the process detail shows of a process's address space.
import {hex, permsText} from './mmap-layout.js';
import type {PageTable} from './page-table.js';
import {presentFrame, swapEntrySlot} from './page-table.js';
import {PAGE_SIZE} from './units.js';
import {REGION_ANON, REGION_FILE, type Region} from './vma.js';

/** The part of a region its VMA covers now: a brk heap up to its break, a stack down from its top. */
export function vmaRange(r: Region): {start: number; end: number} {
	const end = r.va + r.pages * PAGE_SIZE;
	if (!r.grows) return {start: r.va, end};
	// The stack has its first page from exec (setup_arg_pages), grown or not.
	if (r.growsDown) return {start: end - Math.max(1, r.grown) * PAGE_SIZE, end};
	return {start: r.va, end: r.va + r.grown * PAGE_SIZE};
}

/**
 * The name column: [heap] for the brk area, [stack], a file's path, a shmem object as tmpfs shows it,
 * and anonymous memory as PR_SET_VMA_ANON_NAME names it ([anon:NAME], with the region's name).
 */
export function mapsName(r: Region, objectName: string | undefined): string {
	if (r.placement === 'heap') return '[heap]';
	if (r.placement === 'stack') return '[stack]';
	// The file table keys objects by kind ("file:/usr/lib/libc.so.6"): the path is after it.
	const name = objectName === undefined ? r.name : objectName.slice(objectName.indexOf(':') + 1);
	if (r.kind === REGION_FILE) return name.startsWith('/') ? name : `/${name}`;
	if (r.kind !== REGION_ANON) return `/dev/shm/${name.replace(/^\/+/, '').replaceAll('/', '-')} (deleted)`;
	return `[anon:${r.name}]`;
}

/**
 * One line of /proc/PID/maps: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu", padded to column 73,
 * then the name. Anonymous memory has device 00:00 and inode 0; a file's device and inode here are
 * made up (08:01, the object's id + 1); every region maps its object from offset 0.
 */
export function mapsLine(r: Region, objectName?: string): string | null {
	const {start, end} = vmaRange(r);
	if (end <= start) return null;
	const file = r.kind !== REGION_ANON;
	const dev = r.kind === REGION_FILE ? '08:01' : file ? '00:01' : '00:00';
	const inode = file ? r.objectId + 1 : 0;
	const head = `${hex(start).padStart(8, '0')}-${hex(end).padStart(8, '0')} ${permsText(r.prot, r.shared)} 00000000 ${dev} ${inode}`;
	return `${head.padEnd(72)} ${mapsName(r, objectName)}`;
}

/** The four table indexes of a virtual address (9 bits each from bit 39, 30, 21, 12). */
export function walkIndexes(addr: number): [pgd: number, pud: number, pmd: number, pte: number] {
	const at = (shift: number) => Math.floor(addr / 2 ** shift) % 512;
	return [at(39), at(30), at(21), at(12)];
}

export interface PageWalk {
	addr: number;
	indexes: [number, number, number, number];
	/** How many levels have their table page (0: not even a PGD; 4: the PTE page exists). */
	levels: number;
	/** What the entry holds: a frame, a swap slot or nothing. */
	frame: number;
	swapSlot: number;
	/** "PGD[170] → PUD[341] → PMD[170] → PTE[340] → frame 1234" */
	text: string;
}

/**
 * The walk for `addr` in region `r` (anon memory: file and shmem pages are found in the page cache
 * by offset, but the PTE is walked the same way): each level's index, down to the first table page
 * missing, then the entry.
 */
export function pageWalk(pt: PageTable, r: Region, addr: number): PageWalk {
	const vpn = r.startVpn + Math.floor((addr - r.va) / PAGE_SIZE);
	const indexes = walkIndexes(addr);
	const table = pt.tableOf(vpn);
	const pmd = pt.pmdOf(table);
	const present = [
		pt.pgd !== 0,
		pmd >= 0 && (pt.puds[pt.pudOfPmd(pmd)] ?? 0) !== 0,
		pmd >= 0 && (pt.pmds[pmd] ?? 0) !== 0,
		(pt.tables[table] ?? 0) !== 0,
	];
	let levels = 0;
	while (levels < 4 && present[levels]) levels++;
	const e = levels === 4 && vpn < pt.covered ? pt.get(vpn) : 0;
	const frame = e > 0 ? presentFrame(e) : -1;
	const swapSlot = e < 0 ? swapEntrySlot(e) : -1;
	const names = ['PGD', 'PUD', 'PMD', 'PTE'];
	const steps = names.map((n, i) => `${n}[${indexes[i]}]`);
	const end =
		levels < 4 ? 'none' : frame >= 0 ? `frame ${frame}` : swapSlot >= 0 ? `swap slot ${swapSlot}` : 'none';
	// A walk reads an entry of each table page that exists; the first empty entry ends it.
	const text = `${hex(addr)}: ${[...steps.slice(0, levels), end].join(' → ')}`;
	return {addr, indexes, levels, frame, swapSlot, text};
}

/** The address a region's walk shows: its first page with an entry (a stack: its top page), else its first page. */
export function walkAddress(pt: PageTable, r: Region): number {
	const {start, end} = vmaRange(r);
	// A stack's walk starts from its top, where its first frames are.
	const top = r.startVpn + r.pages - 1;
	if (r.growsDown && top < pt.covered && pt.get(top) !== 0) return end - PAGE_SIZE;
	const first = r.startVpn + (start - r.va) / PAGE_SIZE;
	const last = r.startVpn + (end - r.va) / PAGE_SIZE;
	const stop = Math.min(last, pt.covered);
	for (let v = pt.skip(first, stop); v < stop; v = pt.next(v, stop))
		if (pt.get(v) !== 0) return r.va + (v - r.startVpn) * PAGE_SIZE;
	return start;
}
