// One escape for text that came from outside (a workload or recording file, a flag, a file name)
// before it reaches a terminal: control characters would otherwise move the cursor, change the
// window title or clear the screen (ESC ] 0 ; … BEL, ESC [ 2 J). Printable text, including non-ASCII
// letters, passes unchanged; controls are shown as C-style escapes, so the reader still sees them.

/** C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = {
	'\u001b': '\\e',
	'\u0007': '\\a',
	'\b': '\\b',
	'\t': '\\t',
	'\n': '\\n',
	'\r': '\\r',
};

/** `text` safe to print: every control character as an escape (\e, \n, \x07, \u202e). */
export function escapeText(text: string): string {
	UNSAFE.lastIndex = 0;
	if (!UNSAFE.test(text)) return text;
	return text.replace(UNSAFE, (c) => {
		const named = NAMED[c];
		if (named) return named;
		const code = c.charCodeAt(0);
		return code <= 0xff
			? `\\x${code.toString(16).padStart(2, '0')}`
			: `\\u${code.toString(16).padStart(4, '0')}`;
	});
}
