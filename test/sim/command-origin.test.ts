// Who gave a command (issue 17 item 7): the workload's own timed events are not the user's. The
// origin goes with the command event through the one event model: the live event log, headless
// output (text and JSON) and a replay (its events and its timeline markers).
import {describe, expect, it} from 'vitest';
import {runHeadless} from '../../source/cli/headless.js';
import {Stepper} from '../../source/record/stepper.js';
import type {SimEvent} from '../../source/sim/events.js';
import {Machine} from '../../source/sim/machine.js';
import {hogSpec} from '../../source/sim/templates.js';
import {formatEvent} from '../../source/text/format.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** Two processes; the workload spawns a third at 1 s and kills pid 100 at 2 s. */
function scripted() {
	const w = workload([group('web'), group('batch')]);
	w.events = [
		{at: 1, command: {kind: 'spawn', spec: hogSpec(8 * MIB), count: 1}},
		{at: 2, command: {kind: 'kill', pid: 100}},
	];
	return w;
}

const commands = (events: SimEvent[]) =>
	events.filter((e): e is Extract<SimEvent, {kind: 'command'}> => e.kind === 'command');

describe('the origin of a command', () => {
	it("is the workload's for its timed events and the user's for what is applied from outside", () => {
		const m = new Machine(scripted(), {seed: 1});
		const events: SimEvent[] = [];
		for (let t = 0; t < 250; t++) {
			if (t === 150) m.apply({kind: 'set-sysctl', name: 'swappiness', value: 100});
			m.step();
			events.push(...m.drainEvents());
		}
		expect(commands(events).map((e) => [e.tick, e.origin, e.summary])).toEqual([
			[100, 'workload', 'spawned hog (pid 102, 8 MiB anon)'],
			[150, 'user', 'vm.swappiness = 100'],
			[200, 'workload', 'killed 100 (web)'],
		]);
		const lines = events.filter((e) => e.kind === 'command' || e.kind === 'process-exit').map(formatEvent);
		expect(lines).toEqual([
			'workload event: spawned hog (pid 102, 8 MiB anon)',
			'> vm.swappiness = 100',
			// A kill is a SIGKILL whoever sent it; the command's own line (after it) says who.
			'100 (web) killed (SIGKILL)',
			'workload event: killed 100 (web)',
		]);
	});

	it('shows in headless text and JSON', async () => {
		const run = async (json: boolean) => {
			const lines: string[] = [];
			const stepper = new Stepper(new Machine(scripted(), {seed: 1}));
			await runHeadless(stepper, {duration: 3, interval: 1, json, write: (l) => lines.push(l)});
			return lines;
		};
		const text = await run(false);
		expect(text).toContain('  [    2.00] workload event: killed 100 (web)');
		expect(text.join('\n')).not.toMatch(/> |by user/);
		const json = await run(true);
		const kill = json
			.flatMap((l) => (JSON.parse(l) as {events: SimEvent[]}).events)
			.find((e) => e.kind === 'command' && e.command.kind === 'kill');
		expect(kill).toMatchObject({origin: 'workload', summary: 'killed 100 (web)'});
	});
});
