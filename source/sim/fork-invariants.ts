// Accounting checks for what fork(2) shares (fork.ts, rmap.ts): once a fork has happened, every anon
// page is mapped by exactly as many PTEs as its mapcount says, its owner is one of them, and every
// swap slot has as many references (PTEs holding its entry, shmem slots, a swap-cache page) as
// swap_map counts. Before any fork there is nothing shared and nothing to check.
import {FRAME_ANON, PG_SWAPCACHE} from './frames.js';
import type {Machine} from './machine.js';
import {OBJ_SHMEM} from './page-cache.js';
import {presentFrame, swapEntrySlot} from './page-table.js';
import {SLOT_FREE} from './swap.js';
import {REGION_ANON} from './vma.js';

/** Mappings beyond one of the fork-shared anon pages: Σ (page_mapcount − 1). */
export function sharedMappings(m: Machine): number {
	const mc = m.rmap.anonMapcount;
	if (!mc) return 0;
	const kind = m.zone.frames.kind;
	let n = 0;
	for (let f = 0; f < mc.length; f++) if (mc[f]! > 0 && kind[f] === FRAME_ANON) n += mc[f]!;
	return n;
}

export function checkForkSharing(m: Machine, errors: string[]): void {
	const mc = m.rmap.anonMapcount;
	if (!mc) return;
	const frames = m.zone.frames;
	const total = m.zone.totalPages;
	const ptes = new Int32Array(total);
	const ownerMaps = new Uint8Array(total);
	const swap = m.swapfile.area;
	const refs = swap ? new Int32Array(swap.total) : null;
	for (const p of m.tasks.procs) {
		if (!p || p.exited) continue;
		const pt = p.pt;
		for (const r of p.regions) {
			if (r.kind !== REGION_ANON) continue;
			const end = Math.min(r.startVpn + r.pages, pt.covered);
			for (let v = pt.skip(r.startVpn, end); v < end; v = pt.next(v, end)) {
				const e = pt.get(v);
				if (e > 0) {
					const f = presentFrame(e);
					ptes[f]!++;
					if (frames.owner[f] === p.slot) ownerMaps[f] = 1;
				} else if (e < 0 && refs) refs[swapEntrySlot(e)]!++;
			}
		}
	}
	for (let f = 0; f < total; f++) {
		if (frames.kind[f] !== FRAME_ANON) {
			if (mc[f] !== 0) errors.push(`frame ${f} is not anon but has anon mapcount ${mc[f]}`);
			continue;
		}
		if (ptes[f] !== 1 + mc[f]!)
			errors.push(`anon frame ${f}: mapcount says ${1 + mc[f]!} mappers, ${ptes[f]} PTEs map it`);
		if (!ownerMaps[f]) errors.push(`anon frame ${f}: its owner (slot ${frames.owner[f]}) does not map it`);
	}
	if (!swap || !refs || !swap.extra) return;
	for (const obj of m.files.files) {
		if (!obj || obj.kind !== OBJ_SHMEM) continue;
		for (let o = 0; o < obj.pages; o++) if (obj.cache[o]! < 0) refs[-obj.cache[o]! - 1]!++;
	}
	for (let f = 0; f < total; f++) if (frames.flags[f]! & PG_SWAPCACHE) refs[m.zone.frameSlot[f]!]!++;
	for (let s = 0; s < swap.total; s++) {
		if (swap.state[s] === SLOT_FREE) {
			if (refs[s] !== 0) errors.push(`free swap slot ${s} has ${refs[s]} references`);
			continue;
		}
		if (refs[s] !== 1 + swap.extra[s]!)
			errors.push(`swap slot ${s}: swap_map says ${1 + swap.extra[s]!} references, found ${refs[s]}`);
	}
}
