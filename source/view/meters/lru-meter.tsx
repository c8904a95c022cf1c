// The LRU lists reclaim works on (mm/vmscan.c): active and inactive, anon and file, with the
// traffic between them per second. pgactivate: pages promoted to active (referenced twice,
// folio_check_references / folio_activate); pgdeactivate: aged back to inactive by
// shrink_active_list; workingset_activate: refaults so recent they go straight to active.
import type {Snapshot} from '../../sim/snapshot-types.js';
import {formatCount, formatPages} from '../format.js';
import {joinFitting, Line, type Span} from '../line.js';
import type {Rates} from '../rates.js';
import {theme} from '../theme.js';

/** meminfo kB as pages. */
const pages = (kb: number): number => Math.round(kb / 4);

export function lruSizes(snapshot: Snapshot) {
	const m = snapshot.meminfo;
	return {
		activeAnon: pages(m['Active(anon)']),
		inactiveAnon: pages(m['Inactive(anon)']),
		activeFile: pages(m['Active(file)']),
		inactiveFile: pages(m['Inactive(file)']),
	};
}

export function LruMeter({snapshot, rates, width}: {snapshot: Snapshot; rates: Rates; width: number}) {
	const lru = lruSizes(snapshot);
	const pair = (label: string, active: number, inactive: number, colour: Span['colour']): Span[] => [
		{text: `${label} `, colour},
		{text: formatPages(active), colour: theme.value},
		{text: '/', colour: theme.dim},
		{text: formatPages(inactive), colour: theme.value},
	];
	const rate = (label: string, value: number): Span[] => [
		{text: `${label} `, colour: theme.dim},
		{text: `${formatCount(value)}/s`, colour: theme.value},
	];
	const groups: Span[][] = [
		[
			{text: 'LRU', colour: theme.label, bold: true},
			{text: ' act/inact ', colour: theme.dim},
			...pair('anon', lru.activeAnon, lru.inactiveAnon, theme.anon),
		],
		pair('file', lru.activeFile, lru.inactiveFile, theme.fileClean),
		rate('pgactivate', rates.pgactivate),
		rate('pgdeactivate', rates.pgdeactivate),
		rate('workingset_activate', rates.workingsetActivate),
	];
	return <Line spans={joinFitting(groups, width)} width={width} />;
}
