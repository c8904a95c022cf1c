// One policy's run for `memtop compare`: pure simulation, so it can run in a worker thread or here.
import {Machine} from '../sim/machine.js';
import {takeSnapshot} from '../sim/snapshot.js';
import type {Workload} from '../sim/spec.js';
import {TICKS_PER_SECOND} from '../sim/units.js';

export interface CompareResult {
	policy: string;
	majorFaults: number;
	refaults: number;
	swapOuts: number;
	psiSomeAvg60: number;
	psiFullAvg60: number;
	oomKills: number;
	/** Page references all processes completed: the work the machine got done. */
	progress: number;
	/** Mean over processes of references done / references wanted. */
	meanProgress: number;
}

/** Ticks between progress reports (a second of simulated time). */
export const PROGRESS_EVERY_TICKS = TICKS_PER_SECOND;

export function runPolicy(
	workload: Workload,
	seed: number,
	policy: string,
	duration: number,
	onProgress?: (fraction: number) => void,
): CompareResult {
	const m = new Machine(workload, {seed, policy});
	const ticks = Math.round(duration * TICKS_PER_SECOND);
	let wanted = 0;
	let done = 0;
	for (let i = 0; i < ticks; i++) {
		if (onProgress && i % PROGRESS_EVERY_TICKS === 0) onProgress(i / ticks);
		m.step();
		for (const p of m.procs) {
			if (!p || p.exited) continue;
			wanted += p.tickRefsWanted;
			done += p.tickRefsDone;
		}
	}
	const s = takeSnapshot(m, {regions: false});
	return {
		policy,
		majorFaults: s.vmstat.pgmajfault,
		refaults: s.vmstat.workingset_refault_anon + s.vmstat.workingset_refault_file,
		swapOuts: s.vmstat.pswpout + s.vmstat.zswpout,
		psiSomeAvg60: s.psi.some.avg60,
		psiFullAvg60: s.psi.full.avg60,
		oomKills: s.oomKills,
		progress: m.totalRefs,
		meanProgress: wanted > 0 ? done / wanted : 1,
	};
}
