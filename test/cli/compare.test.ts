// memtop compare with the userspace OOM killer as a dimension (issue 12): the same workload and seed
// with none, systemd-oomd and earlyoom side by side, who got killed and when; bad values are one
// line, exit 2.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {compareCommand, compareHelp, parseKillers, runLabels} from '../../source/cli/compare.js';
import {type CompareResult, killOf, runPolicy} from '../../source/cli/compare-run.js';
import {UserError} from '../../source/common/user-error.js';
import {group, MIB, workload} from '../helpers/workload.js';

/** A 256 MiB box without swap: a shell, and a leaker from 1 s at 20 MiB/s (the kernel kills it unless a daemon does first). */
const BOX = `description: a leaker on a small box without swap
machine:
  ram: 256M
  swap: { size: 0, device: ssd }
processes:
  - name: shell
    rate: 1000
    regions: [{ name: heap, kind: anon, size: 16M }]
    streams: [{ region: heap, pattern: random }]
  - name: leaker
    rate: 1000
    start: 1s
    regions: [{ name: heap, kind: anon, size: 512M }]
    streams: [{ region: heap, pattern: grow, grow: 20M/s, write_ratio: 1 }]
`;

const dir = mkdtempSync(join(tmpdir(), 'memtop-compare-'));
const boxFile = join(dir, 'box.yaml');
writeFileSync(boxFile, BOX);

function io() {
	const out: string[] = [];
	return {out, io: {stdout: {write: (s: string) => out.push(s)}, stderr: {write: () => {}}}};
}

async function refusal(argv: string[]): Promise<string> {
	try {
		await compareCommand(argv, io().io);
	} catch (error) {
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).exitCode).toBe(2);
		expect((error as Error).message.split('\n')).toHaveLength(1);
		return (error as Error).message;
	}
	throw new Error('no refusal');
}

describe('compare --userspace-oom', () => {
	it('a run with a killer is the workload run with userspace_oom set to it; its kills say who sent them', () => {
		const w = workload(
			[
				group('shell', {rate: 1000, regions: [{name: 'heap', kind: 'anon', size: 16 * MIB}]}),
				group('leaker', {
					rate: 1000,
					start: 1,
					regions: [{name: 'heap', kind: 'anon', size: 512 * MIB}],
					streams: [{region: 'heap', pattern: 'grow', grow: 20 * MIB, weight: 1, write_ratio: 1}],
				}),
			],
			{swap: {size: 0, device: 'ssd'}},
		);
		const none = runPolicy(w, 1, 'lru2', 14, undefined, 'none');
		const early = runPolicy(w, 1, 'lru2', 14, undefined, 'earlyoom');
		expect(runPolicy({...w, userspace_oom: 'earlyoom'}, 1, 'lru2', 14)).toEqual(early);
		// Without a daemon the kernel's OOM killer takes the leaker once RAM is gone: vmstat oom_kill 1.
		expect(none).toMatchObject({userspaceOom: 'none', oomKills: 1, userspaceKills: 0});
		expect(none.kills).toMatchObject([{by: 'kernel', name: 'leaker', pid: 101}]);
		// earlyoom SIGTERMs it earlier, at MemAvailable ≤ 10 % (before the kernel runs out), on one
		// of its checks: 100 ms apart as headroom shrinks, so the time is a whole number of 10 ms ticks.
		expect(early).toMatchObject({userspaceOom: 'earlyoom', oomKills: 0, userspaceKills: 1});
		expect(early.kills).toMatchObject([{by: 'earlyoom', name: 'leaker', pid: 101}]);
		expect(early.kills[0]!.time).toBeLessThan(none.kills[0]!.time);
	});

	it('killOf: the constraint names the killer; a userspace line its daemon', () => {
		const base = {kind: 'oom-kill' as const, tick: 6200, pid: 101, name: 'cc1plus', candidates: []};
		expect(killOf({...base, lines: ['Out of memory: Killed process 101 (cc1plus)']})).toEqual({
			time: 62,
			by: 'kernel',
			pid: 101,
			name: 'cc1plus',
		});
		expect(killOf({...base, lines: [], constraint: 'memcg', memcg: '/kubepods/pod-a'})).toMatchObject({
			by: 'memcg',
			cgroup: '/kubepods/pod-a',
		});
		const oomd = ['systemd-oomd[812]: Killed /user.slice/s due to memory pressure for /user.slice ...'];
		expect(killOf({...base, lines: oomd, constraint: 'userspace', memcg: '/user.slice/s'}).by).toBe(
			'systemd-oomd',
		);
		const early = ['earlyoom: mem avail: ...', 'earlyoom: low memory! ...', 'earlyoom: sending SIGTERM ...'];
		expect(killOf({...base, lines: early, constraint: 'userspace'}).by).toBe('earlyoom');
	});

	it('columns: the killer alone, or policy+killer when policies vary too; the policy without the flag', () => {
		const r = (policy: string, userspaceOom: CompareResult['userspaceOom']) =>
			({policy, userspaceOom}) as CompareResult;
		expect(runLabels([r('lru2', 'none'), r('lru2', 'earlyoom')], true)).toEqual(['none', 'earlyoom']);
		expect(runLabels([r('lru2', 'none'), r('mglru', 'none')], true)).toEqual(['lru2+none', 'mglru+none']);
		expect(runLabels([r('lru2', 'none'), r('mglru', 'none')], false)).toEqual(['lru2', 'mglru']);
		expect(parseKillers(' none, earlyoom ')).toEqual(['none', 'earlyoom']);
	});

	it('memtop compare FILE --userspace-oom none,systemd-oomd,earlyoom: side by side, then who was killed and when', async () => {
		const {out, io: cio} = io();
		expect(
			await compareCommand(
				[boxFile, '--userspace-oom', 'none,systemd-oomd,earlyoom', '--duration', '14'],
				cio,
			),
		).toBe(0);
		const lines = out.join('').split('\n');
		expect(lines[0]).toBe('memtop compare: box, seed 1, 14 simulated seconds');
		expect(lines[1]!.trim().split(/\s+/)).toEqual(['none', 'systemd-oomd', 'earlyoom']);
		const row = (label: string) =>
			lines
				.find((l) => l.startsWith(label))!
				.slice(18)
				.trim()
				.split(/\s{2,}/);
		// The kernel kills without a daemon and with systemd-oomd (no cgroup asks it to watch anything
		// here); earlyoom acts first and the kernel never has to.
		expect(row('OOM kills')).toEqual(['1', '1', '0']);
		expect(row('userspace kills')).toEqual(['0', '0', '1']);
		const [kernelAt, sameAt, earlyAt] = row('first kill').map((t) => Number.parseFloat(t));
		expect(sameAt).toBe(kernelAt);
		expect(earlyAt).toBeLessThan(kernelAt!);
		const kills = lines.slice(lines.indexOf('kills:') + 1).filter(Boolean);
		expect(kills).toHaveLength(3);
		expect(kills[0]).toMatch(/^ {2}none {9}\s+\d+\.\d\d s {2}kernel {8}leaker \(pid 101\)$/);
		expect(kills[2]).toMatch(/^ {2}earlyoom {5}\s+\d+\.\d\d s {2}earlyoom {6}leaker \(pid 101\)$/);
		// --json: the same runs, each with its killer and kills.
		const json = io();
		await compareCommand([boxFile, '--userspace-oom', 'earlyoom', '--duration', '14', '--json'], json.io);
		const [run] = JSON.parse(json.out.join('')) as CompareResult[];
		expect(run).toMatchObject({policy: 'lru2', userspaceOom: 'earlyoom', userspaceKills: 1});
		expect(run!.kills[0]!.time).toBe(earlyAt);
	});

	it('bad values: one line, exit 2; the help says how', async () => {
		expect(await refusal([boxFile, '--userspace-oom', 'oomd'])).toBe(
			"--userspace-oom: unknown userspace OOM killer 'oomd' (expected one of none, systemd-oomd, earlyoom)",
		);
		expect(await refusal([boxFile, '--userspace-oom', ','])).toBe(
			'--userspace-oom: expected a comma-separated list of none, systemd-oomd, earlyoom, got nothing',
		);
		expect(await refusal([boxFile, '--userspace-oom'])).toBe(
			'compare: --userspace-oom expects a value, got nothing',
		);
		expect(compareHelp).toContain('--userspace-oom LIST');
		expect(compareHelp).toContain('memtop compare desktop-freeze --userspace-oom none,systemd-oomd,earlyoom');
	});
});
