// Terminal input as the keys a person pressed. Ink's parser cuts a chunk of stdin at escape
// sequences but hands plain text over whole, so a paste or fast typing ("ngi⏎") arrives as one
// string; here every character becomes its own press, as a terminal user typed it (issue 17.1).
// Escape sequences are decoded by the xterm/rxvt/Linux-console tables, SGR mouse reports too.

/** Keys with a name; printable characters are `char`. */
export type KeyName =
	| 'char'
	| 'up'
	| 'down'
	| 'left'
	| 'right'
	| 'pageup'
	| 'pagedown'
	| 'home'
	| 'end'
	| 'insert'
	| 'delete'
	| 'return'
	| 'escape'
	| 'tab'
	| 'backspace'
	| 'f1'
	| 'f2'
	| 'f3'
	| 'f4'
	| 'f5'
	| 'f6'
	| 'f7'
	| 'f8'
	| 'f9'
	| 'f10'
	| 'f11'
	| 'f12';

export interface KeyPress {
	kind: 'key';
	name: KeyName;
	/** The character for `char` (and the letter for ctrl+letter); '' otherwise. */
	char: string;
	ctrl: boolean;
	meta: boolean;
	shift: boolean;
}

export type MouseButton = 'left' | 'middle' | 'right' | 'wheel-up' | 'wheel-down';

/** An SGR (mode 1006) mouse report. Cells are 0-based from the top left. */
export interface MousePress {
	kind: 'mouse';
	button: MouseButton;
	x: number;
	y: number;
	/** False for a release (wheel events are presses only). */
	press: boolean;
	/** The pointer moved with a button held (mode 1002); we do not ask for it, but accept it. */
	motion: boolean;
}

export type Input = KeyPress | MousePress;

const key = (
	name: KeyName,
	mods: Partial<Pick<KeyPress, 'ctrl' | 'meta' | 'shift' | 'char'>> = {},
): KeyPress => ({
	kind: 'key',
	name,
	char: mods.char ?? '',
	ctrl: mods.ctrl ?? false,
	meta: mods.meta ?? false,
	shift: mods.shift ?? false,
});

/** CSI letter finals: cursor keys and Home/End (`ESC [ A`, `ESC [ 1 ; 2 A`, SS3 `ESC O A`). */
const LETTER_FINALS: Record<string, KeyName> = {
	A: 'up',
	B: 'down',
	C: 'right',
	D: 'left',
	H: 'home',
	F: 'end',
	P: 'f1',
	Q: 'f2',
	R: 'f3',
	S: 'f4',
};

/** CSI n ~ (vt220/rxvt/xterm): the number picks the key. */
const TILDE_CODES: Record<number, KeyName> = {
	1: 'home',
	2: 'insert',
	3: 'delete',
	4: 'end',
	5: 'pageup',
	6: 'pagedown',
	7: 'home',
	8: 'end',
	11: 'f1',
	12: 'f2',
	13: 'f3',
	14: 'f4',
	15: 'f5',
	17: 'f6',
	18: 'f7',
	19: 'f8',
	20: 'f9',
	21: 'f10',
	23: 'f11',
	24: 'f12',
};

/** The Linux console's F1-F5: `ESC [ [ A` .. `ESC [ [ E`. */
const CONSOLE_F: Record<string, KeyName> = {A: 'f1', B: 'f2', C: 'f3', D: 'f4', E: 'f5'};

/** xterm modifier parameter: 1 + (shift 1, alt 2, ctrl 4). */
function modifiers(param: number | undefined): Pick<KeyPress, 'shift' | 'meta' | 'ctrl'> {
	const bits = param === undefined || Number.isNaN(param) ? 0 : Math.max(0, param - 1);
	return {shift: (bits & 1) !== 0, meta: (bits & 2) !== 0, ctrl: (bits & 4) !== 0};
}

/** `CSI < Cb ; Cx ; Cy M` (press) or `m` (release), after the ESC [. */
const SGR_MOUSE = /^<(\d+);(\d+);(\d+)([Mm])$/;

function mouse(sequence: string): MousePress | null {
	const m = sequence.startsWith('\x1b[<') ? SGR_MOUSE.exec(sequence.slice(2)) : null;
	if (!m) return null;
	const code = Number(m[1]);
	const x = Number(m[2]) - 1;
	const y = Number(m[3]) - 1;
	const motion = (code & 32) !== 0;
	const base = code & ~(4 | 8 | 16 | 32);
	let button: MouseButton;
	if (base === 64) button = 'wheel-up';
	else if (base === 65) button = 'wheel-down';
	else if (base === 0) button = 'left';
	else if (base === 1) button = 'middle';
	else if (base === 2) button = 'right';
	else return null;
	return {kind: 'mouse', button, x, y, press: m[4] === 'M', motion};
}

/** One escape sequence (as Ink's parser cuts them) as a press; null if we do not know it. */
function escapeSequence(seq: string): Input | null {
	if (seq === '\x1b') return key('escape');
	if (seq === '\x1b\x1b') return key('escape', {meta: true});
	const m = mouse(seq);
	if (m) return m;
	if (seq.startsWith('\x1b[[') && seq.length === 4) {
		const name = CONSOLE_F[seq[3]!];
		return name ? key(name) : null;
	}
	if (seq.startsWith('\x1bO') && seq.length === 3) {
		const name = LETTER_FINALS[seq[2]!];
		return name ? key(name) : null;
	}
	// Alt (meta) with a double escape: ESC ESC [ A is Alt-Up.
	const metaPrefix = seq.startsWith('\x1b\x1b[');
	const body = metaPrefix ? seq.slice(1) : seq;
	if (body.startsWith('\x1b[')) {
		const final = body.at(-1)!;
		const params = body
			.slice(2, -1)
			.split(';')
			.map((p) => (p === '' ? Number.NaN : Number(p)));
		if (final === 'Z') return key('tab', {shift: true});
		if (final === '~') {
			const name = TILDE_CODES[params[0] ?? Number.NaN];
			if (!name) return null;
			const mods = modifiers(params[1]);
			return key(name, {...mods, meta: mods.meta || metaPrefix});
		}
		const name = LETTER_FINALS[final];
		if (!name) return null;
		const mods = modifiers(params[1]);
		return key(name, {...mods, meta: mods.meta || metaPrefix});
	}
	// ESC then one character: Alt+that key.
	if (seq.length >= 2 && seq[0] === '\x1b') {
		const rest = [...textKeys(seq.slice(1))];
		if (rest.length === 1) return {...rest[0]!, meta: true};
	}
	return null;
}

/** Plain text, one press per character. */
function* textKeys(text: string): Generator<KeyPress> {
	for (const ch of text) {
		const code = ch.codePointAt(0)!;
		if (ch === '\r' || ch === '\n') yield key('return');
		else if (ch === '\t') yield key('tab');
		else if (ch === '\x7f' || ch === '\b') yield key('backspace');
		else if (code === 0) yield key('char', {char: ' ', ctrl: true});
		else if (code < 0x20) yield key('char', {char: String.fromCharCode(code + 96), ctrl: true});
		else yield key('char', {char: ch, shift: ch !== ch.toLowerCase()});
	}
}

/** The presses in one input event from Ink's parser (an escape sequence, or a run of text). */
export function parseInput(event: string): Input[] {
	if (event.startsWith('\x1b')) {
		const press = escapeSequence(event);
		return press ? [press] : [];
	}
	return [...textKeys(event)];
}

const NAMES: Partial<Record<KeyName, string>> = {
	up: 'Up',
	down: 'Down',
	left: 'Left',
	right: 'Right',
	pageup: 'PgUp',
	pagedown: 'PgDn',
	home: 'Home',
	end: 'End',
	insert: 'Ins',
	delete: 'Del',
	return: 'Enter',
	escape: 'Esc',
	tab: 'Tab',
	backspace: 'Backspace',
};

/**
 * The keymap's spelling of a press: a printable character is itself ('q', 'P', '?', 'Space' for
 * a blank), named keys are 'Up', 'PgDn', 'Enter', 'F5'…; modifiers prefix 'C-', 'M-', 'S-' (shift
 * only on named keys: an upper-case letter already says it).
 */
export function keySpec(press: KeyPress): string {
	let base: string;
	if (press.name === 'char') base = press.char === ' ' ? 'Space' : press.char;
	else if (/^f\d+$/.test(press.name)) base = press.name.toUpperCase();
	else base = NAMES[press.name] ?? press.name;
	const shift = press.shift && press.name !== 'char' ? 'S-' : '';
	return `${press.ctrl ? 'C-' : ''}${press.meta ? 'M-' : ''}${shift}${base}`;
}

/** A printable character a prompt takes as text (no modifiers, not a control character). */
export function typedText(press: KeyPress): string | null {
	if (press.name !== 'char' || press.ctrl || press.meta) return null;
	return press.char;
}
