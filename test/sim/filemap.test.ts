// The page cache (mm/filemap.c, mm/readahead.c; reference doc §4): mmap faults on uncached pages
// are major and read a readahead window, cached pages mapped by another process are minor faults,
// and read(2) fills the cache without faulting.
import {describe, expect, it} from 'vitest';
import {Machine} from '../../source/sim/machine.js';
import {takeSnapshot} from '../../source/sim/snapshot.js';
import type {MachineSpec, ProcessGroupSpec} from '../../source/sim/spec.js';
import {proc, runChecked} from '../helpers/machine.js';
import {group, MIB, workload} from '../helpers/workload.js';

// 64 MiB of RAM, 16 MiB of it kernel: 12288 pages free at boot, nothing under pressure.
const roomy: Partial<MachineSpec> = {ram: 64 * MIB};
// 4 MiB = 1024 pages.
const seqFile = (name: string, access: 'mmap' | 'read', start = 0): ProcessGroupSpec =>
	group(name, {
		start,
		rate: 10_000,
		regions: [{name: 'data', kind: 'file', size: 4 * MIB, object: 'db', access}],
		streams: [{region: 'data', pattern: 'sequential', weight: 1}],
	});

describe('file pages', () => {
	it('an mmap fault on an uncached page is major and reads a readahead window', () => {
		const m = new Machine(workload([seqFile('a', 'mmap')], roomy), {seed: 1});
		runChecked(m, 1);
		let s = takeSnapshot(m);
		let a = proc(s, 'a');
		expect(a.majflt).toBeGreaterThan(0);
		// Windows 4, 8, 16, 32, 32, …: the page cache holds exactly the windows read so far.
		const windows = [4, 8, 16, 32];
		const cached = (majors: number) =>
			windows.slice(0, majors).reduce((x, y) => x + y, 0) + Math.max(0, majors - 4) * 32;
		expect(s.frames.file).toBe(cached(a.majflt));
		expect(s.frames.file).toBeGreaterThan(1);
		expect(s.vmstat.pgmajfault).toBe(a.majflt);
		// Every other page was found in the cache: a minor fault to map it.
		expect(a.minflt + a.majflt).toBe(a.refs);
		runChecked(m, 199);
		s = takeSnapshot(m);
		a = proc(s, 'a');
		// 1024 pages: 4 + 8 + 16 + 32 = 60 in 4 major faults, then ⌈(1024 − 60)/32⌉ = ⌈30.1⌉ = 31 more.
		expect(a.majflt).toBe(35);
		expect(a.minflt).toBe(1024 - 35);
		expect(s.vmstat.pgfault).toBe(1024);
		expect(s.frames.file).toBe(1024);
		expect(a.file).toBe(1024);
		// pgpgin is in kB: 1024 pages · 4.
		expect(s.vmstat.pgpgin).toBe(4096);
		expect(s.meminfo.Mapped).toBe(4096);
		expect(s.meminfo.Cached).toBe(4096);
	});

	it('a page already cached, mapped by a second process, is a minor fault', () => {
		// a reads the whole file in by 1 s; b maps the same object at random from 1 s on.
		const w = workload(
			[
				seqFile('a', 'mmap'),
				group('b', {
					start: 1,
					rate: 10_000,
					regions: [{name: 'data', kind: 'file', size: 4 * MIB, object: 'db'}],
					streams: [{region: 'data', pattern: 'random', weight: 1}],
				}),
			],
			roomy,
		);
		const m = new Machine(w, {seed: 1});
		runChecked(m, 100);
		const before = takeSnapshot(m);
		expect(before.frames.file).toBe(1024);
		runChecked(m, 300);
		const s = takeSnapshot(m);
		const b = proc(s, 'b');
		// 3 s of random references over 1024 pages touch them all: 1024 minor faults, no IO.
		expect(b.majflt).toBe(0);
		expect(b.minflt).toBe(1024);
		expect(s.vmstat.pgmajfault).toBe(before.vmstat.pgmajfault);
		expect(s.vmstat.pgfault).toBe(before.vmstat.pgfault + 1024);
		expect(s.vmstat.pgpgin).toBe(before.vmstat.pgpgin);
		expect(s.frames.file).toBe(1024);
	});

	it('read(2) goes through the page cache without page faults', () => {
		const m = new Machine(workload([seqFile('r', 'read')], roomy), {seed: 1});
		runChecked(m, 200);
		const s = takeSnapshot(m);
		const r = proc(s, 'r');
		expect(r.minflt).toBe(0);
		expect(r.majflt).toBe(0);
		expect(s.vmstat.pgfault).toBe(0);
		expect(s.vmstat.pgmajfault).toBe(0);
		// The whole file is cached (same readahead windows), but nothing is mapped.
		expect(s.frames.file).toBe(1024);
		expect(s.vmstat.pgpgin).toBe(4096);
		expect(r.file).toBe(0);
		expect(r.rss).toBe(0);
		expect(s.meminfo.Mapped).toBe(0);
		expect(s.meminfo.Cached).toBe(4096);
	});
});
