// Accounting checks: every frame is counted exactly once, and every counter agrees with the page
// tables, the page cache and the swap map it summarises. Tests call this after every tick.
import {FRAME_ANON, FRAME_FILE, FRAME_FREE, FRAME_KERNEL, FRAME_SHMEM, FRAME_ZPOOL} from './frames.js';
import type {Machine} from './machine.js';
import {REGION_ANON} from './process.js';
import {SLOT_FREE, SLOT_ZSWAP} from './swap.js';

export function checkInvariants(m: Machine): string[] {
	const errors: string[] = [];
	const n = m.totalPages;
	const counts = new Int32Array(6);
	for (let f = 0; f < n; f++) counts[m.frames.kind[f]!]!++;
	const names = ['free', 'anon', 'file', 'shmem', 'kernel', 'zpool'];
	for (let k = 0; k < 6; k++) {
		if (counts[k] !== m.kindCount[k])
			errors.push(`${names[k]}: counted ${m.kindCount[k]}, frames say ${counts[k]}`);
	}
	const sum = counts.reduce((a, b) => a + b, 0);
	if (sum !== n) errors.push(`frames sum to ${sum}, total ${n}`);
	if (m.freePages !== counts[FRAME_FREE])
		errors.push(`free stack ${m.freePages} vs free frames ${counts[FRAME_FREE]}`);
	const zpoolNeed = Math.ceil(m.zswapBytes / 4096) + Math.ceil(m.zramBytes / 4096);
	if (counts[FRAME_ZPOOL]! < zpoolNeed)
		errors.push(`zpool ${counts[FRAME_ZPOOL]} frames hold ${zpoolNeed} pages of data`);

	// Per-process counters against page tables.
	const swap = m.swap;
	let ptFrames = 0;
	let anonMapped = 0;
	for (const p of m.procs) {
		if (!p || p.exited) continue;
		let anon = 0;
		let swapped = 0;
		let zswapped = 0;
		for (const r of p.regions) {
			if (r.kind !== REGION_ANON) continue;
			const end = Math.min(r.startVpn + r.pages, p.pt.length);
			for (let v = r.startVpn; v < end; v++) {
				const e = p.pt[v]!;
				if (e > 0) {
					const f = e - 1;
					if (m.frames.kind[f] !== FRAME_ANON || m.frames.owner[f] !== p.slot || m.frames.index[f] !== v) {
						errors.push(`${p.name}[${p.pid}] vpn ${v} maps frame ${f} that is not its anon page`);
					}
					anon++;
				} else if (e < 0) {
					swapped++;
					const slot = -e - 1;
					if (!swap || swap.state[slot] === SLOT_FREE)
						errors.push(`${p.name}[${p.pid}] vpn ${v} points at free slot ${slot}`);
					else if (swap.state[slot] === SLOT_ZSWAP) zswapped++;
				}
			}
		}
		for (let c = 0; c < p.ptPages.length; c++) if (p.ptPages[c]! > 0) ptFrames++;
		anonMapped += anon;
		if (anon !== p.rssAnon) errors.push(`${p.name}[${p.pid}] rssAnon ${p.rssAnon}, page table says ${anon}`);
		if (swapped !== p.swapEnts)
			errors.push(`${p.name}[${p.pid}] swapEnts ${p.swapEnts}, page table says ${swapped}`);
		if (zswapped !== p.zswapEnts)
			errors.push(`${p.name}[${p.pid}] zswapEnts ${p.zswapEnts}, page table says ${zswapped}`);
		for (const [name, v] of Object.entries({
			rssFile: p.rssFile,
			rssShmem: p.rssShmem,
			minflt: p.minflt,
			majflt: p.majflt,
		})) {
			if (v < 0) errors.push(`${p.name}[${p.pid}] ${name} is negative (${v})`);
		}
	}
	if (anonMapped !== counts[FRAME_ANON])
		errors.push(`anon frames ${counts[FRAME_ANON]}, mapped anon pages ${anonMapped}`);
	const kernelExpected = m.internals().kernelStatic + m.balloonPages + ptFrames;
	if (kernelExpected !== counts[FRAME_KERNEL]) {
		errors.push(`kernel frames ${counts[FRAME_KERNEL]} != static + balloon + page tables ${kernelExpected}`);
	}
	// Page cache: each cached frame is the object's page.
	let cached = 0;
	for (const obj of m.files) {
		for (let o = 0; o < obj.pages; o++) {
			const c = obj.cache[o]!;
			if (c <= 0) continue;
			cached++;
			const f = c - 1;
			const kind = m.frames.kind[f];
			if (
				(kind !== FRAME_FILE && kind !== FRAME_SHMEM) ||
				m.frames.owner[f] !== obj.id ||
				m.frames.index[f] !== o
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
	if (swap) {
		let used = 0;
		for (let s = 0; s < swap.total; s++) if (swap.state[s] !== SLOT_FREE) used++;
		if (used !== swap.used) errors.push(`swap used ${swap.used}, slots say ${used}`);
	}
	for (const [k, v] of Object.entries(m.vm))
		if (v < 0 || !Number.isFinite(v)) errors.push(`vmstat ${k} = ${v}`);
	for (const [k, v] of Object.entries({
		nrDirty: m.nrDirty,
		nrMapped: m.nrMapped,
		nrSwapCached: m.nrSwapCached,
		zswapBytes: m.zswapBytes,
	})) {
		if (v < 0) errors.push(`${k} is negative (${v})`);
	}
	return errors;
}
