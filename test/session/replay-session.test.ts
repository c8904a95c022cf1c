import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {canonicalHash} from '../../source/record/format.js';
import {loadRecording} from '../../source/record/load.js';
import {Player} from '../../source/record/player.js';
import {JsonlRecorder} from '../../source/record/recorder.js';
import type {Recording} from '../../source/record/recording.js';
import {validateCommand} from '../../source/record/validate.js';
import {
	ReplaySession,
	type ReplaySessionOptions,
	type ReplayStatusWithNotice,
} from '../../source/session/replay-session.js';
import type {Command} from '../../source/sim/commands.js';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import {hogSpec} from '../../source/sim/templates.js';
import {MIB} from '../helpers/workload.js';
import {FAST, FakeClock, oomWorkload, recordLive, tempDir} from '../record/helpers.js';

function session(
	recording: Recording,
	options: Partial<ReplaySessionOptions> = {},
): {s: ReplaySession; clock: FakeClock} {
	const clock = new FakeClock();
	const s = new ReplaySession({recording, clock, autostart: false, indexing: 'off', ...options});
	return {s, clock};
}

/** Play `ms` of wall time at the session's speed, one 100 ms publish at a time. */
function play(s: ReplaySession, clock: FakeClock, ms: number): void {
	for (let t = 0; t < ms; t += 100) {
		clock.t += 100;
		s.tick();
	}
}

const stateOf = (m: Machine) => ({
	hash: canonicalHash(m),
	snapshot: JSON.stringify(takeSnapshot(m, {events: false})),
});

describe('ReplaySession', () => {
	it("marks the workload's own timed events on the timeline, beside the recorded commands", async () => {
		const path = join(tempDir(), 'scripted.memtop.jsonl');
		const w = {
			...oomWorkload(),
			events: [
				{at: 1, command: {kind: 'set-sysctl' as const, name: 'swappiness' as const, value: 10}},
				{at: 2.5, command: {kind: 'kill' as const, pid: 101}},
				{at: 60, command: {kind: 'drop-caches' as const, mode: 3 as const}},
			],
		};
		await recordLive(path, {w, ticks: 300, script: {130: [{kind: 'drop-caches', mode: 1}]}});
		const {s} = session(loadRecording(path));
		expect(s.getStatus().replay!.markers.filter((m) => m.kind === 'command')).toEqual([
			{tick: 100, kind: 'command', label: 'workload event: vm.swappiness = 10'},
			{tick: 130, kind: 'command', label: 'drop_caches 1'},
			{tick: 250, kind: 'command', label: 'workload event: kill 101'},
		]);
	});

	it("marks the workload's notes in the recording's span, and a seek to one puts it in the event log", async () => {
		const path = join(tempDir(), 'notes.memtop.jsonl');
		const w = {
			...oomWorkload(),
			notes: [
				{at: 0.5, text: 'watch the leaker grow'},
				{at: 1.2, text: 'free memory falls'},
				{at: 9, text: 'after the recording ends'},
			],
		};
		await recordLive(path, {w, ticks: 300, script: {}});
		const {s} = session(loadRecording(path), {indexing: 'now'});
		expect(s.getStatus().replay!.markers.filter((m) => m.kind === 'note')).toEqual([
			{tick: 51, kind: 'note', label: 'watch the leaker grow'},
			{tick: 121, kind: 'note', label: 'free memory falls'},
		]);
		seekFully(s, 121);
		const notes = s.getEventLog().flatMap((e) => (e.event.kind === 'note' ? [e.event] : []));
		expect(notes).toEqual([
			{kind: 'note', tick: 50, text: 'watch the leaker grow'},
			{kind: 'note', tick: 120, text: 'free memory falls'},
		]);
		await s.close();
	});

	it('plays a recording like a live session, shows its position and commands, and pauses at the end', async () => {
		const path = join(tempDir(), 'run.memtop.jsonl');
		const {machine} = await recordLive(path, {ticks: 300});
		const rec = loadRecording(path);
		const {s, clock} = session(rec, {speed: 2});
		const status = s.getStatus();
		expect(status).toMatchObject({
			mode: 'replay',
			paused: false,
			speed: 2,
			workload: 'small',
			seed: 7,
			recordingPath: null,
		});
		expect(status.replay).toMatchObject({tick: 0, endTick: 300, divergence: null, file: path});
		expect(status.replay!.markers).toEqual([
			{tick: 0, kind: 'command', label: 'vm.swappiness = 100'},
			{tick: 40, kind: 'command', label: 'spawn hog'},
			{tick: 130, kind: 'command', label: 'drop_caches 3'},
			{tick: 130, kind: 'command', label: 'oom_score_adj 101 = 500'},
			{tick: 260, kind: 'command', label: 'kill 100'},
		]);
		play(s, clock, 1000);
		expect(s.getStatus().replay!.tick).toBe(200);
		expect(s.getSnapshot().tick).toBe(200);
		// Commands sent to a replay are ignored: the recording drives the machine.
		s.send({kind: 'kill', pid: 101});
		play(s, clock, 1000);
		expect(s.getStatus()).toMatchObject({paused: true, replay: {tick: 300}});
		expect(canonicalHash(s.currentMachine)).toBe(canonicalHash(machine));
		// Nothing left to play: it stays paused at the end.
		s.setPaused(false);
		expect(s.getStatus().paused).toBe(true);
		expect(s.getDivergence()).toBeNull();
		await s.close();
	});

	it('seeks anywhere, backwards and forwards, to the state playing there gives', async () => {
		const path = join(tempDir(), 'run.memtop.jsonl');
		await recordLive(path, {ticks: 500});
		const rec = loadRecording(path);
		const reference = new Player(rec);
		const expected = new Map<number, ReturnType<typeof stateOf>>();
		const targets = [350, 120, 499, 0, 260, 261, 130, 500, 45, 410];
		for (const t of [...targets].sort((a, b) => a - b)) {
			reference.advanceTo(t);
			expected.set(t, stateOf(reference.machine));
		}
		const {s} = session(rec, {paused: true});
		const machineOf = () => s.currentMachine;
		for (const t of targets) {
			seekFully(s, t);
			expect(s.getStatus().replay!.tick).toBe(t);
			expect(s.getSnapshot().tick).toBe(t);
			expect(stateOf(machineOf()), `seek to ${t}`).toEqual(expected.get(t));
		}
		// A seek that needs a state from the file when the file is gone says so and replays from the start
		// (the recording keeps the last states it decoded: forget them, so the seek needs the file).
		rmSync(path);
		rec.dropCaches();
		seekFully(s, 260);
		expect(s.getNotices().at(-1)).toBe(
			`${path}: cannot read: no such file; seeking from an earlier checkpoint`,
		);
		expect(stateOf(machineOf())).toEqual(expected.get(260));
		// Out-of-range targets are clamped.
		seekFully(s, -50);
		expect(s.getStatus().replay!.tick).toBe(0);
		seekFully(s, 10_000);
		expect(s.getStatus().replay!.tick).toBe(500);
		await s.close();
	});

	it('keeps in-memory checkpoints while playing, and seeks back from them', async () => {
		const path = join(tempDir(), 'run.memtop.jsonl');
		await recordLive(path, {ticks: 500});
		const rec = loadRecording(path);
		const {s, clock} = session(rec, {memory: {interval: 100, budget: 64 * MIB, sync: true}});
		play(s, clock, 4500);
		// Every 100 ticks, except where the file has a full state (200, 400).
		expect(s.memoryCheckpoints).toEqual([100, 300]);
		const reference = new Player(rec);
		reference.advanceTo(330);
		seekFully(s, 330);
		expect(canonicalHash(s.currentMachine)).toBe(canonicalHash(reference.machine));
		await s.close();
	});

	it('finds OOM kills by indexing in the background, and seeking to one shows the kill', async () => {
		const path = join(tempDir(), 'ooms.memtop.jsonl');
		const {machine} = await recordLive(path, {w: oomWorkload(), ticks: 1000, script: {}});
		expect(machine.oom.kills).toBeGreaterThanOrEqual(2);
		const rec = loadRecording(path);
		const queue: (() => void)[] = [];
		const {s, clock} = session(rec, {paused: true, indexing: 'background', schedule: (fn) => queue.push(fn)});
		expect(s.indexed).toBe(false);
		let chunks = 0;
		const seen: number[] = [];
		while (queue.length) {
			queue.shift()!();
			chunks++;
			play(s, clock, 100);
			const at = s.getStatus().replay!.indexing;
			if (at != null) seen.push(at);
		}
		expect(s.indexed).toBe(true);
		// The timeline says how far the indexer has got while it runs, and nothing once it is done. A
		// chunk is 15 ms of wall time (at least 25 ticks): on a loaded machine chunks of 25 ticks end
		// exactly at the recording's end tick, where the indexer has got all the way (1) but is done only
		// after its next step finds nothing more to read, so 1 is a true answer while it runs.
		expect(seen.length).toBeGreaterThan(0);
		expect(seen, JSON.stringify(seen)).toSatisfy((fs: number[]) =>
			fs.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= fs[i - 1]!)),
		);
		expect(s.getStatus().replay!.indexing).toBeNull();
		expect(chunks).toBeGreaterThanOrEqual(1);
		play(s, clock, 100);
		const kills = s.getStatus().replay!.markers.filter((m) => m.kind === 'oom-kill');
		expect(kills).toHaveLength(machine.oom.kills);
		for (const [i, marker] of kills.entries()) {
			expect(marker.label).toMatch(/^leaker \(pid 10[12]\)$/);
			seekFully(s, marker.tick - 1);
			expect(s.getSnapshot().oomKills).toBe(i);
			seekFully(s, marker.tick);
			expect(s.getSnapshot().oomKills).toBe(i + 1);
			expect(
				s.getEventLog().some((e) => e.event.kind === 'oom-kill' && e.event.tick === marker.tick - 1),
			).toBe(true);
		}
		await s.close();
	});

	it('a seek before the indexer has got there gets the earlier events when it does (backfill)', async () => {
		const path = join(tempDir(), 'ooms-backfill.memtop.jsonl');
		const {machine} = await recordLive(path, {w: oomWorkload(), ticks: 1000, script: {}});
		expect(machine.oom.kills).toBeGreaterThanOrEqual(1);
		const queue: (() => void)[] = [];
		const {s} = session(loadRecording(path), {
			paused: true,
			indexing: 'background',
			schedule: (fn) => queue.push(fn),
		});
		// Seek to the end before any indexing: the log has only what the seek itself stepped through.
		seekFully(s, 999);
		const starts = () => s.getEventLog().filter((e) => e.event.kind === 'process-start').length;
		const before = starts();
		while (queue.length) queue.shift()!();
		expect(s.indexed).toBe(true);
		// Now the run's process starts at tick 0 are in front of the log, and the log is in tick order.
		expect(starts()).toBeGreaterThan(before);
		const ticks = s.getEventLog().map((e) => e.event.tick);
		expect(ticks).toEqual([...ticks].sort((x, y) => x - y));
		await s.close();
	});

	it('reports a divergence once, with the tick, whether indexing or playing finds it', async () => {
		const dir = tempDir();
		const path = join(dir, 'run.memtop.jsonl');
		await recordLive(path, {ticks: 300});
		const lines = readFileSync(path, 'utf8').split('\n');
		const tamper = (tick: number) => {
			const i = lines.findIndex((l) => l.startsWith(`{"t":${tick},"checkpoint"`));
			return {index: i, hash: JSON.parse(lines[i]!).checkpoint.hash as string};
		};
		const first = tamper(150);
		const second = tamper(250);
		const copy = [...lines];
		copy[first.index] = JSON.stringify({t: 150, checkpoint: {hash: 'aaaaaaaaaaaaaaaa'}});
		copy[second.index] = JSON.stringify({t: 250, checkpoint: {hash: 'bbbbbbbbbbbbbbbb'}});
		const bad = join(dir, 'bad.memtop.jsonl');
		writeFileSync(bad, copy.join('\n'));
		const message = `state diverged at 0:01.50 (tick 150): recorded hash aaaaaaaaaaaaaaaa, replayed ${first.hash}`;

		// Playing through it (no indexer).
		const rec = loadRecording(bad);
		const {s, clock} = session(rec, {speed: 1});
		play(s, clock, 1400);
		expect(s.getStatus().replay!.divergence).toBeNull();
		play(s, clock, 200);
		expect(s.getStatus().replay!.divergence).toBe(message);
		play(s, clock, 2000);
		seekFully(s, 0);
		play(s, clock, 3000);
		expect(s.getStatus().replay!.divergence).toBe(message);
		expect(s.getDivergence()).toMatchObject({tick: 150, recorded: 'aaaaaaaaaaaaaaaa', replayed: first.hash});
		await s.close();

		// Found by the indexer before playing gets there.
		const indexed = session(loadRecording(bad), {paused: true, indexing: 'now'});
		seekFully(indexed.s, 10);
		expect(indexed.s.getStatus().replay!.divergence).toBe(message);
		await indexed.s.close();
	});

	it('a what-if branch from tick T is a fresh run given the same commands up to T, and its file replays on its own', async () => {
		const dir = tempDir();
		const parentPath = join(dir, 'parent.memtop.jsonl');
		await recordLive(parentPath, {ticks: 500});
		const parent = loadRecording(parentPath);
		const branchPath = join(dir, 'branch.memtop.jsonl');
		const T = 260;
		const {s} = session(parent, {
			paused: true,
			branchRecorder: (machine, ref) => JsonlRecorder.open({path: branchPath, machine, parent: ref, ...FAST}),
		});
		seekFully(s, 400);
		seekFully(s, T);
		s.takeOver();
		expect(s.getStatus()).toMatchObject({
			mode: 'live',
			replay: null,
			recordingPath: branchPath,
			paused: true,
		});
		// What-if: instead of the recorded balloon and zswap, a hog now and a kill later.
		const whatIf: Record<number, Command[]> = {
			[T]: [{kind: 'spawn', spec: hogSpec(16 * MIB)}],
			[T + 90]: [{kind: 'set-sysctl', name: 'swappiness', value: 5}],
			[T + 170]: [{kind: 'kill', pid: 101}],
		};
		const machineOf = () => s.currentMachine;
		while (machineOf().tick < T + 200) {
			for (const c of whatIf[machineOf().tick] ?? []) s.send(c);
			s.step();
		}
		// A take-over happens once; seeking is over.
		s.takeOver();
		seekFully(s, 10);
		expect(machineOf().tick).toBe(T + 200);
		const branchState = stateOf(machineOf());
		await s.close();

		// The same run from scratch: the recorded commands up to T, then the what-if ones.
		const fresh = new Machine(parent.workload, {seed: 7});
		const recorded = parent.commandList.filter((c) => c.tick <= T);
		while (fresh.tick < T + 200) {
			for (const c of recorded) if (c.tick === fresh.tick) fresh.apply(c.command);
			for (const c of whatIf[fresh.tick] ?? []) fresh.apply(validateCommand(c, 'cmd'));
			fresh.step();
		}
		expect(stateOf(fresh)).toEqual(branchState);

		// The branch file: its parent, the state at T first, the what-if commands, and it replays on its own.
		const branch = loadRecording(branchPath);
		expect(branch.header.parent).toEqual({file: resolve(parentPath), tick: T});
		expect(branch.header.workload).toEqual(parent.workload);
		expect(branch.startTick).toBe(T);
		expect(branch.checkpoints[0]).toMatchObject({tick: T, line: 2});
		expect(branch.checkpoints[0]!.state).not.toBeNull();
		// Its first state is a full one; the next is a delta from it.
		expect(branch.states.map((c) => [c.tick, c.delta?.base ?? null])).toEqual([
			[T, null],
			[400, T],
		]);
		expect(branch.commandList.map((c) => [c.tick, c.command])).toEqual(
			Object.entries(whatIf).flatMap(([t, cs]) => cs.map((c) => [Number(t), validateCommand(c, 'cmd')])),
		);
		expect(branch.notice).toBeNull();
		const replay = new Player(branch);
		expect(replay.tick).toBe(T);
		replay.advanceTo(branch.endTick);
		expect(replay.divergence).toBeNull();
		expect(replay.verified).toBe(4 + 1);
		expect(stateOf(replay.machine)).toEqual(branchState);
		const seeker = new Player(branch);
		seeker.seek(T + 200, {forceRestore: true});
		expect(stateOf(seeker.machine)).toEqual(branchState);
		// And a replay session of the branch starts at T.
		const again = session(branch, {paused: true});
		expect(again.s.getStatus().replay).toMatchObject({tick: T, endTick: T + 200});
		await again.s.close();
	});

	it('feeds a twin run the recorded commands, and starts it again from where a seek arrives', async () => {
		const path = join(tempDir(), 'run.memtop.jsonl');
		await recordLive(path, {ticks: 300});
		const {s, clock} = session(loadRecording(path));
		s.setTwin('fifo');
		play(s, clock, 1500);
		let twin = s.getTwin()!;
		expect(twin.policy).toBe('fifo');
		expect(twin.snapshot.tick).toBe(150);
		// The recorded swappiness command (tick 0) and the hog spawn (tick 40) reached the twin.
		expect(twin.snapshot.sysctl.swappiness).toBe(100);
		expect(twin.snapshot.processes.some((p) => p.name === 'hog')).toBe(true);
		seekFully(s, 20);
		twin = s.getTwin()!;
		expect(twin.snapshot.tick).toBe(20);
		expect(twin.start.tick).toBe(20);
		expect(twin.snapshot.processes.some((p) => p.name === 'hog')).toBe(false);
		// Forwards too: both runs from the state the seek arrives at, and on in step.
		seekFully(s, 100);
		play(s, clock, 300);
		twin = s.getTwin()!;
		expect(twin.start.tick).toBe(100);
		expect(twin.snapshot.tick).toBe(s.getSnapshot().tick);
		expect(twin.snapshot.tick).toBeGreaterThan(100);
		expect(twin.snapshot.processes.some((p) => p.name === 'hog')).toBe(true);
		await s.close();
	});

	it('shows a cut-short recording in its status notice', async () => {
		const dir = tempDir();
		const path = join(dir, 'run.memtop.jsonl');
		await recordLive(path, {ticks: 120});
		const bytes = readFileSync(path);
		const cut = join(dir, 'cut.memtop.jsonl');
		writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
		const {s} = session(loadRecording(cut, 'cut.memtop.jsonl'), {paused: true});
		const replay = s.getStatus().replay as ReplayStatusWithNotice;
		expect(replay.notice).toMatch(
			/^cut\.memtop\.jsonl:\d+: incomplete last line ignored \(the recording was cut short\); replaying up to 0:01\.00 \(tick 100\)$/,
		);
		expect(replay.endTick).toBe(100);
		expect(s.getNotices()).toEqual([replay.notice]);
		await s.close();
	});
});

/** A seek runs in slices of the publish interval (keys stay live): drive it to the end. */
function seekFully(s: ReplaySession, tick: number): void {
	s.seek(tick);
	for (let i = 0; s.seeking && i < 10_000; i++) s.tick();
}
