// ManagedOOMPreference where the dashboard shows systemd-oomd's candidates: the OOM report's ranking
// for an oomd kill (PREFERENCE, pgscan rate, memory.current; the victim marked, an ignored xattr and
// the omitted said so), the cgroup view's ·avoid / ·omit after a name, and the cgroup explanation.
import {describe, expect, it} from 'vitest';
import type {OomdRankedCandidate} from '../../source/sim/events.js';
import {explainCgroup} from '../../source/view/cgroup-explain.js';
import {cgroupLabel} from '../../source/view/panels/cgroup-view.js';
import {type OomKillEvent, oomdRows} from '../../source/view/panels/oom-report.js';
import {cgroup} from '../helpers/cgroup-fixture.js';

const SVC = '/user.slice/user-1000.slice/user@1000.service';
const ranked = (
	path: string,
	preference: OomdRankedCandidate['preference'],
	pgscanRate: number,
	current: number,
	xattr = preference,
): OomdRankedCandidate => ({
	path,
	preference,
	xattr,
	pgscanRate,
	current,
	swap: 0,
});

const kill: OomKillEvent = {
	kind: 'oom-kill',
	tick: 4800,
	pid: 102,
	name: 'cc1plus',
	lines: [
		`systemd-oomd[812]: Killed ${SVC}/app.slice/build.scope due to memory pressure for ${SVC} being 93.47% > 50.00% for > 20s with reclaim activity`,
	],
	candidates: [],
	constraint: 'userspace',
	memcg: `${SVC}/app.slice/build.scope`,
	oomd: {
		by: 'pgscan',
		candidates: [
			ranked(`${SVC}/app.slice/build.scope`, 'none', 118096, 481440),
			ranked(`${SVC}/app.slice/web.scope`, 'none', 900, 2560, 'avoid'),
			ranked(`${SVC}/session.slice/shell.service`, 'avoid', 6473, 12300),
		],
		omitted: [ranked(`${SVC}/app.slice/backup.scope`, 'omit', 50, 256)],
	},
};

const text = (spans: {text: string}[]) => spans.map((s) => s.text).join('');

describe("systemd-oomd's ranking in the OOM report", () => {
	it('one line per candidate in its order, the victim marked, the ignored xattr and the omitted said so', () => {
		const rows = oomdRows(kill, 140).map(text);
		expect(rows[0]).toMatch(/^ {2}PREFERENCE +PGSCAN\/POLL +CURRENT {2}CGROUP/);
		expect(rows.slice(1).map((r) => r.replace(/ +/g, ' '))).toEqual([
			`▶ - 118k 1.84G ${SVC}/app.slice/build.scope`,
			` avoid: ignored (owner) 900 10.0M ${SVC}/app.slice/web.scope`,
			` avoid 6.5k 48.0M ${SVC}/session.slice/shell.service`,
			` omit: never chosen 50 1.00M ${SVC}/app.slice/backup.scope`,
		]);
		// Narrow: the path is cut from the left, the figures stay.
		const narrow = oomdRows(kill, 66).slice(1).map(text);
		expect(narrow.every((r) => r.length <= 66)).toBe(true);
		expect(narrow[0]).toContain('…');
		expect(narrow[0]).toContain('build.scope');
		// A kernel kill has no oomd ranking.
		expect(oomdRows({...kill, oomd: undefined}, 120)).toEqual([]);
	});
});

describe('ManagedOOMPreference in the cgroup view and its explanation', () => {
	const shell = cgroup(`${SVC}/session.slice/shell.service`, 5, 12300, {
		oomd: {ManagedOOMPreference: 'avoid', owner: 1000},
	});
	it('the name says ·avoid or ·omit; none says nothing', () => {
		expect(cgroupLabel(shell)).toBe('shell.service ·avoid');
		expect(
			cgroupLabel(cgroup('/system.slice/db.service', 2, 1, {oomd: {ManagedOOMPreference: 'omit', owner: 0}})),
		).toBe('db.service ·omit');
		expect(
			cgroupLabel(cgroup('/system.slice/x.service', 2, 1, {oomd: {ManagedOOMPreference: 'none', owner: 0}})),
		).toBe('x.service');
		expect(cgroupLabel(cgroup('/system.slice/y.service', 2, 1))).toBe('y.service');
		// Cut to the column, the name gives way and the preference stays.
		const long = cgroup(`${SVC}/session.slice/org.gnome.Shell@x11.service`, 5, 1, {
			oomd: {ManagedOOMPreference: 'avoid', owner: 1000},
		});
		expect(cgroupLabel(long, 24)).toBe('org.gnome.Shell@… ·avoid');
		expect(cgroupLabel(shell, 24)).toBe('shell.service ·avoid    ');
		expect(cgroupLabel(cgroup('/a/y.service', 2, 1), 6)).toBe('y.ser…');
	});

	it('e explains the xattr, the ranking and the owner rule, and lists the unit settings now', () => {
		const e = explainCgroup(shell);
		expect(e.rule).toContain('ManagedOOMPreference=avoid: systemd writes user.oomd_avoid=1 on this cgroup');
		expect(e.rule).toContain("uid 1000's, only for a watched cgroup uid 1000 owns too");
		expect(e.now.at(-1)).toBe(
			'systemd-oomd: ManagedOOMPreference=avoid · cgroup owner uid 1000 (Delegate=yes)',
		);
		const svc = explainCgroup(
			cgroup(SVC, 3, 500_000, {
				oomd: {ManagedOOMMemoryPressure: 'kill', ManagedOOMMemoryPressureLimit: 50, owner: 1000},
			}),
		);
		expect(svc.rule).toContain(
			'ManagedOOMMemoryPressure=kill: systemd-oomd reads its memory.pressure full avg10 every second; over 50%',
		);
		expect(svc.now.at(-1)).toBe(
			'systemd-oomd: ManagedOOMMemoryPressure=kill ManagedOOMMemoryPressureLimit=50% · cgroup owner uid 1000 (Delegate=yes)',
		);
		// A cgroup without ManagedOOM settings: nothing about oomd.
		expect(explainCgroup(cgroup('/a', 1, 1)).now.join(' ')).not.toContain('systemd-oomd');
	});
});
