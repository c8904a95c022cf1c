// Render a component into a fake terminal, collect the frame, unmount at the end of the test.
import type {ReactElement} from 'react';
import {afterEach} from 'vitest';
import {renderTty, type TtyRender} from './ink-tty.js';

const open: TtyRender[] = [];

/** Call once per test file: unmounts what frame()/mount() rendered after each test. */
export function autoUnmount(): void {
	afterEach(() => {
		for (const r of open.splice(0)) r.unmount();
	});
}

export async function mount(node: ReactElement, columns: number, rows = 40): Promise<TtyRender> {
	const r = await renderTty(node, columns, rows);
	open.push(r);
	return r;
}

/** The lines of the last frame. */
export async function frameLines(node: ReactElement, columns: number, rows = 40): Promise<string[]> {
	return (await mount(node, columns, rows)).lines();
}
