// The explain window (e): what the chosen meter, column or event is in Linux terms, the kernel's
// rule behind it, and the formula with this machine's numbers right now (an event's own numbers).
import {Box} from 'ink';
import {type Explanation, wrapText} from '../explain.js';
import {Line, type Span} from '../line.js';
import {theme} from '../theme.js';
import {PanelTitle} from './panel-title.js';

export interface ExplainPanelProps {
	/** null: what it was about is gone (the process exited, the event left the log). */
	explanation: Explanation | null;
	/** What it is about (meter, column of pid N, event) for the title. */
	subject: string;
	width: number;
	height: number;
	offset: number;
}

/** The window's lines at a width (for scrolling and tests). */
export function explainLines(e: Explanation, width: number): Span[][] {
	const room = Math.max(8, width - 4);
	const text = (s: string): Span[][] => wrapText(s, room).map((l) => [{text: `  ${l}`}]);
	const heading = (s: string): Span[] => [{text: s, colour: theme.label, bold: true}];
	return [
		heading('What it is'),
		...text(e.linux),
		[],
		heading("The kernel's rule"),
		...text(e.rule),
		[],
		heading(e.past ? 'When it happened' : 'Now, on this machine'),
		...e.now.flatMap((l) =>
			wrapText(l, room).map((w) => [{text: `  ${w}`, colour: theme.value, bold: true}]),
		),
	];
}

export const explainLineCount = (e: Explanation, width: number): number => explainLines(e, width).length;

export function ExplainPanel({explanation, subject, width, height, offset}: ExplainPanelProps) {
	const lines = explanation
		? explainLines(explanation, width)
		: [[{text: '  It is gone: the process exited or the event left the log. ← → for another.'}]];
	const room = Math.max(0, height - 1);
	const top = Math.max(0, Math.min(offset, lines.length - room));
	const scrolls = lines.length > room;
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle
				title={explanation ? `${explanation.title}  (${subject})` : 'Explain'}
				right={`${scrolls ? '↑↓ scroll · ' : ''}← → more · Esc close`}
				width={width}
			/>
			{lines.slice(top, top + room).map((spans, i) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: explanation lines are positional
				<Line key={i} spans={spans.length > 0 ? spans : [{text: ''}]} width={width} />
			))}
		</Box>
	);
}
