// The cgroups: section of workload files, a process's cgroup: and cgroup: events. Bad input is one
// line naming the file, line and field, exit 2.
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/common/user-error.js';
import {MIB} from '../../source/sim/units.js';
import {parseWorkload} from '../../source/workload/load.js';

const BASE = `machine: {ram: 1G}
cgroups:
  /system.slice: {memory.min: 64M, memory.low: 128M}
  /system.slice/db.service:
    memory.min: 64M
    memory.low: 128M
    memory.max: max
  /kubepods/pod-a:
    memory.max: 256M
    memory.oom.group: true
processes:
  - name: db
    cgroup: /system.slice/db.service
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

describe('cgroups in workload files', () => {
	it('parses the tree in bytes ("max" is no limit) and the process cgroup', () => {
		const w = parseWorkload(BASE, 'box.yaml');
		expect(w.cgroups).toEqual({
			'/system.slice': {'memory.min': 64 * MIB, 'memory.low': 128 * MIB},
			'/system.slice/db.service': {'memory.min': 64 * MIB, 'memory.low': 128 * MIB},
			'/kubepods/pod-a': {'memory.max': 256 * MIB, 'memory.oom.group': true},
		});
		expect(w.processes[0]!.cgroup).toBe('/system.slice/db.service');
	});

	it('a cgroup event is one set-cgroup command per file, "max" as null', () => {
		const w = parseWorkload(
			`${BASE}events:\n  - {at: 10s, cgroup: {path: /kubepods/pod-a, memory.high: 200M, memory.max: max}}\n`,
			'box.yaml',
		);
		expect(w.events.map((e) => e.command)).toEqual([
			{kind: 'set-cgroup', path: '/kubepods/pod-a', file: 'memory.high', value: 200 * MIB},
			{kind: 'set-cgroup', path: '/kubepods/pod-a', file: 'memory.max', value: null},
		]);
	});

	it('a process naming a cgroup not in the tree', () => {
		expect(errorOf(BASE.replace('cgroup: /system.slice/db.service', 'cgroup: /system.slice/nope'))).toMatch(
			/^box\.yaml:13: processes\[0\]\.cgroup: expected a cgroup of the tree in cgroups: .*got "\/system\.slice\/nope"$/,
		);
	});

	it('a limit that is not a size', () => {
		expect(errorOf(BASE.replace('memory.max: 256M', 'memory.max: lots'))).toMatch(
			/^box\.yaml:9: cgroups\.\/kubepods\/pod-a\.memory\.max: expected a size like 512M, 4G or 64K \(or a number of bytes\), or max, got "lots"/,
		);
	});

	it("memory.min above the parent's", () => {
		const text = BASE.replace('/system.slice: {memory.min: 64M', '/system.slice: {memory.min: 32M');
		expect(errorOf(text)).toMatch(
			/^box\.yaml:\d+: cgroups\.\/system\.slice\/db\.service\.memory\.min: expected memory\.min at most the parent's \(\/system\.slice has 32 MiB: protection is capped by every ancestor's\), got 64 MiB/,
		);
	});

	it('a path that is not a cgroup path, and an unknown file', () => {
		expect(errorOf(BASE.replace('/kubepods/pod-a:', 'kubepods:'))).toContain('expected a cgroup path');
		expect(errorOf(BASE.replace('memory.oom.group: true', 'memory.swap.maxx: 1G'))).toContain(
			'did you mean memory.swap.max?',
		);
	});
});
