// htop's F9 "Send signal:" list, for the selected process: 15 SIGTERM first (the process shuts
// down and exits after its grace period), then 9 SIGKILL (gone at once).
import {Box} from 'ink';
import type {KillSignal} from '../../sim/spec.js';
import {fitRight} from '../format.js';
import {Line} from '../line.js';
import {onBar, theme} from '../theme.js';
import {PanelTitle} from './panel-title.js';

/** The menu's lines in order (the cursor starts on the first), with kill -l's numbers. */
export const SIGNAL_MENU: readonly {signal: KillSignal; number: number; text: string}[] = [
	{signal: 'SIGTERM', number: 15, text: 'shuts down, exits after 1 s'},
	{signal: 'SIGKILL', number: 9, text: 'killed at once'},
];

export interface SignalMenuProps {
	pid: number;
	name: string;
	cursor: number;
	width: number;
	height: number;
}

export function SignalMenu({pid, name, cursor, width, height}: SignalMenuProps) {
	const room = Math.max(0, height - 1);
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			<PanelTitle
				title={`Send signal: to ${pid} (${name})`}
				right="↑↓ Enter send · Esc cancel"
				width={width}
			/>
			{SIGNAL_MENU.slice(0, room).map((s, i) => {
				const text = fitRight(`  ${String(s.number).padStart(2)} ${s.signal.padEnd(8)}  ${s.text}`, width);
				return (
					<Line
						key={s.signal}
						spans={[i === cursor ? {text, ...onBar(theme.selected)} : {text}]}
						width={width}
					/>
				);
			})}
		</Box>
	);
}
