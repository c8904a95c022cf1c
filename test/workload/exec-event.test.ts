// The exec event (workload/exec.ts) and the exec command read back from a recording
// (record/validate.ts): the two forms, the round trip, and one clear line for a bad field.
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {describeCommand} from '../../source/record/labels.js';
import {validateCommand} from '../../source/record/validate.js';
import type {Command} from '../../source/sim/commands.js';
import {MIB} from '../../source/sim/units.js';
import {commandToEvent, eventSchema} from '../../source/workload/events.js';
import {parseWorkload} from '../../source/workload/load.js';

const SH: Command = {
	kind: 'exec',
	pid: 104,
	image: {
		name: 'sh',
		rate: 500,
		regions: [
			{name: 'heap', kind: 'anon', size: 4 * MIB, locked: false},
			{name: 'libc', kind: 'file', size: 2 * MIB, object: '/usr/lib/libc.so.6', access: 'mmap'},
		],
		streams: [{region: 'heap', pattern: 'random', weight: 1, write_ratio: 0.5}],
		compressibility: 0.5,
	},
};

/** The one-line message parseWorkload throws for a file whose one event is `event`. */
function errorOf(event: string): string {
	const text = `# exec
machine: {ram: 1G}
processes:
  - {name: app, rate: 1000, regions: [{name: heap, size: 64M}], streams: [{region: heap, pattern: random}]}
events:
  - ${event}
`;
	try {
		parseWorkload(text, 'box.yaml');
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).exitCode).toBe(2);
		expect((error as Error).message).not.toContain('\n');
		return (error as Error).message;
	}
	throw new Error('expected the workload to be rejected');
}

describe('the exec event', () => {
	it('{pid} alone is a re-exec of the program; an image fills the defaults a process has', () => {
		expect(eventSchema.parse({at: 5, exec: {pid: 104}})).toEqual([
			{at: 5, command: {kind: 'exec', pid: 104}},
		]);
		const parsed = eventSchema.parse({
			at: 5,
			exec: {
				pid: 104,
				name: 'sh',
				rate: 500,
				regions: [
					{name: 'heap', size: '4M'},
					{name: 'libc', kind: 'file', size: '2M', object: '/usr/lib/libc.so.6'},
				],
				streams: [{region: 'heap', pattern: 'random', write_ratio: 0.5}],
			},
		});
		expect(parsed).toEqual([{at: 5, command: SH}]);
	});

	it('goes to the file form and back to itself, and reads back from a recording as it was', () => {
		for (const command of [SH, {kind: 'exec', pid: 7} as Command]) {
			const event = {at: 30, ...commandToEvent(command)};
			expect(eventSchema.parse(event)).toEqual([{at: 30, command}]);
			expect(validateCommand(JSON.parse(JSON.stringify(command)), 'cmd')).toEqual(command);
		}
		expect(describeCommand(SH)).toBe('exec 104 → sh');
		expect(describeCommand({kind: 'exec', pid: 7})).toBe('exec 7');
	});

	it('a bad field in a file: one line with the file, line and field (exit 2)', () => {
		expect(errorOf('{at: 5s, exec: {pid: 104, rate: 500}}')).toBe(
			'box.yaml:6: events[0].exec.name: expected name and regions in the new image (it gives rate; give only pid to run the same program again), got nothing',
		);
		expect(errorOf('{at: 5s, exec: {pid: 0}}')).toMatch(
			/^box\.yaml:6: events\[0\]\.exec\.pid: expected a pid/,
		);
		expect(
			errorOf(
				'{at: 5s, exec: {pid: 104, name: sh, rate: 5, regions: [{name: a, size: 1M}], streams: [{region: b, pattern: random}]}}',
			),
		).toMatch(
			/^box\.yaml:6: events\[0\]\.exec\.streams\[0\]\.region: expected one of this process's regions \(a\), got "b"/,
		);
		expect(errorOf('{at: 5s, exec: {pid: 104, uid: 0}}')).toMatch(/^box\.yaml:6: events\[0\]\.exec\.uid: /);
	});

	it('a bad exec command in a recording names its field', () => {
		expect(() => validateCommand({kind: 'exec', pid: 104, image: {name: 'sh', rate: 5}}, 'cmd')).toThrow(
			/^cmd\.image\.regions: expected regions in the new image/,
		);
		expect(() => validateCommand({kind: 'exec', pid: 104, image: 'sh'}, 'cmd')).toThrow(
			/^cmd\.image: expected a program image/,
		);
		expect(() => validateCommand({kind: 'exec', pid: 104, image: {pid: 5}}, 'cmd')).toThrow(
			'cmd.image: unknown key "pid"',
		);
		expect(() => validateCommand({kind: 'exec', pid: -1}, 'cmd')).toThrow(/^cmd\.pid: expected a pid/);
	});
});
