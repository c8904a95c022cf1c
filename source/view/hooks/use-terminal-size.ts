// Ink 6.8 has no useWindowSize: read the stream's size and follow 'resize' (ink-stack.md §2).
import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface TerminalSize {
	columns: number;
	rows: number;
}

const read = (stdout: NodeJS.WriteStream): TerminalSize => ({
	columns: stdout.columns || 80,
	rows: stdout.rows || 24,
});

export function useTerminalSize(): TerminalSize {
	const {stdout} = useStdout();
	const [size, setSize] = useState(() => read(stdout));
	useEffect(() => {
		const onResize = (): void => {
			const next = read(stdout);
			setSize((prev) => (prev.columns === next.columns && prev.rows === next.rows ? prev : next));
		};
		onResize();
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
