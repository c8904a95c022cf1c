// Ink's useInput reports F1..F10 as an empty input with no flag (ink-stack.md §3), so we read the
// raw bytes: Ink pulls stdin with read(), which also emits 'data', and we match the sequences here.
import {useStdin} from 'ink';
import {useEffect} from 'react';

export type FunctionKey = 'f1' | 'f2' | 'f3' | 'f4' | 'f5' | 'f6' | 'f7' | 'f8' | 'f9' | 'f10';

/** xterm (SS3 P..S for F1-F4), rxvt/linux console (CSI n ~) and the Linux console's CSI [ A..E. */
const SEQUENCES: Record<string, FunctionKey> = {
	'\x1bOP': 'f1',
	'\x1bOQ': 'f2',
	'\x1bOR': 'f3',
	'\x1bOS': 'f4',
	'\x1b[11~': 'f1',
	'\x1b[12~': 'f2',
	'\x1b[13~': 'f3',
	'\x1b[14~': 'f4',
	'\x1b[[A': 'f1',
	'\x1b[[B': 'f2',
	'\x1b[[C': 'f3',
	'\x1b[[D': 'f4',
	'\x1b[[E': 'f5',
	'\x1b[15~': 'f5',
	'\x1b[17~': 'f6',
	'\x1b[18~': 'f7',
	'\x1b[19~': 'f8',
	'\x1b[20~': 'f9',
	'\x1b[21~': 'f10',
};

// Longest first, so "\x1b[1" style prefixes never shadow a longer sequence.
const PATTERN = new RegExp(
	Object.keys(SEQUENCES)
		.sort((a, b) => b.length - a.length)
		.map((s) => s.replace(/[[\]\\^$.|?*+()]/g, '\\$&'))
		.join('|'),
	'g',
);

/** Every function key in a chunk of terminal input, in order (a paste or fast typing can batch them). */
export function parseFunctionKeys(data: string): FunctionKey[] {
	const keys: FunctionKey[] = [];
	for (const match of data.matchAll(PATTERN)) {
		const key = SEQUENCES[match[0]];
		if (key) keys.push(key);
	}
	return keys;
}

/** Calls `onKey` for each F-key pressed. Pass a stable (useCallback) handler. */
export function useFunctionKeys(onKey: (key: FunctionKey) => void, isActive: boolean): void {
	const {stdin} = useStdin();
	useEffect(() => {
		if (!isActive) return;
		const onData = (data: Buffer | string): void => {
			for (const key of parseFunctionKeys(typeof data === 'string' ? data : data.toString('utf8')))
				onKey(key);
		};
		stdin.on('data', onData);
		return () => {
			stdin.off('data', onData);
		};
	}, [stdin, onKey, isActive]);
}
