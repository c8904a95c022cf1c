// One input hook for the whole dashboard: raw mode on, and every event Ink's stdin parser emits
// turned into presses (parseInput) in the order they were typed. Replaces useInput, which passes a
// pasted run of text as one "key" and reports F-keys as nothing at all (ink-stack.md §3).
import {useStdin} from 'ink';
import {useEffect, useRef} from 'react';
import {type Input, parseInput} from './keys.js';

/** Calls `onInput` for each key or mouse press. The handler may change identity freely. */
export function useKeys(onInput: (input: Input) => void, isActive: boolean): void {
	const {setRawMode, internal_eventEmitter: events} = useStdin();
	const handler = useRef(onInput);
	handler.current = onInput;
	useEffect(() => {
		if (!isActive) return;
		setRawMode(true);
		const onEvent = (data: string): void => {
			for (const input of parseInput(data)) handler.current(input);
		};
		events.on('input', onEvent);
		return () => {
			events.off('input', onEvent);
			setRawMode(false);
		};
	}, [isActive, setRawMode, events]);
}
