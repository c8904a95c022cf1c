// The most bytes a saved state of a recording's machine can have, from what the file says the machine
// is: the bound a state must decompress within. A state is the machine's arrays and a JSON header
// (sim/state-codec.ts). Their sizes follow from the header's machine and the processes that can
// exist in the run: the arrays per page of RAM and per swap slot (the frame table, the LRU lists, the
// policy's arrays, the swap map) as a machine of that workload has them when built; per virtual page
// of every process the workload and the file's spawn commands can start (a page-table entry and its
// touch stamp, the page-table pages); per page of every file or shmem object they map (the page
// cache); and the arrays that grow with use (the zswap pool's frames, the dirty ring), which never
// exceed twice the frames they track. A branch's states also hold processes its parent spawned,
// which its file does not name: they get the loose bound of compression.ts.
import {Machine} from '../sim/machine.js';
import type {ProcessSpec, Workload} from '../sim/spec.js';
import {saveMachine} from '../sim/state-codec.js';
import {GIB, MIB, PAGE_SIZE} from '../sim/units.js';
import {looseStateBound} from './compression.js';

/** Page-table entry (Int32) and touch stamp (Uint16) per virtual page. */
const BYTES_PER_VIRTUAL_PAGE = 6;
/** Page-table pages: one Int32 per 512 entries, plus one. */
const PTES_PER_TABLE = 512;
/** Page-cache index (Int32) per page of a file or shmem object. */
const BYTES_PER_OBJECT_PAGE = 4;
/** zswap pool frames (Int32) and the dirty ring (two Int32 per entry), each at most twice the frames. */
const GROWING_BYTES_PER_FRAME = 2 * 4 + 2 * 2 * 4;
/** A process's small arrays (streams, WSS buckets) and its part of the JSON header, spec included. */
const BYTES_PER_PROCESS = 16 * 1024;
/** The rest of the JSON header (counters, sysctls, the once-only messages), with room to spare. */
const HEADER_BYTES = MIB;

function processBytes(spec: ProcessSpec): number {
	let bytes = BYTES_PER_PROCESS + JSON.stringify(spec).length;
	for (const region of spec.regions) {
		const pages = Math.ceil(region.size / PAGE_SIZE);
		bytes += pages * BYTES_PER_VIRTUAL_PAGE + (Math.ceil(pages / PTES_PER_TABLE) + 1) * 4;
		if (region.kind !== 'anon') bytes += pages * BYTES_PER_OBJECT_PAGE;
	}
	return bytes;
}

/**
 * The most bytes a state of this recording can have: a machine of `workload` under `policy` as built,
 * plus every process the workload and `spawned` (the file's spawn commands) can start, plus the arrays
 * that grow. With `branch`, the loose bound (see the note above).
 */
export function stateBound(
	workload: Workload,
	policy: string,
	spawned: readonly ProcessSpec[],
	branch: boolean,
): number {
	if (branch) return looseStateBound(workload);
	const machine = new Machine(workload, {seed: 1, policy});
	let bytes = saveMachine(machine).length + HEADER_BYTES;
	bytes += machine.zone.frames.count * GROWING_BYTES_PER_FRAME;
	for (const group of workload.processes) bytes += group.count * processBytes(group);
	for (const {command} of workload.events)
		if (command.kind === 'spawn') bytes += (command.count ?? 1) * processBytes(command.spec);
	for (const spec of spawned) bytes += processBytes(spec);
	return Math.min(4 * GIB - 1, bytes);
}
