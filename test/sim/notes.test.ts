// A workload's notes (narration) become `note` events at the tick their time rounds to, and change
// nothing in the machine: same state hash with or without them, and no state to save (a machine
// restored just before a note's tick shows it when it steps that tick).
import {describe, expect, it} from 'vitest';
import type {SimEvent} from '../../source/sim/events.js';
import {Machine} from '../../source/sim/machine.js';
import {hashBytes, restoreMachine, saveMachine} from '../../source/sim/state-codec.js';
import {group, workload} from '../helpers/workload.js';

const plain = workload([group('a')]);
const narrated = {
	...plain,
	notes: [
		{at: 0, text: 'the start'},
		{at: 0.504, text: 'half a second, rounded to tick 50'},
		{at: 0.5, text: 'also at tick 50'},
		{at: 1, text: 'one second'},
		{at: 99, text: 'never reached'},
	],
};

function notesOf(events: readonly SimEvent[]): [number, string][] {
	return events.flatMap((e) => (e.kind === 'note' ? [[e.tick, e.text] as [number, string]] : []));
}

function run(m: Machine, ticks: number): SimEvent[] {
	const events: SimEvent[] = [];
	for (let i = 0; i < ticks; i++) {
		m.step();
		events.push(...m.drainEvents());
	}
	return events;
}

describe('workload notes', () => {
	it('each note is an event at the tick its time rounds to, in the order given', () => {
		const events = run(new Machine(narrated, {seed: 1}), 150);
		expect(notesOf(events)).toEqual([
			[0, 'the start'],
			[50, 'half a second, rounded to tick 50'],
			[50, 'also at tick 50'],
			[100, 'one second'],
		]);
		// The narration comes first in its tick.
		const i = events.findIndex((e) => e.kind === 'note' && e.tick === 0);
		expect(i).toBe(0);
	});

	it('change nothing in the machine: the same state with or without them', () => {
		const a = new Machine(plain, {seed: 3});
		const b = new Machine(narrated, {seed: 3});
		run(a, 150);
		run(b, 150);
		expect(hashBytes(saveMachine(b))).toBe(hashBytes(saveMachine(a)));
	});

	it('need no saved state: a machine restored before a note shows it at its tick', () => {
		const m = new Machine(narrated, {seed: 1});
		run(m, 50);
		const restored = restoreMachine(narrated, saveMachine(m));
		expect(notesOf(run(restored, 51))).toEqual([
			[50, 'half a second, rounded to tick 50'],
			[50, 'also at tick 50'],
			[100, 'one second'],
		]);
	});
});
