// Accounting checks: every frame is counted exactly once, and every counter agrees with the page
// tables, the page cache and the swap map it summarises. Tests call this after every tick.

import {MAX_ORDER} from './buddy.js';
import {checkForkSharing, sharedMappings} from './fork-invariants.js';
import {
	FRAME_ANON,
	FRAME_FILE,
	FRAME_FREE,
	FRAME_KERNEL,
	FRAME_SHMEM,
	FRAME_ZPOOL,
	PG_DIRTY,
	PG_WRITEBACK,
} from './frames.js';
import {HUGETLB_PAGES} from './hugetlb.js';
import type {Machine} from './machine.js';
import {presentFrame, swapEntrySlot} from './page-table.js';
import type {Proc} from './process.js';
import {SLOT_FREE, SLOT_ZSWAP} from './swap.js';
import {checkThp} from './thp-invariants.js';
import {PAGE_SIZE, pagesToKb} from './units.js';
import {REGION_ANON} from './vma.js';
import {OWNER_HUGETLB, OWNER_PAGE_TABLE} from './zone.js';

const KIND_NAMES = ['free', 'anon', 'file', 'shmem', 'kernel', 'zpool'];

export function checkInvariants(m: Machine): string[] {
	const errors: string[] = [];
	const counts = checkFrames(m, errors);
	let ptFrames = 0;
	let anonMapped = 0;
	for (const p of m.tasks.procs) {
		if (!p || p.exited) continue;
		const mine = checkProcess(m, p, errors);
		ptFrames += mine.tables;
		anonMapped += mine.anon;
	}
	// Each anon frame is mapped once, or by as many PTEs as its fork-shared mapcount says.
	const anonMappings = counts[FRAME_ANON]! + sharedMappings(m);
	if (anonMapped !== anonMappings)
		errors.push(
			`anon frames ${counts[FRAME_ANON]} with ${anonMappings} mappings, mapped anon PTEs ${anonMapped}`,
		);
	checkForkSharing(m, errors);
	checkThp(m, errors);
	const kernelExpected = m.zone.kernelStatic + m.zone.balloonPages + m.zone.hugetlbPages + ptFrames;
	if (kernelExpected !== counts[FRAME_KERNEL]) {
		errors.push(
			`kernel frames ${counts[FRAME_KERNEL]} != static + balloon + hugetlb + page tables ${kernelExpected}`,
		);
	}
	checkPageCache(m, counts, errors);
	checkSharedMappings(m, errors);
	checkCounters(m, errors);
	checkDirty(m, errors);
	checkMemcg(m, errors);
	return errors;
}

/**
 * Per cgroup, memory.current is the frames charged to it and its descendants, and
 * memory.swap.current the swap slots; every user page is charged and no free frame is.
 */
function checkMemcg(m: Machine, errors: string[]): void {
	const mc = m.memcg;
	if (!mc.enabled) return;
	const n = mc.count;
	const pages = new Int32Array(n);
	const frames = m.zone.frames;
	for (let f = 0; f < mc.memcgOf.length; f++) {
		const c = mc.memcgOf[f]!;
		const kind = frames.kind[f]!;
		if (c < 0) {
			if (kind === FRAME_ANON || kind === FRAME_FILE || kind === FRAME_SHMEM)
				errors.push(`frame ${f} (${KIND_NAMES[kind]}) is charged to no memcg`);
			continue;
		}
		if (kind === FRAME_FREE) errors.push(`free frame ${f} is still charged to memcg ${mc.nodes[c]!.path}`);
		pages[c]!++;
	}
	const swapPages = new Int32Array(n);
	const swap = m.swapfile.area;
	for (let s = 0; s < mc.swapMemcgOf.length; s++) {
		const c = mc.swapMemcgOf[s]!;
		if (c < 0) continue;
		if (swap && swap.state[s] === SLOT_FREE) errors.push(`free swap slot ${s} is still charged`);
		swapPages[c]!++;
	}
	for (let c = n - 1; c > 0; c--) {
		pages[mc.nodes[c]!.parent]! += pages[c]!;
		swapPages[mc.nodes[c]!.parent]! += swapPages[c]!;
	}
	for (let c = 0; c < n; c++) {
		const path = mc.nodes[c]!.path;
		if (mc.usage[c] !== pages[c])
			errors.push(`memcg ${path} memory.current ${mc.usage[c]}, frames charged ${pages[c]}`);
		if (mc.swapUsage[c] !== swapPages[c])
			errors.push(`memcg ${path} memory.swap.current ${mc.swapUsage[c]}, slots charged ${swapPages[c]}`);
		if (mc.peak[c]! < mc.usage[c]!)
			errors.push(`memcg ${path} memory.peak ${mc.peak[c]} below memory.current`);
	}
}

/** Every frame has one kind, the per-kind counts and the free list agree, the zpool holds its bytes. */
function checkFrames(m: Machine, errors: string[]): Int32Array {
	const zone = m.zone;
	const n = zone.totalPages;
	const counts = new Int32Array(KIND_NAMES.length);
	const {kind, owner} = zone.frames;
	let pool = 0;
	for (let f = 0; f < n; f++) {
		const k = kind[f]!;
		counts[k]!++;
		if (k === FRAME_KERNEL && owner[f] === OWNER_HUGETLB) pool++;
	}
	for (let k = 0; k < KIND_NAMES.length; k++) {
		if (counts[k] !== zone.kindCount[k])
			errors.push(`${KIND_NAMES[k]}: counted ${zone.kindCount[k]}, frames say ${counts[k]}`);
	}
	const sum = counts.reduce((a, b) => a + b, 0);
	if (sum !== n) errors.push(`frames sum to ${sum}, total ${n}`);
	if (zone.freePages !== counts[FRAME_FREE])
		errors.push(`buddy nr_free ${zone.freePages} vs free frames ${counts[FRAME_FREE]}`);
	checkBuddy(m, errors);
	checkHugetlb(m, pool, errors);
	const zpoolNeed = Math.ceil(m.zswap.bytes / PAGE_SIZE) + Math.ceil((m.zram?.bytes ?? 0) / PAGE_SIZE);
	if (counts[FRAME_ZPOOL]! < zpoolNeed)
		errors.push(`zpool ${counts[FRAME_ZPOOL]} frames hold ${zpoolNeed} pages of data`);
	return counts;
}

/**
 * The hugetlb pool (hugetlb.ts): whole aligned 2 MiB blocks of kernel frames, as many as zone.hugetlbPages
 * says; meminfo's Hugetlb is that in kB, and MemFree does not count it.
 */
function checkHugetlb(m: Machine, pool: number, errors: string[]): void {
	const zone = m.zone;
	// Each 2 MiB block holding a pool frame is the pool's whole (only looked at when there is a pool).
	for (let head = 0; pool > 0 && head < zone.totalPages; head += HUGETLB_PAGES) {
		let inPool = 0;
		for (let f = head; f < Math.min(head + HUGETLB_PAGES, zone.totalPages); f++)
			if (zone.frames.owner[f] === OWNER_HUGETLB) inPool++;
		if (inPool !== 0 && inPool !== HUGETLB_PAGES)
			errors.push(`hugetlb block ${head}: ${inPool} of 512 frames in the pool`);
	}
	if (pool !== zone.hugetlbPages) errors.push(`hugetlb frames ${pool} != pool ${zone.hugetlbPages}`);
	const mi = m.hugetlb.reportMeminfo();
	if (mi.Hugetlb !== pagesToKb(pool) || mi.HugePages_Total * HUGETLB_PAGES !== pool)
		errors.push(
			`meminfo Hugetlb ${mi.Hugetlb} kB, HugePages_Total ${mi.HugePages_Total}, pool frames ${pool}`,
		);
}

/**
 * The buddy lists (buddy.ts): free blocks by order sum to MemFree, cover only free frames and never
 * overlap; each is aligned to its order, and its buddy is not a free block of that order (it would have
 * merged, __free_one_page).
 */
function checkBuddy(m: Machine, errors: string[]): void {
	const zone = m.zone;
	const b = zone.buddy;
	const covered = new Uint8Array(zone.totalPages);
	let pages = 0;
	for (let f = 0; f < zone.totalPages; f++) {
		const order = b.orderOf(f);
		if (order < 0) continue;
		const size = 1 << order;
		pages += size;
		if (f & (size - 1)) errors.push(`free block ${f} of order ${order} is not aligned`);
		const buddy = f ^ size;
		if (order < MAX_ORDER && buddy < zone.totalPages && b.orderOf(buddy) === order)
			errors.push(`free block ${f} and its buddy ${buddy} (order ${order}) did not merge`);
		for (let g = f; g < f + size && g < zone.totalPages; g++) {
			if (covered[g]) errors.push(`frame ${g} is in two free blocks`);
			covered[g] = 1;
			if (zone.frames.kind[g] !== FRAME_FREE) errors.push(`frame ${g} is in a free block but not free`);
		}
	}
	let listed = 0;
	for (let o = 0; o <= MAX_ORDER; o++) listed += b.freeBlocks(o) << o;
	if (pages !== zone.freePages || listed !== zone.freePages)
		errors.push(`free blocks hold ${pages} pages, nr_free by order ${listed}, MemFree ${zone.freePages}`);
}

/** A process's counters against its page table. Returns its anon pages and page-table pages. */
function checkProcess(m: Machine, p: Proc, errors: string[]): {anon: number; tables: number} {
	const frames = m.zone.frames;
	const swap = m.swapfile.area;
	const pt = p.pt;
	const who = `${p.name}[${p.pid}]`;
	const mapcount = m.rmap.anonMapcount;
	let anon = 0;
	let swapped = 0;
	let zswapped = 0;
	for (const r of p.regions) {
		if (r.kind !== REGION_ANON) continue;
		const end = Math.min(r.startVpn + r.pages, pt.covered);
		for (let v = pt.skip(r.startVpn, end); v < end; v = pt.next(v, end)) {
			const e = pt.get(v);
			if (e !== 0 && pt.tables[pt.tableOf(v)] === 0)
				errors.push(`${who} vpn ${v} has an entry and no PTE page`);
			if (e > 0) {
				const f = presentFrame(e);
				// A fork-shared page's owner is any one of its mappers (fork-invariants.ts checks it).
				const shared = mapcount !== null && mapcount[f]! > 0;
				if (
					frames.kind[f] !== FRAME_ANON ||
					(!shared && frames.owner[f] !== p.slot) ||
					frames.index[f] !== v
				) {
					errors.push(`${who} vpn ${v} maps frame ${f} that is not its anon page`);
				}
				anon++;
			} else if (e < 0) {
				swapped++;
				const slot = swapEntrySlot(e);
				if (!swap || swap.state[slot] === SLOT_FREE)
					errors.push(`${who} vpn ${v} points at free slot ${slot}`);
				else if (swap.state[slot] === SLOT_ZSWAP) zswapped++;
			}
		}
	}
	const held = checkPageTable(m, p, errors);
	if (anon !== p.rssAnon) errors.push(`${who} rssAnon ${p.rssAnon}, page table says ${anon}`);
	if (swapped !== p.swapEnts) errors.push(`${who} swapEnts ${p.swapEnts}, page table says ${swapped}`);
	if (zswapped !== p.zswapEnts) errors.push(`${who} zswapEnts ${p.zswapEnts}, page table says ${zswapped}`);
	for (const [name, v] of Object.entries({
		rssFile: p.rssFile,
		rssShmem: p.rssShmem,
		minflt: p.minflt,
		majflt: p.majflt,
	})) {
		if (v < 0) errors.push(`${who} ${name} is negative (${v})`);
	}
	return {anon, tables: held};
}

/**
 * The table pages of every level (page-table.ts): each is a kernel frame owned by the page tables,
 * each level's count is the pages it holds, and each table hangs under one of the level above (a PTE
 * page under a PMD page, a PMD page under a PUD page, all under the PGD). Returns the pages held.
 */
function checkPageTable(m: Machine, p: Proc, errors: string[]): number {
	const pt = p.pt;
	const {kind, owner} = m.zone.frames;
	const who = `${p.name}[${p.pid}]`;
	const isTablePage = (e: number): boolean => {
		const f = presentFrame(e);
		return kind[f] === FRAME_KERNEL && owner[f] === OWNER_PAGE_TABLE;
	};
	let held = 0;
	const levels = [
		{name: 'PTE', table: pt.tables, count: pt.nTables, parent: (i: number) => pt.pmds[pt.pmdOf(i)]},
		{name: 'PMD', table: pt.pmds, count: pt.nPmds, parent: (i: number) => pt.puds[(i / 512) | 0]},
		{name: 'PUD', table: pt.puds, count: pt.nPuds, parent: () => pt.pgd},
	];
	for (const level of levels) {
		let n = 0;
		for (let i = 0; i < level.table.length; i++) {
			const e = level.table[i]!;
			if (e === 0) continue;
			n++;
			if (!isTablePage(e))
				errors.push(`${who} ${level.name} page ${i} is frame ${presentFrame(e)}, not a page-table page`);
			if (level.parent(i) === 0)
				errors.push(`${who} ${level.name} page ${i} hangs under no table of the level above`);
		}
		if (n !== level.count)
			errors.push(`${who} counts ${level.count} ${level.name} pages, its page table holds ${n}`);
		held += n;
	}
	if (pt.pgd !== 0) {
		held++;
		if (!isTablePage(pt.pgd))
			errors.push(`${who} PGD is frame ${presentFrame(pt.pgd)}, not a page-table page`);
	}
	return held;
}

/**
 * Shared mappings (rmap.ts): each process's RssFile and RssShmem count its PTEs mapping file and shmem
 * pages, each such PTE maps its object's page at its offset, and every page's _mapcount is the PTEs
 * mapping it less one.
 */
function checkSharedMappings(m: Machine, errors: string[]): void {
	const frames = m.zone.frames;
	const ptes = new Int32Array(m.totalPages);
	for (const p of m.tasks.procs) {
		if (!p || p.exited) continue;
		const pt = p.pt;
		let file = 0;
		let shmem = 0;
		for (const r of p.regions) {
			if (r.kind === REGION_ANON) continue;
			const end = Math.min(r.startVpn + r.pages, pt.covered);
			for (let v = pt.skip(r.startVpn, end); v < end; v = pt.next(v, end)) {
				const e = pt.get(v);
				if (e <= 0) continue;
				if (pt.tables[pt.tableOf(v)] === 0)
					errors.push(`${p.name}[${p.pid}] vpn ${v} is mapped with no PTE page`);
				const f = presentFrame(e);
				if (frames.owner[f] !== r.objectId || frames.index[f] !== v - r.startVpn)
					errors.push(`${p.name}[${p.pid}] vpn ${v} maps frame ${f}, not its object's page`);
				ptes[f]!++;
				if (frames.kind[f] === FRAME_SHMEM) shmem++;
				else file++;
			}
		}
		if (file !== p.rssFile) errors.push(`${p.name}[${p.pid}] rssFile ${p.rssFile}, page table says ${file}`);
		if (shmem !== p.rssShmem)
			errors.push(`${p.name}[${p.pid}] rssShmem ${p.rssShmem}, page table says ${shmem}`);
	}
	const mapcount = m.zone.mapcount;
	for (let f = 0; f < m.totalPages; f++) {
		const k = frames.kind[f];
		if (k !== FRAME_FILE && k !== FRAME_SHMEM) continue;
		if (mapcount[f]! + 1 !== ptes[f])
			errors.push(`frame ${f} _mapcount ${mapcount[f]}, mapped by ${ptes[f]} PTEs`);
	}
}

/** Each cached frame is its object's page, and the page cache holds every file and shmem frame. */
function checkPageCache(m: Machine, counts: Int32Array, errors: string[]): void {
	const frames = m.zone.frames;
	let cached = 0;
	for (const obj of m.files.files) {
		for (let o = 0; o < obj.pages; o++) {
			const c = obj.cache[o]!;
			if (c <= 0) continue;
			cached++;
			const f = presentFrame(c);
			const kind = frames.kind[f];
			if (
				(kind !== FRAME_FILE && kind !== FRAME_SHMEM) ||
				frames.owner[f] !== obj.id ||
				frames.index[f] !== o
			) {
				errors.push(`${obj.name}:${o} points at frame ${f} holding something else`);
			}
		}
	}
	if (cached !== counts[FRAME_FILE]! + counts[FRAME_SHMEM]!) {
		errors.push(
			`page cache holds ${cached} pages, file+shmem frames ${counts[FRAME_FILE]! + counts[FRAME_SHMEM]!}`,
		);
	}
}

/** Dirty and Writeback (meminfo) are the file frames with PG_dirty and the frames with PG_writeback. */
function checkDirty(m: Machine, errors: string[]): void {
	const {kind, flags} = m.zone.frames;
	let dirty = 0;
	let writeback = 0;
	for (let f = 0; f < m.zone.totalPages; f++) {
		if (kind[f] === FRAME_FILE && flags[f]! & PG_DIRTY) dirty++;
		if (flags[f]! & PG_WRITEBACK) writeback++;
	}
	if (dirty !== m.writeback.nrDirty) errors.push(`nr_dirty ${m.writeback.nrDirty}, frames say ${dirty}`);
	if (writeback !== m.writeback.nrWriteback)
		errors.push(`nr_writeback ${m.writeback.nrWriteback}, frames say ${writeback}`);
}

/** The swap map's used count, and no counter negative or not finite. */
function checkCounters(m: Machine, errors: string[]): void {
	const swap = m.swapfile.area;
	if (swap) {
		let used = 0;
		for (let s = 0; s < swap.total; s++) if (swap.state[s] !== SLOT_FREE) used++;
		if (used !== swap.used) errors.push(`swap used ${swap.used}, slots say ${used}`);
	}
	for (const [k, v] of Object.entries(m.vm))
		if (v < 0 || !Number.isFinite(v)) errors.push(`vmstat ${k} = ${v}`);
	for (const [k, v] of Object.entries({
		nrDirty: m.writeback.nrDirty,
		nrMapped: m.rmap.nrMapped,
		nrSwapCached: m.swapfile.nrSwapCached,
		zswapBytes: m.zswap.bytes,
	})) {
		if (v < 0) errors.push(`${k} is negative (${v})`);
	}
}
