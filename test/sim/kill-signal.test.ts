// kill with a signal (issue 17 item 23): SIGTERM stops the process's work at once and it exits
// TERM_GRACE_SECONDS later, its memory freed as on any exit; SIGKILL (and a command without a
// signal, as every older recording has) frees it at once, as before.
import {describe, expect, it} from 'vitest';
import {TERM_GRACE_SECONDS, TERM_GRACE_TICKS} from '../../source/sim/lifecycle.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {restoreMachine, saveMachine, stateHash, stateHeaderText} from '../../source/sim/state-codec.js';
import {formatEvent} from '../../source/text/format.js';
import {runChecked} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

const w = workload(
	[
		group('batch', {
			rate: 10_000,
			regions: [{name: 'heap', kind: 'anon', size: 2 * MIB}],
			streams: [{region: 'heap', pattern: 'sequential', weight: 1}],
		}),
		group('other', {regions: [{name: 'heap', kind: 'anon', size: 4 * MIB}]}),
	],
	{ram: 64 * MIB},
);

function warm(): Machine {
	const m = new Machine(w, {seed: 1});
	runChecked(m, 100);
	return m;
}

describe('kill signals', () => {
	it('the grace period is one simulated second', () => {
		expect(TERM_GRACE_SECONDS).toBe(1);
		expect(TERM_GRACE_TICKS).toBe(100);
	});

	it('SIGTERM: the process stops working, exits exactly at grace end, then its memory is freed', () => {
		const m = warm();
		const t0 = m.tick;
		const before = takeSnapshot(m);
		expect(before.frames.anon).toBeGreaterThanOrEqual(512);
		const batch = m.procByPid(100)!;
		expect(batch.rssAnon).toBe(512);
		m.drainEvents();
		m.apply({kind: 'kill', pid: 100, signal: 'SIGTERM'});
		const sent = m.drainEvents();
		expect(sent).toEqual([
			expect.objectContaining({kind: 'command', summary: 'sent SIGTERM to 100 (batch)', tick: t0}),
		]);
		const refs = batch.refs;
		// Every tick of the grace period: still there, exiting, holding its 512 pages, doing nothing.
		runChecked(m, TERM_GRACE_TICKS);
		expect(m.tick).toBe(t0 + 100);
		const during = takeSnapshot(m);
		const p = during.processes.find((x) => x.pid === 100)!;
		expect(p.state).toBe('exiting');
		expect(p.anon).toBe(512);
		expect(batch.refs).toBe(refs);
		expect(m.drainEvents().some((e) => e.kind === 'process-exit')).toBe(false);
		// The step at t0 + 100 ends it.
		runChecked(m, 1);
		const exits = m.drainEvents().filter((e) => e.kind === 'process-exit');
		expect(exits).toEqual([
			{kind: 'process-exit', tick: t0 + 100, pid: 100, name: 'batch', reason: 'terminated'},
		]);
		// The event log's lines: what the user sent, then the exit.
		expect(formatEvent(sent[0]!)).toBe('> sent SIGTERM to 100 (batch)');
		expect(formatEvent(exits[0]!)).toBe('100 (batch) exited on SIGTERM, memory freed');
		expect(m.procByPid(100)).toBeUndefined();
		expect(batch.rssAnon).toBe(0);
		const after = takeSnapshot(m);
		expect(after.processes.some((x) => x.pid === 100 && x.state !== 'exited')).toBe(false);
		expect(after.frames.anon).toBe(during.frames.anon - 512);
	});

	it('a second SIGTERM is a no-op with a message; SIGKILL still ends it at once', () => {
		const m = warm();
		m.apply({kind: 'kill', pid: 100, signal: 'SIGTERM'});
		runChecked(m, 10);
		const termTick = m.procByPid(100)!.termTick;
		m.drainEvents();
		m.apply({kind: 'kill', pid: 100, signal: 'SIGTERM'});
		expect(m.drainEvents()).toEqual([
			expect.objectContaining({kind: 'command', summary: 'SIGTERM to 100 (batch): already exiting'}),
		]);
		expect(m.procByPid(100)!.termTick).toBe(termTick);
		m.apply({kind: 'kill', pid: 100, signal: 'SIGKILL'});
		expect(m.drainEvents().map((e) => (e.kind === 'process-exit' ? e.reason : e.kind))).toEqual([
			'killed',
			'command',
		]);
		expect(m.procByPid(100)).toBeUndefined();
	});

	it('SIGKILL and a kill without a signal are the same, and free the memory at once', () => {
		const a = warm();
		const b = warm();
		a.apply({kind: 'kill', pid: 100});
		b.apply({kind: 'kill', pid: 100, signal: 'SIGKILL'});
		for (const m of [a, b]) {
			expect(m.procByPid(100)).toBeUndefined();
			const events = m.drainEvents();
			expect(events.find((e) => e.kind === 'process-exit')).toMatchObject({reason: 'killed', tick: 100});
			expect(events.find((e) => e.kind === 'command')).toMatchObject({summary: 'killed 100 (batch)'});
		}
		runChecked(a, 50);
		runChecked(b, 50);
		expect(stateHash(a)).toBe(stateHash(b));
	});

	it('a state without a SIGTERM holds no trace of signals; one mid-grace restores and exits on time', () => {
		const m = warm();
		expect(stateHeaderText(saveMachine(m))).not.toContain('termTick');
		m.apply({kind: 'kill', pid: 100, signal: 'SIGTERM'});
		runChecked(m, 30);
		const saved = saveMachine(m);
		expect(stateHeaderText(saved)).toContain('"termTick":200');
		const r = restoreMachine(w, saved);
		expect(stateHash(r)).toBe(stateHash(m));
		expect(r.procByPid(100)!.termTick).toBe(200);
		runChecked(m, 71);
		runChecked(r, 71);
		expect(r.procByPid(100)).toBeUndefined();
		expect(stateHash(r)).toBe(stateHash(m));
	});
});
