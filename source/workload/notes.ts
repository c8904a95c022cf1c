// The `notes:` part of a workload file: narration, shown by the dashboard when the clock gets there.
// Notes change nothing in the machine.
import {duration, Expected, leaf, strict} from './leaves.js';

const NOTE_MAX = 400;
const noteText = leaf((v) => {
	if (typeof v !== 'string') return new Expected(`a line of text (at most ${NOTE_MAX} characters)`);
	const one = v.replace(/\s+/g, ' ').trim();
	return one.length > 0 && one.length <= NOTE_MAX
		? one
		: new Expected(`a line of text (at most ${NOTE_MAX} characters)`);
});

/** At most this many notes: a story, not a log. */
export const NOTES_MAX = 200;

export const noteSchema = strict(
	{at: duration({positive: false}), text: noteText},
	'a note like {at: 40s, text: "watch free memory fall below low"}',
);
