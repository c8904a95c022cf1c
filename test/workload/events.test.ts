// A file's event and the machine's commands, both ways (workload/events.ts): every command kind a
// file can say goes to the file's form and back to itself.
import {describe, expect, it} from 'vitest';
import type {Command} from '../../source/sim/commands.js';
import {hogSpec} from '../../source/sim/templates.js';
import {MIB} from '../../source/sim/units.js';
import {commandToEvent, eventSchema} from '../../source/workload/events.js';
import {processSchema} from '../../source/workload/processes.js';

describe('events <-> commands', () => {
	it('turns every kind of command into the file form and back', () => {
		const commands: Command[] = [
			// A spec as the schema gives it (every default filled in), as commands carry them.
			{kind: 'spawn', spec: processSchema.parse(hogSpec(64 * MIB)), count: 2},
			{kind: 'kill', pid: 101},
			{kind: 'kill', pid: 101, signal: 'SIGTERM'},
			{kind: 'kill', pid: 101, signal: 'SIGKILL'},
			{kind: 'set-sysctl', name: 'swappiness', value: 100},
			{kind: 'set-oom-score-adj', pid: 102, value: -500},
			{kind: 'set-zswap', enabled: true},
			{kind: 'drop-caches', mode: 3},
			{kind: 'balloon', bytes: -256 * MIB},
		];
		for (const command of commands) {
			const event = {at: 30, ...commandToEvent(command)};
			const parsed = eventSchema.safeParse(event);
			expect(parsed.success, JSON.stringify(event)).toBe(true);
			expect(parsed.data).toEqual([{at: 30, command}]);
		}
	});

	it('takes a signal only with kill, and only SIGTERM or SIGKILL', () => {
		expect(eventSchema.safeParse({at: 5, zswap: true, signal: 'SIGTERM'}).success).toBe(false);
		expect(eventSchema.safeParse({at: 5, kill: 101, signal: 'SIGHUP'}).success).toBe(false);
		expect(eventSchema.parse({at: 5, kill: 101})).toEqual([{at: 5, command: {kind: 'kill', pid: 101}}]);
	});

	it('gives one set-sysctl command per key of a sysctl event, in the order of the file', () => {
		expect(eventSchema.parse({at: 5, sysctl: {swappiness: 10, dirty_ratio: 30}})).toEqual([
			{at: 5, command: {kind: 'set-sysctl', name: 'swappiness', value: 10}},
			{at: 5, command: {kind: 'set-sysctl', name: 'dirty_ratio', value: 30}},
		]);
	});
});
