// SystemdOomd (source/sim/oomd.ts) over a real memcg tree, its inputs set by hand: the 30 s limit,
// the reclaim-activity condition, the candidate by pgscan rate and the post-action delay.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {STAT_PGSCAN} from '../../source/sim/memcontrol.js';
import {OOMD_PID, SystemdOomd} from '../../source/sim/oomd.js';
import {FIXED_1} from '../../source/sim/psi.js';
import {loadWorkload} from '../../source/workload/load.js';

const S = 1_000_000;
const SVC = '/user.slice/user-1000.slice/user@1000.service';
const SESSION = `${SVC}/app.slice/app-org.gnome.Terminal.slice/vte-spawn-4242.scope`;
const SHELL = `${SVC}/session.slice/org.gnome.Shell@x11.service`;

function setup(withShell = false) {
	// The file runs systemd-oomd itself; these tests drive their own, so the machine runs none. Most
	// leave gnome-shell out (its cgroup stays, empty: no candidate worth a kill).
	const w = loadWorkload('desktop-freeze');
	const processes = withShell ? w.processes : w.processes.filter((p) => p.name !== 'gnome-shell');
	const m = new Machine({...w, processes, userspace_oom: 'none'}, {seed: 1});
	// 6 s: Xorg and the four cc1plus (started at 5 s) are running; nothing is under pressure yet.
	for (let t = 0; t < 600; t++) m.step();
	m.drainEvents();
	const oomd = new SystemdOomd(m.memcg, m.tasks, m.lifecycle, m.events, {
		memoryPressure: [{path: '/user.slice'}],
		swap: [],
	});
	const user = m.memcg.idOf('/user.slice');
	const session = m.memcg.idOf(SESSION);
	// /user.slice's full avg10 pinned at 70.00 % (fixed point 70 × 2048).
	const pin = () => {
		m.memcg.psiFull[user]!.avgs[0] = 70 * FIXED_1;
	};
	return {m, oomd, session, pin, user};
}

describe('systemd-oomd', () => {
	it('kills the session 30 s after the first poll above 60 %, with pgscan rising in it', () => {
		const {m, oomd, session, pin} = setup();
		let killedAt = -1;
		for (let s = 1; s <= 40 && killedAt < 0; s++) {
			pin();
			m.memcg.countMemcg(session, STAT_PGSCAN, 100); // reclaim scans 100 pages a second in the session
			oomd.pollPressure(s * S, s * 100);
			if (m.drainEvents().some((e) => e.kind === 'oom-kill')) killedAt = s;
		}
		// First above at 1 s; 31 − 1 = 30 s ≥ DefaultMemoryPressureDurationSec.
		expect(killedAt).toBe(31);
		expect(m.liveProcs().map((p) => p.name)).toEqual(['Xorg']);
		expect(oomd.kills).toBe(1);
	});

	it("ManagedOOMMemoryPressureDurationSec= on the unit overrides oomd.conf's duration (systemd >= 252)", () => {
		const {m, pin, session} = setup();
		// oomd.conf says 30 s; /user.slice's own 10 s wins. First above at 1 s; 11 − 1 = 10 s ≥ 10 s:
		// killed at 11 s (with the default it was 31 s, the test above).
		const oomd = new SystemdOomd(m.memcg, m.tasks, m.lifecycle, m.events, {
			memoryPressure: [{path: '/user.slice', durationUs: 10 * S}],
			swap: [],
			durationUs: 30 * S,
		});
		expect(oomd.contexts[0]).toMatchObject({durationUs: 10 * S, limitPercent: 60});
		let killedAt = -1;
		let line = '';
		for (let s = 1; s <= 40 && killedAt < 0; s++) {
			pin();
			m.memcg.countMemcg(session, STAT_PGSCAN, 100);
			oomd.pollPressure(s * S, s * 100);
			for (const e of m.drainEvents())
				if (e.kind === 'oom-kill') {
					killedAt = s;
					line = e.lines[0]!;
				}
		}
		expect(killedAt).toBe(11);
		expect(line).toContain('being 70.00% > 60.00% for > 10s with reclaim activity');
		// A unit without its own duration takes oomd.conf's.
		const other = new SystemdOomd(m.memcg, m.tasks, m.lifecycle, m.events, {
			memoryPressure: [{path: '/user.slice'}],
			swap: [],
			durationUs: 20 * S,
		});
		expect(other.contexts[0]!.durationUs).toBe(20 * S);
	});

	it('no reclaim activity in the last 30 s: no kill (it would not help)', () => {
		const {m, oomd, pin} = setup();
		for (let s = 1; s <= 60; s++) {
			pin();
			oomd.pollPressure(s * S, s * 100);
		}
		expect(m.drainEvents().filter((e) => e.kind === 'oom-kill')).toEqual([]);
		expect(m.liveProcs()).toHaveLength(5);
	});

	it('reclaim counted above the leaves still counts; a leaf at pgscan rate 0 with memory in it is chosen', () => {
		const {m, oomd, pin} = setup();
		const user = m.memcg.idOf('/user.slice/user-1000.slice');
		// Scans counted in /user.slice/user-1000.slice itself reach the tree's pgscan but no leaf's:
		// the session leaf has rate 0 but memory.current > 0, so it is still the one chosen.
		const kills: number[] = [];
		for (let s = 1; s <= 60; s++) {
			pin();
			m.memcg.countMemcg(user, STAT_PGSCAN, 10);
			oomd.pollPressure(s * S, s * 100);
			for (const e of m.drainEvents()) {
				if (e.kind !== 'oom-kill') continue;
				kills.push(s);
				expect(e.memcg).toBe(SESSION);
				expect(e.lines[0]).toBe(
					`systemd-oomd[${OOMD_PID}]: Killed ${SESSION} due to memory pressure for /user.slice being 70.00% > 60.00% for > 30s with reclaim activity`,
				);
			}
		}
		// Killed at 31 s; the empty session is no candidate afterwards (nothing left to kill).
		expect(kills).toEqual([31]);
	});

	it('ManagedOOMSwap=kill on /: at 90 % of memory and swap used, the leaf with the most swap goes', () => {
		const {m, session} = setup();
		const oomd = new SystemdOomd(m.memcg, m.tasks, m.lifecycle, m.events, {memoryPressure: [], swap: ['/']});
		const G = 2 ** 30;
		// 4 GiB swap: a candidate needs more than 5 % = 214748364 bytes = 52429 pages (of 4096 bytes).
		m.memcg.swapUsage[session] = 60_000; // 245760000 bytes
		const gdm = m.memcg.idOf('/system.slice/gdm.service');
		m.memcg.swapUsage[gdm] = 10_000;
		const sys = {memTotal: 2 * G, memUsed: 2 * G - 100e6, swapTotal: 4 * G, swapUsed: 4 * G - 100e6};
		// Swap 30 % free: no action.
		oomd.pollSwap({...sys, swapUsed: 0.7 * 4 * G}, 700);
		expect(m.drainEvents().filter((e) => e.kind === 'oom-kill')).toEqual([]);
		oomd.pollSwap(sys, 700);
		const kills = m.drainEvents().filter((e) => e.kind === 'oom-kill');
		expect(kills.map((e) => e.kind === 'oom-kill' && e.memcg)).toEqual([SESSION]);
		expect(m.liveProcs().map((p) => p.name)).toEqual(['Xorg']);
	});

	it('ManagedOOMSwap=kill on / and on /system.slice: each leaf is one candidate; on a slice only what is below it', () => {
		const {m, session} = setup();
		const G = 2 ** 30;
		const gdm = m.memcg.idOf('/system.slice/gdm.service');
		// 4 GiB swap, threshold 5 % = 214748364 bytes = 52428.8 pages: more than 52428 pages needed.
		const sys = {memTotal: 2 * G, memUsed: 2 * G - 100e6, swapTotal: 4 * G, swapUsed: 4 * G - 100e6};
		// /system.slice alone: its only leaf is gdm.service, at 10000 pages (40960000 bytes) under the
		// threshold; the session's 60000 pages are not below /system.slice, so nothing is killed.
		m.memcg.swapUsage[session] = 60_000;
		m.memcg.swapUsage[gdm] = 10_000;
		const slice = new SystemdOomd(m.memcg, m.tasks, m.lifecycle, m.events, {
			memoryPressure: [],
			swap: ['/system.slice'],
		});
		slice.pollSwap(sys, 700);
		expect(m.drainEvents().filter((e) => e.kind === 'oom-kill')).toEqual([]);
		// gdm.service at 55000 pages (225280000 bytes > 214748364): the slice's candidate goes, though
		// the session (not below the slice) has more.
		m.memcg.swapUsage[gdm] = 55_000;
		slice.pollSwap(sys, 700);
		const kills = m.drainEvents().filter((e) => e.kind === 'oom-kill');
		expect(kills.map((e) => e.kind === 'oom-kill' && e.memcg)).toEqual(['/system.slice/gdm.service']);
		expect(m.liveProcs().every((p) => p.name === 'cc1plus')).toBe(true);
	});

	it('/ and /system.slice both ManagedOOMSwap=kill: the session (most swap) goes once, the same as / alone', () => {
		const {m, session} = setup();
		const G = 2 ** 30;
		m.memcg.swapUsage[session] = 60_000;
		m.memcg.swapUsage[m.memcg.idOf('/system.slice/gdm.service')] = 55_000;
		const both = new SystemdOomd(m.memcg, m.tasks, m.lifecycle, m.events, {
			memoryPressure: [],
			swap: ['/', '/system.slice'],
		});
		both.pollSwap({memTotal: 2 * G, memUsed: 2 * G - 100e6, swapTotal: 4 * G, swapUsed: 4 * G - 100e6}, 700);
		const kills = m.drainEvents().filter((e) => e.kind === 'oom-kill');
		expect(kills.map((e) => e.kind === 'oom-kill' && e.memcg)).toEqual([SESSION]);
		expect(both.kills).toBe(1);
	});
});

describe('systemd-oomd and ManagedOOMPreference on the machine', () => {
	/** Poll once a second with /user.slice and user@1000.service pinned at 70 %; the kills, in order. */
	function run(preference: Record<string, 'avoid' | 'omit'>, watch: string, seconds: number) {
		const {m, session, user} = setup(true);
		const svc = m.memcg.idOf(SVC);
		const shell = m.memcg.idOf(SHELL);
		const oomd = new SystemdOomd(m.memcg, m.tasks, m.lifecycle, m.events, {
			memoryPressure: [{path: watch}],
			swap: [],
			preference,
		});
		const kills: {s: number; memcg: string; ranked: string[]}[] = [];
		for (let s = 1; s <= seconds; s++) {
			m.memcg.psiFull[user]!.avgs[0] = 70 * FIXED_1;
			m.memcg.psiFull[svc]!.avgs[0] = 70 * FIXED_1;
			// Reclaim scans 100 pages a second in the build's scope, 300 in gnome-shell's, while they have tasks.
			if (m.liveProcs().some((p) => p.name === 'cc1plus')) m.memcg.countMemcg(session, STAT_PGSCAN, 100);
			if (m.liveProcs().some((p) => p.name === 'gnome-shell')) m.memcg.countMemcg(shell, STAT_PGSCAN, 300);
			oomd.pollPressure(s * S, s * 100);
			for (const e of m.drainEvents())
				if (e.kind === 'oom-kill')
					kills.push({
						s,
						memcg: e.memcg!,
						ranked: e.oomd!.candidates.map(
							(c) => `${c.path.split('/').at(-1)} ${c.preference} ${c.pgscanRate}`,
						),
					});
		}
		return {m, kills};
	}

	it('no preference: gnome-shell (rate 300) goes before the build (rate 100)', () => {
		const {kills} = run({}, SVC, 31);
		expect(kills).toEqual([
			{
				s: 31,
				memcg: SHELL,
				ranked: ['org.gnome.Shell@x11.service none 300', 'vte-spawn-4242.scope none 100'],
			},
		]);
	});

	it('avoid on gnome-shell: the build goes first; 15 s later, with only the avoided one left, it goes too', () => {
		const {m, kills} = run({[SHELL]: 'avoid'}, SVC, 46);
		// 31 s: first above at 1 s, 30 s ≥ 30 s. Ranked none first, then avoid (whatever its rate).
		// 46 s: POST_ACTION_DELAY (15 s) is over; the build's scope is empty (pgscan rate 0, memory.current 0:
		// skipped, "it won't alleviate pressure"), and the loop goes on to the avoided one at the end.
		expect(kills.map((k) => [k.s, k.memcg])).toEqual([
			[31, SESSION],
			[46, SHELL],
		]);
		expect(kills[0]!.ranked).toEqual([
			'vte-spawn-4242.scope none 100',
			'org.gnome.Shell@x11.service avoid 300',
		]);
		expect(m.liveProcs().map((p) => p.name)).toEqual(['Xorg']);
	});

	it('omit on gnome-shell: never a candidate; after the build it is left alone', () => {
		const {m, kills} = run({[SHELL]: 'omit'}, SVC, 60);
		expect(kills.map((k) => [k.s, k.memcg])).toEqual([[31, SESSION]]);
		expect(kills[0]!.ranked).toEqual(['vte-spawn-4242.scope none 100']);
		expect(m.liveProcs().map((p) => p.name)).toEqual(['Xorg', 'gnome-shell']);
	});

	it('watched from root-owned /user.slice, the uid-1000 cgroup’s avoid is ignored: gnome-shell goes first', () => {
		const {kills} = run({[SHELL]: 'avoid'}, '/user.slice', 31);
		expect(kills.map((k) => k.memcg)).toEqual([SHELL]);
		expect(kills[0]!.ranked[0]).toBe('org.gnome.Shell@x11.service none 300');
	});
});
