// A panel's title bar: black on green across the whole width, like htop's table header.
import {fitRight} from '../format.js';
import {Line} from '../line.js';
import {onBar, theme} from '../theme.js';

export function PanelTitle({title, right = '', width}: {title: string; right?: string; width: number}) {
	const gap = Math.max(1, width - title.length - right.length - 2);
	return (
		<Line
			spans={[
				{
					text: fitRight(` ${title}${' '.repeat(gap)}${right} `, width),
					...onBar(theme.panelTitle),
					bold: true,
				},
			]}
			width={width}
		/>
	);
}
