// ManagedOOMPreference= in systemd-oomd's choice (source/sim/oomd-util.ts): systemd writes a unit's
// avoid/omit as the user.oomd_avoid / user.oomd_omit xattr on its cgroup; oomd_sort_cgroup_contexts()
// drops `omit` candidates and compare_*() rank every `avoid` one after every `none` one; and
// oomd_fetch_cgroup_oom_preference() honours the xattr only on a cgroup owned by root or by the
// monitored cgroup's owner. Candidate lists worked by hand.
import {describe, expect, it} from 'vitest';
import {
	cgroupOwner,
	fetchOomPreference,
	type ManagedOomPreference,
	type OomdCandidate,
	PREFERENCE_AVOID,
	PREFERENCE_NONE,
	PREFERENCE_OMIT,
	selectByPgscanRate,
	selectBySwapUsage,
} from '../../source/sim/oomd-util.js';

const M = 2 ** 20;
const SVC = '/user.slice/user-1000.slice/user@1000.service';
const cand = (
	path: string,
	current: number,
	pgscan: number,
	lastPgscan: number,
	xattr?: ManagedOomPreference,
	swapUsage = 0,
): OomdCandidate => ({path, current, pgscan, lastPgscan, swapUsage, ...(xattr ? {xattr} : {})});

describe('cg_get_owner: who owns a cgroup', () => {
	it('user@UID.service (Delegate=yes, User=UID) and all below it are UID; everything else is root', () => {
		expect(cgroupOwner(SVC)).toBe(1000);
		expect(cgroupOwner(`${SVC}/app.slice/app-org.gnome.Terminal.slice/vte-spawn-1.scope`)).toBe(1000);
		// The logind session scope and the user's slice are created by root's manager.
		expect(cgroupOwner('/user.slice/user-1000.slice/session-2.scope')).toBe(0);
		expect(cgroupOwner('/user.slice/user-1000.slice')).toBe(0);
		expect(cgroupOwner('/system.slice/postgres.service')).toBe(0);
		expect(cgroupOwner('/')).toBe(0);
		// Not user@.service: a name that only starts like one, or a uid that does not match its slice.
		expect(cgroupOwner(`${SVC}x`)).toBe(0);
		expect(cgroupOwner('/user.slice/user-1000.slice/user@1001.service')).toBe(0);
	});

	it('oomd_fetch_cgroup_oom_preference: the xattr counts on root-owned cgroups, or when the owners match', () => {
		const build = cand(`${SVC}/app.slice/build.scope`, 1, 1, 0, 'avoid');
		// Monitored user@1000.service (uid 1000) and a candidate of uid 1000: honoured (AVOID = 1).
		expect(fetchOomPreference(build, SVC)).toEqual({preference: PREFERENCE_AVOID, ignored: false});
		// Monitored /user.slice (root) over a uid-1000 candidate: ignored, NONE (the man page's example).
		expect(fetchOomPreference(build, '/user.slice')).toEqual({preference: PREFERENCE_NONE, ignored: true});
		// A root-owned candidate's xattr counts below any prefix.
		const db = cand('/system.slice/db.service', 1, 1, 0, 'omit');
		expect(fetchOomPreference(db, '/')).toEqual({preference: PREFERENCE_OMIT, ignored: false});
		// No xattr: NONE, and nothing was ignored.
		expect(fetchOomPreference(cand(`${SVC}/a.scope`, 1, 1, 0), '/')).toEqual({
			preference: PREFERENCE_NONE,
			ignored: false,
		});
	});
});

describe('oomd_select_by_pgscan_rate with preferences', () => {
	// Four leaves below user@1000.service (all uid 1000), pgscan rates since the last poll:
	//   build.scope    5000 − 1000 = 4000, 800 MiB, avoid
	//   shell.service  3500 −  500 = 3000, 300 MiB, omit
	//   firefox.scope  3000 − 1000 = 2000, 600 MiB, none
	//   idle.scope        0 −    0 =    0,   0 MiB, none
	const build = cand(`${SVC}/app.slice/build.scope`, 800 * M, 5000, 1000, 'avoid');
	const shell = cand(`${SVC}/session.slice/shell.service`, 300 * M, 3500, 500, 'omit');
	const firefox = cand(`${SVC}/app.slice/firefox.scope`, 600 * M, 3000, 1000);
	const idle = cand(`${SVC}/app.slice/idle.scope`, 0, 0, 0);
	const all = [build, shell, firefox, idle];

	it('omit is never considered; avoid ranks after every none, whatever its rate', () => {
		const r = selectByPgscanRate(all, SVC);
		// none first by rate (firefox 2000, idle 0), then the avoid one (build 4000); shell omitted.
		expect(r.sorted.map((c) => [c.path.split('/').at(-1), c.preference])).toEqual([
			['firefox.scope', PREFERENCE_NONE],
			['idle.scope', PREFERENCE_NONE],
			['build.scope', PREFERENCE_AVOID],
		]);
		expect(r.omitted.map((c) => c.path)).toEqual([shell.path]);
		// firefox (rate 2000) goes, though build scans twice as fast.
		expect(r.selected?.path).toBe(firefox.path);
	});

	it('the avoided one goes when nothing else would help; the omitted one never', () => {
		// Without firefox: idle has pgscan 0 and memory.current 0 (skipped: killing it relieves nothing),
		// so the loop goes on to build at the end.
		expect(selectByPgscanRate([build, shell, idle], SVC).selected?.path).toBe(build.path);
		// Only the omitted and the empty one: nothing is killed.
		expect(selectByPgscanRate([shell, idle], SVC).selected).toBeNull();
	});

	it('watched from root-owned /user.slice, the user-owned xattrs are ignored: plain rate order', () => {
		const r = selectByPgscanRate(all, '/user.slice');
		// build 4000, shell 3000, firefox 2000, idle 0; none omitted.
		expect(r.sorted.map((c) => c.path)).toEqual([build.path, shell.path, firefox.path, idle.path]);
		expect(r.sorted.map((c) => c.ignored)).toEqual([true, true, false, false]);
		expect(r.omitted).toEqual([]);
		expect(r.selected?.path).toBe(build.path);
	});
});

describe('oomd_select_by_swap_usage with preferences', () => {
	// 4 GiB of swap: a candidate needs more than 5 % = ⌊4 GiB × 5 / 100⌋ = 214748364 bytes.
	const threshold = Math.floor((4 * 2 ** 30 * 5) / 100);
	const web = cand('/system.slice/web.service', 1, 0, 0, undefined, 300 * M);
	const db = cand('/system.slice/db.service', 1, 0, 0, 'avoid', 900 * M);
	const backup = cand('/system.slice/backup.service', 1, 0, 0, 'omit', 1200 * M);
	const app = cand(`${SVC}/app.slice/app.scope`, 1, 0, 0, 'omit', 500 * M);

	it('omit out, avoid last; a user-owned omit is ignored (preferences are fetched against the root)', () => {
		const r = selectBySwapUsage([web, db, backup, app], threshold);
		// none: app 500 MiB (its omit ignored: uid 1000 ≠ the root's 0), web 300 MiB; then db 900 MiB (avoid).
		expect(r.sorted.map((c) => c.path)).toEqual([app.path, web.path, db.path]);
		expect(r.sorted[0]!.ignored).toBe(true);
		expect(r.omitted.map((c) => c.path)).toEqual([backup.path]);
		expect(r.selected?.path).toBe(app.path);
	});

	it('past every none candidate under the threshold, the avoided one goes', () => {
		// web at 100 MiB = 104857600 bytes ≤ 214748364: skipped; db (900 MiB, avoid) is next.
		const small = {...web, swapUsage: 100 * M};
		expect(selectBySwapUsage([small, db, backup], threshold).selected?.path).toBe(db.path);
		// backup alone (omit, 1200 MiB): nothing is killed.
		expect(selectBySwapUsage([backup], threshold).selected).toBeNull();
	});
});
