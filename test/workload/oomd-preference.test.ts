// ManagedOOMPreference= on a cgroup and `oomd_defaults: desktop` in workload files: parsed as systemd
// spells them, bad values one line (file:line: field: expected ..., got ...), and the configuration the
// machine's systemd-oomd gets from them (source/sim/userspace-oom.ts oomdConfig), worked by hand.
import {describe, expect, it} from 'vitest';
import {jsonLine} from '../../source/cli/headless.js';
import {UserError} from '../../source/common/user-error.js';
import {validateWorkload} from '../../source/record/validate.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {oomdConfig} from '../../source/sim/userspace-oom.js';
import {parseWorkload} from '../../source/workload/load.js';

const SVC = '/user.slice/user-1000.slice/user@1000.service';
const BASE = `machine: {ram: 1G, swap: {size: 1G, device: ssd}}
userspace_oom: systemd-oomd
oomd_defaults: desktop
cgroups:
  /system.slice/db.service: {ManagedOOMPreference: avoid}
  ${SVC}/app.slice/build.scope: {ManagedOOMPreference: omit}
  ${SVC}/app.slice/firefox.scope: {}
  /user.slice/user-1000.slice/session-2.scope: {ManagedOOMPreference: none}
processes:
  - name: app
    cgroup: ${SVC}/app.slice/firefox.scope
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

describe('ManagedOOMPreference and oomd_defaults in workload files', () => {
	it('parses none|avoid|omit per cgroup and oomd_defaults; the parsed form parses to itself', () => {
		const w = parseWorkload(BASE, 'box.yaml');
		expect(w.oomd_defaults).toBe('desktop');
		expect(w.cgroups?.['/system.slice/db.service']).toEqual({ManagedOOMPreference: 'avoid'});
		expect(w.cgroups?.[`${SVC}/app.slice/build.scope`]).toEqual({ManagedOOMPreference: 'omit'});
		expect(validateWorkload(JSON.parse(JSON.stringify(w)))).toEqual(w);
		// Left out: no key in the parsed workload.
		expect(
			Object.keys(parseWorkload(BASE.replace('oomd_defaults: desktop\n', ''), 'box.yaml')),
		).not.toContain('oomd_defaults');
	});

	it('bad values: one line naming the file, line and field', () => {
		expect(errorOf(BASE.replace('{ManagedOOMPreference: avoid}', '{ManagedOOMPreference: never}'))).toBe(
			'box.yaml:5: cgroups./system.slice/db.service.ManagedOOMPreference: expected none, avoid or omit, got "never"',
		);
		expect(errorOf(BASE.replace('oomd_defaults: desktop', 'oomd_defaults: fedora'))).toMatch(
			/^box\.yaml:3: oomd_defaults: expected systemd or desktop, got "fedora"/,
		);
		expect(errorOf(BASE.replace('ManagedOOMPreference: avoid', 'ManagedOOMPrefrence: avoid'))).toContain(
			'did you mean ManagedOOMPreference?',
		);
	});

	it('desktop: ManagedOOMSwap=kill on /, 50 % on every user@UID.service, 20 s; the units keep their own keys', () => {
		const w = parseWorkload(BASE, 'box.yaml');
		expect(oomdConfig(w)).toEqual({
			// user@1000.service is implied by the paths below it; the session scope is not below it.
			memoryPressure: [{path: SVC, limitPercent: 50, durationUs: undefined}],
			swap: ['/'],
			preference: {'/system.slice/db.service': 'avoid', [`${SVC}/app.slice/build.scope`]: 'omit'},
			defaultLimitPercent: undefined,
			durationUs: 20_000_000,
			swapUsedLimitPercent: undefined,
		});
		// The file's own settings win over the drop-ins, as an /etc drop-in would.
		const own = parseWorkload(
			BASE.replace(
				'cgroups:\n',
				`cgroups:\n  ${SVC}: {ManagedOOMMemoryPressureLimit: 80%}\n  /: {ManagedOOMSwap: auto}\n`,
			).replace(
				'oomd_defaults: desktop',
				'oomd_defaults: desktop\noomd: {DefaultMemoryPressureDurationSec: 45s}',
			),
			'box.yaml',
		);
		expect(oomdConfig(own)).toMatchObject({
			memoryPressure: [{path: SVC, limitPercent: 80}],
			swap: [],
			durationUs: 45_000_000,
		});
		// Upstream systemd (no drop-ins): oomd watches only what the file marks: nothing here.
		expect(
			oomdConfig(parseWorkload(BASE.replace('oomd_defaults: desktop', 'oomd_defaults: systemd'), 'box.yaml')),
		).toMatchObject({
			memoryPressure: [],
			swap: [],
			durationUs: undefined,
		});
	});

	it('the machine runs it: its watch list, and each unit’s settings and owner in the cgroup snapshot', () => {
		const m = new Machine(parseWorkload(BASE, 'box.yaml'), {seed: 1});
		const s = takeSnapshot(m);
		expect(s.userspaceOom).toMatchObject({
			pressure: [{path: SVC, limitPercent: 50, durationSec: 20}],
			swap: ['/'],
		});
		const byPath = new Map(s.cgroups!.map((c) => [c.path, c.oomd]));
		expect(byPath.get('/')).toEqual({ManagedOOMSwap: 'kill', owner: 0});
		expect(byPath.get(SVC)).toEqual({
			ManagedOOMMemoryPressure: 'kill',
			ManagedOOMMemoryPressureLimit: 50,
			owner: 1000,
		});
		expect(byPath.get(`${SVC}/app.slice/build.scope`)).toEqual({ManagedOOMPreference: 'omit', owner: 1000});
		expect(byPath.get('/system.slice/db.service')).toEqual({ManagedOOMPreference: 'avoid', owner: 0});
		// A cgroup whose unit sets nothing carries no oomd field (snapshots without them are as they were).
		expect(byPath.get(`${SVC}/app.slice/firefox.scope`)).toBeUndefined();
		expect(byPath.get('/user.slice/user-1000.slice/session-2.scope')).toEqual({
			ManagedOOMPreference: 'none',
			owner: 0,
		});
		// The headless JSON: the settings, the xattr systemd writes for avoid/omit, and the owner.
		const json = JSON.parse(jsonLine(s));
		const cg = (path: string) => json.cgroups.find((c: {path: string}) => c.path === path)['systemd-oomd'];
		expect(cg('/system.slice/db.service')).toEqual({
			ManagedOOMPreference: 'avoid',
			xattr: 'user.oomd_avoid=1',
			owner: 0,
		});
		expect(cg(`${SVC}/app.slice/build.scope`)).toEqual({
			ManagedOOMPreference: 'omit',
			xattr: 'user.oomd_omit=1',
			owner: 1000,
		});
		expect(cg('/')).toEqual({ManagedOOMSwap: 'kill', owner: 0});
		expect(cg(`${SVC}/app.slice/firefox.scope`)).toBeUndefined();
	});
});
