// The workload's narration under the header: "▶ 0:40 A third batch job starts: watch free memory…",
// one line cut to the width, while the note is fresh (view/notes.ts says which note that is).
import {clip} from '../format.js';
import {Line} from '../line.js';
import {noteTime, type ShownNote} from '../notes.js';
import {theme} from '../theme.js';

export function NoteBanner({note, width}: {note: ShownNote; width: number}) {
	const head = `${note.recalled ? '◀' : '▶'} ${noteTime(note.tick)} `;
	return (
		<Line
			spans={[
				// Monochrome has no colour to set it apart: reverse video, as its bars.
				{text: head, colour: theme.note, bold: true, inverse: theme.note === undefined},
				{text: clip(note.text, Math.max(0, width - head.length)), colour: theme.note},
			]}
			width={width}
		/>
	);
}
