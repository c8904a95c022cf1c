// container-limit (workloads/container-limit.yaml): pod-a's app leaks up to the pod's memory.max
// of 256M; reclaim in the pod takes its own cache first, then the memcg OOM killer takes `app`
// inside the pod while the host still has GiBs free and the global OOM killer never runs.
import {describe, expect, it} from 'vitest';
import {loadWorkload} from '../../../source/workload/load.js';
import {at, runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('container-limit: the pod is OOM-killed inside its cgroup while the host has free memory', () => {
		const r = runScenario(loadWorkload('container-limit'), 17);
		const kills = r.events.filter((e) => e.kind === 'oom-kill');
		expect(kills).toHaveLength(1);
		const kill = kills[0]!;
		if (kill.kind !== 'oom-kill') throw new Error('unreachable');
		expect(kill.name).toBe('app');
		expect(kill.constraint).toBe('memcg');
		expect(kill.memcg).toBe('/kubepods/pod-a');
		// Only the pod's two tasks were candidates.
		expect(kill.candidates.map((c) => c.name).sort()).toEqual(['app', 'sidecar']);
		// 256M = 262144 kB, the pod's limit, is its usage at the kill.
		expect(kill.lines[1]).toMatch(/^memory: usage 262144kB, limit 262144kB, failcnt \d+$/);
		expect(kill.lines[3]).toContain('constraint=CONSTRAINT_MEMCG');
		expect(kill.lines[3]).toContain('oom_memcg=/kubepods/pod-a,task_memcg=/kubepods/pod-a,task=app');
		expect(kill.lines[4]).toMatch(/^Memory cgroup out of memory: Killed process 100 \(app\) total-vm:/);
		const s = at(r, 17);
		const pod = s.cgroups!.find((c) => c.path === '/kubepods/pod-a')!;
		expect(pod.events.max).toBeGreaterThan(0);
		expect(pod.events.oom).toBe(1);
		expect(pod.events.oom_kill).toBe(1);
		expect(pod.peak).toBe(256 * 256);
		// Reclaim in the pod took its own pages (the assets cache) before the kill.
		expect(pod.stat.pgsteal).toBeGreaterThan(0);
		// Everyone else lives; the host never ran short: over 1 GiB free of 2, no global OOM.
		expect(s.processes.map((p) => p.name).sort()).toEqual(['postgres', 'sidecar', 'web']);
		const tick = kill.tick;
		const atKill = r.snapshots.find((x) => x.tick >= tick)!;
		expect(atKill.frames.free * 4096).toBeGreaterThan(1024 ** 3);
		expect(s.vmstat.pgscan_kswapd).toBe(0);
		for (const path of ['/kubepods/pod-b', '/system.slice/postgres.service'])
			expect(s.cgroups!.find((c) => c.path === path)!.stat.pgscan).toBe(0);
	});
});
