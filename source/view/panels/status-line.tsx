// One line between the panels and the function bar: the last action's feedback ("spawned hog
// 512M"), or, when there is none, the sort and filter in force.
import {fitRight} from '../format.js';
import {Line} from '../line.js';
import {theme} from '../theme.js';
import type {Message} from '../ui-state.js';

export interface StatusLineProps {
	message: Message | null;
	sortTitle: string;
	descending: boolean;
	filter: string;
	shown: number;
	total: number;
	width: number;
	/** What the line says instead of the sort and count (the cgroup view's own summary). */
	summary?: string | undefined;
}

export function StatusLine({
	message,
	sortTitle,
	descending,
	filter,
	shown,
	total,
	width,
	summary,
}: StatusLineProps) {
	if (message) {
		return (
			<Line
				spans={[
					{
						text: fitRight(` ${message.text}`, width),
						colour: message.tone === 'warn' ? theme.bad : theme.message,
						bold: true,
					},
				]}
				width={width}
			/>
		);
	}
	if (summary !== undefined)
		return <Line spans={[{text: fitRight(` ${summary}`, width), colour: theme.dim}]} width={width} />;
	const parts = [`sorted by ${sortTitle} ${descending ? '▼' : '▲'}`];
	if (filter) parts.push(`filter "${filter}": ${shown} of ${total}`);
	else parts.push(`${total} processes`);
	parts.push('? for help');
	return <Line spans={[{text: fitRight(` ${parts.join(' · ')}`, width), colour: theme.dim}]} width={width} />;
}
