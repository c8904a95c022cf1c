// Transparent huge pages' checks (huge-memory.ts), called by invariants.ts: every huge PMD maps an
// order-9 block of PG_THP frames, subpage i at vpn start + i (PMD-mapped huge ↔ an order-9 block,
// a 4 KiB mapping otherwise); every PG_THP block is whole and some huge PMD maps it; NR_ANON_THPS
// counts those blocks.
import {FRAME_ANON, PG_THP} from './frames.js';
import {HPAGE_PMD_NR} from './huge-memory.js';
import type {Machine} from './machine.js';
import {mkPresent, PTES_PER_TABLE} from './page-table.js';

export function checkThp(m: Machine, errors: string[]): void {
	const frames = m.zone.frames;
	const pmdMapped = new Uint8Array(Math.ceil(frames.count / HPAGE_PMD_NR));
	for (const p of m.tasks.procs) {
		if (!p || p.exited) continue;
		const pt = p.pt;
		let huge = 0;
		for (let span = 0; span * PTES_PER_TABLE < pt.covered; span++) {
			if (!pt.huge.has(span)) continue;
			huge++;
			const start = span * PTES_PER_TABLE;
			const e = pt.get(start);
			const head = e - 1;
			if (e <= 0 || head % HPAGE_PMD_NR !== 0) {
				errors.push(`${p.name}: huge PMD at vpn ${start} maps entry ${e}, not an order-9 block`);
				continue;
			}
			if (pt.tables[span] === 0) errors.push(`${p.name}: huge PMD at vpn ${start} has no deposited table`);
			pmdMapped[head / HPAGE_PMD_NR] = 1;
			for (let i = 0; i < HPAGE_PMD_NR; i++) {
				const f = head + i;
				if (
					pt.get(start + i) !== mkPresent(f) ||
					!(frames.flags[f]! & PG_THP) ||
					frames.index[f] !== start + i
				) {
					errors.push(`${p.name}: huge PMD at vpn ${start}: subpage ${i} is not frame ${f} of its THP`);
					break;
				}
			}
		}
		if (huge !== pt.pmdMapped) errors.push(`${p.name}: ${huge} huge PMDs, pmdMapped says ${pt.pmdMapped}`);
	}
	let thps = 0;
	for (let head = 0; head < frames.count; head += HPAGE_PMD_NR) {
		let n = 0;
		for (let f = head; f < Math.min(frames.count, head + HPAGE_PMD_NR); f++)
			if (frames.flags[f]! & PG_THP && frames.kind[f] === FRAME_ANON) n++;
		if (n === 0) continue;
		if (n !== HPAGE_PMD_NR) errors.push(`THP at frame ${head}: ${n} of 512 frames are anon PG_THP`);
		else if (!pmdMapped[head / HPAGE_PMD_NR]) errors.push(`THP at frame ${head}: no huge PMD maps it`);
		thps++;
	}
	if (thps !== m.hugeMemory.nrAnonThps)
		errors.push(`${thps} THPs, NR_ANON_THPS says ${m.hugeMemory.nrAnonThps}`);
}
