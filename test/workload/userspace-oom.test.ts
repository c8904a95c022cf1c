// userspace_oom:, oomd: and earlyoom: in workload files, and the systemd-oomd keys of a cgroup
// (ManagedOOMSwap=, ManagedOOMMemoryPressure=, ManagedOOMMemoryPressureLimit= as systemd names them).
// Bad input is one line naming the file, line and field.
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {validateCommand, validateWorkload} from '../../source/record/validate.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {commandToEvent} from '../../source/workload/events.js';
import {parseWorkload} from '../../source/workload/load.js';

const BASE = `machine: {ram: 1G, swap: {size: 1G, device: ssd}}
userspace_oom: systemd-oomd
oomd: {DefaultMemoryPressureLimit: 50%, DefaultMemoryPressureDurationSec: 20s, SwapUsedLimit: 90%}
earlyoom: {m: "15,5", s: 20}
cgroups:
  /user.slice: {ManagedOOMMemoryPressure: kill, ManagedOOMMemoryPressureLimit: 55.5%, ManagedOOMMemoryPressureDurationSec: 2m}
  /system.slice: {ManagedOOMSwap: kill, ManagedOOMMemoryPressure: auto}
processes:
  - name: app
    cgroup: /user.slice
    rate: 100
    regions: [{name: heap, kind: anon, size: 16M}]
    streams: [{region: heap, pattern: random}]
`;

function errorOf(text: string): string {
	try {
		parseWorkload(text, 'box.yaml');
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		const message = (error as Error).message;
		expect(message).not.toContain('\n');
		return message;
	}
	throw new Error('expected the workload to be rejected');
}

describe('userspace OOM killers in workload files', () => {
	it('parses the killer, oomd.conf, earlyoom -m/-s (-s 20 alone: SIGKILL at half, 10) and the ManagedOOM keys', () => {
		const w = parseWorkload(BASE, 'box.yaml');
		expect(w.userspace_oom).toBe('systemd-oomd');
		expect(w.oomd).toEqual({
			SwapUsedLimit: 90,
			DefaultMemoryPressureLimit: 50,
			DefaultMemoryPressureDurationSec: 20,
		});
		expect(w.earlyoom).toEqual({m: [15, 5], s: [20, 10]});
		expect(w.cgroups).toEqual({
			'/user.slice': {
				ManagedOOMMemoryPressure: 'kill',
				ManagedOOMMemoryPressureLimit: 55.5,
				ManagedOOMMemoryPressureDurationSec: 120,
			},
			'/system.slice': {ManagedOOMSwap: 'kill', ManagedOOMMemoryPressure: 'auto'},
		});
		// A recording's workload is the parsed form: it parses to itself.
		expect(validateWorkload(JSON.parse(JSON.stringify(w)))).toEqual(w);
	});

	it('absent: none of the keys appear in the parsed workload (default none changes nothing)', () => {
		const w = parseWorkload(
			BASE.split('\n')
				.filter((l) => !/^(userspace_oom|oomd|earlyoom):/.test(l))
				.join('\n'),
			'box.yaml',
		);
		expect(Object.keys(w)).not.toContain('userspace_oom');
		expect(Object.keys(w)).not.toContain('oomd');
		expect(Object.keys(w)).not.toContain('earlyoom');
	});

	it('bad values: one line, file:line: field: expected', () => {
		expect(errorOf(BASE.replace('userspace_oom: systemd-oomd', 'userspace_oom: oomd'))).toMatch(
			/^box\.yaml:2: userspace_oom: expected none, systemd-oomd or earlyoom, got "oomd"/,
		);
		expect(errorOf(BASE.replace('ManagedOOMMemoryPressure: kill', 'ManagedOOMMemoryPressure: yes'))).toMatch(
			/^box\.yaml:\d+: cgroups\.\/user\.slice\.ManagedOOMMemoryPressure: expected kill or auto, got "yes"$/,
		);
		expect(errorOf(BASE.replace('55.5%', '120%'))).toMatch(
			/^box\.yaml:\d+: cgroups\.\/user\.slice\.ManagedOOMMemoryPressureLimit: expected a percentage like 60% \(0% to 100%\), got "120%"$/,
		);
		expect(
			errorOf(
				BASE.replace('DefaultMemoryPressureDurationSec: 20s', 'DefaultMemoryPressureDurationSec: soon'),
			),
		).toMatch(/^box\.yaml:3: oomd\.DefaultMemoryPressureDurationSec: expected a duration like 30s/);
		expect(errorOf(BASE.replace('m: "15,5"', 'm: "5,15"'))).toMatch(
			/^box\.yaml:4: earlyoom\.m: expected PERCENT\[,KILL_PERCENT\] like 10 or "10,5" \(0 to 100; KILL_PERCENT at most PERCENT\), got "5,15"$/,
		);
		// config_parse_managed_oom_mem_pressure_duration_sec(): at least 1 s, never infinity.
		for (const bad of ['500ms', 'infinity', 'soon'])
			expect(errorOf(BASE.replace('DurationSec: 2m}', `DurationSec: ${bad}}`))).toMatch(
				/^box\.yaml:6: cgroups\.\/user\.slice\.ManagedOOMMemoryPressureDurationSec: expected a duration of at least 1s like 20s or 2m \(not infinity\), got /,
			);
		expect(errorOf(BASE.replace('ManagedOOMSwap: kill', 'ManagedOOMSwapp: kill'))).toContain(
			'did you mean ManagedOOMSwap?',
		);
	});

	it('an event switches the killer: the set-userspace-oom command, which a recording validates and turns back', () => {
		const w = parseWorkload(`${BASE}events:\n  - {at: 30s, userspace_oom: earlyoom}\n`, 'box.yaml');
		const command = w.events[0]!.command;
		expect(command).toEqual({kind: 'set-userspace-oom', killer: 'earlyoom'});
		expect(validateCommand(command, 'command')).toEqual(command);
		expect(commandToEvent(command)).toEqual({userspace_oom: 'earlyoom'});
		expect(() => validateCommand({kind: 'set-userspace-oom', killer: 'oomd'}, 'command')).toThrow(
			/^command\.killer: expected one of none, systemd-oomd, earlyoom, got "oomd"/,
		);
	});

	it('the root (-.slice) takes the systemd-oomd keys, never a memory controller file', () => {
		const rooted = BASE.replace('cgroups:\n', 'cgroups:\n  /: {ManagedOOMSwap: kill}\n');
		expect(parseWorkload(rooted, 'box.yaml').cgroups?.['/']).toEqual({ManagedOOMSwap: 'kill'});
		expect(
			errorOf(BASE.replace('cgroups:\n', 'cgroups:\n  /: {ManagedOOMSwap: kill, memory.max: 1G}\n')),
		).toMatch(
			/^box\.yaml:6: cgroups\.\/\.memory\.max: expected no memory\.max on the root \(the root cgroup has no memory controller files; "\/" takes only ManagedOOMSwap, ManagedOOMMemoryPressure, ManagedOOMMemoryPressureLimit, ManagedOOMMemoryPressureDurationSec or ManagedOOMPreference, as -\.slice does\)$/,
		);
		// The machine's systemd-oomd watches / for swap: its swap handler every 150 ms.
		const m = new Machine({...parseWorkload(rooted, 'box.yaml')}, {seed: 1});
		expect(takeSnapshot(m).userspaceOom).toMatchObject({swap: ['/', '/system.slice'], nextPollTick: 15});
	});
});
