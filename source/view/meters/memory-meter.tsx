// The Mem bar: where every frame of RAM is, in the order htop draws it (used, then caches).
import type {Snapshot} from '../../sim/snapshot-types.js';
import {formatPages} from '../format.js';
import {joinFitting, Line, type Span} from '../line.js';
import {theme} from '../theme.js';
import {barSpans, METER_CHROME, meterSpans, type Segment} from './bar.js';

/** Dirty page cache in pages (meminfo Dirty is kB), never more than the cache itself. */
export function dirtyPages(snapshot: Snapshot): number {
	return Math.min(snapshot.frames.file, Math.round(snapshot.meminfo.Dirty / 4));
}

export function memorySegments(snapshot: Snapshot): Segment[] {
	const {frames} = snapshot;
	const dirty = dirtyPages(snapshot);
	return [
		{value: frames.anon, colour: theme.anon},
		{value: frames.shmem, colour: theme.shmem},
		{value: frames.zpool, colour: theme.zpool},
		{value: frames.kernel, colour: theme.kernel},
		{value: dirty, colour: theme.fileDirty},
		{value: frames.file - dirty, colour: theme.fileClean},
	];
}

/** "Used" as htop means it: everything but free memory and the (reclaimable) page cache. */
export function usedPages(snapshot: Snapshot): number {
	const {frames} = snapshot;
	return frames.anon + frames.shmem + frames.zpool + frames.kernel;
}

export function MemoryMeter({snapshot, width}: {snapshot: Snapshot; width: number}) {
	const text = `${formatPages(usedPages(snapshot))}/${formatPages(snapshot.totalPages)}`;
	const inner = barSpans(memorySegments(snapshot), snapshot.totalPages, width - METER_CHROME, text);
	return <Line spans={meterSpans('Mem', inner)} width={width} />;
}

const item = (label: string, pages: number, colour: Span['colour']): Span[] => [
	{text: `${label} `, colour},
	{text: formatPages(pages), colour: theme.value},
];

/** The legend under the bar: each segment's size in its own colour, then MemAvailable. */
/** The legend under the bar: each segment's size in its own colour, most telling first. */
export function MemoryBreakdown({snapshot, width}: {snapshot: Snapshot; width: number}) {
	const {frames} = snapshot;
	const groups: Span[][] = [
		item('anon', frames.anon, theme.anon),
		item('cache', frames.file, theme.fileClean),
		item('dirty', dirtyPages(snapshot), theme.fileDirty),
		item('shm', frames.shmem, theme.shmem),
		item('kern', frames.kernel, theme.kernel),
		item('zpool', frames.zpool, theme.zpool),
	];
	// Indented under the bar when there is room, like a caption.
	const indent = width >= 70 ? 4 : 0;
	return (
		<Line
			spans={[{text: ' '.repeat(indent)}, ...joinFitting(groups, width - indent, width >= 70 ? 2 : 1)]}
			width={width}
		/>
	);
}
