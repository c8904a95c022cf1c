// O cycles the userspace OOM killer none → systemd-oomd → earlyoom → none: each press sends the
// recorded set-userspace-oom command from the killer the snapshot shows, the Tasks line shows the
// killer and its kills once one has run, the help lists the key, and a replay refuses it.
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import type {Snapshot} from '../../source/sim/snapshot-types.js';
import {REPLAY_REFUSAL} from '../../source/view/actions.js';
import {Help, KEY_HELP} from '../../source/view/panels/help.js';
import {FakeSession} from '../helpers/fake-session.js';
import {tick} from '../helpers/ink-tty.js';
import {autoUnmount, frameLines, mount} from '../helpers/render-once.js';
import {buildSnapshot} from '../helpers/snapshot-fixture.js';

autoUnmount();

function withKiller(killer: 'none' | 'systemd-oomd' | 'earlyoom', oomdKills = 0): Snapshot {
	return {
		...buildSnapshot({time: 134}),
		userspaceOom: {
			killer,
			kills: {'systemd-oomd': oomdKills, earlyoom: 0},
			nextPollTick: 13_500,
			pressure: [],
			swap: [],
			earlyoom: null,
		},
	};
}

async function app(session: FakeSession) {
	const r = await mount(<App session={session} />, 120, 40);
	return {...r, status: () => r.lines().at(-2) ?? ''};
}

describe('O: the userspace OOM killer', () => {
	it('cycles none → systemd-oomd → earlyoom → none from what the snapshot shows', async () => {
		const session = new FakeSession({snapshot: buildSnapshot()});
		const r = await app(session);
		// No userspace killer has run: the Tasks line is as it always was.
		expect(r.lines().join('\n')).not.toContain('systemd-oomd');
		await r.press('O');
		expect(session.sent).toEqual([{kind: 'set-userspace-oom', killer: 'systemd-oomd'}]);
		expect(r.status()).toMatch(/^ systemd-oomd started: it kills cgroups with ManagedOOMMemoryPressure=kill/);
		session.publish(withKiller('systemd-oomd', 1));
		await tick();
		expect(r.lines().find((l) => l.includes('Tasks'))).toMatch(/OOM kills \d+ +3 stalled +systemd-oomd 1$/);
		await r.press('O');
		expect(session.sent.at(-1)).toEqual({kind: 'set-userspace-oom', killer: 'earlyoom'});
		expect(r.status()).toMatch(/^ earlyoom started/);
		session.publish(withKiller('earlyoom', 1));
		await tick();
		// earlyoom's own kills: systemd-oomd's one kill is not earlyoom's.
		expect(r.lines().find((l) => l.includes('Tasks'))).toMatch(/3 stalled +earlyoom 0$/);
		await r.press('O');
		expect(session.sent.at(-1)).toEqual({kind: 'set-userspace-oom', killer: 'none'});
		expect(r.status()).toBe(' earlyoom stopped: no userspace OOM killer');
		session.publish(withKiller('none', 1));
		await tick();
		expect(r.lines().find((l) => l.includes('Tasks'))).toMatch(/3 stalled +userspace off 1$/);
	});

	it('is refused in a replay until take-over', async () => {
		const session = new FakeSession({
			snapshot: buildSnapshot(),
			replay: {tick: 13_300, endTick: 60_000, markers: [], divergence: null, file: 'run.memtop'},
		});
		const r = await app(session);
		await r.press('O');
		expect(session.sent).toEqual([]);
		expect(r.status()).toContain(REPLAY_REFUSAL);
	});

	it('is in the help, under Simulation', async () => {
		const sim = KEY_HELP.find((g) => g.keys.some((k) => k.keys === 'O'));
		expect(sim?.keys.find((k) => k.keys === 'O')?.action).toBe('userspace OOM: none→oomd→earlyoom');
		const lines = await frameLines(<Help width={120} height={60} />, 120);
		expect(lines).toContainEqual(expect.stringMatching(/ {2}O {22}userspace OOM: none→oomd→earlyoom$/));
	});
});
