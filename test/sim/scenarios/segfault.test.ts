// segfault (workloads/segfault.yaml): a wild pointer (error 4 at 10.14 s), a stack that reaches the
// stack_guard_gap above a fixed mapping (error 6 at 15.50 s, 7,936 pages grown), a write to
// read-only text (error 7 at 20.06 s); each process dies with the kernel's show_signal_msg line and
// its memory is freed; the same virtual address walks to a different frame in each process.
import {describe, expect, it} from 'vitest';
import {checkInvariants} from '../../../source/sim/invariants.js';
import {Machine} from '../../../source/sim/machine.js';
import {takeSnapshot} from '../../../source/sim/snapshot.js';
import {loadWorkload} from '../../../source/workload/load.js';
import {runScenario} from '../../helpers/scenario.js';

describe('shipped scenarios', () => {
	it('segfault: error 4, 6 and 7 at the addresses and times the file promises', {timeout: 120_000}, () => {
		const r = runScenario(loadWorkload('segfault'), 25);
		const faults = r.events.flatMap((e) => (e.kind === 'segfault' ? [e] : []));
		expect(faults.map((e) => [e.tick, e.name, e.error, e.addr.toString(16)])).toEqual([
			[1014, 'parser', 4, 'deadbeef'],
			[1550, 'recurse', 6, '7ffffe0fe000'],
			[2006, 'patcher', 7, '555555554000'],
		]);
		expect(faults.map((e) => e.line)).toEqual([
			'parser[100]: segfault at deadbeef ip 0000555555554169 sp 00007fffffffe000 error 4 in parser[555555554000+10000]',
			'recurse[101]: segfault at 7ffffe0fe000 ip 0000555555554139 sp 00007ffffe0fe000 error 6 in recurse[555555554000+10000]',
			'patcher[102]: segfault at 555555554000 ip 0000555555554149 sp 00007fffffffe000 error 7 in patcher[555555554000+10000]',
		]);
		// Each exits at the tick of its fault, reason segfault; the bystander runs on.
		const exits = r.events.flatMap((e) => (e.kind === 'process-exit' ? [[e.tick, e.name, e.reason]] : []));
		expect(exits).toEqual([
			[1014, 'parser', 'segfault'],
			[1550, 'recurse', 'segfault'],
			[2006, 'patcher', 'segfault'],
		]);
		const last = r.snapshots.at(-1)!;
		expect(last.processes.map((p) => p.name)).toEqual(['bystander']);
		expect(checkInvariants(r.machine)).toEqual([]);
	});

	it('segfault: at 10 s, /proc/PID/maps and the walks; one virtual address, a frame per process', () => {
		const m = new Machine(loadWorkload('segfault'), {seed: 1});
		for (let t = 0; t < 1000; t++) m.step();
		const s = takeSnapshot(m);
		const recurse = s.processes.find((p) => p.name === 'recurse')!;
		// 10 s of 512 pages a second: the stack is 5,120 pages (20 MiB) down from 0x7ffffffff000.
		expect(recurse.regions.map((r) => r.maps)).toEqual([
			`555555554000-555555564000 r-xp 00000000 08:01 3${' '.repeat(26)}/usr/bin/recurse`,
			`7ffffdeff000-7ffffdfff000 r-xp 00000000 00:00 0${' '.repeat(26)}[anon:jit]`,
			`7ffffebff000-7ffffffff000 rw-p 00000000 00:00 0${' '.repeat(26)}[stack]`,
		]);
		const walks = recurse.regions.map((r) => r.walk!.replace(/frame \d+/, 'frame N'));
		expect(walks).toEqual([
			'555555554000: PGD[170] → PUD[341] → PMD[170] → PTE[340] → frame N',
			// jit is never touched: its PMD entry (1 GiB slot 511, 2 MiB slot 495) points at no PTE page.
			'7ffffdeff000: PGD[255] → PUD[511] → PMD[495] → none',
			'7fffffffe000: PGD[255] → PUD[511] → PMD[511] → PTE[510] → frame N',
		]);
		// Text (PGD 170) and stack (PGD 255): 2 PUD pages, 2 PMD pages; the 20 MiB of stack from
		// 0x7ffffebff000 (PMD slot 501, not 2 MiB aligned) touch PMD slots 501..511: 11 PTE pages, and
		// one for the text.
		expect(recurse.pageTables).toEqual({pgd: 1, pud: 2, pmd: 2, pte: 12});
		// Every text starts at 0x555555554000, and each process's walk of it ends at its own frame.
		const frames = s.processes.map((p) => p.regions[0]!.walk!);
		for (const w of frames)
			expect(w).toMatch(/^555555554000: PGD\[170\] → PUD\[341\] → PMD\[170\] → PTE\[340\] → frame \d+$/);
		expect(new Set(frames).size).toBe(s.processes.length);
	});
});
