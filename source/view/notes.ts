// The workload's narration on screen: which note the banner under the header shows. Notes reach the
// dashboard as `note` events (sim/events.ts) in the session's event log, live and in replays alike;
// the banner shows the latest while it is fresh. Live, n/N recall earlier notes into the banner
// (UiState.recalledNote); in a replay they are timeline markers that n/N seek to.
import type {LoggedEvent} from '../session/types.js';
import {TICKS_PER_SECOND} from '../sim/units.js';

/** A note stays in the banner this long (simulated time), or until the next one. */
export const NOTE_FRESH_TICKS = 20 * TICKS_PER_SECOND;

export interface Note {
	/** The tick the machine emitted it at (its `at`, rounded to a tick). */
	tick: number;
	text: string;
}

/** A note n/N brought back, and the tick the clock was at then (it stays fresh from there). */
export interface RecalledNote extends Note {
	at: number;
}

/** The banner's note; `recalled` when n/N brought it back rather than the clock. */
export interface ShownNote extends Note {
	recalled: boolean;
}

/** The notes of the event log that happened by `now`, oldest first. */
export function notesSoFar(log: readonly LoggedEvent[], now: number): Note[] {
	const notes: Note[] = [];
	for (const {event} of log) if (event.kind === 'note' && event.tick < now) notes.push(event);
	return notes;
}

/** The latest note of the log by `now`, if any (scanning back from the newest). */
function latestNote(log: readonly LoggedEvent[], now: number): Note | null {
	for (let i = log.length - 1; i >= 0; i--) {
		const e = log[i]!.event;
		if (e.kind === 'note' && e.tick < now) return e;
	}
	return null;
}

/**
 * What the banner shows at tick `now` (the snapshot's: a note of tick T is in the log from T + 1):
 * a recalled note while it is fresh and no newer one has come, else the latest note while it is.
 */
export function currentNote(
	log: readonly LoggedEvent[],
	now: number,
	recalled: RecalledNote | null = null,
): ShownNote | null {
	const latest = latestNote(log, now);
	if (recalled && now >= recalled.at && now - recalled.at < NOTE_FRESH_TICKS) {
		if (!latest || latest.tick <= recalled.at)
			return {tick: recalled.tick, text: recalled.text, recalled: true};
	}
	if (latest && now - latest.tick <= NOTE_FRESH_TICKS)
		return {tick: latest.tick, text: latest.text, recalled: false};
	return null;
}

/**
 * The note n (`later`) or N brings back live, from the one shown (or, with none shown, the latest
 * for N). Null when there is none that way.
 */
export function recallNote(
	log: readonly LoggedEvent[],
	now: number,
	shown: Note | null,
	later: boolean,
): Note | null {
	const notes = notesSoFar(log, now);
	if (notes.length === 0) return null;
	const i = shown ? notes.findIndex((n) => n.tick === shown.tick && n.text === shown.text) : -1;
	if (i < 0) return later ? null : notes.at(-1)!;
	return notes[later ? i + 1 : i - 1] ?? null;
}

/** "0:40", "12:05", "1:02:05": a note's time, as short as it goes. */
export function noteTime(tick: number): string {
	const total = Math.floor(tick / TICKS_PER_SECOND);
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = String(total % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
